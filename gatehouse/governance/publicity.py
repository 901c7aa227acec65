"""The "一栏四牌" publicity of a community during a campaign (issue 17 §3; T6): the public
information column (公共信息服务栏: the campaign notices on the site's notice board) and the four
boards — the company and its manager, the fees (the fee notices on the board), the
service level (the latest final rating) and the campaign's progress with the red flag. Reads
only; which boards are missing is the core's (``core.campaign.publicity_gaps``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from gatehouse.bulletin import selectors as bulletin
from gatehouse.core import campaign as rules
from gatehouse.governance import district, selectors
from gatehouse.governance.models import Assessment, AwardEntry, RectificationPlan
from gatehouse.sites.models import Site


def boards(site: Site, now: datetime) -> dict[str, Any]:
    today = timezone.localdate(now)
    on_board = list(bulletin.search(site, now=now, status="current"))
    campaign_notices = [n for n in on_board if n.category == "campaign"]
    fee_notices = [n for n in on_board if n.category == "fees"]
    project = selectors.projects_at(site).filter(until__isnull=True).first()
    rating = (
        Assessment.objects.filter(project__site=site, finalised_at__isnull=False)
        .order_by("-year", "-pk")
        .first()
    )
    plan = (
        RectificationPlan.objects.filter(campaign__site=site, campaign__ends_on__gte=today)
        .select_related("campaign", "project")
        .order_by("-campaign__starts_on", "pk")
        .first()
    )
    progress = district.plan_progress(plan, today) if plan is not None else None
    latest = (
        AwardEntry.objects.filter(site=site, round__period_start__lte=today)
        .select_related("round", "round__winner")
        .order_by("-round__period_end", "-pk")
        .first()
    )
    gaps = rules.publicity_gaps(
        rules.PublicityFacts(
            campaign_notices=len(campaign_notices),
            fee_notices=len(fee_notices),
            company=project is not None,
            rated=rating is not None,
            plan_reported=plan is not None and plan.reported_at is not None,
        )
    )
    return {
        "campaign_notices": campaign_notices,
        "fee_notices": fee_notices,
        "project": project,
        "rating": rating,
        "plan": plan,
        "progress": progress,
        "award": latest,
        "gaps": [str(g) for g in gaps],
    }
