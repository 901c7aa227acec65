"""The event register's text search (``/registers/events/?q=…``) on PostgreSQL with millions of
events, with and without the trigram indexes of access/0008 (issue 18 §4).

Seeds a fresh PostgreSQL database (``--database-url``, required: the indexes are PostgreSQL's)
with one site and ``--events`` events (5,000,000 by default) spread over a year by
generate_series: masked names of 2,000 people, 50,000 distinct masked card numbers, a plate on
every fifth event out of 20,000 plates, and five kinds of message. Then times the register's
first page (``gatehouse.registers.selectors.events``: 50 rows, newest first, fully evaluated)
for searches that are rare (ten plates: about 500 events), common (a card tail), absent (a
plate no event has) and short (two characters, which no trigram can serve), first with the
indexes, then after dropping them.

    python bench/bench_event_search.py --database-url postgresql://postgres@127.0.0.1:55432/bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = {
    "rare (10 plates of 20,000: 1 event in 10,000)": "粤B1000",  # 粤B10000…粤B10009
    "common (a card tail)": "**12",
    "absent (no such plate)": "粤Z99999",
    "short (2 characters)": "张*",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from gatehouse.registers.selectors import events
    from gatehouse.sites.models import Gate, Lane, Site

    assert connection.vendor == "postgresql", "the trigram indexes are PostgreSQL's"
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with transaction.atomic():
        site = Site.objects.create(code="bench", name="压测园区", kind="residential")
        gate = Gate.objects.create(site=site, code="east", name="东门")
        lane = Lane.objects.create(
            gate=gate, code="car-in", name="车辆入口", kind="motor", direction="in"
        )
    from gatehouse.gate import partitions

    now = timezone.now()  # PostgreSQL: the year of events into its months' partitions
    partitions.cover(now - timedelta(days=366), now)
    sql = f"""
        INSERT INTO access_accessevent (site_id, lane_id, at, recorded_at, source, direction,
            entrant, credential_kind, credential_masked, subject, outcome, pending, reason,
            rule, message, obligations, note, plate, vehicle_kind, chain_hash)
        SELECT {site.pk}, {lane.pk}, now() - (g % 525600) * interval '1 minute', now(),
            'device', 'in', 'credential', 'owner_card',
            '****' || lpad(((g * 7919) % 50000)::text, 5, '0'),
            (ARRAY['张','李','王','刘','陈','杨','赵','黄'])[1 + g % 8] || '*' || (g % 2000),
            CASE WHEN g % 10 = 0 THEN 'refuse' ELSE 'allow' END, '',
            (ARRAY['resident.card','card.lost','vehicle.owner','visitor.pass',
                   'card.unknown'])[1 + g % 5],
            'P-03',
            CASE WHEN g % 5 = 0 THEN '车辆 粤B' || (10000 + (g * 104729) % 20000) || ' 放行'
                 ELSE (ARRAY['业主/住户，放行','卡已挂失','访客凭证有效','未知卡号'])[1 + g % 4]
            END,
            '[]'::jsonb, '', '', '', ''
        FROM generate_series(1::bigint, {args.events}) AS g
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE access_accessevent")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('access_accessevent'))")
        size = cursor.fetchone()[0]
    took = time.monotonic() - started
    print(f"seeded {args.events:,} events in {took:.0f} s ({size} with indexes)")
    now = timezone.now()

    def timed(q: str) -> tuple[float, float, int]:
        found = len(events(site, q=q).rows)  # warm
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            events(site, q=q)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        return statistics.median(times), times[int(0.95 * len(times)) - 1], found

    results: dict[str, dict[str, tuple[float, float, int]]] = {}
    for label in ("with the trigram indexes", "without them"):
        if label == "without them":
            with connection.cursor() as cursor:
                for column in ("subject", "credential_masked", "reason", "message"):
                    cursor.execute(f"DROP INDEX IF EXISTS event_{column}_trgm")
                cursor.execute("ANALYZE access_accessevent")
        results[label] = {name: timed(q) for name, q in SEARCHES.items()}
    print(f"backend: postgresql; events(site, q=…) first page, {args.runs} runs; now {now:%F}")
    print("| search | rows on page | with indexes: median / p95 ms | without: median / p95 ms |")
    print("| --- | --- | --- | --- |")
    for name in SEARCHES:
        w, wo = results["with the trigram indexes"][name], results["without them"][name]
        print(f"| {name} | {w[2]} | {w[0]:.1f} / {w[1]:.1f} | {wo[0]:.1f} / {wo[1]:.1f} |")
    connection.close()


if __name__ == "__main__":
    main()
