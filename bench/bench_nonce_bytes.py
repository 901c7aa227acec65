"""Bytes each device decision leaves in the database, and what the nonce purge gives back.

A fresh SQLite database (WAL, temporary directory) with the demo loaded; one of the demo's
turnstiles decides ``--reads`` card reads through the device service (``device_decide``, the
path of ``POST /gate/decisions``), each with its own nonce. The table sizes are read from
SQLite's ``dbstat`` (pages in use, not the file) before and after, per table, divided by the
reads. Then ``device_requests_purge`` runs as if ``KEEP_FOR`` had passed and the nonce table is
measured again (after VACUUM, so freed pages are not counted).

    python bench/bench_nonce_bytes.py [--reads 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _sizes(connection) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        return dict(cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=5000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="gh-nonce-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gatehouse.access.models import DeviceRequest
    from gatehouse.devices.models import Device
    from gatehouse.gate.decide import device_decide
    from gatehouse.jobs.purge import KEEP_FOR, device_requests_purge
    from gatehouse.people.models import Credential
    from gatehouse.sites.models import Lane

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    card = Credential.objects.filter(kind="owner_card", status="active").order_by("pk").first()
    assert card is not None
    walk = Lane.objects.filter(gate__site=card.site, kind="non_motor", direction="in").first()
    assert walk is not None, "the demo's site has no walk-in lane"
    device = Device.objects.create(site=card.site, lane=walk, name="bench", kind="turnstile")
    lane = f"{device.lane.gate.code}/{device.lane.code}"
    before = _sizes(connection)
    started = time.perf_counter()
    now = timezone.now()
    for n in range(args.reads):
        body = {"lane": lane, "credential": {"kind": "card", "value": card.number}}
        device_decide(
            device=device,
            nonce=f"bench-{n:08d}",
            body=body,
            lane_ref=None,
            kind="card",
            value=card.number,
            at=None,
            health=None,
            now=now,
        )
    took = time.perf_counter() - started
    after = _sizes(connection)
    grown = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    print(f"{args.reads} decisions in {took:.1f} s; bytes per decision by table (dbstat pages):")
    total = 0
    for name, delta in sorted(grown.items(), key=lambda kv: -kv[1]):
        if delta > 0:
            total += delta
            print(f"  {name:48s} {delta / args.reads:8.1f}")
    print(f"  {'total':48s} {total / args.reads:8.1f}")
    sample = DeviceRequest.objects.filter(device=device).order_by("-pk").first()
    assert sample is not None
    print(f"one stored reply: {len(str(sample.response).encode())} bytes of JSON (as text)")
    deleted = device_requests_purge(now=now + KEEP_FOR + KEEP_FOR)
    with connection.cursor() as cur:
        cur.execute("VACUUM")
    purged = _sizes(connection)
    table = DeviceRequest._meta.db_table
    print(
        f"purge: {deleted} rows deleted; {table} {after.get(table, 0)} → {purged.get(table, 0)}"
        " bytes"
    )


if __name__ == "__main__":
    main()
