"""Every hand-written SQL statement of the gate path, each built once (per database vendor) from
the models' metadata (:func:`gatehouse.gate.rows.statement`): the reads every decision makes
(the device by its key, the credential and its holder's blacklisting, the blacklist alone), the
writes of its outcome (the presence upsert, the event sealed into its site's chain, the device's
nonce with its reply) and, on PostgreSQL, the one statement that writes event, presence and
nonce together. Values are always bound; only names from model metadata are put into the text.

``tests/gate/test_sql.py`` executes every statement here on the backend it runs on (SQLite and
PostgreSQL): a statement added here is refused by that test until it is executed there too.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from gatehouse.access.models import AccessEvent, DeviceRequest, EventChainHead, Presence
from gatehouse.devices.models import Device, DeviceRegistryVersion
from gatehouse.gate import rows
from gatehouse.people.models import BlacklistEntry, BlacklistKind, Credential, Person
from gatehouse.sites.models import Gate, Lane, Site

#: The columns the chain fills itself (the event's number and seal).
CHAIN_FIELDS = ("seq", "chain_hash")
#: The ``DeviceRequest`` columns a reply is written with, in their parameters' order.
REPLY_FIELDS = (
    "device",
    "nonce",
    "body_digest",
    "status_code",
    "response",
    "event",
    "received_at",
)
#: Statements that only PostgreSQL runs (the one-statement device path, the chain's CTE).
POSTGRESQL_ONLY = frozenset({"chain_insert_pg", "record_with_nonce"})
#: Statements that only SQLite runs (the chain sealed in Python under its write lock).
SQLITE_ONLY = frozenset(
    {"chain_advance_sqlite", "chain_next_id_sqlite", "chain_insert_sqlite", "chain_head_sqlite"}
)


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


def _device_joined(condition: str) -> str:
    """The live device matching ``condition`` at an active site, its site, lane and the lane's
    gate, and last the devices' registry version the row was read at (``DeviceRegistryVersion``,
    see :mod:`gatehouse.gate.reads`)."""
    return (
        f"SELECT {rows.columns(Device, 'd')}, {rows.columns(Site, 's')}, "  # noqa: S608 (names from model metadata, values bound)
        f"{rows.columns(Lane, 'l')}, {rows.columns(Gate, 'g')}, "
        f"({registry_version()}) "
        f"FROM {rows.table(Device)} d JOIN {rows.table(Site)} s ON s.id = d.site_id "
        f"LEFT JOIN {rows.table(Lane)} l ON l.id = d.lane_id "
        f"LEFT JOIN {rows.table(Gate)} g ON g.id = l.gate_id "
        f"WHERE {condition} AND d.revoked_at IS NULL AND s.is_active"
    )


@rows.statement
def device_by_key() -> str:
    """The live device with a key hash at an active site, its site, lane and the lane's gate."""
    return _device_joined("d.key_hash = %s")


@rows.statement
def registry_version() -> str:
    """The devices' registry version (see :mod:`gatehouse.gate.reads`)."""
    return f"SELECT n FROM {rows.table(DeviceRegistryVersion)} WHERE id = 1"  # noqa: S608 (names from model metadata)


@rows.statement
def device_by_push_token() -> str:
    """The live device with a push address token's hash (and a live key: the token is rotated
    with it) at an active site, its site, lane and the lane's gate."""
    return _device_joined("d.camera_token_hash = %s AND d.key_hash <> ''")


def _blacklist_exists(person: str, id_hash: str, other_hash: str = "''") -> str:
    """SQL ``EXISTS`` over the site's active person entries naming ``person`` (a column or
    ``%s``) or an ID-number hash; its parameters come first: :func:`blacklist_params`. An empty
    hash matches nothing (entries without an ID number store "")."""
    return (
        f"EXISTS (SELECT 1 FROM {rows.table(BlacklistEntry)} b "  # noqa: S608 (names from model metadata, values bound)
        "WHERE b.site_id = %s AND b.kind = %s AND b.lifted_at IS NULL AND b.starts_at <= %s "
        "AND (b.expires_at IS NULL OR b.expires_at > %s) "
        f"AND (b.person_id = {person} "
        f"OR (b.id_number_hash <> '' AND b.id_number_hash IN ({id_hash}, {other_hash}))))"
    )


def blacklist_params(site_id: int, at: datetime) -> list[Any]:
    """The first parameters of a statement with the blacklist's ``EXISTS``."""
    adapted = rows.current().ops.adapt_datetimefield_value(at)
    return [site_id, BlacklistKind.PERSON, adapted, adapted]


@rows.statement
def blacklisted() -> str:
    """P-11: whether a person (id) or one of two ID-number hashes is blacklisted at a site."""
    return f"SELECT {_blacklist_exists('%s', '%s', '%s')}"


@rows.statement
def blacklisted_people() -> str:
    """P-11 for a whole site at once: the ids of its people who are blacklisted (by person or
    by their ID number's hash), the same ``EXISTS`` as a single read (a terminal's list is
    judged for thousands of people, :mod:`gatehouse.devices.sync`)."""
    return (
        f"SELECT p.id FROM {rows.table(Person)} p "  # noqa: S608 (names from model metadata, values bound)
        f"WHERE {_blacklist_exists('p.id', 'p.id_number_hash')} AND p.site_id = %s"
    )


@rows.statement
def credential() -> str:
    """Credentials of a site with a number and of kinds (an ``IN`` of three), the active one
    first, then the last changed; the holder joined, and whether the holder is blacklisted."""
    return (
        f"SELECT {rows.columns(Credential, 'c')}, {rows.columns(Person, 'p')}, "  # noqa: S608 (names from model metadata, values bound)
        f"{_blacklist_exists('c.person_id', 'p.id_number_hash')} "
        f"FROM {rows.table(Credential)} c LEFT JOIN {rows.table(Person)} p ON p.id = c.person_id "
        "WHERE c.site_id = %s AND c.number = %s AND c.kind IN (%s, %s, %s) "
        "ORDER BY CASE WHEN c.status = %s THEN 0 ELSE 1 END, "
        "c.status_changed_at IS NULL, c.status_changed_at DESC, c.id DESC LIMIT 1"
    )


# --------------------------------------------------------------------------------------------
# Writes: the presence and the nonce
# --------------------------------------------------------------------------------------------


@rows.statement
def presence() -> str:
    """A person's presence by one upsert that keeps a newer passage (a replayed read does not
    overwrite it); parameters: person id, inside, at."""
    t = rows.table(Presence)
    return (
        f"INSERT INTO {t} (person_id, inside, at) VALUES (%s, %s, %s) "  # noqa: S608 (names from model metadata, values bound)
        "ON CONFLICT (person_id) DO UPDATE SET inside = excluded.inside, at = excluded.at "
        f"WHERE {t}.at <= excluded.at"
    )


def _reply_columns() -> str:
    return rows.column_list([DeviceRequest._meta.get_field(f) for f in REPLY_FIELDS])


@rows.statement
def claim_nonce() -> str:
    """The reply under (device, nonce), yielding to a row already there (then nothing is
    returned); parameters: :data:`REPLY_FIELDS`."""
    return (
        f"INSERT INTO {rows.table(DeviceRequest)} ({_reply_columns()}) "  # noqa: S608 (names from model metadata, values bound)
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (device_id, nonce) DO NOTHING RETURNING id"
    )


# --------------------------------------------------------------------------------------------
# Writes: the event sealed into its site's chain (gatehouse.gate.chain)
# --------------------------------------------------------------------------------------------


@functools.cache
def event_fields() -> list[Any]:
    """The event's columns written from its values: all but the key and the chain's (model
    metadata: worked out once)."""
    return rows.written_fields(AccessEvent, exclude=CHAIN_FIELDS)


def _event_columns() -> str:
    return rows.column_list(event_fields())


def _seal(seq: str, event_id: str, previous: str) -> str:
    """SQL computing :func:`gatehouse.core.chain.seal`; parameters: the outer padded key, the
    inner padded key, the content."""
    return (
        "encode(sha256(%s::bytea || sha256(%s::bytea || %s::bytea || convert_to("
        f"'|' || ({seq})::text || '|' || ({event_id})::text || '|' || ({previous}), 'UTF8'))), "
        "'hex')"
    )


def _head_cte(checked: bool = False) -> str:
    """PostgreSQL: the CTE ``h`` advancing an event's site's chain head, returning the event's
    ``seq``, key (``last_id``) and seal (``hash``); parameters from ``chain.head_params``.
    ``checked``: only while the devices' registry version is the one bound first (two more
    parameters, the version twice: NULL writes unconditionally); else ``h`` is empty."""
    head = rows.table(EventChainHead)
    events = AccessEvent._meta.db_table
    check = f"WHERE %s::bigint IS NULL OR %s::bigint = ({registry_version()}) " if checked else ""
    return (
        f"h AS (INSERT INTO {head} (site_id, seq, last_id, hash) "  # noqa: S608 (names from model metadata, values bound)
        f"SELECT %s::bigint, 1, n.id, {_seal('1', 'n.id', "''")} "
        f"FROM (SELECT nextval(pg_get_serial_sequence('{events}', 'id')) AS id) n "
        f"{check}"
        "ON CONFLICT (site_id) DO UPDATE SET seq = "
        f"{head}.seq + 1, last_id = excluded.last_id, "
        f"hash = {_seal(f'{head}.seq + 1', 'excluded.last_id', f'{head}.hash')} "
        "RETURNING seq, last_id, hash)"
    )


def _sealed_event_insert() -> str:
    """PostgreSQL: the insert of an event sealed by the CTE ``h`` (to be completed with a
    ``RETURNING``); parameters from ``chain.event_params``. An empty ``h`` leaves the key NULL,
    which the primary key refuses: the statement fails whole."""
    marks = ", ".join(["%s"] * len(event_fields()))
    return (
        f"INSERT INTO {rows.table(AccessEvent)} ({_event_columns()}, id, seq, chain_hash) "  # noqa: S608 (names from model metadata, values bound)
        f"VALUES ({marks}, (SELECT last_id FROM h), (SELECT seq FROM h), (SELECT hash FROM h))"
    )


@rows.statement
def chain_insert_pg() -> str:
    """PostgreSQL: the event sealed and written, its site's head advanced, in one statement."""
    return f"WITH {_head_cte()} {_sealed_event_insert()} RETURNING id, seq, chain_hash"


@rows.statement
def chain_advance_sqlite() -> str:
    head = rows.table(EventChainHead)
    return (
        f"INSERT INTO {head} (site_id, seq, last_id, hash) VALUES (%s, 1, 0, '') "  # noqa: S608 (names from model metadata, values bound)
        "ON CONFLICT (site_id) DO UPDATE SET seq = seq + 1 RETURNING seq, hash"
    )


@rows.statement
def chain_next_id_sqlite() -> str:
    events = AccessEvent._meta.db_table
    return (
        f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {rows.quote(events)}), 0), "  # noqa: S608 (names from model metadata)
        f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{events}'), 0)) + 1"
    )


@rows.statement
def chain_insert_sqlite() -> str:
    marks = ", ".join(["%s"] * (len(event_fields()) + 3))
    return (
        f"INSERT INTO {rows.table(AccessEvent)} ({_event_columns()}, id, seq, chain_hash) "  # noqa: S608 (names from model metadata, values bound)
        f"VALUES ({marks})"
    )


@rows.statement
def chain_head_sqlite() -> str:
    return f"UPDATE {rows.table(EventChainHead)} SET last_id = %s, hash = %s WHERE site_id = %s"  # noqa: S608 (names from model metadata, values bound)


# --------------------------------------------------------------------------------------------
# PostgreSQL: a decision's rows in one statement
# --------------------------------------------------------------------------------------------


def _record_text(with_presence: bool) -> str:
    """The event sealed into its site's chain (the chain's head advanced), the presence (the
    upsert that keeps a newer passage) and the nonce with its reply, in one statement; the
    reply's ``event_id`` is the new event's key. The nonce is inserted plainly, so a taken one
    fails the whole statement (and the chain's head is not advanced).

    The head is advanced only while the devices' registry version is the one the device was
    read with (:func:`_head_cte` ``checked``; NULL: unconditionally). If it has moved on, the
    event's key is NULL and the whole statement fails on it (``not_null_violation`` on ``id``):
    a stale device writes nothing."""
    ctes = [_head_cte(checked=True), f"e AS ({_sealed_event_insert()} RETURNING id)"]
    if with_presence:
        ctes.append(f"p AS ({presence()})")
    return (
        f"WITH {', '.join(ctes)} "  # noqa: S608 (names from model metadata, values bound)
        f"INSERT INTO {rows.table(DeviceRequest)} ({_reply_columns()}) "
        "VALUES (%s, %s, %s, %s, jsonb_set(%s, '{event_id}', to_jsonb((SELECT id FROM e))), "
        "(SELECT id FROM e), %s) RETURNING event_id, (SELECT seq FROM h), (SELECT hash FROM h)"
    )


_record_presence = rows.statement(lambda: _record_text(True))
_record_plain = rows.statement(lambda: _record_text(False))


def record_with_nonce(with_presence: bool) -> str:
    """PostgreSQL: event, presence (``with_presence``) and nonce in one statement; parameters:
    the chain's head with the registry version (``chain.head_params(…, version=…)``), the
    event's, the presence's, then :data:`REPLY_FIELDS` but the event."""
    return (_record_presence if with_presence else _record_plain)()


#: Every statement of this module by name (what ``tests/gate/test_sql.py`` executes).
STATEMENTS = {
    "device_by_key": device_by_key,
    "device_by_push_token": device_by_push_token,
    "registry_version": registry_version,
    "blacklisted": blacklisted,
    "blacklisted_people": blacklisted_people,
    "credential": credential,
    "presence": presence,
    "claim_nonce": claim_nonce,
    "chain_insert_pg": chain_insert_pg,
    "chain_advance_sqlite": chain_advance_sqlite,
    "chain_next_id_sqlite": chain_next_id_sqlite,
    "chain_insert_sqlite": chain_insert_sqlite,
    "chain_head_sqlite": chain_head_sqlite,
    "record_with_nonce": record_with_nonce,
}
