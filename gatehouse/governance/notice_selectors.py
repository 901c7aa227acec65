"""Reads of the rectification notices (限期整改通知书): the notices of the current site, searched
and judged by the core (``core.rectification``) as of a day. Nothing here decides a rule."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gatehouse.core import rectification
from gatehouse.core.text import clean_text
from gatehouse.governance.models import RectificationNotice
from gatehouse.sites.models import Site


def facts(notice: RectificationNotice) -> rectification.NoticeFacts:
    return rectification.NoticeFacts(
        issued_at=notice.issued_at,
        deadline=notice.deadline,
        delivered_at=notice.delivered_at,
        checked_on=notice.checked_on,
        result=rectification.Result(notice.result) if notice.result else None,
    )


def stage(notice: RectificationNotice, today: date) -> rectification.Stage:
    return rectification.stage(facts(notice), today)


def _rows(site: Site) -> QuerySet[RectificationNotice]:
    return RectificationNotice.objects.filter(site=site).select_related(
        "company", "house", "enterprise", "item", "issued_by", "delivery_by", "checked_by"
    )


def notice_at(site: Site, pk: int) -> RectificationNotice | None:
    return _rows(site).filter(pk=pk).first()


def taken_numbers(site: Site, year: int) -> list[str]:
    prefix = f"{rectification.PREFIX}-{year}-"
    return list(
        RectificationNotice.objects.filter(site=site, number__startswith=prefix).values_list(
            "number", flat=True
        )
    )


def _stage_q(code: str, today: date) -> Q:
    """The rows at ``code`` on ``today`` (as :func:`core.rectification.stage` judges them)."""
    open_ = Q(result="")
    if code == rectification.Stage.OVERDUE:
        return open_ & Q(deadline__lt=today)
    if code == rectification.Stage.DELIVERED:
        return open_ & Q(deadline__gte=today, delivered_at__isnull=False)
    if code == rectification.Stage.ISSUED:
        return open_ & Q(deadline__gte=today, delivered_at__isnull=True)
    return Q(result=code)


def search_notices(
    site: Site,
    now: datetime,
    *,
    q: str = "",
    stage: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[RectificationNotice]:
    """The site's notices, newest first; ``q`` in the number, the recipient or the finding,
    ``stage`` as the core judges it today, ``date_from``/``date_to`` the days of issue."""
    today = timezone.localdate(now)
    rows = _rows(site)
    if stage:
        rows = rows.filter(_stage_q(stage, today))
    text = clean_text(q)
    if text:
        rows = rows.filter(
            Q(number__icontains=text) | Q(recipient__icontains=text) | Q(finding__icontains=text)
        )
    if date_from:
        rows = rows.filter(issued_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(issued_at__date__lte=date_to)
    return rows.order_by("-issued_at", "-pk")


def stage_counts(site: Site, today: date) -> dict[str, Any]:
    rows = RectificationNotice.objects.filter(site=site)
    return {str(code): rows.filter(_stage_q(code, today)).count() for code in rectification.Stage}
