"""``/healthz``, ``/readyz`` and ``/metrics``: answered by :class:`~gatehouse.ops.middleware.
OpsMiddleware` before any other middleware (no session, no login, no throttle).

* ``/healthz`` — liveness: the process answers. No database. Always 200.
* ``/readyz`` — readiness (:mod:`gatehouse.ops.health`): 200 when every check passes, else
  503; the body names the checks and says ``ok`` or ``fail``, nothing more.
* ``/metrics`` — Prometheus text (:mod:`gatehouse.ops.metrics`), for a scraper on the same
  machine (a direct connection from the loopback address, not one relayed by a proxy) or one
  presenting ``Authorization: Bearer <GATEHOUSE_METRICS_TOKEN>``; anyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from gatehouse.ops.health import readiness

_NO_STORE = {"Cache-Control": "no-store"}


def _allowed_method(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ("GET", "HEAD"):
        return JsonResponse(
            {"status": "fail", "code": "method.not_allowed"},
            status=405,
            headers={"Allow": "GET, HEAD"},
        )
    return None


def healthz(request: HttpRequest) -> HttpResponse:
    return _allowed_method(request) or JsonResponse({"status": "ok"}, headers=_NO_STORE)


def readyz(request: HttpRequest) -> HttpResponse:
    refused = _allowed_method(request)
    if refused is not None:
        return refused
    results = readiness(timezone.now())
    ready = all(results.values())
    body = {
        "status": "ok" if ready else "fail",
        "checks": {name: "ok" if ok else "fail" for name, ok in results.items()},
    }
    return JsonResponse(body, status=200 if ready else 503, headers=_NO_STORE)


def scrape_allowed(request: HttpRequest) -> bool:
    token = settings.GATEHOUSE_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())
    if request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_X_REAL_IP"):
        return False  # relayed by a proxy: not a local scraper, whatever the socket says
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics(request: HttpRequest) -> HttpResponse:
    refused = _allowed_method(request)
    if refused is not None:
        return refused
    if not scrape_allowed(request):
        return JsonResponse(
            {"code": "metrics.forbidden", "message": "需要本机访问或有效的监控令牌"}, status=403
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    from gatehouse.ops.scrape import exposition

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST, headers=_NO_STORE)


ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}
