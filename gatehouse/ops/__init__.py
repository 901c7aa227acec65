"""Operations: what an operator watches — health checks, Prometheus metrics, JSON logs with
request ids, and the workers' heartbeats (issue 18 §2)."""
