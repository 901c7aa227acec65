"""Alarms an edge raises (``POST /api/v1/edge/alarms``, issue 15): recorded once per (edge, seq)
with a notice to the monitoring centre; a replay records nothing; a malformed body is refused
with a machine code and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import Notice
from gatehouse.edge.models import EdgeAlarm
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import NOW

AT = (NOW - timedelta(minutes=3)).isoformat()


def alarm(seq: int, **kw) -> dict:
    return {
        "seq": seq,
        "code": "snapshot.expired",
        "message": "本地通行名单已过期，暂停放行",
        "at": AT,
        **kw,
    }


@pytest.fixture
def edge_api(edge_device, frozen_now) -> ApiClient:
    return ApiClient(headers={"X-Device-Key": edge_device[1]})


def test_an_alarm_is_recorded_once_and_raised_to_the_monitoring_centre(edge_api, edge_device):
    # rule §12: a fault at the gate is reported to the monitoring centre
    response = edge_api.post("/edge/alarms", {"alarms": [alarm(1), alarm(2, code="fire.on")]})
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"seq": 1, "status": "recorded"}, {"seq": 2, "status": "recorded"}]
    }
    row = EdgeAlarm.objects.get(edge=edge_device[0], seq=1)
    assert (row.code, row.at, row.recorded_at) == (
        "snapshot.expired",
        NOW - timedelta(minutes=3),
        NOW,
    )
    notice = row.notice
    assert (notice.audience, notice.kind, notice.site_id) == (
        "monitoring",
        "edge.alarm",
        edge_device[0].site_id,
    )
    assert "东门边缘网关" in notice.message and "本地通行名单已过期" in notice.message
    # the same alarms again (the edge did not hear the answer): nothing new
    again = edge_api.post("/edge/alarms", {"alarms": [alarm(1), alarm(3)]}).json()
    assert again["results"] == [
        {"seq": 1, "status": "replayed"},
        {"seq": 3, "status": "recorded"},
    ]
    assert EdgeAlarm.objects.count() == 3
    assert Notice.objects.filter(kind="edge.alarm").count() == 3


def test_one_seq_twice_in_one_request_is_recorded_once(edge_api):
    body = edge_api.post("/edge/alarms", {"alarms": [alarm(5), alarm(5)]}).json()
    assert [r["status"] for r in body["results"]] == ["recorded", "replayed"]
    assert EdgeAlarm.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"alarms": [alarm(1, at="2026-11-24T09:00:00")]}, 422, "at.invalid"),
        ({"alarms": [alarm(1, at=(NOW + timedelta(hours=1)).isoformat())]}, 422, "at.invalid"),
        ({"alarms": [alarm(1, code="Not A Code")]}, 422, "invalid_request"),
        ({"alarms": [{**alarm(1), "seq": "x"}]}, 422, "invalid_request"),
        ({"alarms": [alarm(1, message="")]}, 422, "invalid_request"),
        ({"alarms": []}, 422, "invalid_request"),
        ({"alarm": []}, 422, "invalid_request"),
    ],
)
def test_a_malformed_body_is_refused_and_changes_nothing(edge_api, body, status, code):
    # the first alarm is valid: nothing of a refused request is kept
    if body.get("alarms"):
        body = {"alarms": [alarm(9), *body["alarms"]]}
    assert_error_shape(edge_api.post("/edge/alarms", body), status, code)
    assert not EdgeAlarm.objects.exists() and not Notice.objects.exists()


def test_only_an_edge_key_raises_alarms(turnstile_key, frozen_now):
    api = ApiClient(headers={"X-Device-Key": turnstile_key[1]})
    assert_error_shape(api.post("/edge/alarms", {"alarms": [alarm(1)]}), 403, "edge.required")
    assert_error_shape(
        ApiClient().post("/edge/alarms", {"alarms": [alarm(1)]}), 401, "unauthenticated"
    )
    assert not EdgeAlarm.objects.exists()
