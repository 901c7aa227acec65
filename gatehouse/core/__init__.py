"""The pure-Python domain core: rules, validation and arithmetic.

Nothing in this package imports Django (enforced by an import-linter contract). Functions here
are handed everything they need, including ``now``; they never read the clock or the database.
"""
