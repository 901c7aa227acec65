"""The access event log partitioned by month on PostgreSQL (issue 18 §4).

``access_accessevent`` is a partitioned table (``PARTITION BY RANGE (at)``), one partition a
calendar month in Beijing time (``access_accessevent_p202612`` holds December 2026), and a
default partition that catches an event whose month has no partition yet (a device whose clock
is years off), so that no gate decision is ever refused by the storage. The daily job
:func:`ensure` creates the current month and the next :data:`AHEAD` months; a month whose rows
already sit in the default partition is created beside it, filled from it and attached.

What the partitioning changes, and what it keeps:

* The primary key is ``(id, at)`` (a partitioned table's unique keys include its partition key);
  keys are still drawn from one sequence, ``access_accessevent_id_seq``, so an id is unique.
* The chain's ``(site_id, seq)`` is unique in each partition (a unique index on each), and
  across partitions by the chain head's lock; ``verify_events`` finds any repeat.
* No foreign key points at the log (the referencing columns are ``db_constraint=False``):
  PostgreSQL cannot reference a partitioned table by ``id`` alone, and the retention purge
  (:mod:`gatehouse.gate.retention`) removes old months whatever points at them.
* The append-only trigger and the delete trigger are on the parent, hence on every partition;
  the delete trigger lets a delete through only in a transaction that set ``gatehouse.purge``
  (the purge and the move out of the default partition).
* Every index of the plain table is an index of the parent, hence of each partition; a query
  filtered by ``at`` reads only the months it names.

SQLite keeps one plain table: :func:`ensure` does nothing there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection, transaction

PARENT = "access_accessevent"
DEFAULT = f"{PARENT}_default"
OLD = f"{PARENT}_unpartitioned"
SEQUENCE = f"{PARENT}_id_seq"
AHEAD = 3  # months created ahead of the current one
SHANGHAI = ZoneInfo("Asia/Shanghai")
_MONTHLY = re.compile(rf"^{PARENT}_p(\d{{4}})(\d{{2}})$")

ALLOW_PURGE = "SET LOCAL gatehouse.purge = 'on'"

DELETE_GUARD = """
CREATE OR REPLACE FUNCTION access_accessevent_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF current_setting('gatehouse.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access events cannot be deleted';
END;
$$ LANGUAGE plpgsql;
"""


def supported() -> bool:
    return connection.vendor == "postgresql"


def is_partitioned() -> bool:
    if not supported():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)", [PARENT])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def month_of(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        moment = moment.astimezone(SHANGHAI).date()
    return moment.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def name_of(month: date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in Beijing time."""
    nxt = next_month(month)
    return (
        datetime(month.year, month.month, 1, tzinfo=SHANGHAI),
        datetime(nxt.year, nxt.month, 1, tzinfo=SHANGHAI),
    )


@dataclass(frozen=True)
class Partition:
    name: str
    month: date | None  # None: the default partition

    @property
    def upper(self) -> datetime | None:
        return bounds(self.month)[1] if self.month else None


def listing() -> list[Partition]:
    """The log's partitions, the monthly ones in order, the default last."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [PARENT],
        )
        names = [row[0] for row in cursor.fetchall()]
    monthly = []
    for name in names:
        found = _MONTHLY.match(name)
        if found:
            monthly.append(Partition(name, date(int(found[1]), int(found[2]), 1)))
    monthly.sort(key=lambda p: p.month or date.min)
    return monthly + ([Partition(DEFAULT, None)] if DEFAULT in names else [])


def _literal(moment: datetime) -> str:
    return f"'{moment.isoformat()}'::timestamptz"


def create_month(month: date) -> bool:
    """Create ``month``'s partition if missing (its rows moved out of the default partition if
    some were caught there, and both tables analysed). Returns whether it was created."""
    name = name_of(month)
    lower, upper = bounds(month)
    span = f"FROM ({_literal(lower)}) TO ({_literal(upper)})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE at >= %s AND at < %s)",  # noqa: S608 (names are constants)
            [lower, upper],
        )
        caught = cursor.fetchone()[0]
        if not caught:
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES {span}")
        else:
            cursor.execute(
                f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            cursor.execute(ALLOW_PURGE)
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE at >= %s AND at < %s RETURNING *) "  # noqa: S608 (names are constants)
                f"INSERT INTO {name} SELECT * FROM moved",
                [lower, upper],
            )
            cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES {span}")
        cursor.execute(f"CREATE UNIQUE INDEX {name}_site_seq ON {name} (site_id, seq)")
        if caught:  # filled by a copy: statistics now, not when autovacuum comes round
            cursor.execute(f"ANALYZE {name}, {DEFAULT}")
    return True


def ensure(now: datetime, ahead: int = AHEAD) -> list[str]:
    """The current month's partition and the next ``ahead`` months', created where missing.
    Returns the names created (none on SQLite or an unpartitioned log)."""
    if not is_partitioned():
        return []
    created, month = [], month_of(now)
    for _ in range(ahead + 1):
        if create_month(month):
            created.append(name_of(month))
        month = next_month(month)
    return created


def cover(first: datetime, last: datetime) -> list[str]:
    """The partitions of every month from ``first``'s to ``last``'s, created where missing: for
    loading a history (an import, a benchmark's year of events) into months of its own rather
    than the default partition. Returns the names created."""
    if not is_partitioned():
        return []
    created, month, end = [], month_of(first), month_of(last)
    while month <= end:
        if create_month(month):
            created.append(name_of(month))
        month = next_month(month)
    return created


def drop_empty_before(moment: datetime) -> list[str]:
    """Drop the monthly partitions that end at or before ``moment`` and hold no row (the
    retention purge emptied them). Returns their names."""
    dropped = []
    for part in listing():
        if part.upper is None or part.upper > moment:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {part.name})")  # noqa: S608 (names from the catalogue)
            if cursor.fetchone()[0]:
                continue
            # Deferred foreign-key checks still pending in this transaction would block the drop.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {part.name}")
            cursor.execute(f"DROP TABLE {part.name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        dropped.append(part.name)
    return dropped


def sizes() -> list[tuple[str, date | None, int]]:
    """Each partition with its month and its estimated rows (the planner's ``reltuples``: no
    count of a hundred million rows for a page)."""
    found = listing()
    if not found:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, GREATEST(reltuples, 0)::bigint FROM pg_class WHERE relname = ANY(%s)",
            [[p.name for p in found]],
        )
        estimate = dict(cursor.fetchall())
    return [(p.name, p.month, int(estimate.get(p.name, 0))) for p in found]


def missing_ahead(now: datetime) -> list[str]:
    """For /readyz: the partitions of this month and the next that do not exist yet."""
    if not is_partitioned():
        return []
    have = {p.name for p in listing()}
    month = month_of(now)
    wanted = [name_of(month), name_of(next_month(month))]
    return [name for name in wanted if name not in have]


# --------------------------------------------------------------------------------------------
# The migration from the plain table (access 0010)
# --------------------------------------------------------------------------------------------


def _fetch(cursor, sql: str, params: list | None = None) -> list[tuple]:
    cursor.execute(sql, params or [])
    return list(cursor.fetchall())


def _catalogue(cursor, table: str) -> tuple[list[tuple], list[tuple]]:
    """``table``'s non-unique index definitions and its foreign keys (name, definition)."""
    indexes = _fetch(
        cursor,
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = to_regclass(%s) AND NOT i.indisunique",
        [table],
    )
    foreign = _fetch(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype = 'f'",
        [table],
    )
    return indexes, foreign


def _rebuild(run, indexes: list[tuple], foreign: list[tuple]) -> None:
    """The old table's indexes and foreign keys on the new ``access_accessevent``, and its
    two refusing triggers."""
    for (definition,) in indexes:
        run(re.sub(rf" ON (ONLY )?(\S+\.)?({OLD}|{PARENT}) ", f" ON {PARENT} ", definition))
    for name, definition in foreign:
        run(f"ALTER TABLE {PARENT} ADD CONSTRAINT {name} {definition}")
    run(
        "CREATE TRIGGER access_accessevent_append_only BEFORE UPDATE ON access_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION access_accessevent_refuse_update()"
    )
    run(DELETE_GUARD)
    run(
        "CREATE TRIGGER access_accessevent_no_delete BEFORE DELETE ON access_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION access_accessevent_refuse_delete()"
    )


def partition_the_log(schema_editor, now: datetime) -> None:
    """Turn the plain ``access_accessevent`` into the partitioned table: the same columns,
    checks, foreign keys, indexes and triggers; a partition for every month from the oldest
    event's to :data:`AHEAD` months after ``now``, and the default; the rows copied; the key
    sequence carried on. One transaction (the migration's)."""
    run = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        run(f"ALTER TABLE {PARENT} RENAME TO {OLD}")
        indexes, foreign = _catalogue(cursor, OLD)
        pointing = _fetch(
            cursor,
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE confrelid = to_regclass(%s) AND contype = 'f'",
            [OLD],
        )
        if pointing:
            raise RuntimeError(f"foreign keys still point at the event log: {pointing}")
        last_id, oldest = _fetch(cursor, f"SELECT COALESCE(MAX(id), 0), MIN(at) FROM {OLD}")[0]  # noqa: S608 (constant)

        run(
            f"CREATE TABLE {PARENT} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            "PARTITION BY RANGE (at)"
        )
        run(f"CREATE TABLE {DEFAULT} PARTITION OF {PARENT} DEFAULT")
        run(f"CREATE UNIQUE INDEX {DEFAULT}_site_seq ON {DEFAULT} (site_id, seq)")
        month = month_of(oldest) if oldest is not None else month_of(now)
        last = month_of(now)
        for _ in range(AHEAD):
            last = next_month(last)
        while month <= last:
            lower, upper = bounds(month)
            name = name_of(month)
            run(
                f"CREATE TABLE {name} PARTITION OF {PARENT} "
                f"FOR VALUES FROM ({_literal(lower)}) TO ({_literal(upper)})"
            )
            run(f"CREATE UNIQUE INDEX {name}_site_seq ON {name} (site_id, seq)")
            month = next_month(month)
        run(f"INSERT INTO {PARENT} SELECT * FROM {OLD}")  # noqa: S608 (constants)
        run(f"DROP TABLE {OLD}")  # its identity sequence and triggers go with it
        run(f"ALTER TABLE {PARENT} ADD CONSTRAINT {PARENT}_pkey PRIMARY KEY (id, at)")
        run(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {PARENT}.id")
        run(f"ALTER TABLE {PARENT} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
        if last_id:
            cursor.execute("SELECT setval(%s, %s)", [SEQUENCE, last_id])
        _rebuild(run, indexes, foreign)
        _analyse(run)


def unpartition_the_log(schema_editor) -> None:
    """The way back (the migration reversed): one plain table again, keyed by ``id``, with the
    chain's ``(site_id, seq)`` unique across it."""
    run = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        indexes, foreign = _catalogue(cursor, PARENT)
        (last_id,) = _fetch(cursor, f"SELECT COALESCE(MAX(id), 0) FROM {PARENT}")[0]  # noqa: S608 (constant)
        run(f"ALTER TABLE {PARENT} RENAME TO {OLD}")
        run(f"CREATE TABLE {PARENT} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        run(f"ALTER TABLE {PARENT} ALTER COLUMN id DROP DEFAULT")
        run(f"INSERT INTO {PARENT} SELECT * FROM {OLD}")  # noqa: S608 (constants)
        run(f"DROP TABLE {OLD} CASCADE")
        run(f"ALTER TABLE {PARENT} ADD CONSTRAINT {PARENT}_pkey PRIMARY KEY (id)")
        run(f"ALTER TABLE {PARENT} ADD CONSTRAINT event_site_seq UNIQUE (site_id, seq)")
        run(f"ALTER TABLE {PARENT} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        if last_id:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{PARENT}', 'id'), %s)",
                [last_id],
            )
        _rebuild(run, indexes, foreign)
        _analyse(run)


def _analyse(run) -> None:
    """Statistics for the table just made by copying (the parent and every partition, the
    copied rows counted: they are this transaction's own). Without them the planner took a
    day-and-gate page for 78 ms and an absent text's search for 282 ms at 10 million events,
    until autovacuum came round (issue 18 §4; the ANALYZE took 4.5 s there)."""
    run(f"ANALYZE {PARENT}")
