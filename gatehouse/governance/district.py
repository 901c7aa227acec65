"""The association's district-wide view and the red flag (流动红旗, 文明物业小区; issue 17 §3).

Reads: each community the association rates (the sites where the user holds its role and a
property project runs) side by side — its company, latest rating, warnings in force, open and
overdue notices, campaign plan progress. Writes: a period's award round, judged by
``core.commendation`` from those standings and stored with every community's verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import sites_for
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import campaign as plan_rules
from gatehouse.core import commendation, rating, rectification
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.governance import notice_selectors, selectors
from gatehouse.governance.models import (
    Assessment,
    AwardEntry,
    AwardRound,
    RectificationItem,
    RectificationNotice,
    RectificationPlan,
    Referral,
    Warning,
)
from gatehouse.sites.models import Site


def district_sites(user: Any) -> QuerySet[Site]:
    """The communities the association rates: its sites with a property project."""
    return (
        sites_for(user, {Role.INDUSTRY_ASSOCIATION})
        .filter(property_projects__isnull=False)
        .distinct()
        .order_by("name")
    )


def _score(site: Site, end: date) -> Decimal | None:
    found = (
        Assessment.objects.filter(
            project__site=site, finalised_at__isnull=False, assessed_on__lte=end
        )
        .order_by("-assessed_on", "-pk")
        .first()
    )
    return found.total if found is not None else None


def _overdue(site: Site, start: date, end: date, on: date) -> int:
    items = [
        selectors.core_item(i)
        for i in RectificationItem.objects.filter(inspection__campaign__site=site).select_related(
            "inspection"
        )
    ]
    count = rating.overdue_in_period(items, start=start, end=end, on=on)
    notices = RectificationNotice.objects.filter(
        site=site, item__isnull=True, deadline__gte=start, deadline__lte=end
    )
    count += sum(
        1 for n in notices if rectification.overdue(notice_selectors.facts(n), min(on, end))
    )
    return count


def _warned(site: Site, start: date, end: date) -> bool:
    return Warning.objects.filter(campaign__site=site, start__lte=end, end__gte=start).exists()


def standing(site: Site, start: date, end: date, on: date) -> commendation.Standing:
    return commendation.Standing(
        key=site.pk,
        name=site.name,
        score=_score(site, end),
        warned=_warned(site, start, end),
        overdue=_overdue(site, start, end, on),
    )


def plan_progress(plan: RectificationPlan, today: date) -> dict[str, Any]:
    """The plan's tasks with their slots and states (the 倒排进度表), and its progress."""
    tasks = list(plan.tasks.order_by("phase", "pk"))
    slots = plan_rules.schedule_backwards(
        [plan_rules.TaskSpec(str(t.pk), t.phase, t.days) for t in tasks], plan.deadline
    )
    rows = []
    for t in tasks:
        slot = slots[str(t.pk)]
        state = plan_rules.task_state(
            slot, started_on=t.started_on, finished_on=t.finished_on, today=today
        )
        rows.append(
            {"task": t, "slot": slot, "state": state, "late": state in plan_rules.LATE_STATES}
        )
    done, total = plan_rules.progress([r["state"] for r in rows])
    return {
        "rows": rows,
        "done": done,
        "total": total,
        "late": sum(1 for r in rows if r["late"]),
    }


@dataclass(frozen=True)
class CommunityRow:
    site: Site
    company: str
    rating: Assessment | None
    warnings: int
    open_notices: int
    overdue_notices: int
    tasks_done: int
    tasks: int
    tasks_late: int
    referrals_open: int
    holds_flag: bool


def community_rows(sites: Any, today: date) -> list[CommunityRow]:
    rows = []
    for site in sites:
        project = selectors.projects_at(site).filter(until__isnull=True).first()
        latest = Assessment.objects.filter(project__site=site).order_by("-year", "-pk").first()
        notices = [
            notice_selectors.stage(n, today)
            for n in RectificationNotice.objects.filter(site=site, result="")
        ]
        done = total = late = 0
        for plan in RectificationPlan.objects.filter(
            campaign__site=site, campaign__ends_on__gte=today
        ):
            p = plan_progress(plan, today)
            done, total, late = done + p["done"], total + p["total"], late + p["late"]
        rows.append(
            CommunityRow(
                site=site,
                company=project.company.name if project else "",
                rating=latest,
                warnings=Warning.objects.filter(
                    campaign__site=site, start__lte=today, end__gte=today
                ).count(),
                open_notices=len(notices),
                overdue_notices=sum(1 for s in notices if s == rectification.Stage.OVERDUE),
                tasks_done=done,
                tasks=total,
                tasks_late=late,
                referrals_open=Referral.objects.filter(site=site, handled_on__isnull=True).count(),
                holds_flag=_holds(site, today),
            )
        )
    return rows


def _holds(site: Site, today: date) -> bool:
    latest = current_holder(site, today)
    return latest is not None and latest.winner_id == site.pk


def current_holder(site: Site, today: date) -> AwardRound | None:
    """The latest round ``site`` took part in whose period began on or before today."""
    return (
        AwardRound.objects.filter(period_start__lte=today, entries__site=site)
        .select_related("winner")
        .order_by("-period_end", "-pk")
        .first()
    )


def rounds_for(sites: Any) -> QuerySet[AwardRound]:
    return (
        AwardRound.objects.filter(entries__site__in=sites)
        .distinct()
        .select_related("winner", "awarded_by")
        .prefetch_related("entries__site")
        .order_by("-period_end", "-pk")
    )


@transaction.atomic
def award_round(
    *,
    sites: Any,
    actor: Actor,
    now: datetime,
    period_start: date | None,
    period_end: date | None,
) -> AwardRound:
    """Rule GV-04 with GV-01: judge the period's 文明物业小区 and the red flag among ``sites``
    (the communities the association rates) and store the round with every verdict."""
    commendation.check_period(period_start, period_end)
    assert period_start is not None and period_end is not None
    today = timezone.localdate(now)
    if period_end > today:
        raise InvalidInput(
            "award.period_open", "评比期间尚未结束，不能评定", {"field": "period_end"}
        )
    communities = list(sites)
    if not communities:
        raise DomainError("award.no_communities", "没有可参评的小区", {})
    standings = [standing(s, period_start, period_end, today) for s in communities]
    before = (
        AwardRound.objects.filter(period_end__lt=period_start, entries__site__in=communities)
        .distinct()
        .order_by("-period_end", "-pk")
        .first()
    )
    result = commendation.award(standings, holder=before.winner_id if before else None)
    found = AwardRound.objects.create(
        period_start=period_start,
        period_end=period_end,
        winner_id=result.winner,
        code=result.code,
        message=result.message,
        awarded_at=now,
        awarded_by=actor_or_none(actor),
    )
    by_key = {s.key: s for s in standings}
    AwardEntry.objects.bulk_create(
        AwardEntry(
            round=found,
            site_id=v.key,
            score=by_key[v.key].score,
            warned=by_key[v.key].warned,
            overdue=by_key[v.key].overdue,
            civilised=v.civilised,
            code=v.code,
            message=v.message,
        )
        for v in result.verdicts
    )
    audit_record(
        action="governance.award",
        obj=found,
        actor=actor,
        site=found.winner,
        after={
            **(snapshot(found) or {}),
            "civilised": [v.key for v in result.verdicts if v.civilised],
        },
        at=now,
    )
    return found
