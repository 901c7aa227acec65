"""A small helper for background jobs and worker rounds: duration, failures, a log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from gatehouse.ops.logs import log_event
from gatehouse.ops.metrics import JOB_FAILURES, JOB_SECONDS

logger = logging.getLogger("gatehouse.jobs")


@contextmanager
def job(name: str) -> Iterator[None]:
    """Time the block as the job ``name``; an exception counts as a failure, is logged and
    raised again."""
    start = time.perf_counter()
    try:
        yield
    except Exception:
        elapsed = time.perf_counter() - start
        JOB_SECONDS.labels(name).observe(elapsed)
        JOB_FAILURES.labels(name).inc()
        logger.exception(
            "job failed",
            extra={
                "event": "job.failed",
                "fields": {"job": name, "duration_ms": round(elapsed * 1000, 1)},
            },
        )
        raise
    elapsed = time.perf_counter() - start
    JOB_SECONDS.labels(name).observe(elapsed)
    log_event(
        logger,
        logging.DEBUG,
        "job.done",
        "job done",
        job=name,
        duration_ms=round(elapsed * 1000, 1),
    )


def failed(name: str, count: int = 1) -> None:
    """Count failures a job reports without raising (exports that failed, messages refused)."""
    if count > 0:
        JOB_FAILURES.labels(name).inc(count)
        log_event(
            logger,
            logging.WARNING,
            "job.failures",
            "job reported failures",
            job=name,
            failures=count,
        )
