"""Benchmarks (run as scripts); the relay is also imported by tests/edge."""
