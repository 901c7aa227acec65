"""JSON log lines (gatehouse.ops.logs) with the request id: a request's and its decision's."""

from __future__ import annotations

import io
import json
import logging

import pytest

from gatehouse.ops.logs import JsonFormatter, RequestIdFilter
from tests.access.test_device_api import clock, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG


@pytest.fixture
def json_lines():
    """The lines a JSON handler on the root logger writes, gatehouse's loggers at INFO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root, ours = logging.getLogger(), logging.getLogger("gatehouse")
    level = ours.level
    root.addHandler(handler)
    ours.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)


@pytest.fixture
def key(site_a, manager_a, lanes_a, clock):  # noqa: F811 (fixture)
    return make_device(site_a, manager_a)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("full", [False, True], ids=["fast path", "full stack"])
def test_a_requests_json_lines_carry_its_request_id_and_no_personal_data(
    key, card_a, site_a, json_lines, full
):
    client = ApiClient(FastPathClient(full=full), {"X-Device-Key": key})
    response = client.post(
        "/gate/decisions?probe=1", read("card", CARD_ZHANG, "n-1"), X_REQUEST_ID="proxy-4711.a"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-4711.a"
    lines = json_lines()
    mine = [line for line in lines if line["request_id"] == "proxy-4711.a"]
    request = next(line for line in mine if line.get("event") == "request")
    assert request["method"] == "POST"
    assert request["path"] == "/api/v1/gate/decisions"  # without the query
    assert request["status"] == 200 and request["duration_ms"] >= 0
    assert request["logger"] == "gatehouse.request" and request["level"] == "INFO"
    assert request["time"].endswith("+08:00")
    decision = next(line for line in mine if line.get("event") == "decision")
    assert decision["site"] == site_a.pk and decision["outcome"] == "allow"
    assert decision["reason"] == "resident.card"
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert CARD_ZHANG not in everything and "张" not in everything
    assert "nonce" not in everything and key not in everything


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced(json_lines):
    from django.test import Client

    response = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nforged")
    rid = response["X-Request-ID"]
    assert len(rid) == 32 and rid.isalnum()
    line = next(line for line in json_lines() if line.get("event") == "request")
    assert line["request_id"] == rid and "forged" not in json.dumps(line)


@pytest.mark.django_db
def test_a_camera_token_never_reaches_the_log(json_lines):
    from django.test import Client

    Client().post("/api/v1/cameras/gc_secretTOKEN123/plate", "{}", content_type="application/json")
    line = next(line for line in json_lines() if line.get("event") == "request")
    assert "secretTOKEN123" not in json.dumps(line)
    assert line["path"] == "/api/v1/cameras/gc_***/plate"
