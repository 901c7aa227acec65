"""Writing access events into their site's hash chain, and checking the chains.

Every event is written here (:func:`insert`, or the one-statement device path of
:mod:`gatehouse.access.reads`, which embeds :func:`head_sql` and :func:`event_sql`). What a
seal covers and how it is computed is in :mod:`gatehouse.core.chain`.

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

from gatehouse import rows
from gatehouse.access.models import AccessEvent, EventChainHead
from gatehouse.core import chain

CHAIN_FIELDS = ("seq", "chain_hash")
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


@functools.cache
def _fields() -> list[Any]:
    """The event's columns written from its values: all but the key and the chain's (model
    metadata: worked out once)."""
    return rows.written_fields(AccessEvent, exclude=CHAIN_FIELDS)


def _columns() -> str:
    return rows.column_list(_fields())


# --------------------------------------------------------------------------------------------
# PostgreSQL: sealed in the statement that writes the event
# --------------------------------------------------------------------------------------------


def _seal_sql(seq: str, event_id: str, previous: str) -> str:
    """SQL computing :func:`gatehouse.core.chain.seal`; parameters: the outer padded key, the
    inner padded key, the content."""
    return (
        "encode(sha256(%s::bytea || sha256(%s::bytea || %s::bytea || convert_to("
        f"'|' || ({seq})::text || '|' || ({event_id})::text || '|' || ({previous}), 'UTF8'))), "
        "'hex')"
    )


@rows.statement
def head_sql() -> str:
    """PostgreSQL: the CTE ``h`` advancing an event's site's chain head, returning the event's
    ``seq``, key (``last_id``) and seal (``hash``); parameters from :func:`head_params`."""
    head = rows.table(EventChainHead)
    events = AccessEvent._meta.db_table
    return (
        f"h AS (INSERT INTO {head} (site_id, seq, last_id, hash) "  # noqa: S608 (names from model metadata, values bound)
        f"SELECT %s::bigint, 1, n.id, {_seal_sql('1', 'n.id', "''")} "
        f"FROM (SELECT nextval(pg_get_serial_sequence('{events}', 'id')) AS id) n "
        "ON CONFLICT (site_id) DO UPDATE SET seq = "
        f"{head}.seq + 1, last_id = excluded.last_id, "
        f"hash = {_seal_sql(f'{head}.seq + 1', 'excluded.last_id', f'{head}.hash')} "
        "RETURNING seq, last_id, hash)"
    )


def head_params(event: AccessEvent) -> list[Any]:
    body = content(event)
    inner, outer = _pads(key())
    return [event.site_id, outer, inner, body, outer, inner, body]


@rows.statement
def event_sql() -> str:
    """PostgreSQL: the insert of an event sealed by the CTE ``h`` of :func:`head_sql` (to be
    completed with a ``RETURNING``); parameters from :func:`event_params`."""
    marks = ", ".join(["%s"] * len(_fields()))
    return (
        f"INSERT INTO {rows.table(AccessEvent)} ({_columns()}, id, seq, chain_hash) "  # noqa: S608 (names from model metadata, values bound)
        f"VALUES ({marks}, (SELECT last_id FROM h), (SELECT seq FROM h), (SELECT hash FROM h))"
    )


def event_params(event: AccessEvent) -> list[Any]:
    return rows.prepared(event, _fields())


@rows.statement
def _pg_insert_sql() -> str:
    return f"WITH {head_sql()} {event_sql()} RETURNING id, seq, chain_hash"


# --------------------------------------------------------------------------------------------
# SQLite: sealed in Python under the database's write lock
# --------------------------------------------------------------------------------------------


@rows.statement
def _sqlite_advance_sql() -> str:
    head = rows.table(EventChainHead)
    return (
        f"INSERT INTO {head} (site_id, seq, last_id, hash) VALUES (%s, 1, 0, '') "  # noqa: S608 (names from model metadata, values bound)
        "ON CONFLICT (site_id) DO UPDATE SET seq = seq + 1 RETURNING seq, hash"
    )


@rows.statement
def _sqlite_next_id_sql() -> str:
    events = AccessEvent._meta.db_table
    return (
        f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {rows.quote(events)}), 0), "  # noqa: S608 (names from model metadata)
        f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{events}'), 0)) + 1"
    )


@rows.statement
def _sqlite_insert_sql() -> str:
    marks = ", ".join(["%s"] * (len(_fields()) + 3))
    return (
        f"INSERT INTO {rows.table(AccessEvent)} ({_columns()}, id, seq, chain_hash) "  # noqa: S608 (names from model metadata, values bound)
        f"VALUES ({marks})"
    )


@rows.statement
def _sqlite_head_sql() -> str:
    return f"UPDATE {rows.table(EventChainHead)} SET last_id = %s, hash = %s WHERE site_id = %s"  # noqa: S608 (names from model metadata, values bound)


def insert(event: AccessEvent) -> None:
    """Write ``event`` (a new instance) sealed into its site's chain; sets its key, ``seq`` and
    ``chain_hash``. Part of the caller's transaction (one is opened if there is none)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_pg_insert_sql(), head_params(event) + event_params(event))
            event_id, seq, seal = cursor.fetchone()
        else:
            cursor.execute(_sqlite_advance_sql(), [event.site_id])
            seq, previous = cursor.fetchone()
            cursor.execute(_sqlite_next_id_sql())
            event_id = cursor.fetchone()[0]
            seal = chain.seal(key(), content(event), seq, event_id, previous)
            cursor.execute(_sqlite_insert_sql(), [*event_params(event), event_id, seq, seal])
            cursor.execute(_sqlite_head_sql(), [event_id, seal, event.site_id])
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
