"""The committee's charts (issue 16 §3): projects by stage and land deadlines ahead, from the
same timeline the deadline job raises its alerts from."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.admission import selectors
from gatehouse.admission.charts import committee_stats
from tests.conftest import NOW

from .conftest import TODAY, apply
from .test_land import contracted, deadlines

pytestmark = pytest.mark.django_db


def test_projects_by_stage_and_the_deadlines_ahead(
    site_b, committee_b, enterprise_b, auto_zone, project_b
):
    # rule IP-10: a contracted start ahead is a deadline ahead; a missed one is overdue
    apply(site_b, committee_b, enterprise_b, auto_zone, name="第二个项目")
    contracted(project_b, committee_b, contracted_start=TODAY + timedelta(days=40))
    stats = committee_stats(site_b, NOW)
    stages = dict(stats["charts"]["stages"]["rows"])
    assert stages == {
        str(selectors.STEP_LABELS["application"]): 1,  # applied: its first step
        str(selectors.STEP_LABELS["contract"]): 1,
    }
    expected = [d for d in deadlines(project_b) if d.day < date(2027, 11, 1)]
    assert expected, "the contract sets deadlines"
    chart = stats["charts"]["deadlines"]
    assert chart["labels"][0] == "2026-11" and len(chart["labels"]) == 12
    assert sum(chart["series"][0]["data"]) + stats["kpis"]["overdue"] == len(expected)
    assert stats["kpis"]["projects"] == 2
    assert all(row[1] == project_b.name for row in chart["rows"])


def test_the_committee_charts_are_the_committees(client, site_b, committee_b, manager_b):
    client.force_login(manager_b)
    assert client.get(reverse("admission:charts")).status_code == 403
    client.force_login(committee_b)
    with time_machine.travel(NOW, tick=False):
        data = client.get(reverse("admission:charts")).json()
    assert set(data["charts"]) == {"stages", "deadlines"}
    page = client.get(reverse("admission:applications")).content.decode()
    assert 'id="committee-charts"' in page
