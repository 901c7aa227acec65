"""Writes for people, vehicles, credentials and the blacklist.

Each service validates through the core, writes in one transaction and records an audit entry in
that same transaction. Keyword-only arguments; the caller passes who acts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.models import AuditEntry
from gatehouse.audit.services import audit_record, audited_update, snapshot
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_card_number, parse_id_number, parse_mobile, parse_plate
from gatehouse.core.masking import mask_card, mask_id_number, mask_phone
from gatehouse.core.text import clean_name as core_clean_name
from gatehouse.core.text import clean_text
from gatehouse.devices.sync import sync_people, sync_person
from gatehouse.people.models import (
    BlacklistEntry,
    BlacklistKind,
    Credential,
    CredentialKind,
    CredentialStatus,
    Enterprise,
    HouseMembership,
    Person,
    PersonKind,
    Vehicle,
)
from gatehouse.privacy import lookup_hash, seal, unseal
from gatehouse.sites.models import House, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_QR_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
_CARD_KINDS = {CredentialKind.OWNER_CARD, CredentialKind.PARKING_CARD, CredentialKind.STAFF_BADGE}


def _shown_number(canonical: str) -> str:
    """Card numbers are masked in errors; plates (looked at by everyone at a gate) are not."""
    return canonical if not _is_card_number(canonical) else mask_card(canonical)


def _is_card_number(canonical: str) -> bool:
    return all(c in "0123456789ABCDEF" for c in canonical) and len(canonical) in (8, 14)


def _today(now: datetime | None) -> Any:
    return timezone.localdate(now or timezone.now())


def clean_name(raw: str) -> str:
    """A person's name as stored: invisible and bidirectional control characters dropped,
    whitespace collapsed; nothing visible left is ``person.name_empty``."""
    return core_clean_name(
        raw,
        limit=50,
        empty_code="person.name_empty",
        empty_message="姓名不能为空（不能只含空格或不可见字符）",
        long_code="person.name_too_long",
        long_message="姓名不能超过50个字",
    )


def set_id_number(target: Any, canonical: str) -> None:
    sealed = seal("id", canonical)
    target.id_number_cipher = sealed.cipher
    target.id_number_hash = sealed.digest
    target.id_number_masked = mask_id_number(canonical) if canonical else ""
    if hasattr(target, "id_number_last4"):
        target.id_number_last4 = sealed.last4


def set_phone(person: Person, canonical: str) -> None:
    sealed = seal("phone", canonical)
    person.phone_cipher = sealed.cipher
    person.phone_hash = sealed.digest
    person.phone_last4 = sealed.last4
    person.phone_masked = mask_phone(canonical) if canonical else ""


def ensure_id_number_free(*, site: Site, canonical: str, exclude_pk: int | None = None) -> None:
    """Raise when another person of ``site`` already holds this (canonical) ID number."""
    clash = Person.objects.filter(site=site, id_number_hash=lookup_hash("id", canonical))
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            "person.duplicate_id_number",
            "该身份证号已在本场所登记",
            {"field": "id_number", "id_number": mask_id_number(canonical)},
        )


def ensure_number_free(*, site: Site, canonical: str, exclude_pk: int | None = None) -> None:
    """Raise when the credential number already has an active holder at ``site``."""
    clash = Credential.objects.filter(site=site, number=canonical, status=CredentialStatus.ACTIVE)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            "credential.duplicate",
            "该卡号在本场所已有有效持有人，请先挂失或注销原卡",
            {"field": "number", "number": _shown_number(canonical)},
        )


def find_person_by_id_number(
    *, site: Site, id_number: str, now: datetime | None = None
) -> Person | None:
    canonical = parse_id_number(id_number, today=_today(now))
    return Person.objects.filter(site=site, id_number_hash=lookup_hash("id", canonical)).first()


@transaction.atomic
def person_create(
    *,
    site: Site,
    actor: Actor,
    name: str,
    kind: str,
    id_number: str = "",
    phone: str = "",
    enterprise: Enterprise | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Person:
    if kind not in PersonKind.values:
        raise InvalidInput("person.kind", "人员身份不正确", {"field": "kind"})
    if enterprise is not None and enterprise.site_id != site.pk:
        raise InvalidInput("person.enterprise_site", "所属企业不在本场所", {"field": "enterprise"})
    person = Person(site=site, name=clean_name(name), kind=kind, enterprise=enterprise, note=note)
    if id_number:
        canonical = parse_id_number(id_number, today=_today(now))
        ensure_id_number_free(site=site, canonical=canonical)
        set_id_number(person, canonical)
    if phone:
        set_phone(person, parse_mobile(phone))
    person.save()
    audit_record(action="person.create", obj=person, actor=actor, after=snapshot(person), at=now)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor: Actor,
    name: str | None = None,
    kind: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    note: str | None = None,
    is_active: bool | None = None,
    now: datetime | None = None,
) -> Person:
    before = snapshot(person)
    if name is not None:
        person.name = clean_name(name)
    if kind is not None:
        if kind not in PersonKind.values:
            raise InvalidInput("person.kind", "人员身份不正确", {"field": "kind"})
        person.kind = kind
    if id_number is not None:
        canonical = parse_id_number(id_number, today=_today(now)) if id_number else ""
        if canonical:
            ensure_id_number_free(site=person.site, canonical=canonical, exclude_pk=person.pk)
        set_id_number(person, canonical)
    if phone is not None:
        set_phone(person, parse_mobile(phone) if phone else "")
    if note is not None:
        person.note = note
    if is_active is not None:
        person.is_active = is_active
    person.save()
    audit_record(
        action="person.update",
        obj=person,
        actor=actor,
        before=before,
        after=snapshot(person),
        at=now,
    )
    # Moved out, left, renamed: the terminals' lists follow (gatehouse.devices.sync).
    sync_person(person.pk, now or timezone.now(), reason="人员信息变更")
    return person


@transaction.atomic
def house_link(
    *, person: Person, house: House, relation: str, actor: Actor, now: datetime | None = None
) -> HouseMembership:
    if house.site_id != person.site_id:
        raise InvalidInput("house.site", "房屋不在该人员所在场所", {"field": "house"})
    link, created = HouseMembership.objects.get_or_create(
        person=person, house=house, defaults={"relation": relation}
    )
    if created:
        audit_record(
            action="house.link",
            obj=link,
            actor=actor,
            site=person.site,
            after=snapshot(link),
            at=now,
        )
    return link


@transaction.atomic
def vehicle_register(
    *,
    site: Site,
    actor: Actor,
    plate: str,
    owner: Person | None = None,
    enterprise: Enterprise | None = None,
    brand: str = "",
    color: str = "",
    now: datetime | None = None,
) -> Vehicle:
    parsed = parse_plate(plate)
    if owner is not None and owner.site_id != site.pk:
        raise InvalidInput("vehicle.owner_site", "车主不在本场所", {"field": "owner"})
    if Vehicle.objects.filter(site=site, plate=parsed.number).exists():
        raise DomainError(
            "vehicle.duplicate_plate",
            "该车牌已在本场所登记",
            {"field": "plate", "plate": parsed.number},
        )
    vehicle = Vehicle.objects.create(
        site=site,
        plate=parsed.number,
        plate_kind=str(parsed.kind),
        owner=owner,
        enterprise=enterprise,
        brand=brand,
        color=color,
    )
    audit_record(
        action="vehicle.register", obj=vehicle, actor=actor, after=snapshot(vehicle), at=now
    )
    return vehicle


def normalise_credential_number(kind: str, raw: str) -> str:
    """The canonical number of a credential of ``kind`` (raises InvalidInput)."""
    if kind in _CARD_KINDS:
        return parse_card_number(raw)
    if kind == CredentialKind.PLATE:
        return parse_plate(raw).number
    if kind == CredentialKind.QR:
        token = (raw or "").strip()
        if not _QR_TOKEN.match(token):
            raise InvalidInput("qr.format", "二维码内容格式不正确", {"field": "number"})
        return token
    raise InvalidInput("credential.kind", "凭证类型不正确", {"field": "kind"})


@transaction.atomic
@transaction.atomic
def credential_issue(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    number: str,
    person: Person | None = None,
    vehicle: Vehicle | None = None,
    plate: str = "",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    now: datetime | None = None,
) -> Credential:
    """Issue a card, badge, QR or plate credential. A ``plate`` names the vehicle: the site's
    vehicle of that plate, or one registered now (for ``person``), in the same transaction, so
    a refused credential registers no vehicle."""
    now = now or timezone.now()
    if plate and vehicle is None:
        vehicle = Vehicle.objects.filter(site=site, plate=plate).first() or vehicle_register(
            site=site, actor=actor, plate=plate, owner=person, now=now
        )
    canonical = normalise_credential_number(kind, number)
    if person is None and vehicle is None:
        raise InvalidInput("credential.holder", "凭证必须有持有人或车辆", {"field": "person"})
    for holder in (person, vehicle):
        if holder is not None and holder.site_id != site.pk:
            raise InvalidInput("credential.holder_site", "持有人不在本场所", {"field": "person"})
    valid_from = valid_from or now
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput(
            "credential.window", "失效时间必须晚于生效时间", {"field": "valid_until"}
        )
    ensure_number_free(site=site, canonical=canonical)
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                site=site,
                kind=kind,
                number=canonical,
                person=person,
                vehicle=vehicle,
                valid_from=valid_from,
                valid_until=valid_until,
                status_changed_at=now,
            )
    except IntegrityError as exc:  # a concurrent issue of the same number won the race
        raise DomainError(
            "credential.duplicate",
            "该卡号在本场所已有有效持有人，请先挂失或注销原卡",
            {"field": "number", "number": _shown_number(canonical)},
        ) from exc
    audit_record(
        action="credential.issue", obj=credential, actor=actor, after=snapshot(credential), at=now
    )
    if credential.person_id is not None:
        sync_person(credential.person_id, now, reason="发卡")
    return credential


@transaction.atomic
def credential_set_status(
    *, credential: Credential, status: str, actor: Actor, now: datetime | None = None
) -> Credential:
    if status not in CredentialStatus.values:
        raise InvalidInput("credential.status", "凭证状态不正确", {"field": "status"})
    now = now or timezone.now()
    if status == CredentialStatus.ACTIVE and credential.status != CredentialStatus.ACTIVE:
        ensure_number_free(
            site=credential.site, canonical=credential.number, exclude_pk=credential.pk
        )
    audited_update(
        credential,
        action=f"credential.{status}",
        actor=actor,
        at=now,
        status=status,
        status_changed_at=now,
    )
    if credential.person_id is not None:
        sync_person(credential.person_id, now, reason="卡状态变更")
    return credential


@transaction.atomic
def blacklist_add(
    *,
    site: Site,
    actor: Actor,
    reason: str,
    person: Person | None = None,
    name: str = "",
    id_number: str = "",
    plate: str = "",
    starts_at: datetime | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> BlacklistEntry:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("blacklist.reason", "请填写列入黑名单的原因", {"field": "reason"})
    starts_at = starts_at or now
    if expires_at is not None and expires_at <= starts_at:
        raise InvalidInput("blacklist.window", "到期时间必须晚于生效时间", {"field": "expires_at"})
    entry = BlacklistEntry(site=site, reason=reason, starts_at=starts_at, expires_at=expires_at)
    entry.created_by = actor_or_none(actor)
    if plate:
        entry.kind = BlacklistKind.PLATE
        entry.plate = parse_plate(plate).number
    else:
        entry.kind = BlacklistKind.PERSON
        if person is not None:
            if person.site_id != site.pk:
                raise InvalidInput("blacklist.person_site", "人员不在本场所", {"field": "person"})
            entry.person = person
            entry.name = person.name
            entry.id_number_cipher = person.id_number_cipher
            entry.id_number_hash = person.id_number_hash
            entry.id_number_masked = person.id_number_masked
        else:
            entry.name = clean_name(name)
            if id_number:
                set_id_number(entry, parse_id_number(id_number, today=_today(now)))
    entry.save()
    audit_record(action="blacklist.add", obj=entry, actor=actor, after=snapshot(entry), at=now)
    sync_people(people_named_by(entry), now, reason="列入黑名单")
    return entry


@transaction.atomic
def blacklist_lift(
    *, entry: BlacklistEntry, actor: Actor, now: datetime | None = None
) -> BlacklistEntry:
    now = now or timezone.now()
    audited_update(entry, action="blacklist.lift", actor=actor, at=now, lifted_at=now)
    sync_people(people_named_by(entry), now, reason="解除黑名单")
    return entry


def people_named_by(entry: BlacklistEntry) -> list[int]:
    """The site's people a person entry names, by person or by ID number (P-11)."""
    ids = {entry.person_id} if entry.person_id is not None else set()
    if entry.id_number_hash:
        ids |= set(
            Person.objects.filter(
                site_id=entry.site_id, id_number_hash=entry.id_number_hash
            ).values_list("pk", flat=True)
        )
    return [pk for pk in ids if pk is not None]


@dataclass(frozen=True)
class Revealed:
    id_number: str
    phone: str


REVEAL_WINDOW = timedelta(hours=1)


def person_reveal(
    *,
    person: Person,
    actor: User,
    reason: str,
    now: datetime | None = None,
    phone_only: bool = False,
) -> Revealed:
    """The full ID number and phone of ``person``, for a role that needs them (the caller checks
    the role). Every reveal is audited with who, when and why; the values never enter the trail.

    A user may reveal ``GATEHOUSE_REVEALS_PER_HOUR`` times in any hour, counted from the audit
    trail (exact across workers and restarts; the user's row is locked while counting, so two
    reveals at once cannot both take the last one). One more is refused with ``reveal.quota``,
    nothing is revealed, and the refusal is audited (``person.reveal_refused``).
    ``phone_only``: the phone alone (the desk calling a host), the ID number left sealed; it is
    audited and counted the same way.
    """
    now = now or timezone.now()
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput("reveal.reason", "请填写查看完整号码的事由", {"field": "reason"})
    if len(reason) > 200:
        raise InvalidInput("reveal.reason_too_long", "事由不能超过200个字", {"field": "reason"})
    limit = int(settings.GATEHOUSE_REVEALS_PER_HOUR)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        recent = list(
            AuditEntry.objects.filter(
                action="person.reveal", actor=actor, at__gt=now - REVEAL_WINDOW, at__lte=now
            )
            .order_by("at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) < limit:
            after = {"reason": reason, **({"fields": "phone"} if phone_only else {})}
            audit_record(action="person.reveal", obj=person, actor=actor, after=after, at=now)
            id_number = "" if phone_only else unseal(person.id_number_cipher)
            return Revealed(id_number, unseal(person.phone_cipher))
        retry_at = recent[0] + REVEAL_WINDOW
        audit_record(
            action="person.reveal_refused",
            obj=person,
            actor=actor,
            after={"reason": reason, "limit": limit},
            at=now,
        )
    local = timezone.localtime(retry_at)
    raise DomainError(
        "reveal.quota",
        f"您一小时内查看完整号码已达 {limit} 次上限，本次未显示；请在 {local:%H:%M} 之后再试。",
        {"limit": limit, "retry_at": retry_at.isoformat()},
    )
