"""Reads of the campaign plans and the referrals of the current site; the rules that judge them
are the core's (``core.campaign``, ``core.referral``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from gatehouse.core import referral as referral_rules
from gatehouse.core.text import clean_text
from gatehouse.governance.models import PlanTask, RectificationPlan, Referral
from gatehouse.sites.models import Site


def plans_at(site: Site) -> QuerySet[RectificationPlan]:
    return (
        RectificationPlan.objects.filter(campaign__site=site)
        .select_related("campaign", "project", "project__company", "reported_by")
        .order_by("-campaign__starts_on", "project__name", "pk")
    )


def plan_at(site: Site, pk: int) -> RectificationPlan | None:
    return plans_at(site).filter(pk=pk).first()


def task_at(site: Site, pk: int) -> PlanTask | None:
    return (
        PlanTask.objects.filter(pk=pk, plan__campaign__site=site)
        .select_related("plan", "plan__campaign")
        .first()
    )


def referral_at(site: Site, pk: int) -> Referral | None:
    return Referral.objects.filter(site=site, pk=pk).select_related("referred_by").first()


def _stage_q(code: str, today: date) -> Q:
    """The rows at ``code`` on ``today``, as ``core.referral`` judges them."""
    if code == referral_rules.Stage.HANDLED:
        return Q(handled_on__isnull=False)
    if code == referral_rules.Stage.RECEIVED:
        return Q(handled_on__isnull=True, received_on__isnull=False)
    if code == referral_rules.Stage.REFERRED:
        return Q(received_on__isnull=True)
    if code == "overdue":
        handle_by = today - timedelta(days=referral_rules.HANDLE_DAYS)
        receive_by = today - timedelta(days=referral_rules.RECEIVE_DAYS)
        return Q(handled_on__isnull=True) & (
            Q(referred_on__lt=handle_by) | Q(received_on__isnull=True, referred_on__lt=receive_by)
        )
    return Q()


def search_referrals(
    site: Site,
    now: datetime,
    *,
    q: str = "",
    kind: str = "",
    stage: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Referral]:
    """The site's referrals, newest first, filtered."""
    rows = Referral.objects.filter(site=site)
    if stage:
        rows = rows.filter(_stage_q(stage, timezone.localdate(now)))
    if kind:
        rows = rows.filter(kind=kind)
    text = clean_text(q)
    if text:
        rows = rows.filter(Q(place__icontains=text) | Q(description__icontains=text))
    if date_from:
        rows = rows.filter(referred_on__gte=date_from)
    if date_to:
        rows = rows.filter(referred_on__lte=date_to)
    return rows.order_by("-referred_on", "-pk")
