"""Failed bearer tokens and device keys are logged and counted per source address; after the
limit the address gets 429 ``auth.throttled`` — even with a valid key — until the window passes.
The fast path answers the throttled case as the full stack does (it hands it over)."""

from __future__ import annotations

import logging

import pytest

from gatehouse.accounts.services import api_token_issue
from gatehouse.throttle import key_throttle
from tests.access.test_device_api import clock, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient, assert_error_shape
from tests.conftest import CARD_ZHANG

LIMIT = 3
WINDOW = 60


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ticks(settings, monkeypatch):
    settings.GATEHOUSE_KEY_FAILURE_LIMIT = LIMIT
    settings.GATEHOUSE_KEY_FAILURE_WINDOW = WINDOW
    fake = Clock()
    monkeypatch.setattr(key_throttle, "clock", fake)
    return fake


def _throttled(response, wait: int) -> None:
    body = assert_error_shape(response, 429, "auth.throttled")
    assert body["details"] == {"retry_after": wait}
    assert response["Retry-After"] == str(wait)
    assert "过多" in body["message"]


def test_failed_tokens_throttle_the_address_even_for_a_valid_token(manager_a, ticks, caplog):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    wrong = ApiClient(headers={"Authorization": "Bearer gh_wrongwrongwrong-secret-part"})
    right = ApiClient(headers={"Authorization": f"Bearer {key}"})
    with caplog.at_level(logging.WARNING, "gatehouse.auth"):
        for _ in range(LIMIT):
            assert_error_shape(wrong.get("/me"), 401, "unauthenticated")
    _throttled(right.get("/me"), WINDOW)
    ticks.t += 20
    _throttled(right.get("/me"), WINDOW - 20)
    # From another address the valid token works.
    other = right.client.get("/api/v1/me", headers=right.headers, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200
    ticks.t += WINDOW - 20
    assert right.get("/me").status_code == 200
    # Logged: the address and a short prefix, never the whole token.
    lines = [r.getMessage() for r in caplog.records if r.name == "gatehouse.auth"]
    assert any("127.0.0.1" in line and "gh_wro" in line for line in lines), lines
    assert "wrongwrong" not in caplog.text and "secret-part" not in caplog.text


def test_failures_spread_over_more_than_a_window_do_not_throttle(manager_a, ticks):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    wrong = ApiClient(headers={"Authorization": "Bearer gh_wrong"})
    right = ApiClient(headers={"Authorization": f"Bearer {key}"})
    for _ in range(LIMIT - 1):
        wrong.get("/me")
    ticks.t += WINDOW  # a new window: the count starts again
    for _ in range(LIMIT - 1):
        wrong.get("/me")
    assert right.get("/me").status_code == 200
    wrong.get("/me")  # the limit within this window
    _throttled(right.get("/me"), WINDOW)


def test_requests_without_a_key_are_not_counted(manager_a, ticks):
    for _ in range(LIMIT + 2):
        assert_error_shape(ApiClient().get("/me"), 401, "unauthenticated")
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    right = ApiClient(headers={"Authorization": f"Bearer {key}"})
    assert right.get("/me").status_code == 200
    # Only presented keys count: it takes LIMIT of them.
    for _ in range(LIMIT):
        ApiClient(headers={"Authorization": "Bearer gh_wrong"}).get("/me")
    _throttled(right.get("/me"), WINDOW)


@pytest.mark.usefixtures("clock")
def test_failed_device_keys_throttle_both_stacks_alike(
    site_a,
    manager_a,
    lanes_a,
    card_a,
    ticks,
    caplog,
):
    _device, key = make_device(site_a, manager_a)
    path = "/gate/decisions"
    wrong = ApiClient(FastPathClient(), {"X-Device-Key": "gd_not-the-key-at-all"})
    with caplog.at_level(logging.WARNING, "gatehouse.auth"):
        for i in range(LIMIT):
            assert_error_shape(
                wrong.post(path, read("card", CARD_ZHANG, f"w-{i}")), 401, "unauthenticated"
            )
    fast = ApiClient(FastPathClient(), {"X-Device-Key": key})
    full = ApiClient(FastPathClient(full=True), {"X-Device-Key": key})
    a = fast.post(path, read("card", CARD_ZHANG, "n-1"))
    b = full.post(path, read("card", CARD_ZHANG, "n-2"))
    _throttled(a, WINDOW)
    _throttled(b, WINDOW)
    assert fast.client.fast == 0
    assert a.json() == b.json()
    differ = {"Content-Length", "X-Request-ID"}  # each request has its own id
    assert {k: v for k, v in a.items() if k not in differ} == {
        k: v for k, v in b.items() if k not in differ
    }
    # The other device routes too.
    _throttled(fast.get("/device/whoami"), WINDOW)
    ticks.t += WINDOW
    assert fast.post(path, read("card", CARD_ZHANG, "n-3")).status_code == 200
    assert fast.client.fast == 1
    assert "gd_not" in caplog.text and "the-key-at-all" not in caplog.text
    assert key[6:] not in caplog.text


@pytest.mark.usefixtures("clock")
def test_a_valid_device_on_the_fast_path_counts_nothing(
    site_a,
    manager_a,
    lanes_a,
    card_a,
    ticks,
):
    _device, key = make_device(site_a, manager_a)
    fast = ApiClient(FastPathClient(), {"X-Device-Key": key})
    for i in range(LIMIT + 1):
        assert fast.post("/gate/decisions", read("card", CARD_ZHANG, f"n-{i}")).status_code == 200
    assert fast.client.fast == LIMIT + 1
    assert key_throttle.retry_after("127.0.0.1") is None
    wrong = ApiClient(FastPathClient(), {"X-Device-Key": "gd_wrong"})
    for i in range(LIMIT):
        wrong.post("/gate/decisions", read("card", CARD_ZHANG, f"w-{i}"))
    _throttled(fast.post("/gate/decisions", read("card", CARD_ZHANG, "n-x")), WINDOW)
