"""The association's chart (issue 16 §3): the projects of the district by the star rating of
their latest assessment. Read-only."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gatehouse.console import charts as c
from gatehouse.governance.models import Assessment, Band, PropertyProject
from gatehouse.sites.models import Site

NOT_ASSESSED = "未考核"


def rating_stats(site: Site, now: datetime) -> dict[str, Any]:
    latest: dict[int, Assessment] = {}
    for a in Assessment.objects.filter(project__site=site).order_by("project_id", "year", "pk"):
        latest[a.project_id] = a
    bands: Counter[str] = Counter(a.band for a in latest.values())
    unassessed = PropertyProject.objects.filter(site=site).exclude(pk__in=latest).count()
    rows = [(str(label), bands[value]) for value, label in Band.choices]
    if unassessed:
        rows.append((NOT_ASSESSED, unassessed))
    stars = c.chart(
        "doughnut",
        [label for label, _n in rows],
        [c.series("项目数", [n for _label, n in rows])],
        title=_("物业项目星级分布（最近一次考核）"),
        columns=["评定结果", "项目数"],
        rows=rows,
    )
    return c.payload(now, {"stars": stars}, {"assessed": len(latest), "unassessed": unassessed})
