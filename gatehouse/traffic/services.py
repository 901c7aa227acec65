"""Parking-violation services (issue 17 §5; T7 第十四条): record a violation, record each step
that handled it, record the police's outcome.

Keyword-only and atomic, handed ``now``: load the facts, ask :mod:`gatehouse.core.traffic`,
write the row, the photos, the notice and the audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from gatehouse.access.models import NoticeAudience
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.core import traffic as core
from gatehouse.core.errors import InvalidInput
from gatehouse.core.ids import parse_plate
from gatehouse.core.masking import mask_name
from gatehouse.core.text import clean_text
from gatehouse.guard.writes import MAX_PHOTOS, check_photo, write_audit, write_notice
from gatehouse.people.models import HouseMembership, Vehicle
from gatehouse.sites.models import Site
from gatehouse.traffic.models import TrafficSettings, Violation, ViolationPhoto, ViolationStep


def policy_of(site: Site) -> core.Policy:
    """The site's repeat thresholds (the defaults where the site set none)."""
    conf = TrafficSettings.objects.filter(site=site).first()
    if conf is None:
        return core.Policy()
    return core.Policy(
        window_days=conf.window_days, employer_at=conf.employer_at, police_at=conf.police_at
    )


def party_of(site: Site, plate: str) -> str:
    """Who is told of the violation (T7 第十四条 通报所在单位): the registered vehicle's
    enterprise, or its owner's, or the owner (masked) with the house; "" when unknown."""
    vehicle = (
        Vehicle.objects.filter(site=site, plate=plate)
        .select_related("enterprise", "owner", "owner__enterprise")
        .first()
    )
    if vehicle is None:
        return ""
    owner = vehicle.owner
    enterprise = vehicle.enterprise or (owner.enterprise if owner is not None else None)
    who = mask_name(owner.name) if owner is not None else ""
    if enterprise is not None:
        return f"{enterprise.name}{f'（{who}）' if who else ''}"[:120]
    if owner is None:
        return ""
    link = HouseMembership.objects.filter(person=owner).select_related("house").first()
    return f"{who}（{link.house.number}）"[:120] if link is not None else who


def _kind(value: str) -> core.Kind:
    try:
        return core.Kind(value)
    except ValueError:
        raise InvalidInput("violation.kind", "请选择违规类别", {"field": "kind"}) from None


def _steps(violation: Violation) -> list[core.StepDone]:
    return [
        core.StepDone(core.Step(s.step), s.at, s.outcome)
        for s in violation.steps.all().order_by("step")
    ]


@transaction.atomic
def violation_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    plate: str,
    kind: str,
    place: str,
    note: str = "",
    photos: Sequence[Any] = (),
) -> Violation:
    """Record a violation a guard saw (T7 第七–十一条) with the step it calls for (第十四条):
    the plate's violations in the site's window are counted, this one included."""
    number = parse_plate(plate).number
    what = _kind(kind)
    where = clean_text(place, 100)
    if len(where) < 2:
        raise InvalidInput("violation.place", "请填写违规地点（至少2个字）", {"field": "place"})
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    names = [check_photo(p) for p in photos]
    policy = policy_of(site)
    earlier = Violation.objects.filter(
        site=site, plate=number, reported_at__gt=now - timedelta(days=policy.window_days)
    ).values_list("reported_at", flat=True)
    count = core.repeat_count(list(earlier), now, policy)
    found = core.escalation(what, count=min(count, 32767), policy=policy)
    violation = Violation.objects.create(
        site=site,
        plate=number,
        kind=what.value,
        place=where,
        note=clean_text(note, core.NOTE_MAX),
        party=party_of(site, number),
        reported_at=now,
        reported_by=actor_or_none(actor),
        count=found.count,
        required_step=found.step.value,
        reason=found.reason,
        rule=found.rule,
        message=found.message,
    )
    for upload, name in zip(photos, names, strict=True):
        ViolationPhoto.objects.create(violation=violation, file=upload, name=name, uploaded_at=now)
    if found.step is core.Step.POLICE:
        shown = parse_plate(number).display
        write_notice(
            site,
            NoticeAudience.MONITORING,
            "violation.police",
            f"{shown}在{where}{violation.get_kind_display()}：{found.message}",
            f"violation:{violation.pk}",
            now,
        )
    write_audit("traffic.violation.record", violation, actor, now)
    return violation


def _locked(violation: Violation) -> Violation:
    return Violation.objects.select_for_update().get(pk=violation.pk)


@transaction.atomic
def violation_step(
    *,
    violation: Violation,
    actor: Actor,
    now: datetime,
    step: int | str,
    note: str = "",
) -> ViolationStep:
    """Record one step taken (劝阻警告, 通报所在单位, 报警) with who and when; the violation is
    handled once a step as high as the one required is done (the police's with its outcome)."""
    v = _locked(violation)
    try:
        chosen = core.Step(int(step))
    except ValueError:
        raise InvalidInput("violation.step", "请选择处理措施", {"field": "step"}) from None
    core.check_step(chosen, _steps(v), at=now, reported_at=v.reported_at)
    text = clean_text(note, core.NOTE_MAX)
    if chosen is core.Step.EMPLOYER and len(text) < 2:
        raise InvalidInput(
            "violation.employer_note",
            "请写明通报了哪个单位或车主、通报方式（至少2个字）",
            {"field": "note"},
        )
    done = ViolationStep.objects.create(
        violation=v, step=chosen.value, at=now, by=actor_or_none(actor), note=text
    )
    _close_if_handled(v, now)
    write_audit("traffic.violation.step", done, actor, now)
    return done


@transaction.atomic
def violation_outcome(
    *, violation: Violation, actor: Actor, now: datetime, outcome: str
) -> ViolationStep:
    """The police's outcome (出警结果), once, on a violation whose police step is recorded."""
    v = _locked(violation)
    text = clean_text(outcome, core.NOTE_MAX)
    core.check_outcome(_steps(v), text)
    police = v.steps.get(step=core.Step.POLICE.value)
    police.outcome, police.outcome_at, police.outcome_by = text, now, actor_or_none(actor)
    police.save(update_fields=["outcome", "outcome_at", "outcome_by"])
    _close_if_handled(v, now)
    write_audit("traffic.violation.outcome", police, actor, now)
    return police


def _close_if_handled(v: Violation, now: datetime) -> None:
    if v.handled_at is None and core.handled(core.Step(v.required_step), _steps(v)):
        v.handled_at = now
        v.save(update_fields=["handled_at"])
