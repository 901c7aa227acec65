"""The association's chart (issue 16 §3): projects by the star rating of their latest
assessment, the unassessed ones counted apart."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from gatehouse.governance.charts import rating_stats
from tests.conftest import NOW

from .conftest import score

pytestmark = pytest.mark.django_db


def test_projects_by_the_stars_of_their_latest_assessment(
    site_a, association_a, chutian, project_a
):
    # rule GV-01
    score(project_a, association_a, year=2025, off={"parking": 5})
    latest = score(project_a, association_a, year=2026)
    stats = rating_stats(site_a, NOW)
    rows = dict(stats["charts"]["stars"]["rows"])
    assert rows[latest.get_band_display()] == 1  # 2026's band, not 2025's
    assert sum(rows.values()) == 1 and "未考核" not in rows
    assert stats["kpis"] == {"assessed": 1, "unassessed": 0}


def test_a_project_never_assessed_counts_apart(site_a, project_a):
    rows = dict(rating_stats(site_a, NOW)["charts"]["stars"]["rows"])
    assert rows["未考核"] == 1 and sum(rows.values()) == 1


def test_the_rating_chart_is_the_associations(client, site_a, association_a, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("governance:rating_charts")).status_code == 403
    client.force_login(association_a)
    with time_machine.travel(NOW, tick=False):
        data = client.get(reverse("governance:rating_charts")).json()
    assert data["charts"]["stars"]["type"] == "doughnut"
    assert 'id="rating-charts"' in client.get(reverse("governance:rating")).content.decode()
