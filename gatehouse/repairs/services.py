"""Repair work-order services (issue 17 §4; SPEC GV-05 小修不过夜): file, dispatch, start,
finish, confirm or reopen, return visit, and the scan that alerts the service centre to the
orders past due — once per order.

Keyword-only and atomic, handed ``now``: lock the order, ask :mod:`gatehouse.core.repairs`
whether the step may be taken, write the order, its photos and the audit entry together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.access.models import NoticeAudience
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.accounts.models import Membership
from gatehouse.core import repairs as core
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.masking import mask_name
from gatehouse.core.text import clean_text
from gatehouse.guard.writes import MAX_PHOTOS, check_photo, write_audit
from gatehouse.notify.models import MessageKind
from gatehouse.notify.services import send
from gatehouse.people.models import HouseMembership, Person
from gatehouse.repairs.models import OPEN_STATES, PhotoStage, RepairOrder, RepairPhoto
from gatehouse.repairs.roles import WORKER_ROLES
from gatehouse.sites.models import House, Site


def houses_of(person: Person) -> list[House]:
    """The houses a resident may file a repair for: where they are owner, family or tenant."""
    return [
        link.house
        for link in HouseMembership.objects.filter(person=person, house__site_id=person.site_id)
        .select_related("house")
        .order_by("house__number")
    ]


def workers_of(site: Site) -> list[Any]:
    """The users who may be dispatched a repair at ``site``, by name."""
    ids = Membership.objects.filter(site=site, role__in=WORKER_ROLES).values_list(
        "user_id", flat=True
    )
    return list(get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username"))


def _photos(
    order: RepairOrder, photos: Sequence[Any], stage: str, actor: Actor, now: datetime
) -> None:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    names = [check_photo(p) for p in photos]
    for upload, name in zip(photos, names, strict=True):
        RepairPhoto.objects.create(
            order=order,
            stage=stage,
            file=upload,
            name=name,
            uploaded_at=now,
            uploaded_by=actor_or_none(actor),
        )


@transaction.atomic
def repair_file(
    *,
    resident: Person,
    actor: Actor,
    now: datetime,
    house: House | int | str,
    category: str,
    description: str,
    place: str = "",
    photos: Sequence[Any] = (),
) -> RepairOrder:
    """A resident files a repair for one of their houses; it is due as GV-05 says (core.due)."""
    what = core.category_of(category)
    text = core.check_description(description)
    mine = {h.pk: h for h in houses_of(resident)}
    try:
        house_pk = house.pk if isinstance(house, House) else int(house)
    except (TypeError, ValueError):
        house_pk = 0
    if house_pk not in mine:
        raise InvalidInput("repair.house", "只能为本人登记的房屋报修", {"field": "house"})
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    for p in photos:
        check_photo(p)
    deadline = core.due(what, now)
    order = RepairOrder.objects.create(
        site_id=resident.site_id,
        house=mine[house_pk],
        resident=resident,
        category=what.value,
        place=clean_text(place, 100),
        description=text,
        filed_at=now,
        filed_by=actor_or_none(actor),
        due_at=deadline.at,
        due_reason=deadline.reason,
        rule=deadline.rule,
    )
    _photos(order, photos, PhotoStage.FILED, actor, now)
    write_audit("repairs.file", order, actor, now)
    return order


def _locked(order: RepairOrder) -> RepairOrder:
    return RepairOrder.objects.select_for_update().get(pk=order.pk)


def _step(order: RepairOrder, step: str) -> core.State:
    return core.next_state(order.state, step)


@transaction.atomic
def repair_dispatch(
    *, order: RepairOrder, actor: Actor, now: datetime, assignee: Any
) -> RepairOrder:
    """The service centre sends the order to one of the site's maintenance workers (again, to
    another worker, while nobody has started it)."""
    o = _locked(order)
    after = _step(o, "dispatch")
    pk = getattr(assignee, "pk", assignee)
    worker = next((w for w in workers_of(o.site) if str(w.pk) == str(pk)), None)
    if worker is None:
        raise InvalidInput("repair.assignee", "请选择本场所的维修人员", {"field": "assignee"})
    o.state, o.assignee, o.dispatched_at, o.dispatched_by = (
        after.value,
        worker,
        now,
        actor_or_none(actor),
    )
    o.save(update_fields=["state", "assignee", "dispatched_at", "dispatched_by"])
    write_audit("repairs.dispatch", o, actor, now)
    return o


def _assigned(o: RepairOrder, actor: Actor) -> None:
    if actor is None or o.assignee_id != actor.pk:
        raise DomainError("repair.not_assignee", "这张工单没有派给您")


@transaction.atomic
def repair_start(*, order: RepairOrder, actor: Actor, now: datetime) -> RepairOrder:
    """The worker it was dispatched to starts the repair."""
    o = _locked(order)
    _assigned(o, actor)
    o.state = _step(o, "start").value
    o.started_at = now
    o.save(update_fields=["state", "started_at"])
    write_audit("repairs.start", o, actor, now)
    return o


@transaction.atomic
def repair_finish(
    *, order: RepairOrder, actor: Actor, now: datetime, note: str, photos: Sequence[Any] = ()
) -> RepairOrder:
    """The worker finishes the repair with what was done (and photos); the resident confirms."""
    o = _locked(order)
    _assigned(o, actor)
    after = _step(o, "finish")
    text = core.check_note(note, field="note", required=True, what="维修说明")
    _photos(o, photos, PhotoStage.FINISHED, actor, now)
    o.state, o.finished_at, o.finish_note = after.value, now, text
    o.save(update_fields=["state", "finished_at", "finish_note"])
    write_audit("repairs.finish", o, actor, now)
    return o


def _own(o: RepairOrder, resident: Person) -> None:
    if o.resident_id != resident.pk:
        raise DomainError("repair.not_yours", "这不是您的报修")


@transaction.atomic
def repair_confirm(
    *, order: RepairOrder, resident: Person, actor: Actor, now: datetime
) -> RepairOrder:
    """The resident says it is repaired."""
    o = _locked(order)
    _own(o, resident)
    o.state = _step(o, "confirm").value
    o.confirmed_at = now
    o.save(update_fields=["state", "confirmed_at"])
    write_audit("repairs.confirm", o, actor, now)
    return o


@transaction.atomic
def repair_reopen(
    *, order: RepairOrder, resident: Person, actor: Actor, now: datetime, reason: str
) -> RepairOrder:
    """The resident says it is not repaired: back to the same worker, unfinished; the due time
    stays (a repair that was not done is late when the first deadline passes)."""
    o = _locked(order)
    _own(o, resident)
    after = _step(o, "reopen")
    text = core.check_note(reason, field="reason", required=True, what="仍需维修的原因")
    o.state, o.reopen_reason = after.value, text
    o.reopen_count += 1
    o.started_at = o.finished_at = None
    o.overdue_alerted_at = None
    o.save(
        update_fields=[
            "state",
            "reopen_reason",
            "reopen_count",
            "started_at",
            "finished_at",
            "overdue_alerted_at",
        ]
    )
    write_audit("repairs.reopen", o, actor, now)
    return o


@transaction.atomic
def repair_visit(
    *, order: RepairOrder, actor: Actor, now: datetime, satisfaction: int | str, note: str = ""
) -> RepairOrder:
    """The service centre's return visit (回访): the resident's satisfaction, and why not."""
    o = _locked(order)
    after = _step(o, "visit")
    level, text = core.check_visit(satisfaction, note)
    o.state, o.visited_at, o.visited_by = after.value, now, actor_or_none(actor)
    o.satisfaction, o.visit_note = level.value, text
    o.save(update_fields=["state", "visited_at", "visited_by", "satisfaction", "visit_note"])
    write_audit("repairs.visit", o, actor, now)
    return o


def overdue_scan(*, site: Site, now: datetime) -> list[RepairOrder]:
    """GV-05: every unfinished order past due at ``site`` is alerted to the service centre, once
    per order (a second run alerts nothing; a reopened order may be alerted again)."""
    found = list(
        RepairOrder.objects.filter(
            site=site,
            state__in=OPEN_STATES,
            finished_at__isnull=True,
            due_at__lt=now,
            overdue_alerted_at__isnull=True,
        )
        .select_related("house", "resident", "assignee")
        .order_by("due_at", "pk")
    )
    alerted = []
    for order in found:
        if not core.overdue(order.due_at, order.finished_at, now):
            continue
        with transaction.atomic():
            claimed = RepairOrder.objects.filter(
                pk=order.pk, overdue_alerted_at__isnull=True
            ).update(overdue_alerted_at=now)
            if not claimed:
                continue
            order.overdue_alerted_at = now
            who = mask_name(order.resident.name) if order.resident is not None else ""
            send(
                site=site,
                kind=MessageKind.REPAIR_OVERDUE,
                text=(
                    f"报修超时：{order.number} {order.house.number}{who and ' ' + who} "
                    f"{order.get_category_display()}，应于{_local(order.due_at)}前完成，"
                    f"当前{order.get_state_display()}"
                ),
                now=now,
                ref=f"repair:{order.pk}:overdue:{order.reopen_count}",
                audience=NoticeAudience.DESK,
                notice_kind="repair.overdue",
                private=(order.resident.name,) if order.resident is not None else (),
            )
        alerted.append(order)
    return alerted


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%m-%d %H:%M}"
