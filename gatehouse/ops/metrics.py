"""Prometheus metrics (``/metrics``, :mod:`gatehouse.ops.endpoints`).

Counters and histograms live in the process that counts them. Granian serves with several
worker processes, so with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty directory, emptied before
the server starts, writable by every worker) prometheus_client keeps each process's values in
files there and a scrape sums them (its multiprocess mode); unset, a scrape sees only the
process that answered it, which is right for one process and misleading for several.

Gauges about the site's state — devices online, sync lag, queue depths, the workers'
heartbeats — are read from the database at scrape time (:mod:`gatehouse.ops.scrape`): a
handful of aggregate queries, never per request. This module imports no app: the gate's
decision path counts into it.

Labels carry no personal data: site and gate ids, outcomes, reason codes, endpoint patterns
and job names only.
"""

from __future__ import annotations

import os

from prometheus_client import (
    Counter,
    Histogram,
)

DECISIONS = Counter(
    "gatehouse_decisions",
    "Gate decisions by site, outcome and reason code.",
    ["site", "source", "outcome", "reason"],
)
# A device waits for its answer at the lane: the buckets are fine below 100 ms.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)
API_SECONDS = Histogram(
    "gatehouse_api_request_seconds",
    "Time to answer a device/API request, by endpoint pattern and stack (django or fast path).",
    ["endpoint", "stack"],
    buckets=LATENCY_BUCKETS,
)
JOB_SECONDS = Histogram(
    "gatehouse_job_seconds",
    "Duration of background jobs and worker rounds.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)
JOB_FAILURES = Counter("gatehouse_job_failures", "Failed background jobs.", ["job"])
LOGIN_FAILURES = Counter("gatehouse_login_failures", "Failed console/admin logins.")


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def decision_counted(site: int, source: str, outcome: str, reason: str) -> None:
    DECISIONS.labels(str(site), source, outcome, reason).inc()
