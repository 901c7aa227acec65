"""Writing access events into their site's hash chain, and checking the chains.

Every event is written here (:func:`insert`, or the one-statement device path of
:mod:`gatehouse.gate.nonce`, whose statement embeds the same head CTE and event insert; the SQL
is in :mod:`gatehouse.gate.sql`). What a seal covers and how it is computed is in
:mod:`gatehouse.core.chain`.

The chain's head (:class:`EventChainHead`, one row a site) is advanced in the transaction that
writes the event: the row of that site is locked until the transaction ends, so the events of a
site are numbered one after another, and other sites are not held up.

* PostgreSQL: one statement — an upsert of the head that takes the next event key from the
  table's sequence and computes the seal with the built-in ``sha256()`` from the HMAC's padded
  keys (bound as parameters: the key itself is never sent), and the event's insert taking its
  key, number and seal from the head's ``RETURNING``.
* SQLite (no SHA-256 in SQL; a single writer anyway): the head is advanced, the next key is
  read, the seal is computed in Python, the event inserted and the head completed.

:func:`verify` walks a site's chain in order, streaming, recomputing each seal in Python.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from gatehouse.access.models import AccessEvent, EventChainAnchor, EventChainHead
from gatehouse.core import chain
from gatehouse.gate import rows, sql

CHUNK = 2000


def key() -> bytes:
    return settings.GATEHOUSE_EVENT_KEY.encode("utf-8")


@functools.cache
def _pads(raw: bytes) -> tuple[bytes, bytes]:
    return chain.pads(raw)


def content(event: AccessEvent) -> bytes:
    """The canonical bytes of ``event``'s sealed columns, from its attribute values (the values
    it is written with; times without a zone are taken in the current zone, as Django would)."""
    values = {}
    for name in chain.FIELDS:
        value = getattr(event, name)
        if name in ("at", "recorded_at") and value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        values[name] = value
    return chain.content(values)


def head_params(
    event: AccessEvent, *, checked: bool = False, version: int | None = None
) -> list[Any]:
    """The parameters of the chain head's CTE (:mod:`gatehouse.gate.sql`); ``checked``: of the
    CTE that advances the head only while the devices' registry version is ``version`` (None:
    unconditionally)."""
    body = content(event)
    inner, outer = _pads(key())
    check = [version, version] if checked else []
    return [event.site_id, outer, inner, body, *check, outer, inner, body]


def event_params(event: AccessEvent) -> list[Any]:
    """The event's values as its insert binds them (:func:`gatehouse.gate.sql.event_fields`)."""
    return rows.prepared(event, sql.event_fields())


def insert(event: AccessEvent) -> None:
    """Write ``event`` (a new instance) sealed into its site's chain; sets its key, ``seq`` and
    ``chain_hash``. Part of the caller's transaction (one is opened if there is none)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.chain_insert_pg(), head_params(event) + event_params(event))
            event_id, seq, seal = cursor.fetchone()
        else:
            cursor.execute(sql.chain_advance_sqlite(), [event.site_id])
            seq, previous = cursor.fetchone()
            cursor.execute(sql.chain_next_id_sqlite())
            event_id = cursor.fetchone()[0]
            seal = chain.seal(key(), content(event), seq, event_id, previous)
            cursor.execute(sql.chain_insert_sqlite(), [*event_params(event), event_id, seq, seal])
            cursor.execute(sql.chain_head_sqlite(), [event_id, seal, event.site_id])
    event.seq, event.chain_hash = seq, seal
    rows.saved(event, event_id)


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place a site's chain does not hold."""

    site_id: int
    kind: str  # edited | deleted | inserted | reordered
    event_id: int | None
    seq: int | None
    detail: str

    def __str__(self) -> str:
        where = f"event id {self.event_id}" if self.event_id is not None else "chain head"
        return f"site {self.site_id}: {where} (seq {self.seq}): {self.kind} — {self.detail}"


@dataclass(frozen=True)
class Checked:
    site_id: int
    rows: int
    brk: Break | None


def _rows(site_id: int) -> Iterator[tuple[Any, ...]]:
    return (
        AccessEvent.objects.filter(site_id=site_id)
        .order_by(F("seq").asc(nulls_last=True), "id")
        .values_list("id", "seq", "chain_hash", *chain.FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def verify(site_id: int) -> Checked:
    """Walk the chain of site ``site_id``: every event in order of ``seq`` numbered 1, 2, 3 …,
    each seal recomputed from the event's columns, number and key and the seal before it, the
    last one matching the chain's head. Stops at the first break.

    (Keys are not in the order of ``seq`` on PostgreSQL: an event's key is drawn from the
    sequence before the site's head is locked. The seal covers the key, so a moved key shows.)"""
    raw = key()
    head = EventChainHead.objects.filter(site_id=site_id).first()
    top = head.seq if head is not None else 0
    expected, previous, last_id, count = 1, chain.GENESIS, 0, 0
    anchors = {a.first_seq: a for a in EventChainAnchor.objects.filter(site_id=site_id)}

    def across(upto: int) -> str | None:
        """The seal after the purged run from ``expected`` to ``upto``, if a genuine anchor
        (made by the retention purge, :mod:`gatehouse.gate.retention`) covers exactly it."""
        anchor = anchors.get(expected)
        if anchor is None or anchor.last_seq != upto or anchor.before_hash != previous:
            return None
        from gatehouse.gate.retention import anchor_seal

        return anchor.last_hash if anchor_seal(anchor) == anchor.seal else None

    names = ("id", "seq", "chain_hash", *chain.FIELDS)
    stream = iter(_rows(site_id))
    for row in stream:
        values = dict(zip(names, row, strict=True))
        event_id, seq, stored = values["id"], values["seq"], values["chain_hash"]
        count += 1

        def broken(kind: str, detail: str) -> Checked:
            return Checked(site_id, count, Break(site_id, kind, event_id, seq, detail))  # noqa: B023 (called at once)

        if seq is None:
            return broken("inserted", "the event has no seal: it was written outside the log")
        if seq > top:
            return broken("inserted", f"the event is beyond the chain's head (seq {top})")
        if seq < expected:
            return broken("inserted", f"seq {seq} appears twice")
        if seq > expected and (bridged := across(seq - 1)) is not None:
            expected, previous = seq, bridged
        if seq > expected:
            missing = f"seq {expected}" if seq == expected + 1 else f"seq {expected}–{seq - 1}"
            return broken("deleted", f"{missing} missing before this event")
        if chain.seal(raw, chain.content(values), seq, event_id, previous) != stored:
            after = next(stream, None)
            nxt = dict(zip(names, after, strict=True)) if after is not None else None
            if nxt is not None and _belongs_here(raw, nxt, seq, previous):
                if _belongs_here(raw, values, seq + 1, nxt["chain_hash"]):
                    detail = f"it and the next event (id {nxt['id']}) have changed places"
                    return broken("reordered", detail)
                return broken("inserted", "the next event carries this place's seal")
            return broken(
                "edited", "its columns no longer match its seal (rewritten, swapped or forged)"
            )
        expected, previous, last_id = seq + 1, stored, event_id
    if head is not None and head.seq > expected - 1 and across(head.seq) == head.hash:
        return Checked(site_id, count, None)  # the newest events are purged too
    if head is not None and (head.seq, head.hash, head.last_id) != (
        expected - 1,
        previous,
        last_id,
    ):
        gone = head.seq > expected - 1
        detail = (
            f"the head is at seq {head.seq} (id {head.last_id}), the last event is seq "
            f"{expected - 1} (id {last_id})"
        )
        if gone:
            detail = f"the event(s) after seq {expected - 1} are gone: {detail}"
        kind = "deleted" if gone else "edited"
        return Checked(site_id, count, Break(site_id, kind, None, head.seq, detail))
    return Checked(site_id, count, None)


def _belongs_here(raw: bytes, values: dict[str, Any], seq: int, previous: str) -> bool:
    """Whether the event ``values`` is sealed as number ``seq`` after ``previous`` (then the
    event before it in the walk was slipped in, and the later ones renumbered)."""
    body = chain.content(values)
    return chain.seal(raw, body, seq, values["id"], previous) == values["chain_hash"]
