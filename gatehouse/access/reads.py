"""A raw read at a lane — a card, a badge, a QR code, an ID card, a face — turned into a gate
decision. The device API and the guard's booth both come through :func:`gate_read`, which loads
what the read names and hands it to :func:`gatehouse.access.services.gate_decide`.

:func:`device_decide` is the device API's service: it resolves the lane, checks the read time,
and records the decision together with the device's nonce in one transaction, so a repeated
request (a device retrying after a timeout) gets the first answer back and nothing is written
twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gatehouse import rows
from gatehouse.access import chain
from gatehouse.access.models import DeviceRequest, EventSource
from gatehouse.access.services import (
    GateInput,
    GateResult,
    blacklist_exists,
    blacklist_params,
    gate_decide,
)
from gatehouse.core.access import Decision, Entrant, HealthFacts
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_card_number, parse_id_number
from gatehouse.core.masking import mask_card, mask_id_number
from gatehouse.devices.models import Device
from gatehouse.people.models import Credential, CredentialKind, CredentialStatus, Person
from gatehouse.people.services import normalise_credential_number
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Lane, Site
from gatehouse.visitors import tokens

READ_KINDS = ("card", "badge", "qr", "id_card", "face")
CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.PARKING_CARD, CredentialKind.STAFF_BADGE)
# The credentials a person identified by ID card or face is judged by.
PERSON_CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE)
PASS_ENTRANTS = {
    "decoration": Entrant.DECORATION_WORKER,
    "intro_letter": Entrant.TOUR,
    "temporary": Entrant.TEMPORARY_PASS,
}
# A replayed read may be this old, and a device clock this far ahead of the server's.
MAX_REPLAY_AGE = timedelta(days=7)
MAX_CLOCK_SKEW = timedelta(minutes=2)


# --------------------------------------------------------------------------------------------
# One read → one decision
# --------------------------------------------------------------------------------------------


def gate_read(
    *,
    lane: Lane,
    kind: str,
    value: str,
    now: datetime,
    at: datetime | None = None,
    device: Any = None,
    guard: Any = None,
    source: str = EventSource.DEVICE,
    health: HealthFacts | None = None,
) -> GateResult:
    """Decide for the person whose ``kind`` read gave ``value`` at ``lane`` and record it.

    ``at`` is when the read happened (a device replaying reads after an outage): the credential,
    the QR code and the rules are judged at that moment. Malformed values, forged, expired or
    foreign QR codes raise :class:`InvalidInput` and nothing is written; an unknown card is not
    an error but a refusal (``credential.unknown``, P-11) recorded like any other.
    """
    inp = read_input(lane=lane, kind=kind, value=value, when=at or now, health=health)
    return gate_decide(inp, now=now, at=at, device=device, guard=guard, source=source)


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
        number = parse_card_number(raw)
        credential, blacklisted = _credential(site, number, CARD_KINDS, when)
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
        person = Person.objects.filter(site=site, id_number_hash=digest).first()
        return _person_input(
            lane, person, "id_card", mask_id_number(canonical), when, id_number_hash=digest
        )
    if kind == "face":
        ref = raw.strip()
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            raise InvalidInput(
                "face.invalid", "人脸终端返回的人员编号格式不正确", {"field": "credential"}
            )
        person = Person.objects.filter(site=site, pk=int(ref)).first()
        return _person_input(lane, person, "face", f"face:{ref}", when)
    raise InvalidInput(
        "credential.kind",
        "凭证类型不正确，应为 card、badge、qr、id_card 或 face",
        {"field": "kind"},
    )


@rows.statement
def _credential_sql() -> str:
    """Credentials of a site with a number and of kinds (an ``IN`` of three), the active one
    first, then the last changed; the holder joined, and whether the holder is blacklisted."""
    return (
        f"SELECT {rows.columns(Credential, 'c')}, {rows.columns(Person, 'p')}, "  # noqa: S608 (names from model metadata, values bound)
        f"{blacklist_exists('c.person_id', 'p.id_number_hash')} "
        f"FROM {rows.table(Credential)} c LEFT JOIN {rows.table(Person)} p ON p.id = c.person_id "
        "WHERE c.site_id = %s AND c.number = %s AND c.kind IN (%s, %s, %s) "
        "ORDER BY CASE WHEN c.status = %s THEN 0 ELSE 1 END, "
        "c.status_changed_at IS NULL, c.status_changed_at DESC, c.id DESC LIMIT 1"
    )


def _credential(
    site: Site, number: str, kinds: tuple[str, ...], when: datetime
) -> tuple[Credential | None, bool | None]:
    """The credential of ``site`` with ``number``: the active one, else the last one changed, so a
    lost or revoked card is refused with its own reason rather than as unknown; and whether its
    holder is blacklisted at ``when`` (P-11). One hand-joined query: every card read pays it."""
    padded = [*kinds, *[kinds[-1]] * (3 - len(kinds))]
    params = [
        *blacklist_params(site.pk, when),
        site.pk,
        number,
        *padded,
        CredentialStatus.ACTIVE,
    ]
    row = rows.fetch_one(_credential_sql(), params)
    if row is None:
        return None, None
    credential: Credential = rows.build(Credential, row, 0)
    credential.person = rows.build(Person, row, rows.width(Credential))
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


def _qr_input(lane: Lane, site: Site, raw: str, when: datetime) -> GateInput:
    from gatehouse.visitors.models import Invitation, Pass

    if not tokens.looks_like_qr(raw):
        number = normalise_credential_number(CredentialKind.QR, raw)
        credential, blacklisted = _credential(site, number, (CredentialKind.QR,), when)
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
    from dataclasses import replace

    if inp.invitation is not None or inp.pass_ is not None:
        return replace(
            health,
            necessary=True,
            real_name=health.real_name or bool(getattr(inp.pass_, "id_number_hash", "")),
        )
    return health


# --------------------------------------------------------------------------------------------
# The device API's service
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceAnswer:
    body: dict[str, Any]  # the JSON the device gets, ``replayed`` included
    replayed: bool


def body_digest(body: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a request body (sorted keys, no spaces)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_JSON = DjangoJSONEncoder()


def decision_json(decision: Decision, event: Any) -> dict[str, Any]:
    return {
        "event_id": event.pk,
        "outcome": decision.outcome.value,
        "pending": decision.pending.value if decision.pending else None,
        "reason": decision.reason,
        "rule": decision.rule,
        "message": decision.message,
        "obligations": [
            {
                "duty": o.duty.value,
                "register": o.register.value if o.register else None,
                "minutes": o.minutes,
                "note": o.note,
            }
            for o in decision.obligations
        ],
        # As Django's JSON encoder writes a datetime (milliseconds), which the API always sent.
        "at": _JSON.default(timezone.localtime(event.at)),
    }


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


def _stored(device: Device, nonce: str, digest: str) -> DeviceAnswer | None:
    row = DeviceRequest.objects.filter(device=device, nonce=nonce).first()
    if row is None:
        return None
    if row.body_digest != digest:
        raise DomainError(
            "nonce.reused",
            "请求编号（nonce）已用于另一笔不同内容的请求，请换一个新的编号",
            {"field": "nonce"},
        )
    # PostgreSQL's jsonb keeps keys in its own order: answer in the first answer's order.
    first = sorted(row.response.items(), key=lambda kv: _KEY_ORDER.get(kv[0], len(_KEY_ORDER)))
    return DeviceAnswer({**dict(first), "replayed": True}, True)


_KEY_ORDER = {
    k: i
    for i, k in enumerate(
        ("event_id", "outcome", "pending", "reason", "rule", "message", "obligations", "at")
    )
}


class _LostRace(Exception):
    """Another request with the same nonce committed first: roll this one back entirely."""


def device_decide(
    *,
    device: Device,
    nonce: str,
    body: dict[str, Any],
    lane_ref: str | None,
    kind: str,
    value: str,
    at: datetime | None,
    health: HealthFacts | None,
    now: datetime,
) -> DeviceAnswer:
    """Decide a device's read once per ``nonce`` (see :func:`answer_once`).

    What the read names is looked up before the write transaction (as a READ COMMITTED
    transaction would see it anyway), so on SQLite the database's single write lock is held only
    for the writes."""

    def prepare() -> GateInput:
        lane = device_lane(device=device, lane_ref=lane_ref)
        check_read_time(at=at, now=now)
        return read_input(lane=lane, kind=kind, value=value, when=at or now, health=health)

    def decide(inp: GateInput) -> Decided:
        result = gate_decide(
            inp,
            now=now,
            at=at,
            device=device,
            guard=None,
            source=EventSource.DEVICE,
            defer=one_statement(),
        )
        return Decided(decision_json(result.decision, result.event), result.event, result.presence)

    return answer_once(
        device=device, nonce=nonce, body=body, now=now, prepare=prepare, decide=decide
    )


class Decided(NamedTuple):
    """What ``decide`` of :func:`answer_once` returns: the reply and its event; an unsaved event
    (``gate_decide(defer=True)``) is written with the nonce, and ``presence`` with it."""

    response: dict[str, Any]
    event: Any
    presence: tuple[int, bool] | None = None


def one_statement() -> bool:
    """Whether a decision's rows are written in one statement with the nonce (PostgreSQL): on a
    server each statement is a round trip, and the plain read's five (BEGIN, the event, the
    presence, the nonce, COMMIT) cost more CPU than the decision. SQLite runs in process."""
    return connection.vendor == "postgresql"


def answer_once[T](
    *,
    device: Device,
    nonce: str,
    body: dict[str, Any],
    now: datetime,
    prepare: Callable[[], T],
    decide: Callable[[T], Decided],
) -> DeviceAnswer:
    """Answer a device's request once per ``nonce``: ``prepare`` validates and looks up (no
    writes), ``decide`` decides and writes (or leaves its event unsaved, see :class:`Decided`).

    A nonce seen before with the same ``body`` answers the stored reply (``replayed``) and writes
    nothing; with another body it raises ``nonce.reused``. Otherwise the decision, its event and
    the ``DeviceRequest`` are written atomically: in one transaction, the nonce claimed last by
    an insert that yields on conflict; or, for an unsaved event, in one statement that fails
    whole on a taken nonce. A concurrent duplicate that loses the race on the unique
    (device, nonce) constraint writes nothing and answers the winner's reply. Invalid input
    raises before anything is written (unless the nonce already has an answer: a device
    retrying an accepted request always gets that answer back)."""
    digest = body_digest(body)
    try:
        prepared = prepare()
        with transaction.atomic():
            decided = decide(prepared)
            if decided.event.pk is not None and not _claim_nonce(
                device, nonce, digest, decided.response, decided.event, now
            ):
                raise _LostRace
        if decided.event.pk is None:
            _record_with_nonce(device, nonce, digest, decided, now)
    except (_LostRace, DomainError):
        answer = _stored(device, nonce, digest)
        if answer is None:
            raise
        return answer
    return DeviceAnswer({**decided.response, "replayed": False}, False)


def _claim_columns() -> str:
    return ", ".join(
        rows.quote(DeviceRequest._meta.get_field(f).column)
        for f in (
            "device",
            "nonce",
            "body_digest",
            "status_code",
            "response",
            "event",
            "received_at",
        )
    )


@rows.statement
def _claim_sql() -> str:
    return (
        f"INSERT INTO {rows.table(DeviceRequest)} ({_claim_columns()}) "  # noqa: S608 (names from model metadata, values bound)
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (device_id, nonce) DO NOTHING RETURNING id"
    )


def _claim_nonce(
    device: Device, nonce: str, digest: str, response: dict[str, Any], event: Any, now: datetime
) -> bool:
    """Record the answer under (device, nonce); False if the pair is already taken. On
    PostgreSQL a concurrent insert of the same pair waits for the other transaction's outcome."""
    params = _reply_params(device, nonce, digest, response, event.pk, now)
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), params)
        return cursor.fetchone() is not None


def _reply_params(
    device: Device,
    nonce: str,
    digest: str,
    response: dict[str, Any],
    event_id: int | None,
    now: datetime,
) -> list[Any]:
    """The values of the ``DeviceRequest`` columns in :func:`_claim_columns` order; without an
    ``event_id`` when the statement takes it from the event it inserts."""
    stored = DeviceRequest._meta.get_field("response")
    reply = stored.get_db_prep_value(response, connection)
    event = [] if event_id is None else [event_id]
    return [
        device.pk,
        nonce,
        digest,
        200,
        reply,
        *event,
        connection.ops.adapt_datetimefield_value(now),
    ]


def _record_sql(with_presence: bool) -> str:
    return (_record_sql_presence if with_presence else _record_sql_plain)()


def _record_text(with_presence: bool) -> str:
    """PostgreSQL: the event sealed into its site's chain (the chain's head advanced), the
    presence (the upsert that keeps a newer passage) and the nonce with its reply, in one
    statement; the reply's ``event_id`` is the new event's key. The nonce is inserted plainly,
    so a taken one fails the whole statement (and the chain's head is not advanced)."""
    from gatehouse.access.services import presence_sql

    ctes = [chain.head_sql(), f"e AS ({chain.event_sql()} RETURNING id)"]
    if with_presence:
        ctes.append(f"p AS ({presence_sql()})")
    return (
        f"WITH {', '.join(ctes)} "  # noqa: S608 (names from model metadata, values bound)
        f"INSERT INTO {rows.table(DeviceRequest)} ({_claim_columns()}) "
        "VALUES (%s, %s, %s, %s, jsonb_set(%s, '{event_id}', to_jsonb((SELECT id FROM e))), "
        "(SELECT id FROM e), %s) RETURNING event_id, (SELECT seq FROM h), (SELECT hash FROM h)"
    )


_record_sql_presence = rows.statement(lambda: _record_text(True))
_record_sql_plain = rows.statement(lambda: _record_text(False))


def _record_with_nonce(
    device: Device, nonce: str, digest: str, decided: Decided, now: datetime
) -> None:
    """Write an unsaved event, its presence and the nonce in one statement (autocommit: the
    statement is its own transaction), then complete the reply with the event's key. Raises
    :class:`_LostRace` when the nonce is taken."""
    event, presence = decided.event, decided.presence
    params = chain.head_params(event) + chain.event_params(event)
    if presence is not None:
        params += [presence[0], presence[1], connection.ops.adapt_datetimefield_value(event.at)]
    params += _reply_params(device, nonce, digest, decided.response, None, now)
    # Inside a caller's transaction (tests) a failed statement would poison it: a savepoint.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(_record_sql(presence is not None), params)
            event_id, event.seq, event.chain_hash = cursor.fetchone()
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) == "device_nonce_once":  # the nonce is taken
            raise _LostRace from exc
        raise
    rows.saved(event, event_id)
    decided.response["event_id"] = event_id
