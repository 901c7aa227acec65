"""The security manager's week on the home page (issue 16 §3): the last seven days counted from
the registers, one chart each, with the numbers table beside every chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.console.dashboards import manager_week
from gatehouse.core.access import Entrant
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.guard.models import SpotCheck, SpotFinding
from gatehouse.visitors import services as visitor_services
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_week_counts_passages_visits_overstays_and_findings_per_day(
    site_a, guard_a, lanes_a, card_a
):
    # rule S-06
    east_in = lanes_a["east/walk-in"]
    gate_decide(GateInput(lane=east_in, credential=card_a, presented_kind="card"), now=NOW)
    gate_decide(
        GateInput(lane=lanes_a["east/walk-out"], credential=card_a, presented_kind="card"),
        now=NOW - timedelta(days=2),
    )
    gate_decide(
        GateInput(lane=east_in, entrant=Entrant.CREDENTIAL, presented_kind="card"),
        now=NOW - timedelta(days=8),  # older than the week: not counted
        guard=guard_a,
    )
    visitor_services.visit_register(
        lane=east_in,
        actor=guard_a,
        kind=Entrant.VISITOR,
        name="王五",
        purpose="送文件",
        id_number="110105199001011232",
        house_number="3-2-1201",
        now=NOW - timedelta(days=1),
    )
    Notice.objects.create(
        site=site_a,
        audience="monitoring",
        kind="visitor.overstay",
        message="访客逾时未离",
        created_at=NOW - timedelta(days=1),
    )
    check = SpotCheck.objects.create(site=site_a, period_start=NOW, as_of=NOW)
    SpotFinding.objects.create(
        site=site_a,
        spot_check=check,
        guard_name="guard_a",
        kind="handover_unsigned",
        rule="S-03",
        at=NOW - timedelta(hours=3),
        message="交接班未签字",
    )
    week = manager_week(site_a, NOW)
    traffic = week["charts"]["traffic"]
    assert traffic["labels"][-1] == "11-24" and len(traffic["labels"]) == 7
    assert traffic["rows"][-1] == ["11-24", 1, 0, 0]
    assert traffic["rows"][-3] == ["11-22", 0, 1, 0]
    assert sum(r[3] for r in traffic["rows"]) == 0  # the refusal of 8 days ago is outside
    visitors = {s["label"]: s["data"] for s in week["charts"]["visitors"]["series"]}
    assert visitors["逾时未离"][-2] == 1 and sum(visitors["逾时未离"]) == 1
    findings = week["charts"]["findings"]
    assert findings["rows"] == [["交接班记录未签字", 1]]
    assert week["kpis"]["week_in"] == 1 and week["kpis"]["week_overstays"] == 1
    assert week["kpis"]["week_findings"] == 1 and week["kpis"]["week_patrol"] == "—"


def test_the_week_is_the_managers_and_the_home_page_shows_it(client, site_a, manager_a, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("console:week_stats")).status_code == 403
    assert 'id="week-charts"' not in client.get(reverse("console:home")).content.decode()
    client.force_login(manager_a)
    with time_machine.travel(NOW, tick=False):
        data = client.get(reverse("console:week_stats")).json()
    assert set(data["charts"]) == {"traffic", "visitors", "patrols", "findings"}
    assert data["charts"]["patrols"]["percent"] is True
    home = client.get(reverse("console:home")).content.decode()
    assert 'id="week-charts"' in home and "gatehouse/charts.js" in home
