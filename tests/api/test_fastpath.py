"""The device fast path (:mod:`gatehouse.fastpath`) answers as the full stack does: the same
bytes, the same headers, the same errors, and nothing recorded twice."""

from __future__ import annotations

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

from gatehouse import fastpath
from gatehouse.access.models import AccessEvent, DeviceRequest
from tests.access.test_device_api import clock, counts, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG

PATH = "/gate/decisions"


@pytest.fixture
def key(site_a, manager_a, lanes_a, clock):  # noqa: F811 (fixture)
    return make_device(site_a, manager_a)[1]


def clients(key: str) -> tuple[ApiClient, ApiClient]:
    """(through the fast path, through the full stack)."""
    headers = {"X-Device-Key": key}
    return ApiClient(FastPathClient(), headers), ApiClient(FastPathClient(full=True), headers)


def test_the_routes_are_the_apis_urls():
    assert set(fastpath.ROUTES) == {reverse("api:gate_decision_create")}
    token = "gc_" + "a" * 43
    url = reverse("api:camera_plate_push", kwargs={"token": token})
    assert [(a + token + b) for a, b in fastpath.PUSH_ROUTES] == [url]


def test_the_served_application_has_the_fast_path_in_front_of_django():
    from gatehouse.wsgi import application

    assert isinstance(application, fastpath.DeviceFastPath)
    assert isinstance(application.app, WSGIHandler)


def test_an_ordinary_read_gets_the_same_answer_and_headers(key, card_a):
    fast, full = clients(key)
    a = fast.post(PATH, read("card", CARD_ZHANG, "n-1"))
    b = full.post(PATH, read("card", CARD_ZHANG, "n-2", lane="east/walk-out"))
    assert fast.client.fast == 1 and full.client.fast == 0
    assert (a.status_code, b.status_code) == (200, 200)
    # The same headers; each request its own id (gatehouse.ops), 32 hex digits when none given.
    differ = {"Content-Length", "X-Request-ID"}
    headers = {k: v for k, v in a.items() if k not in differ}
    assert headers == {k: v for k, v in b.items() if k not in differ}
    assert len(a["X-Request-ID"]) == len(b["X-Request-ID"]) == 32
    assert int(a["Content-Length"]) == len(a.content)
    one, two = a.json(), b.json()
    assert two["event_id"] == one["event_id"] + 1
    assert list(one) == list(two) and one["outcome"] == two["outcome"] == "allow"
    assert (one["reason"], two["reason"]) == ("resident.card", "resident.exit")
    # Both stacks write the bytes of one function (Chinese as Chinese).
    assert "业主/住户，放行".encode() in a.content and "出场，放行".encode() in b.content
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 2


def test_a_replay_is_answered_by_the_fast_path_and_writes_nothing(key, card_a):
    fast, _ = clients(key)
    first = fast.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    again = fast.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert fast.client.fast == 2
    assert again == {**first, "replayed": True}
    assert list(again) == list(first)  # in the same order, whatever the database keeps
    assert counts() == (1, 1, 0, 0)


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (read("card", CARD_ZHANG, "n-1"), {"X-Device-Key": "gd_not-a-key"}, 401),
        (read("card", CARD_ZHANG, "n-1"), {"X-Device-Key": ""}, 401),
        ('{"lane": "east/walk-in", ', {}, 400),
        ("[1, 2]", {}, 422),
        (read("card", "not-a-card", "n-1"), {}, 422),
        (read("card", CARD_ZHANG, "bad nonce!"), {}, 422),
        (read("card", CARD_ZHANG, "n-1", lane="north/x"), {}, 404),
    ],
)
def test_errors_are_answered_by_the_full_stack_and_write_nothing(
    key, card_a, body, headers, status
):
    fast, full = clients(key)
    a = fast.post(PATH, body, **headers)
    b = full.post(PATH, body, **headers)
    assert fast.client.fast == 0
    assert (a.status_code, a.json()) == (b.status_code, b.json())
    assert a.status_code == status, a.content
    assert counts() == (0, 0, 0, 0)


def test_a_reused_nonce_is_a_conflict_either_way(key, card_a):
    fast, full = clients(key)
    fast.post(PATH, read("card", CARD_ZHANG, "n-1"))
    a = fast.post(PATH, read("card", CARD_ZHANG, "n-1", lane="east/walk-out"))
    b = full.post(PATH, read("card", CARD_ZHANG, "n-1", lane="east/walk-out"))
    assert (a.status_code, b.status_code) == (409, 409) and a.json() == b.json()
    assert fast.client.fast == 1 and counts() == (1, 1, 0, 0)


def test_requests_the_fast_path_does_not_serve_take_the_full_stack(key, card_a):
    fast, _ = clients(key)
    # A cookie (a session, a language choice) and a body that is not JSON.
    fast.client.cookies["django_language"] = "en"
    assert fast.post(PATH, read("card", CARD_ZHANG, "n-1")).status_code == 200
    fast.client.cookies.clear()
    response = fast.client.post(
        "/api/v1/gate/decisions",
        json.dumps(read("card", CARD_ZHANG, "n-2")),
        content_type="text/plain",
        headers={"X-Device-Key": key},
    )
    assert response.status_code == 200
    assert fast.request("GET", PATH).status_code == 405
    assert fast.client.fast == 0
    assert counts()[:2] == (2, 2)


def test_a_host_not_allowed_is_refused_by_the_full_stack(key, card_a):
    fast, _ = clients(key)
    response = fast.post(PATH, read("card", CARD_ZHANG, "n-1"), Host="evil.example")
    assert response.status_code == 400
    assert fast.client.fast == 0 and counts() == (0, 0, 0, 0)


def test_a_failure_after_the_read_was_recorded_is_answered_once(key, card_a, monkeypatch, caplog):
    """Nothing is left to fail after the commit but encoding the reply; if it does, the full
    stack answers with the nonce's stored reply and the read is recorded once."""
    from gatehouse.access import api

    real, calls = api.answer_bytes, []

    def flaky(answer):
        calls.append(answer)
        if len(calls) == 1:
            raise RuntimeError("encoder broke")
        return real(answer)

    monkeypatch.setattr(api, "answer_bytes", flaky)
    fast, _ = clients(key)
    response = fast.post(PATH, read("card", CARD_ZHANG, "n-1"))
    assert response.status_code == 200 and fast.client.fast == 0
    body = response.json()
    assert body["replayed"] is True and body["event_id"] == AccessEvent.objects.get().pk
    assert counts() == (1, 1, 0, 0)
    assert "device fast path failed" in caplog.text
