"""The park committee's charts (issue 16 §3): projects by stage, and the land deadlines ahead
month by month (with those already overdue), from the same timeline the deadline job raises
alerts from (:func:`gatehouse.core.land.timeline`). Read-only."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gatehouse.admission import selectors
from gatehouse.console import charts as c
from gatehouse.core import land
from gatehouse.core.errors import DomainError
from gatehouse.sites.models import Site

#: How far ahead the deadlines chart looks.
MONTHS_AHEAD = 12
NOT_STARTED = "尚未登记环节"


def _month(day: date, ahead: int) -> date:
    month = day.year * 12 + day.month - 1 + ahead
    return date(month // 12, month % 12 + 1, 1)


def committee_stats(site: Site, now: datetime) -> dict[str, Any]:
    today = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    stages: Counter[str] = Counter()
    for project in selectors.projects_at(site):
        step = selectors.current_step(project)
        stages[str(selectors.STEP_LABELS.get(step.value)) if step else NOT_STARTED] += 1
    order = [NOT_STARTED, *(str(selectors.STEP_LABELS[s.value]) for s in land.STEPS)]
    listed = [(label, stages[label]) for label in order if stages[label]]
    by_stage = c.chart(
        "bar",
        [label[:12] for label, _n in listed],
        [c.series("项目数", [n for _label, n in listed])],
        horizontal=True,
        title=_("项目所处环节"),
        columns=["所处环节", "项目数"],
        rows=listed,
    )

    months = [_month(today, n) for n in range(MONTHS_AHEAD)]
    ahead: Counter[date] = Counter()
    overdue = 0
    rows: list[list[Any]] = []
    policy = selectors.supervision_policy(site)
    for project in selectors.supervised_at(site):
        facts = selectors.land_project_of(project)
        if facts is None:
            continue
        try:
            deadlines = land.timeline(facts, today, policy=policy)
        except DomainError:
            continue  # an inconsistent record; its page shows the error
        for d in deadlines:
            if d.status is land.Status.OVERDUE:
                overdue += 1
            elif d.day < _month(today, MONTHS_AHEAD):
                ahead[_month(d.day, 0)] += 1
            else:
                continue
            rows.append([f"{d.day:%Y-%m-%d}", project.name, d.rule, d.message[:60]])
    rows.sort()
    deadlines_chart = c.chart(
        "bar",
        [f"{m:%Y-%m}" for m in months],
        [c.series("到期事项", [ahead[m] for m in months])],
        title=_("未来12个月用地监管到期事项"),
        columns=["日期", "项目", "规则", "事项"],
        rows=rows,
    )
    return c.payload(
        now,
        {"stages": by_stage, "deadlines": deadlines_chart},
        {
            "projects": sum(stages.values()),
            "deadlines_ahead": sum(ahead.values()),
            "overdue": overdue,
        },
    )
