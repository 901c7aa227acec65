"""Parking figures (issue 14, "Measures"): what a fee costs to compute, and the cars inside now
with 2 million parking sessions on the books (target ≤ 50 ms).

``tariff``: the pure core's fee (``gatehouse.core.tariff.fee_for_class``, what the exit decision
and ``vehicles.services.fee_now`` compute) over a seeded mix of stays — minutes to ten days, the
day/night bands, free minutes (only-within and deducted), calendar-day and rolling caps, flat
nights — under five posted tables (the demo's 东湖花园 table among them): computations per second
in one thread, and each call's p50/p99 in µs, per length of stay too. Then the same fee with
what the booth pays around it: parsing the stored table (``TariffTable.from_dict``), and
``fee_now`` itself (the site's settings and the plan in force, ``tariff_plan_in_force``, read
from a fresh database, the policy read from its cache).

``occupancy``: a fresh database (SQLite in a temporary directory, or ``--database-url``), five
sites with four garages each (and the ground), ``--sessions`` parking sessions (2,000,000 by
default) inserted by the database itself (generate_series on PostgreSQL, a recursive CTE on
SQLite): closed stays spread over two years in entry order, four in a thousand with an anomaly
(none at the last site), and ``--open`` cars still inside (most entered in the last three days,
one in twenty months ago).
Then times, ``--runs`` times each, fully evaluated: ``vehicles.services.occupancy`` (per-garage
counts), the booth's list of cars inside (``vehicles.selectors.cars_inside``, the first page newest
first) and their total, the booth's pairing anomalies, ``open_session`` and the plate path's whole
statement (``plate_lookup``) for a car inside; ``--explain`` prints each one's plan (EXPLAIN
ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).

    python bench/bench_parking.py tariff [--calls 100000] [--database-url …]
    python bench/bench_parking.py occupancy [--sessions 2000000] [--open 4000] [--runs 200] \\
        [--explain] [--drop-index session_anomaly_idx] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITES = 5
GARAGES = 4  # per site; slot GARAGES is the ground (no garage)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def setup(database_url: str, name: str) -> None:
    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{Path(tmp) / name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    os.environ["GATEHOUSE_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


# =============================================================================================
# (a) tariff computations
# =============================================================================================

BUCKETS = (  # (label, share, shortest, longest) in minutes
    ("≤ 30 min", 0.20, 1, 30),
    ("30 min – 4 h", 0.35, 31, 240),
    ("4 – 12 h", 0.20, 241, 720),
    ("12 h – 3 d", 0.15, 721, 3 * 1440),
    ("3 – 10 d", 0.10, 3 * 1440 + 1, 10 * 1440),
)


def tables() -> list[Any]:
    from gatehouse.core.tariff import TariffTable, default_table
    from gatehouse.demo.parking import DEMO_TABLE

    flat_night = {
        "default": {
            "price": 500,
            "period_minutes": 60,
            "free_minutes": 15,
            "night": {"start": "19:00", "end": "07:00", "price": 1000, "period_minutes": None},
            "cap": 4000,
        }
    }
    rolling = {
        "default": {
            "price": 200,
            "period_minutes": 30,
            "free_minutes": 30,
            "free_mode": "deducted",
            "cap": 3000,
            "cap_mode": "rolling_24h",
        },
        "classes": {"visitor": {"price": 100, "period_minutes": 60, "free_minutes": 120}},
    }
    uncapped = {"default": {"price": 600, "period_minutes": 60, "free_minutes": 10}}
    return [
        TariffTable.from_dict(DEMO_TABLE),
        default_table(),
        TariffTable.from_dict(flat_night),
        TariffTable.from_dict(rolling),
        TariffTable.from_dict(uncapped),
    ]


def stays(n: int, seed: int) -> list[tuple[int, Any, datetime, datetime, str]]:
    """``n`` stays: (table index, vehicle class, entered, left, bucket label)."""
    from gatehouse.core.ledger import SHANGHAI
    from gatehouse.core.tariff import VehicleClass

    rng = random.Random(seed)
    base = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    classes = [VehicleClass.TEMPORARY] * 14 + [VehicleClass.VISITOR] * 3
    classes += [VehicleClass.DELIVERY] * 2 + [VehicleClass.STAFF]
    weights = [b[1] for b in BUCKETS]
    out = []
    for _ in range(n):
        label, _share, low, high = rng.choices(BUCKETS, weights)[0]
        entered = base + timedelta(seconds=rng.randrange(30 * 86400))
        left = entered + timedelta(minutes=rng.randint(low, high), seconds=rng.randrange(60))
        out.append((rng.randrange(5), rng.choice(classes), entered, left, label))
    return out


def tariff_bench(args: argparse.Namespace) -> None:
    setup(args.database_url, "tariff.sqlite3")  # the demo's table lives beside its models
    from gatehouse.core.tariff import TariffTable, fee_for_class
    from gatehouse.demo.parking import DEMO_TABLE

    posted = tables()
    mix = stays(args.calls, args.seed)
    calls = [(posted[t], c, e, x) for t, c, e, x, _ in mix]
    print(f"{len(calls)} stays, {load()}")

    # throughput: a tight loop, nothing else timed
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for table, cls, entered, left in calls:
            fee_for_class(table, cls, entered_at=entered, left_at=left)
        best = min(best, time.perf_counter() - started)
    print(f"core fee_for_class: {len(calls) / best:,.0f} computations/s (best of 3 loops)")

    # per call, and per length of stay
    per_call: list[float] = []
    by_bucket: dict[str, list[float]] = {b[0]: [] for b in BUCKETS}
    lines = 0
    clock = time.perf_counter_ns
    for (table, cls, entered, left), (*_, label) in zip(calls, mix, strict=True):
        started = clock()
        charge = fee_for_class(table, cls, entered_at=entered, left_at=left)
        spent = (clock() - started) / 1000
        per_call.append(spent)
        by_bucket[label].append(spent)
        lines += len(charge.lines)
    print(
        f"  per call: p50 {pct(per_call, 0.5):.1f} µs, p99 {pct(per_call, 0.99):.1f} µs, "
        f"max {max(per_call):.0f} µs; mean {statistics.fmean(per_call):.1f} µs, "
        f"{lines / len(calls):.1f} charge lines a stay"
    )
    for label, values in by_bucket.items():
        print(
            f"  {label:>13}: {len(values):6d} stays, p50 {pct(values, 0.5):6.1f} µs, "
            f"p99 {pct(values, 0.99):6.1f} µs"
        )

    # parsing the stored table, as a caller without the policy cache would
    parse = timed(lambda: TariffTable.from_dict(DEMO_TABLE), 20000)
    print(
        f"TariffTable.from_dict(demo table): p50 {pct(parse, 0.5) * 1000:.1f} µs, "
        f"p99 {pct(parse, 0.99) * 1000:.1f} µs"
    )
    fee_now_bench(args, mix)


def fee_now_bench(args: argparse.Namespace, mix: list[Any]) -> None:
    """``fee_now`` as the booth's payment calls it: settings, the plan in force, the fee."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gatehouse.demo.parking import DEMO_TABLE
    from gatehouse.parking import selectors as parking_selectors
    from gatehouse.parking import services as parking_services
    from gatehouse.sites.models import Garage, Gate, Lane, Site
    from gatehouse.vehicles import services
    from gatehouse.vehicles.models import ParkingSession

    now = timezone.now()
    site = Site.objects.create(code="bench-fee", name="收费压测", kind="residential")
    garage = Garage.objects.create(site=site, code="b1", name="B1")
    gate = Gate.objects.create(site=site, code="ramp", name="车库口")
    Lane.objects.create(
        gate=gate, code="out", name="出口", kind="garage", direction="out", garage=garage
    )
    admin = get_user_model().objects.create_superuser("bench-fee", "", "x")
    parking_services.tariff_plan_create(
        site=site, actor=admin, table=DEMO_TABLE, note="压测", now=now - timedelta(days=30)
    )
    lane = Lane.objects.select_related("gate__site", "garage").get(gate=gate)
    kinds = {"temporary": "temporary", "visitor": "visitor", "delivery": "delivery"}
    sessions = [
        ParkingSession(
            site=site,
            garage=garage,
            plate="京A12345",
            kind=kinds.get(str(c), "temporary"),
            entered_at=now - (x - e),
        )
        for _t, c, e, x, _ in mix[: args.fee_now_calls]
    ]
    with CaptureQueriesContext(connection) as queries:
        services.fee_now(sessions[0], lane, now)
    per_call = []
    started_all = time.perf_counter()
    for session in sessions:
        started = time.perf_counter_ns()
        services.fee_now(session, lane, now)
        per_call.append((time.perf_counter_ns() - started) / 1000)
    total = time.perf_counter() - started_all
    plan = timed(lambda: parking_selectors.tariff_plan_in_force(site, garage, now), 2000)
    print(
        f"fee_now ({connection.vendor}, {len(queries)} queries a call): "
        f"{len(sessions) / total:,.0f} calls/s, p50 {pct(per_call, 0.5):.0f} µs, "
        f"p99 {pct(per_call, 0.99):.0f} µs; of which tariff_plan_in_force p50 "
        f"{pct(plan, 0.5) * 1000:.0f} µs; {load()}"
    )


# =============================================================================================
# (b) cars inside now with 2 million sessions
# =============================================================================================

KIND_CASE = (
    "CASE WHEN {r} < 500 THEN 'resident' WHEN {r} < 800 THEN 'temporary' "
    "WHEN {r} < 900 THEN 'visitor' WHEN {r} < 950 THEN 'delivery' "
    "WHEN {r} < 980 THEN 'staff' ELSE 'taxi' END"
)
# minutes of a closed stay: a third under an hour, most of the rest within the day
STAY_CASE = (
    "CASE WHEN {r} < 300 THEN 5 + {h} % 55 WHEN {r} < 850 THEN 60 + {h} % 660 "
    "WHEN {r} < 980 THEN 720 + {h} % 3600 ELSE 4320 + {h} % 10080 END"
)
# the last site never had an anomaly (its cameras read every plate)
ANOMALY_CASE = (
    "CASE WHEN {g} % {sites} = {sites} - 1 THEN '' WHEN {h} % 1000 < 3 THEN 'second_entry' "
    "WHEN {h} % 1000 < 4 THEN 'exit_without_entry' ELSE '' END"
)
COLUMNS = (
    "site_id, garage_id, plate, kind, entered_at, exited_at, status, anomaly, fee_fen, "
    "paid_fen, paid_at"
)


def fill_postgresql(cursor: Any, slots: list[int | None], sites: list[int], n: int, m: int) -> None:
    slot = f"(ARRAY[{','.join('NULL' if s is None else str(s) for s in slots)}]::bigint[])"
    site = f"(ARRAY[{','.join(map(str, sites))}]::bigint[])"
    h = "((g::bigint * 2654435761) % 4294967291)"
    r = f"({h} % 1000)"
    cursor.execute(
        f"""
        INSERT INTO vehicles_parkingsession ({COLUMNS})
        SELECT {site}[1 + g % {SITES}],
            {slot}[1 + (g % {SITES}) * {GARAGES + 1} + (g / {SITES}) % {GARAGES + 1}],
            '京' || chr(65 + ({h} / 7 % 26)::int) || lpad(({h} % 100000)::text, 5, '0'),
            {KIND_CASE.format(r=r)}, t.entered,
            t.entered + ({STAY_CASE.format(r=r, h=h)}) * interval '1 minute', 'closed',
            {ANOMALY_CASE.format(h=f"({h} / 1000)", g="g", sites=SITES)},
            CASE WHEN {r} BETWEEN 500 AND 799 THEN 300 * (1 + {h} % 8) ELSE 0 END,
            CASE WHEN {r} BETWEEN 500 AND 799 THEN 300 * (1 + {h} % 8) ELSE 0 END, NULL
        FROM generate_series(1, {n}) AS g,
            LATERAL (SELECT now() - interval '730 days' + g * (interval '730 days' / {n})
                AS entered) AS t
        """
    )
    cursor.execute(
        f"""
        INSERT INTO vehicles_parkingsession ({COLUMNS})
        SELECT {site}[1 + g % {SITES}],
            {slot}[1 + (g % {SITES}) * {GARAGES + 1} + (g / {SITES}) % {GARAGES + 1}],
            '沪' || chr(65 + (g % 26)) || lpad(g::text, 5, '0'),
            {KIND_CASE.format(r="((g * 7919) % 1000)")},
            CASE WHEN g % 20 = 0 THEN now() - (g % 180 + 3) * interval '1 day'
                ELSE now() - ((g * 7919) % 4320) * interval '1 minute' END,
            NULL, 'open', '', 0, 0, NULL
        FROM generate_series(1, {m}) AS g
        """
    )
    cursor.execute("ANALYZE vehicles_parkingsession")


def fill_sqlite(cursor: Any, slots: list[int | None], sites: list[int], n: int, m: int) -> None:
    # SQLite has no arrays: the site and the garage slot come from small lookup tables
    cursor.execute("CREATE TEMP TABLE bench_site (i INTEGER PRIMARY KEY, id INTEGER)")
    cursor.executemany("INSERT INTO bench_site VALUES (%s, %s)", list(enumerate(sites)))
    cursor.execute("CREATE TEMP TABLE bench_slot (i INTEGER PRIMARY KEY, id INTEGER)")
    cursor.executemany("INSERT INTO bench_slot VALUES (%s, %s)", list(enumerate(slots)))
    h = "((g.n * 2654435761) % 4294967291)"
    slot = f"(g.n % {SITES}) * {GARAGES + 1} + (g.n / {SITES}) % {GARAGES + 1}"
    r = f"({h} % 1000)"
    start = f"strftime('%s', 'now') - 730 * 86400 + g.n * {730 * 86400 / n}"
    fmt = "'%Y-%m-%d %H:%M:%f'"
    cursor.execute(
        f"""
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n})
        INSERT INTO vehicles_parkingsession ({COLUMNS})
        SELECT s.id, k.id,
            '京' || char(65 + {h} / 7 % 26) || printf('%05d', {h} % 100000),
            {KIND_CASE.format(r=r)},
            strftime({fmt}, {start}, 'unixepoch'),
            strftime({fmt}, {start} + 60 * ({STAY_CASE.format(r=r, h=h)}), 'unixepoch'),
            'closed', {ANOMALY_CASE.format(h=f"({h} / 1000)", g="g.n", sites=SITES)},
            CASE WHEN {r} BETWEEN 500 AND 799 THEN 300 * (1 + {h} % 8) ELSE 0 END,
            CASE WHEN {r} BETWEEN 500 AND 799 THEN 300 * (1 + {h} % 8) ELSE 0 END, NULL
        FROM g JOIN bench_site s ON s.i = g.n % {SITES}
            JOIN bench_slot k ON k.i = {slot}
        """
    )
    cursor.execute(
        f"""
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {m})
        INSERT INTO vehicles_parkingsession ({COLUMNS})
        SELECT s.id, k.id, '沪' || char(65 + g.n % 26) || printf('%05d', g.n),
            {KIND_CASE.format(r="((g.n * 7919) % 1000)")},
            CASE WHEN g.n % 20 = 0
                THEN strftime({fmt}, 'now', '-' || (g.n % 180 + 3) || ' days')
                ELSE strftime({fmt}, 'now', '-' || ((g.n * 7919) % 4320) || ' minutes') END,
            NULL, 'open', '', 0, 0, NULL
        FROM g JOIN bench_site s ON s.i = g.n % {SITES}
            JOIN bench_slot k ON k.i = {slot}
        """
    )
    cursor.execute("ANALYZE")


def explain(fn: Callable[[], Any], label: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    seen = []
    for q in captured.captured_queries:
        if q["sql"] not in seen:
            seen.append(q["sql"])
    print(f"--- {label}: {len(captured)} queries")
    for sql in seen:
        print(f"  {sql[:300]}")
        postgres = connection.vendor == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("    " + " ".join(str(c) for c in row))


def occupancy_bench(args: argparse.Namespace) -> None:
    setup(args.database_url, "parking.sqlite3")
    from django.db import connection, transaction
    from django.utils import timezone

    from gatehouse.sites.models import Garage, ParkingSpace, Site
    from gatehouse.vehicles import selectors, services
    from gatehouse.vehicles.lookups import plate_lookup
    from gatehouse.vehicles.models import ParkingSession, SessionStatus

    now = timezone.now()
    print(f"{connection.vendor}: {args.sessions:,} closed + {args.open:,} open sessions; {load()}")
    started = time.monotonic()
    with transaction.atomic():
        sites, slots = [], []
        for s in range(SITES):
            site = Site.objects.create(code=f"park{s}", name=f"停车场所{s}", kind="residential")
            sites.append(site)
            for k in range(GARAGES):
                garage = Garage.objects.create(site=site, code=f"b{k}", name=f"车库B{k}")
                slots.append(garage.pk)
                ParkingSpace.objects.bulk_create(
                    ParkingSpace(garage=garage, number=f"{k}-{i:03d}", kind="temporary")
                    for i in range(300)
                )
            slots.append(None)
        fill = fill_postgresql if connection.vendor == "postgresql" else fill_sqlite
        with connection.cursor() as cursor:
            fill(cursor, slots, [s.pk for s in sites], args.sessions, args.open)
    for name in args.drop_index:  # "before": the same rows without an index of the migrations
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        print(f"dropped index {name}")
    total = ParkingSession.objects.count()
    inside = ParkingSession.objects.filter(status=SessionStatus.OPEN).count()
    print(f"filled {total:,} sessions ({inside:,} open) in {time.monotonic() - started:.1f} s")

    site, quiet = sites[0], sites[-1]
    car = ParkingSession.objects.filter(site=site, status=SessionStatus.OPEN).order_by("pk").first()
    assert car is not None
    gone = ParkingSession.objects.filter(site=site, status="closed").order_by("-pk").first()
    assert gone is not None
    probes: list[tuple[str, Callable[[], Any]]] = [
        ("occupancy(site)", lambda: services.occupancy(site)),
        ("cars_inside(site) first page", lambda: list(selectors.cars_inside(site))),
        ("cars inside: total", lambda: selectors.cars_inside_count(site)),
        ("pairing anomalies (booth)", lambda: list(selectors.session_anomalies(site))),
        ("anomalies, a site without any", lambda: list(selectors.session_anomalies(quiet))),
        ("open_session(site, plate inside)", lambda: services.open_session(site, car.plate)),
        ("open_session(site, plate gone)", lambda: services.open_session(site, gone.plate)),
        (
            "plate_lookup (plate path)",
            lambda: plate_lookup(site_id=site.pk, plate=car.plate, at=now, garage_id=car.garage_id),
        ),
    ]
    if args.explain:
        for label, fn in probes:
            explain(fn, label)
    print(f"{'probe':<34} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}   ({args.runs} runs)")
    for label, fn in probes:
        before = load()
        spent = timed(fn, args.runs)
        print(
            f"{label:<34} {pct(spent, 0.5):8.2f} {pct(spent, 0.99):8.2f} {max(spent):8.2f}   "
            f"{before}"
        )
    print(load())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="bench", required=True)
    tariff = sub.add_parser("tariff")
    tariff.add_argument("--calls", type=int, default=100_000)
    tariff.add_argument("--fee-now-calls", type=int, default=5000)
    tariff.add_argument("--seed", type=int, default=14)
    tariff.add_argument("--database-url", default="")
    occ = sub.add_parser("occupancy")
    occ.add_argument("--sessions", type=int, default=2_000_000)
    occ.add_argument("--open", type=int, default=4000)
    occ.add_argument("--runs", type=int, default=200)
    occ.add_argument("--explain", action="store_true")
    occ.add_argument("--drop-index", action="append", default=[], metavar="NAME")
    occ.add_argument("--database-url", default="")
    args = parser.parse_args()
    (tariff_bench if args.bench == "tariff" else occupancy_bench)(args)


if __name__ == "__main__":
    main()
