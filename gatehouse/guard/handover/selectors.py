"""Reads of guard shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gatehouse.core import guard as core
from gatehouse.guard.models import Handover
from gatehouse.guard.shared import guard_name
from gatehouse.registers.cells import register_rows, stamp
from gatehouse.registers.engine import Row
from gatehouse.sites.models import Post, Site


def core_handover(h: Handover) -> core.Handover:
    return core.Handover(
        ref=f"交接#{h.pk}" if h.pk else "交接",
        outgoing=guard_name(h.outgoing),
        incoming=guard_name(h.incoming),
        at=h.at,
        outgoing_signed=h.outgoing_signed_at is not None,
        incoming_signed=h.incoming_signed_at is not None,
        open_matters=tuple(h.open_matters),
        resolved=tuple(h.resolved),
        keys=tuple(h.keys),
        equipment=tuple(h.equipment),
    )


def previous_handover(site: Site, post: Post | None, before: datetime) -> Handover | None:
    qs = Handover.objects.filter(site=site, at__lte=before)
    if post is not None:
        qs = qs.filter(post=post)
    return qs.select_related("outgoing", "incoming").order_by("-at", "-pk").first()


def open_matters_for(site: Site, post: Post | None, now: datetime) -> tuple[str, ...]:
    """The matters the last handover passed on: to be closed or carried on now."""
    prev = previous_handover(site, post, now)
    return tuple(prev.open_matters) if prev is not None else ()


HANDOVER_COLUMNS: tuple[str | Promise, ...] = (
    _("交接时间"),
    _("岗位"),
    _("交班人"),
    _("接班人"),
    _("接班人到岗"),
    _("到岗情况"),
    _("未了事项"),
    _("已办结"),
    _("钥匙"),
    _("装备"),
    _("交班人签字"),
    _("接班人签字"),
    _("备注与问题"),
)


def handover_register(
    site: Site, *, date_from: date | None = None, date_to: date | None = None, q: str = ""
) -> QuerySet[Handover]:
    return register_rows(
        Handover.objects.filter(site=site),
        "at",
        date_from,
        date_to,
        q=q,
        search=(
            "outgoing__username__icontains",
            "incoming__username__icontains",
            "outgoing__first_name__icontains",
            "incoming__first_name__icontains",
            "notes__icontains",
        ),
        related=("post", "outgoing", "incoming"),
    )


def handover_row(h: Handover) -> Row:
    arrival = _("迟到%(m)d分钟") % {"m": h.minutes_late} if h.minutes_late else _("按时到岗")
    unsigned = h.incoming_signed_at is None or h.outgoing_signed_at is None
    return Row(
        (
            stamp(h.at),
            h.post.name if h.post else "—",
            guard_name(h.outgoing),
            guard_name(h.incoming),
            stamp(h.arrived_at, "%H:%M"),
            str(arrival),
            "；".join(h.open_matters) or "—",
            "；".join(h.resolved) or "—",
            "、".join(h.keys) or "—",
            "、".join(h.equipment) or "—",
            stamp(h.outgoing_signed_at, "%H:%M") if h.outgoing_signed_at else str(_("未签字")),
            stamp(h.incoming_signed_at, "%H:%M") if h.incoming_signed_at else str(_("未签字")),
            "；".join([*([h.notes] if h.notes else []), *h.problems]) or "—",
        ),
        "row-problem" if unsigned or h.minutes_late else "",
        h,
    )


def to_sign(site: Site, user: Any) -> list[Handover]:
    """The handovers ``user`` received and has not signed yet, newest first."""
    found = Handover.objects.filter(site=site, incoming=user, incoming_signed_at__isnull=True)
    return list(found.select_related("outgoing").order_by("-at"))


def handover_of(site: Site, pk: Any) -> Handover | None:
    return Handover.objects.filter(site=site, pk=pk).first()
