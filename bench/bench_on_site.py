""" "Who is on site now” with 5 million events in the log (issue 3 §9; target ≤ 50 ms).

Creates a fresh database (SQLite in a temporary directory, or ``--database-url``), one site with
two gates, 20,000 visits of which 300 are still inside, 2,000 mid-shift exits of which 40 are
open, and ``--events`` access events (5,000,000 by default) spread over a year, inserted by the
database itself (a recursive CTE on SQLite, generate_series on PostgreSQL). Then times
``gatehouse.registers.selectors.on_site_now`` (fully evaluated) over repeated runs.

    python bench/bench_on_site.py [--events 5000000] [--page] [--database-url postgresql://…]

With ``--page`` it also serves the whole page, ``GET /registers/on-site/`` as a security
manager (Django's test client: the middlewares, the session, the view, the template), and says
where its time goes: each step the view takes, the SQL inside them, and the rest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--page", action="store_true", help="also time the whole page")
    parser.add_argument(
        "--profile", action="store_true", help="print where on_site_now's own time goes"
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(tmp) / 'onsite.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gatehouse.access.models import StaffExit
    from gatehouse.people.models import Person
    from gatehouse.registers.selectors import on_site_now
    from gatehouse.sites.models import Gate, Lane, Site
    from gatehouse.visitors.models import Visit

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        site = Site.objects.create(code="bench", name="压测园区", kind="industrial_park")
        lanes = []
        for g in ("east", "west"):
            gate = Gate.objects.create(site=site, code=g, name=g)
            for d in ("in", "out"):
                lanes.append(
                    Lane.objects.create(
                        gate=gate, code=f"walk-{d}", name=d, kind="non_motor", direction=d
                    )
                )
        people = Person.objects.bulk_create(
            [Person(site=site, name=f"员工{i}", kind="employee") for i in range(2000)]
        )
        visits = []
        for i in range(20_000):
            inside = i < 300
            t_in = now - timedelta(hours=2 + (i % 5000))
            visits.append(
                Visit(
                    site=site,
                    kind="visitor",
                    name=f"访客{i}",
                    purpose="洽谈",
                    host_text="行政部",
                    status="inside" if inside else "left",
                    registered_at=t_in,
                    time_in=t_in,
                    time_out=None if inside else t_in + timedelta(hours=1),
                    lane_in=lanes[0],
                )
            )
        Visit.objects.bulk_create(visits, batch_size=5000)
        StaffExit.objects.bulk_create(
            [
                StaffExit(
                    site=site,
                    person=p,
                    reason="外出办事",
                    approver="主管",
                    out_at=now - timedelta(days=i % 300, hours=1),
                    back_at=None if i < 40 else now - timedelta(days=i % 300),
                )
                for i, p in enumerate(people)
            ]
        )
    from gatehouse.gate import partitions

    # PostgreSQL: the year of events goes into its months' partitions, as a year of use would
    # have (the daily job creates each month ahead), not all into the default partition.
    partitions.cover(now - timedelta(days=366), now)
    lane_id = lanes[0].pk
    if connection.vendor == "postgresql":
        sql = f"""
            INSERT INTO access_accessevent (site_id, lane_id, at, recorded_at, source, direction,
                entrant, credential_kind, credential_masked, subject, outcome, pending, reason,
                rule, message, obligations, note, plate, vehicle_kind, chain_hash)
            SELECT {site.pk}, {lane_id}, now() - (g % 525600) * interval '1 minute', now(),
                'device', 'in', 'credential', 'owner_card', '0A1B****', '', 'allow', '',
                'resident.card', 'P-03', '业主/住户，放行', '[]'::jsonb, '', '', '', ''
            FROM generate_series(1, {args.events}) AS g
        """
    else:
        sql = f"""
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {args.events})
            INSERT INTO access_accessevent (site_id, lane_id, at, recorded_at, source, direction,
                entrant, credential_kind, credential_masked, subject, outcome, pending, reason,
                rule, message, obligations, note, plate, vehicle_kind, chain_hash)
            SELECT {site.pk}, {lane_id}, datetime('now', '-' || (n % 525600) || ' minutes'),
                datetime('now'), 'device', 'in', 'credential', 'owner_card', '0A1B****', '',
                'allow', '', 'resident.card', 'P-03', '业主/住户，放行', '[]', '', '', '', ''
            FROM g
        """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM access_accessevent")
        total = cursor.fetchone()[0]
    print(f"seeded in {time.monotonic() - started:.0f} s: {total:,} events, 20,000 visits")

    def once() -> float:
        t0 = time.perf_counter()
        result = on_site_now(site, now)
        assert len(result.visitors) == 300 and len(result.staff_out) == 40
        return (time.perf_counter() - t0) * 1000

    once()
    times = sorted(once() for _ in range(args.runs))
    result = on_site_now(site, now)
    print(f"backend: {connection.vendor}; on_site_now over {args.runs} runs")
    print(
        f"ms: median {statistics.median(times):.1f}  p95 {times[int(0.95 * len(times)) - 1]:.1f}"
        f"  max {times[-1]:.1f}"
    )
    print(f"result: {len(result.visitors)} visitors inside, {len(result.staff_out)} staff out")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(on_site_now, site, now)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
    if args.page:
        page_breakdown(site, args.runs)
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print("target <= 50 ms:", "met" if times[int(0.95 * len(times)) - 1] <= 50 else "NOT met")


def page_breakdown(site, runs: int) -> None:
    """Time ``GET /registers/on-site/`` and the steps of its view (issue 18 §4: the page took
    124 ms around a 25 ms query)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gatehouse.accounts.models import Membership
    from gatehouse.registers import views

    user = get_user_model().objects.create_user(username="bench-manager", password="x")
    Membership.objects.create(user=user, site=site, role="security_manager")
    client = Client()
    client.force_login(user)
    steps: dict[str, list[float]] = {}

    def timed(name, function):
        def wrapper(*a, **kw):
            t0 = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                steps.setdefault(name, []).append((time.perf_counter() - t0) * 1000)

        return wrapper

    originals = {
        "flag_overstays": (views.services, "flag_overstays"),
        "on_site_now": (views.selectors, "on_site_now"),
        "alerts": (views.selectors, "alerts"),
        "render": (views, "render_partial"),
    }
    kept = {name: getattr(module, attr) for name, (module, attr) in originals.items()}
    for name, (module, attr) in originals.items():
        setattr(module, attr, timed(name, kept[name]))
    totals, sql = [], []
    try:
        client.get("/registers/on-site/")  # warm: templates compiled, caches filled
        steps.clear()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get("/registers/on-site/")
                totals.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            count = len(queries.captured_queries)
    finally:
        for name, (module, attr) in originals.items():
            setattr(module, attr, kept[name])

    def med(values: list[float]) -> float:
        return statistics.median(values)

    print(f"page GET /registers/on-site/ over {runs} runs ({len(response.content):,} bytes)")
    print(
        f"  total ms: median {med(totals):.1f}  p95 {sorted(totals)[int(0.95 * runs) - 1]:.1f}"
        f"  ({count} SQL statements, {med(sql):.1f} ms of SQL)"
    )
    for name, values in steps.items():
        print(f"  {name}: median {med(values):.1f} ms")
    inside = sum(med(v) for v in steps.values())
    print(
        f"  outside the view's steps (middlewares, session, auth, response): "
        f"{med(totals) - inside:.1f} ms"
    )


if __name__ == "__main__":
    main()
