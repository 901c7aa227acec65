"""Writes of the notice board: publish, edit and withdraw a notice. Each is one transaction
with its audit entry; the rules (dates, lengths) are the core's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.bulletin.models import Notice
from gatehouse.core.bulletin import validate
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.sites.models import Building, Site


def _buildings(site: Site, ids: Iterable[int]) -> list[Building]:
    wanted = {int(i) for i in ids}
    found = list(Building.objects.filter(site=site, pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput(
            "bulletin.building_unknown", "所选楼栋不属于本场所", {"field": "buildings"}
        )
    return found


def _after(notice: Notice) -> dict[str, Any]:
    data = snapshot(notice) or {}
    data["buildings"] = sorted(b.pk for b in notice.buildings.all())
    return data


def notice_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    category: str,
    title: str,
    body: str,
    publish_from: datetime,
    until: datetime | None = None,
    buildings: Iterable[int] = (),
    pinned: bool = False,
) -> Notice:
    """Publish a notice (from ``publish_from``, which may be later than ``now``)."""
    title = validate(
        title=title, body=body, publish_from=publish_from, until=until, category=category
    )
    targets = _buildings(site, buildings)
    with transaction.atomic():
        notice = Notice.objects.create(
            site=site,
            category=category,
            title=title,
            body=body.strip(),
            publish_from=publish_from,
            until=until,
            pinned=pinned,
            author=actor,
        )
        notice.buildings.set(targets)
        audit_record(
            action="bulletin.create", obj=notice, actor=actor, after=_after(notice), at=now
        )
    return notice


def notice_update(
    *,
    notice: Notice,
    actor: Actor,
    now: datetime,
    category: str,
    title: str,
    body: str,
    publish_from: datetime,
    until: datetime | None = None,
    buildings: Iterable[int] = (),
    pinned: bool = False,
) -> Notice:
    """Edit a notice that is not withdrawn."""
    title = validate(
        title=title, body=body, publish_from=publish_from, until=until, category=category
    )
    targets = _buildings(notice.site, buildings)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.withdrawn_at is not None:
            raise DomainError("bulletin.withdrawn", "公告已撤回，不能修改")
        before = _after(notice)
        notice.category = category
        notice.title = title
        notice.body = body.strip()
        notice.publish_from = publish_from
        notice.until = until
        notice.pinned = pinned
        notice.save()
        notice.buildings.set(targets)
        audit_record(
            action="bulletin.update",
            obj=notice,
            actor=actor,
            before=before,
            after=_after(notice),
            at=now,
        )
    return notice


def notice_withdraw(*, notice: Notice, actor: Actor, now: datetime) -> Notice:
    """Take a notice off the board; the record stays."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.withdrawn_at is not None:
            raise DomainError("bulletin.already_withdrawn", "公告已撤回")
        before = _after(notice)
        notice.withdrawn_at = now
        notice.withdrawn_by = actor
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        audit_record(
            action="bulletin.withdraw",
            obj=notice,
            actor=actor,
            before=before,
            after=_after(notice),
            at=now,
        )
    return notice
