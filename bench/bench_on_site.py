""" "Who is on site now” with 5 million events in the log (issue 3 §9; target ≤ 50 ms).

Creates a fresh database (SQLite in a temporary directory, or ``--database-url``), one site with
two gates, 20,000 visits of which 300 are still inside, 2,000 mid-shift exits of which 40 are
open, and ``--events`` access events (5,000,000 by default) spread over a year, inserted by the
database itself (a recursive CTE on SQLite, generate_series on PostgreSQL). Then times
``gatehouse.registers.selectors.on_site_now`` (fully evaluated) over repeated runs.

    python bench/bench_on_site.py [--events 5000000] [--database-url postgresql://…]
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
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print("target <= 50 ms:", "met" if times[int(0.95 * len(times)) - 1] <= 50 else "NOT met")


if __name__ == "__main__":
    main()
