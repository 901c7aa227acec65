"""The Gatehouse HTTP API (django-ninja), mounted at ``/api/v1/``; OpenAPI at ``openapi.json``.

Every error is JSON ``{"code", "message", "details"}`` with a Chinese message (see
:class:`gatehouse.apiauth.ErrorOut`):

=====================================  ======  ==========================================
raised                                 status  code
=====================================  ======  ==========================================
``InvalidInput`` (malformed input)     422     the core's code, e.g. ``id_number.checksum``
``DomainError`` (a rule said no)       400     its code; ``*.duplicate*`` codes → 409
request schema validation              422     ``invalid_request`` (``details.errors``)
a NUL character in any text            422     ``input.nul`` (see :mod:`gatehouse.inputguard`)
a lone UTF-16 surrogate in JSON        422     ``input.encoding``
body over its limit                    413     ``request.too_large`` (``details.limit``, bytes)
no / bad token, session or device key  401     ``unauthenticated``
too many bad keys from the address     429     ``auth.throttled`` (``Retry-After``)
CSRF token missing on a session write  403     ``csrf_failed``
``PermissionDenied``                   403     ``forbidden``
``Http404`` / unknown path             404     ``not_found``
wrong method                           405     ``method_not_allowed``
anything else                          500     ``server_error`` (logged, nothing leaked)
=====================================  ======  ==========================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from gatehouse.accounts.api import router as accounts_router
from gatehouse.apiauth import DeviceUnauthenticated, person_auth
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.devices.api import router as devices_router
from gatehouse.inputguard import (
    API_MAX_BODY,
    GATE_READ_MAX_BODY,
    TOO_LARGE,
    error_body,
    error_json,
)
from gatehouse.people.api import router as people_router
from gatehouse.sites.api import router as sites_router
from gatehouse.throttle import KeyThrottled

logger = logging.getLogger("gatehouse.api")

NOT_FOUND = ("not_found", "未找到该记录")
FORBIDDEN = ("forbidden", "无权访问")
UNAUTHENTICATED = ("unauthenticated", "请先登录或提供有效的令牌")
SERVER_ERROR = ("server_error", "服务器内部错误，请稍后重试；如问题持续请联系管理员")
INVALID_REQUEST = ("invalid_request", "请求参数不正确，请检查标出的字段")

# Generic answers for HttpError statuses raised by django-ninja or by our code.
_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确，请提交有效的 JSON"),
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与现有记录冲突"),
    413: TOO_LARGE,
    429: ("throttled", "请求过于频繁，请稍后再试"),
}

# Chinese for the pydantic error types a client is most likely to meet.
_FIELD_MESSAGES: dict[str, str] = {
    "missing": "此项必填",
    "string_type": "应为文本",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "datetime_parsing": "日期时间格式不正确，应为 ISO 8601，如 2026-11-24T09:30:00+08:00",
    "datetime_from_date_parsing": "日期时间格式不正确，应为 ISO 8601，如 2026-11-24T09:30:00+08:00",
    "datetime_type": "日期时间格式不正确",
    "date_parsing": "日期格式不正确，应为 2026-11-24",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "json_invalid": "JSON 格式不正确",
    "value_error": "取值不正确",
}


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Chinese written as Chinese, not ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _json_error(status: int, code: str, message: str, **headers: str) -> HttpResponse:
    response = error_json(status, code, message)
    for name, value in headers.items():
        response[name] = value
    return response


def _jsonify(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a URL pattern's view so the few errors Django/ninja answer outside the API's
    exception handlers (method not allowed, the API root's 404) are JSON too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _json_error(404, *NOT_FOUND)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            return _json_error(405, *_HTTP_ERRORS[405], Allow=response.get("Allow", ""))
        return response

    return wrapper


def _not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _json_error(404, *NOT_FOUND)


# Answers any operation may give besides its own (see the table above); the OpenAPI documents them
# on every operation they can come from, so a client — and the schema fuzzer in tests/api — finds
# each status the server sends.
_SHARED_STATUSES: dict[int, str] = {
    400: "请求体不是有效的 JSON（bad_request）",
    401: "未登录、令牌或设备密钥无效（unauthenticated）",
    403: "会话写操作缺少 CSRF 令牌（csrf_failed）或无权操作（forbidden）",
    404: "路径中的编号不存在或不可见（not_found）",
    413: "请求体超过上限（request.too_large，details.limit 为字节数）",
    422: "参数格式不正确（invalid_request）或含空字符 NUL（input.nul）",
    500: "服务器内部错误（server_error）",
}
_UNSAFE = {"post", "put", "patch", "delete"}


def _shared_statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    statuses = {413, 422, 500}
    if method in _UNSAFE:
        statuses.add(400)
    security = {name for entry in operation.get("security", []) for name in entry}
    if security:
        statuses.add(401)
    if method in _UNSAFE and "SessionAuth" in security:
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    return statuses


class GatehouseAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(_shared_statuses(path, method, operation)):
                    responses.setdefault(
                        status, {"description": _SHARED_STATUSES[status], "content": error}
                    )
        return schema

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if not iscoroutinefunction(pattern.callback):
                pattern.callback = _jsonify(pattern.callback)
        # Anything else under /api/v1/ is a JSON 404, not Django's HTML page.
        patterns.append(re_path(r"^.*$", _not_found_view, name="not-found"))
        return patterns, app_name, namespace


api = GatehouseAPI(
    title="Gatehouse API",
    version="1",
    description=(
        "Gatehouse 园区封闭管理系统接口。人员用个人令牌（Authorization: Bearer gh_…）或控制台"
        "登录会话访问；设备用设备密钥（X-Device-Key: gd_…）访问。所有错误均返回 JSON："
        '{"code": 机器代码, "message": 中文说明, "details": 补充信息}。'
        "身份证号与手机号只以脱敏形式返回。"
        f"请求体上限：设备读取（闸机、车辆判定、相机推送）{GATE_READ_MAX_BODY // 1024} KiB，"
        f"其他接口 {API_MAX_BODY // 1024 // 1024} MiB，超出返回 413 request.too_large；"
        "任何文本（含查询参数）中出现空字符 NUL 返回 422 input.nul。"
    ),
    urls_namespace="api",
    docs_url="/docs",
    auth=person_auth,
    renderer=UnicodeJSONRenderer(),
)


def _respond(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


def _is_conflict(code: str) -> bool:
    return code.rsplit(".", 1)[-1].startswith("duplicate")


@api.exception_handler(DomainError)
def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, InvalidInput):
        status = 422
    elif _is_conflict(exc.code):
        status = 409
    else:
        status = 400
    return _respond(request, status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        kind = str(error.get("type", ""))
        errors.append(
            {
                "field": loc[-1] if loc else "",
                "location": loc[0] if loc else "",
                "loc": loc,
                "type": kind,
                "message": _FIELD_MESSAGES.get(kind, "格式不正确"),
            }
        )
    return _respond(request, 422, *INVALID_REQUEST, {"errors": errors})


@api.exception_handler(AuthenticationError)
def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = getattr(exc, "zh_message", UNAUTHENTICATED[1])
    response = _respond(request, 401, UNAUTHENTICATED[0], message)
    if not isinstance(exc, DeviceUnauthenticated):
        response["WWW-Authenticate"] = 'Bearer realm="gatehouse"'
    return response


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", "请求无法处理"))
    code = getattr(exc, "code", code)
    message = getattr(exc, "zh_message", message)
    return _respond(request, exc.status_code, code, message)


@api.exception_handler(KeyThrottled)
def _on_key_throttled(request: HttpRequest, exc: KeyThrottled) -> HttpResponse:
    """Too many failed keys from this address: 429 until its window passes (gatehouse.throttle)."""
    details = {"retry_after": exc.retry_after}
    response = _respond(request, 429, exc.code, exc.zh_message, details)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, 404, *NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _respond(request, 403, *FORBIDDEN)


@api.exception_handler(RequestDataTooBig)
def _on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # The middleware refuses a declared length over the limit before the view; this is the
    # body Django itself found too long while reading it.
    return _respond(request, 413, *TOO_LARGE, {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


@api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return _respond(request, 500, *SERVER_ERROR)


api.add_router("", accounts_router)
api.add_router("", sites_router)
api.add_router("", people_router)
api.add_router("", devices_router)
api.add_router("", "gatehouse.access.api.router")
api.add_router("", "gatehouse.vehicles.api.router")
api.add_router("", "gatehouse.edge.api.router")
