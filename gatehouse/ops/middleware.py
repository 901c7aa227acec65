"""The operator's middleware, first in ``settings.MIDDLEWARE``.

* ``/healthz``, ``/readyz`` and ``/metrics`` are answered here, before the session, the
  locale, the HTTPS redirect, the login and any throttle (:mod:`gatehouse.ops.endpoints`).
* Every other request gets a request id — the proxy's ``X-Request-ID`` when well formed, else a
  fresh one — that its log lines carry and its response echoes, one log line when it is
  answered (method, path without the query, status, milliseconds; never a body) and, under
  ``/api/``, its time in the latency histogram by URL pattern.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gatehouse.ops.endpoints import ENDPOINTS
from gatehouse.ops.logs import log_event, request_id, request_id_from
from gatehouse.ops.metrics import API_SECONDS

logger = logging.getLogger("gatehouse.request")

# A camera's push address carries its token: never in a log line.
_TOKEN = re.compile(r"gc_[A-Za-z0-9_-]+")


def loggable_path(path: str) -> str:
    return _TOKEN.sub("gc_***", path)


def log_request(method: str, path: str, status: int, seconds: float, stack: str = "django") -> None:
    log_event(
        logger,
        logging.INFO,
        "request",
        f"{method} {loggable_path(path)} {status}",
        method=method,
        path=loggable_path(path),
        status=status,
        duration_ms=round(seconds * 1000, 1),
        stack=stack,
    )


class OpsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None:
            return endpoint(request)
        rid = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_id.set(rid)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - start
            response["X-Request-ID"] = rid
            if request.path_info.startswith("/api/"):
                match = getattr(request, "resolver_match", None)
                route = getattr(match, "route", None) or "unmatched"
                API_SECONDS.labels(route, "django").observe(elapsed)
            log_request(request.method or "-", request.path, response.status_code, elapsed)
            return response
        finally:
            request_id.reset(token)
