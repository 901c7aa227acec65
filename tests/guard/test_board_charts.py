"""The monitoring board's charts (issue 16 §3): today's figures as JSON, counted from the
register rows, refreshed by the page without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.core.access import Entrant
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.guard.incidents.charts import board_stats, reason_label
from tests.conftest import NOW, _user

pytestmark = pytest.mark.django_db


def _unknown(lane, guard, at):
    return gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant.CREDENTIAL,
            credential=None,
            presented_kind="card",
            presented_masked="****BEEF",
        ),
        now=at,
        guard=guard,
    )


def test_the_board_counts_todays_passages_per_gate_and_hour_and_refusals_by_reason(
    site_a, guard_a, lanes_a, card_a
):
    # rule S-06: the monitoring centre sees the day's traffic and refusals
    east_in = lanes_a["east/walk-in"]
    gate_decide(GateInput(lane=east_in, credential=card_a, presented_kind="card"), now=NOW)
    _unknown(east_in, guard_a, NOW + timedelta(minutes=1))
    _unknown(lanes_a["west/walk-in"], guard_a, NOW + timedelta(minutes=2))
    _unknown(east_in, guard_a, NOW - timedelta(days=1))  # yesterday: not today's
    stats = board_stats(site_a, NOW + timedelta(minutes=5))
    hourly = stats["charts"]["hourly"]
    assert hourly["labels"] == [f"{h}时" for h in range(10)]  # midnight to the current hour
    by_label = {s["label"]: s["data"] for s in hourly["series"]}
    assert by_label["东门 进"][9] == 1 and sum(by_label["东门 进"]) == 1
    assert (
        sum(by_label["东门 出"]) == 0 and sum(by_label["西门 进"]) == 0
    )  # a refusal is no passage
    assert hourly["rows"] == [["东门", "9时", 1, 0]]
    refusals = stats["charts"]["refusals"]
    assert refusals["labels"] == ["未登记的卡或凭证"] and refusals["series"][0]["data"] == [2]
    assert refusals["rows"] == [["未登记的卡或凭证", 2]]
    assert stats["kpis"]["in"] == 1 and stats["kpis"]["out"] == 0
    assert stats["kpis"]["refused"] == 2  # yesterday's refusal is not today's
    assert stats["kpis"]["people"] == 1  # the card holder who came in
    assert stats["charts"]["anomalies"]["labels"] == ["特急", "紧急", "一般", "轻微"]


def test_a_reason_is_labelled_by_the_first_clause_of_its_sentence():
    assert reason_label("resident.card") == "业主/住户"
    assert reason_label("credential.unknown") == "未登记的卡或凭证"
    assert reason_label("no.such.reason") == "no.such.reason"


def test_the_stats_endpoint_is_json_for_the_monitoring_centre_only(
    client, site_a, guard_a, lanes_a
):
    monitor = _user("monitor_a", site=site_a, role="monitoring")
    _unknown(lanes_a["east/walk-in"], guard_a, NOW)
    client.force_login(guard_a)
    assert client.get(reverse("guard:board_stats")).status_code == 403
    client.force_login(monitor)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        response = client.get(reverse("guard:board_stats"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["kpis"]["refused"] == 1
    assert data["charts"]["refusals"]["labels"] == ["未登记的卡或凭证"]
    page = client.get(reverse("guard:board")).content.decode()
    assert "gatehouse/chart.umd.js" in page and "gatehouse/charts.js" in page
    assert 'data-chart="hourly"' in page and "查看数据" in page
