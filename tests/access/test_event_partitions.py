"""PostgreSQL: the access event log partitioned by month (issue 18 §4; gatehouse/gate/partitions.py).
Events land in their month's partition, or the default one when their month has none; the daily
job creates months ahead and moves caught rows into a month it creates; the hash chain, the
append-only and delete triggers and the registers' queries work across partitions; the purge
drops the months it empties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from gatehouse.access.models import AccessEvent, EventSource
from gatehouse.gate import partitions, retention
from gatehouse.gate.decide import gate_read
from gatehouse.jobs.schedule import JOBS
from tests.access.test_event_chain import verify
from tests.conftest import CARD_ZHANG, NOW, SHANGHAI

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the log is partitioned on PostgreSQL only"
)


def where(event: AccessEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM access_accessevent WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def read(lane, at: datetime) -> AccessEvent:
    return gate_read(
        lane=lane, kind="card", value=CARD_ZHANG, now=at, source=EventSource.CONSOLE
    ).event


def test_the_log_is_partitioned_by_month_with_a_default(db):
    assert partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('access_accessevent'::regclass), "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'access_accessevent'::regclass AND contype = 'p'"
        )
        key, primary = cursor.fetchone()
    assert key == "RANGE (at)" and primary == "PRIMARY KEY (id, at)"
    assert partitions.listing()[-1].name == partitions.DEFAULT


def test_events_land_in_their_month_or_the_default_and_move_when_it_is_made(lanes_a, card_a):
    partitions.ensure(NOW)  # the suite's month (November 2026) and three after it
    assert partitions.name_of(date(2026, 11, 1)) in {p.name for p in partitions.listing()}
    lane = lanes_a["east/walk-in"]
    this_month = read(lane, NOW)
    assert where(this_month) == "access_accessevent_p202611"
    stray = read(lane, datetime(2024, 2, 10, 8, 0, tzinfo=SHANGHAI))  # a clock years off
    assert where(stray) == partitions.DEFAULT
    # Beijing time decides the month: 1 March 00:30 is still February in UTC.
    edge = read(lane, datetime(2027, 3, 1, 0, 30, tzinfo=SHANGHAI))
    assert where(edge) == "access_accessevent_p202703" if partitions.listing() else False

    assert partitions.create_month(date(2024, 2, 1)) is True
    assert where(stray) == "access_accessevent_p202402"  # moved out of the default
    # … and analysed at once: a partition filled by a copy has its columns' statistics.
    assert column_statistics("access_accessevent_p202402") > 0
    assert partitions.create_month(date(2024, 2, 1)) is False
    assert AccessEvent.objects.count() == 3
    assert verify()[0] == 0


def test_the_daily_job_creates_the_months_ahead(db):
    later = datetime(2031, 6, 15, 12, 0, tzinfo=SHANGHAI)
    summary = JOBS["maintain_event_partitions"].run(later)
    assert summary.startswith("created 4")
    names = {p.name for p in partitions.listing()}
    assert {"access_accessevent_p203106", "access_accessevent_p203109"} <= names
    assert partitions.missing_ahead(later) == []
    assert JOBS["maintain_event_partitions"].run(later) == "created 0"


def test_the_triggers_hold_on_every_partition(lanes_a, card_a):
    partitions.ensure(NOW)
    event = read(lanes_a["east/walk-in"], NOW)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accessevent_p202611 SET note = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accessevent_p202611 WHERE id = %s", [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_a_register_query_by_day_reads_only_that_month(lanes_a, card_a, site_a):
    partitions.ensure(NOW)
    start = NOW.replace(hour=0, minute=0)
    day = AccessEvent.objects.filter(site=site_a, at__gte=start, at__lt=start + timedelta(days=1))
    sql, params = day.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "access_accessevent_p202611" in plan
    assert "access_accessevent_p202612" not in plan and partitions.DEFAULT not in plan


def test_the_purge_drops_the_months_it_empties(lanes_a, card_a, site_a):
    partitions.ensure(NOW)
    lane = lanes_a["east/walk-in"]
    for month in (date(2025, 1, 1), date(2025, 2, 1)):
        partitions.create_month(month)
    read(lane, datetime(2025, 1, 10, 9, 0, tzinfo=SHANGHAI))
    read(lane, datetime(2025, 2, 10, 9, 0, tzinfo=SHANGHAI))
    read(lane, NOW)
    site_a.event_retention_days = 300
    site_a.save(update_fields=["event_retention_days"])
    done = retention.purge_all(now=NOW)
    assert done[0].events == 2
    assert {"access_accessevent_p202501", "access_accessevent_p202502"} <= set(done[0].dropped)
    names = {p.name for p in partitions.listing()}
    assert "access_accessevent_p202501" not in names and "access_accessevent_p202611" in names
    assert verify()[0] == 0


def test_a_history_is_covered_month_by_month(db):
    first = datetime(2024, 11, 20, 8, 0, tzinfo=SHANGHAI)
    made = partitions.cover(first, datetime(2025, 2, 3, 8, 0, tzinfo=SHANGHAI))
    assert made == [f"access_accessevent_p{m}" for m in ("202411", "202412", "202501", "202502")]
    assert partitions.cover(first, first) == []


def reltuples(table: str) -> float:
    """The planner's row count of a table (-1: never analysed, nor indexed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def column_statistics(table: str) -> int:
    """How many of a table's columns the planner has statistics for (only ANALYZE writes them:
    building an index counts the rows, nothing more)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


def _unanalysed() -> list[str]:
    """The log's tables (the parent, each partition) the planner has no statistics for."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = 'access_accessevent' "
            "AND c.reltuples < 0 UNION ALL SELECT c.relname FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'access_accessevent'::regclass AND c.reltuples < 0"
        )
        return [name for (name,) in cursor.fetchall()]


def test_the_migration_leaves_the_copied_log_with_statistics(lanes_a, card_a):
    # Both ways copy every row into a new table; without an ANALYZE the planner guessed, and
    # at 10 million events a day-and-gate page took 78 ms instead of 6 (issue 18 §4).
    lane = lanes_a["east/walk-in"]
    first = read(lane, NOW)
    with connection.cursor() as cursor:  # the event's deferred key checks, not left pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        partitions.unpartition_the_log(editor)
    assert not partitions.is_partitioned() and _unanalysed() == []
    with connection.schema_editor(atomic=False) as editor:
        partitions.partition_the_log(editor, NOW)
    assert partitions.is_partitioned() and _unanalysed() == []
    assert reltuples(where(first).split(".")[-1]) == 1  # the copied event counted
    assert AccessEvent.objects.get(pk=first.pk).chain_hash == first.chain_hash
