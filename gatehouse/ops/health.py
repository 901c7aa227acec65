"""The checks behind ``/readyz``: each answers ok or not, with no data beyond its name.

* ``database`` — a connection that answers (Django's ``is_usable``: ``SELECT 1``).
* ``migrations`` — every leaf of the migration graph (read from disk once per process) is
  recorded as applied.
* ``device_worker`` / ``export_worker`` / ``scheduler`` / ``task_worker`` — the process's
  heartbeat is younger than ``GATEHOUSE_WORKER_STALE_SECONDS``.
* ``devices`` — no live device is silent longer than its site allows (the condition the
  device worker's offline alarm raises).
* ``event_partitions`` — PostgreSQL: the event log's partitions for this month and the next
  exist (the daily ``maintain_event_partitions`` job makes them; without them events still land,
  in the default partition, but the months' queries lose their pruning). Always ok on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection

WORKERS = ("device_worker", "export_worker", "scheduler", "task_worker")


@cache
def _leaves() -> frozenset[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return frozenset(loader.graph.leaf_nodes())


def database_ok(now: datetime) -> bool:
    # Django's own probe (``SELECT 1`` on PostgreSQL); hand-written SQL lives in gatehouse/gate.
    connection.ensure_connection()
    return connection.is_usable()


def migrations_ok(now: datetime) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    return all(leaf in applied for leaf in _leaves())


def _worker_ok(name: str) -> Callable[[datetime], bool]:
    def check(now: datetime) -> bool:
        from gatehouse.ops.models import Heartbeat

        at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
        stale = timedelta(seconds=settings.GATEHOUSE_WORKER_STALE_SECONDS)
        return at is not None and now - at <= stale

    return check


def devices_ok(now: datetime) -> bool:
    from gatehouse.devices.models import Device

    rows = (
        Device.objects.filter(revoked_at__isnull=True)
        .exclude(key_hash="")
        .values_list("site__device_offline_minutes", "last_seen_at", "key_issued_at")
    )
    for minutes, seen, issued in rows.iterator():
        heard = seen or issued
        if heard is not None and now - heard > timedelta(minutes=minutes):
            return False
    return True


def event_partitions_ok(now: datetime) -> bool:
    from gatehouse.gate import partitions

    return not partitions.missing_ahead(now)


CHECKS: dict[str, Callable[[datetime], bool]] = {
    "database": database_ok,
    "migrations": migrations_ok,
    **{name: _worker_ok(name) for name in WORKERS},
    "devices": devices_ok,
    "event_partitions": event_partitions_ok,
}


def readiness(now: datetime) -> dict[str, bool]:
    """Each check's result; a check that raises (the database gone) is a failure. Once the
    database fails the rest are not tried."""
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        if results.get("database") is False:
            results[name] = False
            continue
        try:
            results[name] = bool(check(now))
        except Exception:
            results[name] = False
    return results
