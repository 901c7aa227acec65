"""Helpers for the API tests: a client that speaks JSON, remembers every body it received, and
authenticates with a personal token, a session, or a device key. Its requests to the device
routes go through :mod:`gatehouse.fastpath` first, as in production."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client

from gatehouse.accounts.services import api_token_issue
from gatehouse.fastpath import PUSH_ROUTES, ROUTES, DeviceFastPath

API = "/api/v1"


class FastPathClient(Client):
    """Django's test client with :class:`DeviceFastPath` in front of the device routes, as the
    WSGI application has it. What the fast path hands on is sent through the test handler with
    the body the fast path read. ``fast`` counts the answers the fast path gave itself;
    ``full=True`` sends everything through the full stack (to compare the two)."""

    def __init__(self, *args: Any, full: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.full = full
        self.fast = 0

    def request(self, **request: Any) -> Any:
        environ = self._base_environ(**request)
        if self.full or not _routed(environ["PATH_INFO"]):
            return super().request(**request)
        handed: list[dict[str, Any]] = []
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def full_stack(env: dict[str, Any], start_response: Any) -> list[bytes]:
            handed.append(env)
            return []

        # As the test handler does: the test's database connection must survive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            chunks = DeviceFastPath(full_stack)(environ, lambda s, h: started.append((s, h)))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        if handed:
            return super().request(**{**request, "wsgi.input": handed[0]["wsgi.input"]})
        self.fast += 1
        status, headers = started[0]
        response = HttpResponse(b"".join(chunks), status=int(status[:3]))
        for name, value in headers:
            response[name] = value
        response.json = lambda **kw: self._parse_json(response, **kw)  # type: ignore[attr-defined]
        return response


def _routed(path: str) -> bool:
    """Whether the fast path takes a look at ``path``: a keyed route or a push address."""
    pushed = any(path.startswith(a) and path.endswith(b) for a, b in PUSH_ROUTES)
    return path in ROUTES or pushed


class ApiClient:
    """A JSON client for ``/api/v1``. Every response body is kept in ``bodies`` (as text), so a
    test can assert that something never appeared in any of them."""

    def __init__(self, client: Client | None = None, headers: dict[str, str] | None = None):
        self.client = client or FastPathClient()
        self.headers = dict(headers or {})
        self.bodies: list[str] = []

    def _keep(self, response: Any) -> Any:
        self.bodies.append(response.content.decode("utf-8"))
        return response

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self._keep(
            self.client.get(API + path, params or {}, headers={**self.headers, **headers})
        )

    def post(self, path: str, data: Any = None, **headers: str) -> Any:
        body = data if isinstance(data, (str, bytes)) else json.dumps(data or {})
        return self._keep(
            self.client.post(
                API + path,
                body,
                content_type="application/json",
                headers={**self.headers, **headers},
            )
        )

    def request(self, method: str, path: str, **headers: str) -> Any:
        return self._keep(
            self.client.generic(method, API + path, headers={**self.headers, **headers})
        )

    def all_bodies(self) -> str:
        return "\n".join(self.bodies)


def issue_key(user: Any) -> str:
    _token, key = api_token_issue(user=user, name="测试令牌", actor=user)
    return key


@pytest.fixture
def as_user():
    """``as_user(user)`` → an :class:`ApiClient` holding a fresh bearer token of ``user``."""

    def make(user: Any) -> ApiClient:
        return ApiClient(headers={"Authorization": f"Bearer {issue_key(user)}"})

    return make


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def gate_a(site_a):
    from gatehouse.sites.models import Gate

    return Gate.objects.create(site=site_a, code="east", name="东门", open_when_tightened=True)


@pytest.fixture
def lane_a(gate_a):
    from gatehouse.sites.models import Lane

    return Lane.objects.create(
        gate=gate_a, code="east-walk-in", name="人行入口", kind="non_motor", direction="in"
    )


@pytest.fixture
def device_a(site_a, lane_a):
    from gatehouse.devices.models import Device

    return Device.objects.create(site=site_a, lane=lane_a, name="东门人行闸机1", kind="turnstile")


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the API's error JSON with this status and code, and a Chinese message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert isinstance(body["details"], dict)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    return body
