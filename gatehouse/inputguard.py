"""Hostile input is answered with a 4xx before any view sees it (issue 12 §5).

One middleware, :class:`HostileInputMiddleware`, for the console and the API alike:

* A NUL character anywhere in the path, a query parameter, a cookie, a form field (names and
  file names of uploads included) or a string of a JSON body (``\\u0000``, keys too) → 422
  ``input.nul``. PostgreSQL cannot store a NUL in a text column (it raised, a 500) and SQLite
  stored it; now neither sees one. A lone UTF-16 surrogate in a JSON body (``\\ud800``, which
  no database can encode) → 422 ``input.encoding``.
* A request body over its limit → 413 ``request.too_large`` with ``details.limit`` in bytes:
  :data:`GATE_READ_MAX_BODY` for the device reads (the same constant the device fast path uses,
  so both stacks refuse the same bodies), :data:`CAMERA_MAX_BODY` for a plate camera's push
  (it carries pictures), :data:`API_MAX_BODY` for the rest of the API, and
  Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for a console form (uploaded files are not counted:
  imports and admission documents keep their own, larger limits in their forms).

The API answers with its error JSON ``{code, message, details}``; a console page answers with the
styled ``422.html`` / ``413.html``. Nothing is written: the request never reaches a view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from gatehouse.core.text import has_nul

API_PREFIX = "/api/"

# A device's read is a few hundred bytes. One limit for both stacks: the fast path hands a longer
# body to the full stack, which answers it 413 here.
GATE_READ_MAX_BODY = 64 * 1024
# The paths of the device reads (tests pin them to the API's URLs): the gate and vehicle
# decisions.
GATE_READ_PATHS = frozenset({"/api/v1/gate/decisions", "/api/v1/vehicle/decisions"})
# Every plate camera push and heartbeat (``/cameras/vzenith``, ``/cameras/<token>/plate``, their
# ``/heartbeat``): a push carries the snapshot pictures in base64 (the whole frame and the
# plate's crop, kept as evidence), a few hundred KiB for a 1080p JPEG; 4 MiB leaves room for
# the cameras that send larger frames, no more.
CAMERA_PREFIX = "/api/v1/cameras/"
CAMERA_MAX_BODY = 4 * 1024 * 1024
# No API operation takes a file: its bodies are small JSON documents.
API_MAX_BODY = 1024 * 1024

NUL = ("input.nul", "输入内容含有不允许的空字符（NUL），请删除后重新提交")
ENCODING = ("input.encoding", "输入内容含有无法识别的字符，请检查后重新提交")
TOO_LARGE = ("request.too_large", "提交的内容过大，请精简后重试")

# JSON escapes worth parsing the body for: NUL, and the UTF-16 surrogates (D800–DFFF).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}|[dD][c-fC-F][0-9a-fA-F]{2})")
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def body_is_hostile(body: bytes) -> bool:
    """A cheap test a device fast path can afford: ``body`` may hold a NUL (raw or escaped) or a
    lone surrogate escape; such a body is for the full stack to refuse."""
    return b"\x00" in body or _SUSPECT_ESCAPE.search(body) is not None


def body_limit(path: str) -> int | None:
    """The largest body a request to ``path`` may send, checked before it is read; None for the
    console, whose forms Django limits as they are parsed."""
    if path in GATE_READ_PATHS:
        return GATE_READ_MAX_BODY
    if path.startswith(CAMERA_PREFIX):
        return CAMERA_MAX_BODY
    if path.startswith(API_PREFIX):
        return API_MAX_BODY
    return None


def _strings_of(value: Any) -> Iterable[str]:
    """Every string in a parsed JSON document, object keys included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _text_fault(texts: Iterable[str]) -> tuple[str, str] | None:
    for text in texts:
        if has_nul(text):
            return NUL
        if any("\ud800" <= char <= "\udfff" for char in text):
            return ENCODING
    return None


def _pairs(query: Any) -> Iterable[str]:
    for key, values in query.lists():
        yield key
        yield from values


def _body_fault(body: bytes, content_type: str) -> tuple[str, str] | None:
    """A NUL in a raw body of any type, ``%00`` in a URL-encoded one, ``\\u0000`` or a lone
    surrogate in a JSON one."""
    if b"\x00" in body:
        return NUL
    if content_type == "application/x-www-form-urlencoded":
        return NUL if b"%00" in body else None
    if not _SUSPECT_ESCAPE.search(body):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON: the view answers that
    return _text_fault(_strings_of(document))


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        fault = _text_fault([request.path, *_pairs(request.GET)]) or _text_fault(
            [*request.COOKIES.keys(), *request.COOKIES.values()]
        )
        if fault is not None:
            return _unprocessable(request, fault)
        limit = body_limit(request.path_info)
        if limit is not None and _content_length(request) > limit:
            return _too_large(request, limit)
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return None
        content_type = request.content_type or ""
        try:
            if _is_api(request):
                # The API's views read the raw body: it is read here (within its limit) and left
                # for them, never parsed as a form (that would consume the stream).
                fault = _body_fault(request.body, content_type)
            elif content_type in _FORM_TYPES:
                names = [upload.name or "" for upload in request.FILES.values()]
                fault = _text_fault([*_pairs(request.POST), *names])
            else:
                fault = _body_fault(request.body, content_type)
        except RequestDataTooBig:
            return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None if fault is None else _unprocessable(request, fault)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The API's error document (``gatehouse.api`` answers with it too)."""
    return {"code": code, "message": message, "details": details or {}}


def error_json(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    """The error document as a response, for answers given outside django-ninja's handlers."""
    return JsonResponse(
        error_body(code, message, details), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _page(template: str, status: int, context: dict[str, Any]) -> HttpResponse:
    # Rendered without the request: its session, user and CSRF token are not to be touched (a
    # hostile cookie may be the session's).
    return HttpResponse(render_to_string(template, context), status=status)


def _unprocessable(request: HttpRequest, fault: tuple[str, str]) -> HttpResponse:
    code, message = fault
    if _is_api(request):
        return error_json(422, code, message)
    return _page("422.html", 422, {"code": code, "message": message})


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    code, message = TOO_LARGE
    if _is_api(request):
        return error_json(413, code, message, {"limit": limit})
    return _page("413.html", 413, {"code": code, "message": message, "limit": limit})
