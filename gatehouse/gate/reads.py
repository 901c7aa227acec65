"""Reading what a lane reads: a raw read — a card, a badge, a QR code, an ID card, a face — looked
up as the :class:`~gatehouse.gate.facts.GateInput` it stands for (:func:`read_input`); the device
a key names (:func:`device_by_digest`), the lane it reads at (:func:`device_lane`) and whether
its read time can be taken (:func:`check_read_time`). No writes here."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from gatehouse.core import vehicle as core_vehicle
from gatehouse.core.access import CredentialKind, Entrant, HealthFacts
from gatehouse.core.access import CredentialStatus as CardStatus
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_card_number, parse_id_number
from gatehouse.core.masking import mask_card, mask_id_number
from gatehouse.devices.models import Device
from gatehouse.gate import rows, sql
from gatehouse.gate.facts import PASS_ENTRANTS, GateInput, code_input
from gatehouse.gate.merger import other_members
from gatehouse.people.models import Credential, CredentialStatus, Person
from gatehouse.people.services import normalise_credential_number
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Gate, Lane, Site
from gatehouse.visitors import selectors, tokens
from gatehouse.visitors.models import Invitation, Pass

READ_KINDS = ("card", "badge", "qr", "id_card", "face")
CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.PARKING_CARD, CredentialKind.STAFF_BADGE)
# The credentials a person identified by ID card or face is judged by.
PERSON_CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE)
# The card kinds a barrier reads: an owner card, or a parking card (V-01).
BARRIER_CARDS = {
    CredentialKind.OWNER_CARD: core_vehicle.VehicleCard.OWNER_CARD,
    CredentialKind.PARKING_CARD: core_vehicle.VehicleCard.PARKING_CARD,
}
# A replayed read may be this old, and a device clock this far ahead of the server's.
MAX_REPLAY_AGE = timedelta(days=7)
MAX_CLOCK_SKEW = timedelta(minutes=2)


# --------------------------------------------------------------------------------------------
# A read → what stands at the lane
# --------------------------------------------------------------------------------------------


def read_input(
    *, lane: Lane, kind: str, value: str, when: datetime, health: HealthFacts | None = None
) -> GateInput:
    """The :class:`GateInput` a read stands for, with what a device measured (no writes)."""
    inp = _read(lane=lane, kind=kind, value=value, when=when)
    if health is not None:
        inp.health = _health_for(inp, health)
    return inp


def _read(*, lane: Lane, kind: str, value: str, when: datetime) -> GateInput:
    """What the read names: the credential, invitation, pass or person, looked up."""
    site = lane.gate.site
    raw = value or ""
    if kind in ("card", "badge"):
        if kind == "card" and tokens.looks_like_terminal_code(raw):
            found = _terminal_code_input(lane, site, raw.strip(), kind)
            if found is not None:
                return found
        number = parse_card_number(raw)
        credential, blacklisted = _credential_here(lane, number, CARD_KINDS, when)
        return GateInput(
            lane=lane,
            credential=credential,
            blacklisted=blacklisted,
            presented_kind=kind,
            presented_masked=mask_card(number),
        )
    if kind == "qr":
        return _qr_input(lane, site, raw, when)
    if kind == "id_card":
        canonical = parse_id_number(raw, today=timezone.localdate(when))
        digest = lookup_hash("id", canonical)
        person = _person_here(lane, when, id_number_hash=digest)
        return _person_input(
            lane, person, "id_card", mask_id_number(canonical), when, id_number_hash=digest
        )
    if kind == "face":
        ref = raw.strip()
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            raise InvalidInput(
                "face.invalid", "人脸终端返回的人员编号格式不正确", {"field": "credential"}
            )
        person = _person_here(lane, when, pk=int(ref))
        return _person_input(lane, person, "face", f"face:{ref}", when)
    raise InvalidInput(
        "credential.kind",
        "凭证类型不正确，应为 card、badge、qr、id_card 或 face",
        {"field": "kind"},
    )


def _credential_here(
    lane: Lane, number: str, kinds: tuple[str, ...], when: datetime
) -> tuple[Credential | None, bool | None]:
    """The credential with ``number`` of the lane's site; at a unified entrance of a running
    merger (M-05), else of another member site, asked only when the lane's own site has none."""
    found = _credential(lane.gate.site_id, number, kinds, when)
    if found[0] is not None:
        return found
    for site_id in other_members(lane, when):
        elsewhere = _credential(site_id, number, kinds, when)
        if elsewhere[0] is not None:
            return elsewhere
    return found


def _person_here(lane: Lane, when: datetime, **lookup: Any) -> Person | None:
    """A person of the lane's site by ID number or number; at a unified entrance of a running
    merger (M-05), else one of another member site."""
    person = Person.objects.filter(site_id=lane.gate.site_id, **lookup).first()
    others = other_members(lane, when) if person is None else ()
    if others:
        person = Person.objects.filter(site_id__in=others, **lookup).order_by("pk").first()
    return person


def _credential(
    site_id: int, number: str, kinds: tuple[str, ...], when: datetime
) -> tuple[Credential | None, bool | None]:
    """The credential of site ``site_id`` with ``number``: the active one, else the last one
    changed, so a lost or revoked card is refused with its own reason rather than as unknown;
    and whether its holder is blacklisted at ``when`` (P-11). One hand-joined query: every card
    read pays it."""
    padded = [*kinds, *[kinds[-1]] * (3 - len(kinds))]
    params = [
        *sql.blacklist_params(site_id, when),
        site_id,
        number,
        *padded,
        CredentialStatus.ACTIVE,
    ]
    row = rows.fetch_one(sql.credential(), params)
    if row is None:
        return None, None
    credential: Credential = rows.build(Credential, row, 0)
    rows.attach(credential, "person", rows.build(Person, row, rows.width(Credential)))
    return credential, bool(row[-1])


def _person_input(
    lane: Lane,
    person: Person | None,
    kind: str,
    masked: str,
    when: datetime,
    id_number_hash: str = "",
) -> GateInput:
    """A person identified without a card (ID card, face): judged by their active card or badge;
    without one (or unknown) the read is refused as an unknown credential."""
    credential = None
    if person is not None:
        cards = list(
            Credential.objects.filter(
                person=person, kind__in=PERSON_CARD_KINDS, status=CredentialStatus.ACTIVE
            ).select_related("person")
        )
        # Prefer a card valid at the read time, then a badge for staff, then the newest.
        cards.sort(
            key=lambda c: (
                not (c.valid_from <= when and (c.valid_until is None or when < c.valid_until)),
                c.kind != CredentialKind.STAFF_BADGE,
                -c.pk,
            )
        )
        credential = cards[0] if cards else None
    return GateInput(
        lane=lane,
        credential=credential,
        person=person,
        presented_kind=kind,
        presented_masked=masked,
        id_number_hash=id_number_hash,
    )


def _terminal_code_input(lane: Lane, site: Site, code: str, kind: str) -> GateInput | None:
    """The invitation or pass whose terminal code a QR reader passed as a card number or a QR,
    judged as its signed QR is (VI-02, P-09); ``None`` if no record of the site carries it."""
    found = selectors.by_terminal_code(site.pk, code)
    if found is None:
        return None
    return code_input(lane, found, kind, mask_card(code))


def _qr_input(lane: Lane, site: Site, raw: str, when: datetime) -> GateInput:
    if tokens.looks_like_terminal_code(raw):
        found = _terminal_code_input(lane, site, raw.strip(), "qr")
        if found is not None:
            return found
    if not tokens.looks_like_qr(raw):
        number = normalise_credential_number(CredentialKind.QR, raw)
        credential, blacklisted = _credential_here(lane, number, (CredentialKind.QR,), when)
        return GateInput(
            lane=lane,
            credential=credential,
            blacklisted=blacklisted,
            presented_kind="qr",
            presented_masked=mask_card(number),
        )
    claim = tokens.read_qr(raw, now=when)
    foreign = InvalidInput("qr.invalid", "此二维码不属于本场所", {"field": "credential"})
    masked = mask_card(claim.token)
    if claim.kind == "inv":
        invitation = (
            Invitation.objects.filter(site=site, token=claim.token)
            .select_related("host", "house")
            .first()
        )
        if invitation is None:
            raise foreign
        return GateInput(
            lane=lane,
            entrant=Entrant.INVITED,
            invitation=invitation,
            presented_kind="qr",
            presented_masked=masked,
        )
    pass_ = Pass.objects.filter(site=site, token=claim.token).select_related("house").first()
    if pass_ is None:
        raise foreign
    return GateInput(
        lane=lane,
        entrant=PASS_ENTRANTS[pass_.kind],
        pass_=pass_,
        presented_kind="qr",
        presented_masked=masked,
        id_number_hash=pass_.id_number_hash,
    )


def _health_for(inp: GateInput, health: HealthFacts) -> HealthFacts:
    """A device reports only temperature and health code. A host's invitation or a pass is the
    visit's necessity (M-02); real-name registration is a pass with an ID number. Anything the
    device cannot know stays unconfirmed, so the core pends for the guard instead of refusing."""
    if inp.invitation is not None or inp.pass_ is not None:
        registered = inp.pass_ is not None and bool(inp.pass_.id_number_hash)
        return replace(health, necessary=True, real_name=health.real_name or registered)
    return health


# --------------------------------------------------------------------------------------------
# The device and its lane
# --------------------------------------------------------------------------------------------


def device_by_digest(digest: str, *, memory: bool = False) -> Device | None:
    """The live device with this key hash at an active site, with its site, lane and the lane's
    gate attached: one hand-joined query (:mod:`gatehouse.gate.sql`); every device request pays
    it — unless ``memory``: then, on PostgreSQL, the row is kept in this process and the device
    rebuilt from it (see :data:`MEMORY_SECONDS`), marked with the registry version it was read at
    (``memory_version``), which the decision's write checks (:class:`StaleDevice`)."""
    if not memory or not settings.GATEHOUSE_DEVICE_MEMORY or rows.current().vendor != "postgresql":
        return _device(sql.device_by_key(), digest)
    now = time.monotonic()
    kept = _memory.get(digest)
    if kept is not None and now - kept[1] < MEMORY_SECONDS:
        return _device_from(kept[0], remembered=True)
    row = rows.fetch_one(sql.device_by_key(), [digest])
    if row is None:
        _memory.pop(digest, None)
        return None
    if len(_memory) >= MEMORY_MAX:
        _memory.clear()  # keys rotated away and never presented again: start over
    _memory[digest] = (row, now)
    return _device_from(row, remembered=True)


# The devices the decision path keeps in memory (issue 18 §5): a key's hash → the row of
# sql.device_by_key and when it was read. Every gate decision authenticates its device first,
# a join of four tables that cost a round trip and a fifth of the decision's CPU. A device kept
# here is used for at most MEMORY_SECONDS and only to decide: the decision's one write statement
# runs only while the devices' registry version (raised by triggers with any change to a
# device, a site, a gate or a lane, in the same transaction) is still the one the row carries;
# otherwise it writes nothing and raises StaleDevice, and the caller looks the device up again
# and decides again (gatehouse.fastpath). A revoked key is therefore never decided on from
# memory, however recently it was kept.
MEMORY_SECONDS = 60.0
MEMORY_MAX = 10_000
_memory: dict[str, tuple[tuple[Any, ...], float]] = {}


class StaleDevice(Exception):
    """The devices' registry changed after a device was kept in memory: the decision made with
    it wrote nothing; look the device up again and decide again."""


def forget_devices(digest: str | None = None) -> None:
    """Drop the kept device with key hash ``digest`` (after its ``last_seen_at`` was written),
    or every kept device (after :class:`StaleDevice`)."""
    if digest is None:
        _memory.clear()
    else:
        _memory.pop(digest, None)


def device_by_push_digest(digest: str) -> Device | None:
    """:func:`device_by_digest` for the hash of a push address token (a plate camera's, a
    terminal's event push): every camera push pays it."""
    return _device(sql.device_by_push_token(), digest)


def _device(statement: str, digest: str) -> Device | None:
    row = rows.fetch_one(statement, [digest])
    return None if row is None else _device_from(row, remembered=False)


def _device_from(row: tuple[Any, ...], *, remembered: bool) -> Device:
    """The device, its site, lane and gate from a row of ``sql._device_joined``; a
    ``remembered`` one carries the registry version it was read at (``memory_version``), which
    the decision's write checks; another carries None (nothing to check)."""
    at = 0
    device: Device = rows.build(Device, row, at)
    at += rows.width(Device)
    site = rows.build(Site, row, at)
    at += rows.width(Site)
    lane = rows.build(Lane, row, at)
    at += rows.width(Lane)
    gate = rows.build(Gate, row, at)
    rows.attach(device, "site", site)
    rows.attach(device, "lane", lane)
    if lane is not None:
        rows.attach(lane, "gate", gate)
        if gate.site_id == site.pk:
            rows.attach(gate, "site", site)
    device.memory_version = row[-1] if remembered else None
    return device


def device_lane(*, device: Device, lane_ref: str | None) -> Lane:
    """The lane a device reads at: ``"<gate_code>/<lane_code>"`` of the device's own site, or the
    lane the device is bound to.

    Codes: ``lane.required`` / ``lane.format`` / ``lane.mismatch`` (422), ``lane.unknown`` (404;
    also for a lane that exists only at another site, never confirming it), ``lane.other_site``
    (403: the device is bound to a lane of another site, a configuration error)."""
    bound = device.lane
    if bound is not None and bound.gate.site_id != device.site_id:
        raise DomainError(
            "lane.other_site", "设备所绑定的通道不属于本设备的场所，请联系管理员", {"field": "lane"}
        )
    if not lane_ref:
        if bound is None:
            raise InvalidInput(
                "lane.required",
                "本设备未绑定通道，请求须带 lane（出入口编码/通道编码）",
                {"field": "lane"},
            )
        return bound
    gate_code, sep, lane_code = lane_ref.strip().partition("/")
    if not sep or not gate_code or not lane_code or "/" in lane_code:
        raise InvalidInput(
            "lane.format", "通道应写作 出入口编码/通道编码，例如 east/walk-in", {"field": "lane"}
        )
    if bound is not None and (bound.gate.code, bound.code) == (gate_code, lane_code):
        return bound  # loaded with the device (gate and site attached)
    lane = (
        Lane.objects.filter(gate__site_id=device.site_id, gate__code=gate_code, code=lane_code)
        .select_related("gate__site")
        .first()
    )
    if lane is None:
        raise DomainError("lane.unknown", "本场所没有这个通道", {"field": "lane", "lane": lane_ref})
    if bound is not None and lane.pk != bound.pk:
        raise InvalidInput(
            "lane.mismatch", "请求的通道与设备绑定的通道不一致", {"field": "lane", "lane": lane_ref}
        )
    return lane


def check_read_time(*, at: datetime | None, now: datetime) -> None:
    """A replayed read: at most 7 days old, at most 2 minutes ahead of the server's clock."""
    if at is None:
        return
    if timezone.is_naive(at):
        raise InvalidInput(
            "at.invalid", "读卡时间须带时区，例如 2026-11-24T09:30:00+08:00", {"field": "at"}
        )
    if at > now + MAX_CLOCK_SKEW:
        raise InvalidInput("at.invalid", "读卡时间晚于服务器时间，请校准设备时钟", {"field": "at"})
    if at < now - MAX_REPLAY_AGE:
        raise InvalidInput("at.invalid", "读卡时间早于7天前，不能再补传", {"field": "at"})


# --------------------------------------------------------------------------------------------
# At a barrier: a card, a registered plate, a registered vehicle
# --------------------------------------------------------------------------------------------


def barrier_card(site: Site, number: str) -> tuple[core_vehicle.CardFacts | None, Person | None]:
    """The barrier card with ``number`` (its status and window) and its holder."""
    canonical = parse_card_number(number)
    cred = (
        Credential.objects.filter(site=site, number=canonical, kind__in=list(BARRIER_CARDS))
        .select_related("person")
        .order_by("-pk")
        .first()
    )
    if cred is None:
        return None, None
    facts = core_vehicle.CardFacts(
        kind=BARRIER_CARDS[CredentialKind(cred.kind)],
        status=CardStatus(cred.status),
        valid_from=cred.valid_from,
        valid_until=cred.valid_until,
    )
    return facts, cred.person
