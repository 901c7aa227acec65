"""Who is calling the API, what they may reach, and the error contract every endpoint shares.

People authenticate with a bearer token (``Authorization: Bearer gh_…``) or with their console
session (CSRF enforced on unsafe methods). Devices authenticate with ``X-Device-Key: gd_…``.

Tenancy: every look-up goes through :func:`site_for` / :func:`visible_site_ids`, so a record of
a site the caller does not belong to is "not found" (404), never "forbidden" (403) — a 403 would
confirm that it exists. A 403 is only returned at a site the caller already sees, when their role
there does not allow the action.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf
from pydantic import ConfigDict

from gatehouse.accounts.selectors import site_ids_for
from gatehouse.accounts.services import api_token_authenticate
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_authenticate
from gatehouse.sites.models import Site
from gatehouse.throttle import client_address, key_throttle

# --------------------------------------------------------------------------------------------
# The error contract
# --------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error of the API has this shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "id_number.checksum",
                    "message": "身份证号码校验位不正确，可能有输错的数字，请核对。",
                    "details": {"field": "id_number", "value": "110105********0021"},
                },
                {"code": "not_found", "message": "未找到该记录", "details": {}},
            ]
        }
    )

    code: str = Field(
        description="机器可读的错误代码，例如 not_found、invalid_request、id_number.checksum",
        examples=["not_found"],
    )
    message: str = Field(description="给用户看的中文说明", examples=["未找到该记录"])
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="结构化的补充信息：出错的字段、已脱敏的取值、校验错误列表等",
    )


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response=`` entries: these statuses (and 429 — too many failed keys from the caller's
    address, see :mod:`gatehouse.throttle` — and 500) answer with :class:`ErrorOut`."""
    return dict.fromkeys((*statuses, 429, 500), ErrorOut)


class CsrfFailed(HttpError):
    """A session-authenticated unsafe request without a valid CSRF token."""

    code = "csrf_failed"
    zh_message = "安全校验（CSRF）失败，请刷新页面后重试"

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class DeviceUnauthenticated(AuthenticationError):
    """No device key, or one that is unknown, replaced or revoked."""

    zh_message = "设备密钥无效或已吊销"


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer gh_…`` — a personal API token issued in the admin."""

    openapi_bearerFormat = "gh_…"
    openapi_description = "个人 API 令牌：Authorization: Bearer gh_…（在后台签发，只显示一次）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key_throttle.check(request)
        api_token = api_token_authenticate(token)
        if api_token is None:
            key_throttle.fail(client_address(request), kind="API token", presented=token)
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The console's Django session. Unsafe methods must carry the CSRF token.

    The CSRF check runs only when a session user is present, so a request with neither a session
    nor a token is answered 401 (not a misleading CSRF 403).
    """

    openapi_description = "控制台登录会话（Cookie）；POST 等写操作须带 X-CSRFToken 请求头"

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated and request.user.is_active:
            return request.user
        return None


class DeviceKeyAuth(APIKeyHeader):
    """``X-Device-Key: gd_…`` — the key of one device, issued and revoked in the admin."""

    param_name = "X-Device-Key"
    openapi_description = "设备密钥：X-Device-Key: gd_…（在后台签发，只显示一次）"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device:
        key_throttle.check(request)
        device = device_authenticate(key, address=client_address(request))
        if device is None:
            raise DeviceUnauthenticated()
        request.device = device  # type: ignore[attr-defined]
        return device


token_auth = ApiTokenAuth()
session_auth = SessionAuth()
device_auth = DeviceKeyAuth()
# People: a token first (no CSRF needed), then the session.
person_auth = [token_auth, session_auth]


# --------------------------------------------------------------------------------------------
# Tenancy
# --------------------------------------------------------------------------------------------


def visible_site_ids(request: HttpRequest, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the sites where the caller holds one of ``roles`` (any role when None)."""
    return site_ids_for(request.user, roles)


def site_for(request: HttpRequest, site_id: int, roles: Iterable[str] | None = None) -> Site:
    """The site ``site_id`` if the caller sees it (else 404) and holds one of ``roles`` there
    (else 403)."""
    if site_id not in visible_site_ids(request):
        raise Http404
    if roles is not None and site_id not in visible_site_ids(request, roles):
        raise PermissionDenied
    return Site.objects.get(pk=site_id)


def require_role_at(request: HttpRequest, site_id: int, roles: Iterable[str]) -> None:
    """403 unless the caller holds one of ``roles`` at a site they already see."""
    if site_id not in visible_site_ids(request, roles):
        raise PermissionDenied
