"""The console's queries and the decision API with years of events in the log (issue 18 §4).

Two steps, so that one seeded database serves many measurements:

``seed``
    Migrates a fresh PostgreSQL database (``--database-url``), seeds the site of
    ``bench_api.py`` (4 gates of two turnstiles each, 10,000 residents' cards, a device key per
    turnstile) plus 300 visitors inside and 40 employees out mid-shift, then loads ``--events``
    events (100,000,000 by default) as ``--per-day`` events a day (100,000: a large park) on
    the days before today, oldest first, so ids grow with time as a real log's do. The rows are
    made by PostgreSQL itself (``INSERT … SELECT … FROM generate_series``: the COPY of a
    generator, without a file in between), one statement per month and ``--jobs`` months at
    a time, into the monthly partitions ``partitions.cover`` makes, with every index and
    trigger of the log in place. The events are spread over the eight lanes, 10,000 people and
    their cards; one in ten is refused; a fifth carry a plate. They are outside the hash chain
    (``seq`` empty, no seal): the live decisions of the measurement start the site's chain. Then
    ``VACUUM ANALYZE``. The device keys are kept in the database (table ``bench_scale_state``)
    for the measurement.

``measure``
    Times, in process (the ORM, the rows built as the page builds them), ``--runs`` times after
    a warm-up: who is on site now; the event register's first page; its first page filtered by
    a day and a gate; the first page of a text search no event matches; a day's export (its
    count, and every row of it built), and once the whole xlsx file of that day as the
    background job makes it. Then the decision API (``bench_api.py --seeded``: granian, wrk,
    8 gates) against the same database, whose figures it prints after its own.

    python bench/bench_scale.py seed --database-url postgresql://…/scale --events 100000000
    python bench/bench_scale.py measure --database-url postgresql://…/scale
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PY = sys.executable

STATE = "bench_scale_state"


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    os.environ.setdefault("GATEHOUSE_DEBUG", "0")
    import django

    django.setup()


def _fill_month(
    url: str,
    site: int,
    lanes: list[tuple[int, str]],
    first: int,
    count: int,
    start: datetime,
    step_us: float,
    people: list[int],
    cards: list[int],
    devices: list[int],
) -> None:
    """Events ``first`` … ``first + count - 1`` of the history, one statement."""
    import psycopg

    lane_ids = "ARRAY[" + ",".join(str(pk) for pk, _ in lanes) + "]"
    directions = "ARRAY[" + ",".join(f"'{d}'" for _, d in lanes) + "]"
    device_ids = "ARRAY[" + ",".join(str(pk) for pk in devices) + "]"
    sql = f"""
        INSERT INTO access_accessevent (site_id, lane_id, device_id, at, recorded_at, source,
            direction, entrant, credential_kind, credential_masked, credential_id, person_id,
            subject, outcome, pending, reason, rule, message, obligations, note, plate,
            vehicle_kind, chain_hash)
        SELECT {site}, ({lane_ids})[1 + g % 8], ({device_ids})[1 + g % 8], t, t, 'device',
            ({directions})[1 + g % 8], 'credential', 'owner_card',
            lpad(to_hex((g * 7919) % 65536), 4, '0') || '****',
            {cards[0]} + (g * 7919) % {len(cards)}, {people[0]} + (g * 7919) % {len(people)},
            (ARRAY['张','李','王','刘','陈','杨','赵','黄'])[1 + g % 8] || '*' || (g % 97),
            CASE WHEN g % 10 = 0 THEN 'refuse' ELSE 'allow' END, '',
            CASE WHEN g % 10 = 0 THEN 'card.lost' ELSE 'resident.card' END, 'P-03',
            CASE WHEN g % 10 = 0 THEN '卡已挂失'
                 WHEN g % 5 = 0 THEN '车辆 粤B' || (10000 + (g * 104729) % 20000) || ' 放行'
                 ELSE '业主/住户，放行' END,
            '[]'::jsonb, '', CASE WHEN g % 5 = 0 THEN '粤B' || (10000 + (g * 104729) % 20000)
                                  ELSE '' END, '', ''
        FROM generate_series({first}::bigint, {first + count - 1}::bigint) AS g,
             LATERAL (SELECT '{start.isoformat()}'::timestamptz
                              + g * {step_us!r} * interval '1 microsecond' AS t) AS moment
    """
    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute("SET synchronous_commit = off")
        # A bulk load of rows made valid by construction: the foreign keys' per-row checks
        # (deferred triggers, queued for every row until the commit) are skipped, as
        # pg_restore --disable-triggers would. The log's own triggers fire on UPDATE and DELETE.
        conn.execute("SET session_replication_role = replica")
        conn.execute(sql)  # no parameters: the values are numbers and a time written in
        conn.commit()


def seed(args: argparse.Namespace) -> None:
    import bench_api

    env = dict(os.environ, DATABASE_URL=args.database_url, GATEHOUSE_DEBUG="0")
    env["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    started = time.monotonic()
    bench_api.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seeded = bench_api.run([PY, "manage.py", "shell", "-c", bench_api.SEED], env)
    state = json.loads(seeded.split("SEED", 1)[1])
    django_setup(args.database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    from gatehouse.access.models import StaffExit
    from gatehouse.devices.models import Device
    from gatehouse.gate import partitions
    from gatehouse.people.models import Credential, Person
    from gatehouse.sites.models import Lane, Site
    from gatehouse.visitors.models import Visit

    assert connection.vendor == "postgresql", "the monthly partitions are PostgreSQL's"
    site = Site.objects.get(code="bench")
    lanes = list(Lane.objects.filter(gate__site=site).order_by("pk").values_list("pk", "direction"))
    devices = list(
        Device.objects.filter(site=site).order_by("lane_id").values_list("pk", flat=True)
    )
    people = list(Person.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))
    cards = list(Credential.objects.filter(site=site).order_by("pk").values_list("pk", flat=True))
    assert people == list(range(people[0], people[0] + len(people))), "people ids not in a run"
    assert cards == list(range(cards[0], cards[0] + len(cards))), "card ids not in a run"
    now = timezone.now()
    with transaction.atomic():
        walk_in = Lane.objects.get(pk=lanes[0][0])
        Visit.objects.bulk_create(
            [
                Visit(
                    site=site,
                    kind="visitor",
                    name=f"访客{i}",
                    purpose="洽谈",
                    host_text="物业办公室",
                    status="inside",
                    registered_at=now - timedelta(minutes=10 + i),
                    time_in=now - timedelta(minutes=10 + i),
                    lane_in=walk_in,
                )
                for i in range(300)
            ]
        )
        StaffExit.objects.bulk_create(
            [
                StaffExit(
                    site=site,
                    person_id=people[i],
                    reason="外出办事",
                    approver="主管",
                    out_at=now - timedelta(minutes=30 + i),
                )
                for i in range(40)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {STATE} (key text PRIMARY KEY, value jsonb)")
        cursor.execute(
            f"INSERT INTO {STATE} VALUES ('seed', %s)",
            [json.dumps({**state, "events": args.events, "per_day": args.per_day})],
        )

    # The history: per_day events a day on the days before today (Beijing time), oldest first.
    days = -(-args.events // args.per_day)
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    begin = today - timedelta(days=days)
    step_us = 86_400_000_000 / args.per_day
    partitions.cover(begin, today)
    chunks: list[tuple[int, int]] = []
    month_start = begin
    first = 0
    while first < args.events:
        nxt = (month_start.replace(day=1) + timedelta(days=32)).replace(day=1)
        until = min(args.events, int((nxt - begin).total_seconds() * 1_000_000 / step_us))
        until = max(until, first + 1)
        chunks.append((first, until - first))
        first, month_start = until, nxt
    connection.close()
    print(f"seeding {args.events:,} events over {days} days ({len(chunks)} months)", flush=True)
    pending = list(chunks)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            with lock:
                if not pending or errors:
                    return
                first, count = pending.pop(0)
            t0 = time.monotonic()
            try:
                _fill_month(
                    args.database_url,
                    site.pk,
                    lanes,
                    first,
                    count,
                    begin,
                    step_us,
                    people,
                    cards,
                    devices,
                )
            except BaseException as exc:
                with lock:
                    errors.append(exc)
                return
            print(
                f"  {first + count:>12,} … a month of {count:,} in {time.monotonic() - t0:.0f} s",
                flush=True,
            )

    threads = [threading.Thread(target=worker) for _ in range(args.jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    loaded = time.monotonic() - started
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) access_accessevent")
        size = conn.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'access_accessevent'::regclass"
        ).fetchone()[0]
    print(
        f"seeded {args.events:,} events in {loaded:.0f} s, vacuumed and analysed in "
        f"{time.monotonic() - started - loaded:.0f} s more; the log with its indexes: {size}"
    )


def timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    found = fn()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(0.95 * len(times)) - 1)], found


def measure(args: argparse.Namespace) -> None:
    django_setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from gatehouse.access.models import AccessEvent
    from gatehouse.registers import jobs, registers, selectors
    from gatehouse.sites.models import Site

    site = Site.objects.get(code="bench")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {STATE} WHERE key = 'seed'")
        value = cursor.fetchone()[0]  # Django reads jsonb as its text
        state = json.loads(value) if isinstance(value, str) else value
        cursor.execute(
            "SELECT sum(c.reltuples)::bigint, count(*) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'access_accessevent'::regclass"
        )
        estimated, parts = cursor.fetchone()
    now = timezone.now()
    day = timezone.localtime(now).date() - timedelta(days=1)  # yesterday: a whole day
    day_filters: dict[str, Any] = {"date_from": day, "date_to": day}
    print(
        f"log: ≈{estimated:,} events in {parts} partitions (seeded {state.get('events', 0):,}, "
        f"{state.get('per_day', 0):,} a day); day measured: {day}; {args.runs} runs after a warm-up"
    )

    def export_rows() -> int:
        found = registers.events_found(site, now, _query(day_filters))
        return sum(1 for _row in found.rows())

    cases = {
        "who is on site now (on_site_now)": lambda: selectors.on_site_now(site, now).counts,
        "event log, first page": lambda: len(selectors.events(site).rows),
        "event log filtered by a day and a gate, first page": lambda: len(
            selectors.events(site, gate="g1", **day_filters).rows
        ),
        "event log, a text no event has (粤Z99999), first page": lambda: len(
            selectors.events(site, q="粤Z99999").rows
        ),
        "a day's export: the count": lambda: registers.events_found(
            site, now, _query(day_filters)
        ).count(),
    }
    results = {}
    for name, fn in cases.items():
        results[name] = timed(fn, args.runs)
    export = timed(export_rows, max(3, args.runs // 10))
    print("| query | found | median ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    for name, (median, p95, found) in results.items():
        print(f"| {name} | {found} | {median:.1f} | {p95:.1f} |")
    print(
        f"| a day's export: every row built | {export[2]:,} | {export[0]:.0f} | {export[1]:.0f} |"
    )

    # The whole file, as the background job makes it.
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-scale", password=None)
    job = jobs.export_start(
        site=site,
        actor=user,
        key=registers.EVENTS,
        fmt="xlsx",
        query=_query(day_filters),
        now=now,
    )
    t0 = time.perf_counter()
    jobs.run_job(jobs.ExportJob.objects.get(pk=job.pk), timezone.now)
    took = time.perf_counter() - t0
    job.refresh_from_db()
    print(
        f"a day's export as xlsx (the background job): {job.rows_done:,} rows, "
        f"{job.size / 1e6:.1f} MB, {took:.1f} s, state {job.state}"
    )
    if job.file:
        job.file.delete(save=False)
    job.delete()
    before = AccessEvent.objects.filter(site=site).order_by("-pk").values_list("pk", flat=True)[:1]
    print("last event id before the decision API run:", list(before))
    connection.close()
    if args.no_api:
        return
    done = subprocess.run(
        [
            PY,
            str(ROOT / "bench" / "bench_api.py"),
            "--seeded",
            "--database-url",
            args.database_url,
            "--seconds",
            str(args.seconds),
        ],
        cwd=ROOT,
        check=False,
    )
    if done.returncode:
        sys.exit(done.returncode)


def _query(filters: dict[str, Any]) -> Any:
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict(
        {
            k: [v.isoformat() if isinstance(v, date | datetime) else str(v)]
            for k, v in filters.items()
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=("seed", "measure"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--per-day", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2, help="months loaded at once")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20, help="the decision API's run")
    parser.add_argument("--no-api", action="store_true", help="skip the decision API's run")
    args = parser.parse_args()
    if args.step == "seed":
        seed(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
