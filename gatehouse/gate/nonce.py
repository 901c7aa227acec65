"""A device's request answered once per nonce (issue 3 §6): a device retrying after a timeout
gets the first answer back and nothing is written twice. :func:`answer_once` claims the nonce in
the transaction that records the decision, or — on PostgreSQL, for a decision that needs only
its event and the holder's presence — writes event, presence and nonce in one statement
(:func:`gatehouse.gate.sql.record_with_nonce`). The people gate and the vehicle gate both answer
through it."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gatehouse.access.models import AccessEvent, DeviceRequest
from gatehouse.core.access import Decision
from gatehouse.core.errors import DomainError
from gatehouse.devices.models import Device
from gatehouse.gate import chain, rows, sql
from gatehouse.gate.reads import StaleDevice


@dataclass(frozen=True)
class DeviceAnswer:
    body: dict[str, Any]  # the JSON the device gets, ``replayed`` included
    replayed: bool


def body_digest(body: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a request body (sorted keys, no spaces)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_JSON = DjangoJSONEncoder()


def decision_json(decision: Decision, event: AccessEvent) -> dict[str, Any]:
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


class Decided(NamedTuple):
    """What ``decide`` of :func:`answer_once` returns: the reply and its event; an unsaved event
    (``gate_decide(defer=True)``) is written with the nonce, and ``presence`` with it."""

    response: dict[str, Any]
    event: AccessEvent
    presence: tuple[int, bool] | None = None


def one_statement() -> bool:
    """Whether a decision's rows are written in one statement with the nonce (PostgreSQL): on a
    server each statement is a round trip, and the plain read's five (BEGIN, the event, the
    presence, the nonce, COMMIT) cost more CPU than the decision. SQLite runs in process."""
    return rows.current().vendor == "postgresql"


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
            if decided.event.pk is not None:
                _still_current(device)
                if not _claim_nonce(device, nonce, digest, decided.response, decided.event, now):
                    raise _LostRace
        if decided.event.pk is None:
            _record_with_nonce(device, nonce, digest, decided, now)
    except (_LostRace, DomainError):
        answer = _stored(device, nonce, digest)
        if answer is None:
            raise
        return answer
    return DeviceAnswer({**decided.response, "replayed": False}, False)


# PostgreSQL's SQLSTATE for a NULL in a NOT NULL column.
NOT_NULL_VIOLATION = "23502"


def _still_current(device: Device) -> None:
    """A device kept in memory: :class:`StaleDevice` unless the devices' registry version is
    still the one it was read at (in the decision's transaction, before its nonce is claimed)."""
    if device.memory_version is None:
        return
    row = rows.fetch_one(sql.registry_version(), [])
    if row is None or row[0] != device.memory_version:
        raise StaleDevice


def _claim_nonce(
    device: Device,
    nonce: str,
    digest: str,
    response: dict[str, Any],
    event: AccessEvent,
    now: datetime,
) -> bool:
    """Record the answer under (device, nonce); False if the pair is already taken. On
    PostgreSQL a concurrent insert of the same pair waits for the other transaction's outcome."""
    params = _reply_params(device, nonce, digest, response, event.pk, now)
    with connection.cursor() as cursor:
        cursor.execute(sql.claim_nonce(), params)
        return cursor.fetchone() is not None


def _reply_params(
    device: Device,
    nonce: str,
    digest: str,
    response: dict[str, Any],
    event_id: int | None,
    now: datetime,
) -> list[Any]:
    """The values of the ``DeviceRequest`` columns in :data:`gatehouse.gate.sql.REPLY_FIELDS`
    order; without an ``event_id`` when the statement takes it from the event it inserts."""
    db = rows.current()
    stored = DeviceRequest._meta.get_field("response")
    reply = stored.get_db_prep_value(response, db)
    event = [] if event_id is None else [event_id]
    return [
        device.pk,
        nonce,
        digest,
        200,
        reply,
        *event,
        db.ops.adapt_datetimefield_value(now),
    ]


def _record_with_nonce(
    device: Device, nonce: str, digest: str, decided: Decided, now: datetime
) -> None:
    """Write an unsaved event, its presence and the nonce in one statement (autocommit: the
    statement is its own transaction), then complete the reply with the event's key. Raises
    :class:`_LostRace` when the nonce is taken."""
    db = rows.current()
    event, presence = decided.event, decided.presence
    version = device.memory_version
    params = chain.head_params(event, checked=True, version=version) + chain.event_params(event)
    if presence is not None:
        params += [presence[0], presence[1], db.ops.adapt_datetimefield_value(event.at)]
    params += _reply_params(device, nonce, digest, decided.response, None, now)
    # Inside a caller's transaction (tests) a failed statement would poison it: a savepoint.
    guard = transaction.atomic() if db.in_atomic_block else contextlib.nullcontext()
    try:
        with guard, db.cursor() as cursor:
            cursor.execute(sql.record_with_nonce(presence is not None), params)
            event_id, event.seq, event.chain_hash = cursor.fetchone()
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) == "device_nonce_once":  # the nonce is taken
            raise _LostRace from exc
        if version is not None and (
            getattr(diag, "sqlstate", None) == NOT_NULL_VIOLATION
            and getattr(diag, "column_name", None) == "id"
        ):  # the head was not advanced: the devices' registry moved on (sql._record_text)
            raise StaleDevice from exc
        raise
    rows.saved(event, event_id)
    decided.response["event_id"] = event_id
