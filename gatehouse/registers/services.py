"""Writes of the registers app: flagging visitors still inside after closing time (VI-03) and
acknowledging an alert. Keyword-only, given ``now``; they never read the clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import translation

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.core.masking import mask_name
from gatehouse.registers.selectors import OVERSTAY_KIND, inside_visits, overdue_reason
from gatehouse.sites.models import Site


def overstay_ref(visit_pk: int) -> str:
    return f"visit:{visit_pk}"


@transaction.atomic
def flag_overstays(*, site: Site, now: datetime, inside: Iterable[Any] | None = None) -> int:
    """VI-03: one guard notice for every visitor still inside after closing time (or past their
    time limit). Idempotent: a visit already flagged is never flagged again. Returns how many
    notices were created. ``inside``: visits inside the caller has just read (the on-site page
    passes those its board found overdue) — else they are all read here."""
    with translation.override("zh-hans"):  # the notice is stored text: the default language
        visits = inside_visits(site) if inside is None else inside
        overdue = [(v, overdue_reason(v, site, now)) for v in visits]
        overdue = [(v, why) for v, why in overdue if why]
        if not overdue:
            return 0  # the usual case, by day: nothing to write, nothing to lock
        # Serialise concurrent runs for a site (PostgreSQL; SQLite writes are serial anyway):
        # the second waits here, then sees the first one's notices below.
        Site.objects.select_for_update().filter(pk=site.pk).first()
        flagged = set(
            Notice.objects.filter(
                site=site,
                kind=OVERSTAY_KIND,
                object_ref__in=[overstay_ref(v.pk) for v, _why in overdue],
            ).values_list("object_ref", flat=True)
        )
        fresh = [
            Notice(
                site=site,
                audience=NoticeAudience.GUARD,
                kind=OVERSTAY_KIND,
                message=_overstay_message(visit, why),
                object_ref=overstay_ref(visit.pk),
                created_at=now,
            )
            for visit, why in overdue
            if overstay_ref(visit.pk) not in flagged
        ]
    Notice.objects.bulk_create(fresh)
    return len(fresh)


def _overstay_message(visit: Any, why: str) -> str:
    target = visit.house.number if visit.house is not None else visit.host_text
    where = f"（{target}）" if target else ""
    return f"来客{mask_name(visit.name)}{where}{why}，请核实并登记离开"[:300]
