"""Device requests answered beside Django's request cycle.

A turnstile posts a read and waits for the barrier to open: on the two-core box a site runs on,
the gate API must answer hundreds of reads a second within 20 ms (issue 3 §9). Django's request
cycle — building the request, ten middlewares, URL resolution, django-ninja's parameter and
response models — cost about a third of the CPU a decision took, more than the rules and the
event log together. So the WSGI application served in production wraps Django's with
:class:`DeviceFastPath`, which answers the few device routes in :data:`ROUTES` (a device key in
``X-Device-Key``) and the push addresses in :data:`PUSH_ROUTES` (a plate camera's result, the
token in the URL) directly.

The fast path is only an optimisation and knows nothing the full stack does not:

* It serves only the ordinary case: a ``POST`` of JSON from an allowed host, without cookies,
  from a device whose key is valid (and from an address not cooling off after failed keys,
  :mod:`gatehouse.throttle`: one dict look-up), that the route's handler answers with 200.
  Everything else — a bad or missing key, malformed JSON, a validation or domain error, an
  unexpected exception — is handed to Django with the body it read, and the full stack gives
  the answer and its error as it would have anyway. A handler writes nothing unless it returns
  an answer (errors raise before the transaction, see
  :func:`gatehouse.gate.nonce.answer_once`), so handing over never records a read twice; a
  read that was recorded and then failed (there is nothing left to fail but encoding the
  reply) is answered by the nonce's stored reply.
* The handler of a route is the same function the django-ninja view calls, and both return the
  same bytes; the response carries the headers the middlewares would add (``tests/api`` compares
  the two stacks response for response).
* A route whose URL changed is simply not matched: requests then take the full stack, slower but
  correct (a test pins :data:`ROUTES` to the API's URLs).
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest
from django.utils import translation
from django.utils.module_loading import import_string

from gatehouse.inputguard import GATE_READ_MAX_BODY, body_is_hostile, body_limit
from gatehouse.ops.logs import request_id, request_id_from
from gatehouse.ops.metrics import API_SECONDS
from gatehouse.ops.middleware import log_request

logger = logging.getLogger("gatehouse.fastpath")

# PATH_INFO → the dotted path of a handler ``(device, body) -> bytes | None``: the JSON of a
# 200 answer, or None to hand the request to the full stack. The device presents its key in
# ``X-Device-Key``, and may come from the decision path's memory: a handler here must write
# only through gatehouse.gate.nonce.answer_once, which checks such a device (or raises
# StaleDevice having written nothing).
ROUTES = {
    "/api/v1/gate/decisions": "gatehouse.access.api.gate_decision_fast",
}
# Push addresses: (the path before the token, the path after it) → the dotted path of a handler
# ``(token, body) -> bytes | None`` that authenticates the device by the token in its address
# itself (a plate camera posts to ``/api/v1/cameras/gc_…/plate`` and can add no header).
PUSH_ROUTES = {
    ("/api/v1/cameras/", "/plate"): "gatehouse.vehicles.api.camera_push_fast",
}
# A push address's token: the scheme's prefix and URL-safe characters (anything else: the full
# stack, whose URL resolver refuses it).
_TOKEN = re.compile(r"gc_[A-Za-z0-9_-]{1,180}")
# A device's read is a few hundred bytes; anything longer takes the full stack, which answers 413
# (one limit for both stacks, see gatehouse.inputguard).
MAX_BODY = GATE_READ_MAX_BODY

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Handler = Callable[[Any, bytes], bytes | None]
PushHandler = Callable[[str, bytes], bytes | None]


class DeviceFastPath:
    """WSGI middleware: :data:`ROUTES` answered directly, everything else by ``app``."""

    def __init__(
        self,
        app: WSGIApp,
        routes: dict[str, str] | None = None,
        push_routes: dict[tuple[str, str], str] | None = None,
    ):
        self.app = app
        self.routes: dict[str, Handler] = {
            path: import_string(target) for path, target in (routes or ROUTES).items()
        }
        pushes = PUSH_ROUTES if push_routes is None else push_routes
        self.push_routes: list[tuple[str, str, PushHandler]] = [
            (before, after, import_string(target)) for (before, after), target in pushes.items()
        ]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        handler = self.routes.get(path)
        push = None if handler is not None else self._push_route(path)
        if (handler is None and push is None) or not _plain(environ, body_limit(path)):
            return self.app(environ, start_response)
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it
            body = request.body
        except (DisallowedHost, RequestDataTooBig):
            return self.app(environ, start_response)
        if request.is_secure() and settings.SECURE_HSTS_SECONDS:
            answer = None  # the full stack adds Strict-Transport-Security
        elif body_is_hostile(body):
            answer = None  # a NUL or a lone surrogate: the full stack answers 422
        elif push is not None:
            token, pushed = push
            push_endpoint = _push_pattern(path, token)
            answer = self._answer(environ, lambda: pushed(token, body), push_endpoint)
        elif handler is not None:
            keyed = handler
            answer = self._answer(environ, lambda: _with_key(keyed, environ, body), path[1:])
        else:  # pragma: no cover (a route matched: one of the two is set)
            answer = None
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        content_type = JSON if push is None else PUSH_JSON
        headers = [
            *_headers(content_type),
            ("Content-Length", str(len(answer))),
            ("X-Request-ID", environ["HTTP_X_REQUEST_ID"]),
        ]
        start_response("200 OK", headers)
        return [answer]

    def _push_route(self, path: str) -> tuple[str, PushHandler] | None:
        """The token and the handler of a push address, or None."""
        for before, after, handler in self.push_routes:
            if path.startswith(before) and path.endswith(after):
                token = path[len(before) : len(path) - len(after)]
                if _TOKEN.fullmatch(token):
                    return token, handler
        return None

    def _answer(
        self, environ: dict[str, Any], call: Callable[[], bytes | None], endpoint: str
    ) -> bytes | None:
        from gatehouse.gate.rows import bound
        from gatehouse.throttle import address_of, key_throttle

        # One request id for the answer here and, handed over, for the full stack's.
        rid = environ["HTTP_X_REQUEST_ID"] = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        if key_throttle.retry_after(address_of(environ)) is not None:
            return None  # an address cooling off after failed keys: the full stack says 429
        token = request_id.set(rid)
        start = time.perf_counter()
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            translation.activate(settings.LANGUAGE_CODE)
            with bound():
                answer = call()
            if answer is not None:
                elapsed = time.perf_counter() - start
                API_SECONDS.labels(endpoint, "fast").observe(elapsed)
                log_request("POST", environ.get("PATH_INFO", ""), 200, elapsed, stack="fast")
            return answer
        except Exception:
            logger.exception("device fast path failed; handing the request to the full stack")
            return None
        finally:
            signals.request_finished.send(sender=self.__class__)
            request_id.reset(token)


def _push_pattern(path: str, token: str) -> str:
    """A push address as the latency histogram names it: the token replaced by ``<token>``, as
    in the URL pattern the full stack reports."""
    return path[1:].replace(token, "<token>", 1)


def _with_key(handler: Handler, environ: dict[str, Any], body: bytes) -> bytes | None:
    """A route whose device presents its key in ``X-Device-Key``; an unknown key: the full
    stack (which counts the failure). The device may come from memory (a gate decision's write
    checks it, :mod:`gatehouse.gate.reads`); if the devices' registry changed since, nothing was
    written, and the device is looked up again and the request decided again."""
    from gatehouse.devices.services import device_authenticate
    from gatehouse.gate.reads import StaleDevice, forget_devices

    key = environ.get("HTTP_X_DEVICE_KEY")
    device = device_authenticate(key, memory=True)
    if device is None:
        return None
    try:
        return handler(device, body)
    except StaleDevice:
        forget_devices()
        device = device_authenticate(key, memory=True)
        return None if device is None else handler(device, body)


def _plain(environ: dict[str, Any], limit: int | None) -> bool:
    """A device's ordinary request: POST, JSON, a length within the path's limit, no cookies (a
    cookie could carry a session or choose the language, which the full stack honours)."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("HTTP_COOKIE"):
        return False
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        return False
    length = environ.get("CONTENT_LENGTH", "")
    return length.isdigit() and 0 < int(length) <= (limit or MAX_BODY)


# The content type of django-ninja's answers, and of a camera's reply (a JsonResponse).
JSON = "application/json; charset=utf-8"
PUSH_JSON = "application/json"


def _headers(content_type: str) -> list[tuple[str, str]]:
    """The headers Django's middlewares put on a JSON answer of the device API."""
    headers = [
        ("Content-Type", content_type),
        ("Vary", "Accept-Language"),
        ("Content-Language", settings.LANGUAGE_CODE),
    ]
    if settings.X_FRAME_OPTIONS:
        headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        if not isinstance(policy, str):
            policy = ",".join(policy)
        headers.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers
