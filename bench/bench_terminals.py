"""Hikvision terminals (issue 14 §2 measures), against the simulated terminal over real HTTP with
digest authentication:

1. **Initial sync** of ``--people`` people with a card each to one terminal: the reconciliation
   finds the terminal empty and queues everyone (``reconcile``), then the outbox worker's loop
   as ``manage.py device_worker`` runs it (one round, then ``--interval`` seconds of sleep)
   delivers until nothing is queued. Reports the time and the HTTP requests the terminal
   answered (digest challenges counted apart).
2. **Revocation to refusal**: ``--trials`` times, a synced card is revoked in Gatehouse
   (``credential_set_status``, committed) while the worker loop runs in a thread at its default
   interval; the terminal is swiped every ``--poll`` seconds until it refuses. Reports the
   latency's percentiles (the measure: p99 ≤ 15 s).

    python bench/bench_terminals.py [--database-url postgresql://…/db] [--people 10000]

Without ``--database-url`` a fresh SQLite file in a temporary directory is used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.5, help="the worker's (its default)")
    parser.add_argument("--poll", type=float, default=0.05)
    args = parser.parse_args()
    root = HERE.parent
    os.chdir(root)
    sys.path.insert(0, str(root))
    tmp = tempfile.mkdtemp(prefix="bench-terminals-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    os.environ["GATEHOUSE_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.utils import timezone

    from gatehouse.devices.adapters.hikvision import isapi
    from gatehouse.devices.adapters.hikvision.simulator import Terminal
    from gatehouse.devices.models import CommandState, Device, DeviceCommand
    from gatehouse.devices.outbox import deliver_due
    from gatehouse.devices.reconcile import reconcile
    from gatehouse.devices.services import device_issue_key, device_set_login
    from gatehouse.people.models import Credential, Person
    from gatehouse.people.services import credential_set_status
    from gatehouse.sites.models import Gate, Lane, Site

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; people: {args.people}")
    now = timezone.now()
    site = Site.objects.create(
        code=f"tb{int(time.time())}", name="终端压测小区", kind="residential"
    )
    gate = Gate.objects.create(site=site, code="east", name="东门", open_when_tightened=True)
    lane = Lane.objects.create(
        gate=gate, code="walk-in", name="人行入口", kind="non_motor", direction="in"
    )
    people = Person.objects.bulk_create(
        [Person(site=site, name=f"住户{i}", kind="owner") for i in range(args.people)],
        batch_size=2000,
    )
    rng = random.Random(7)
    numbers: set[str] = set()
    while len(numbers) < args.people:
        numbers.add(f"{rng.getrandbits(32):08X}")
    cards = Credential.objects.bulk_create(
        [
            Credential(
                site=site,
                kind="owner_card",
                number=n,
                person=p,
                valid_from=now - timedelta(days=30),
            )
            for n, p in zip(sorted(numbers), people, strict=True)
        ],
        batch_size=2000,
    )
    terminal = Terminal(password="bench-pass-1", clock=lambda: timezone.localtime()).start()
    challenges = 0
    original = terminal.challenge

    def counted() -> str:
        nonlocal challenges
        challenges += 1
        return original()

    terminal.challenge = counted  # type: ignore[method-assign]
    device = Device.objects.create(
        site=site, lane=lane, name="东门人脸终端", kind="face_terminal", vendor="hikvision"
    )
    device_issue_key(device=device, actor=None, now=now)
    device_set_login(
        device=device,
        actor=None,
        address=terminal.url,
        username="admin",
        password="bench-pass-1",
        now=now,
    )

    # -- 1. initial sync --------------------------------------------------------------------
    started = time.perf_counter()
    result = reconcile(device, timezone.now())
    assert result.queued is not None, result.error
    queued_at = time.perf_counter()
    rounds = 0
    while DeviceCommand.objects.filter(device=device, state=CommandState.QUEUED).exists():
        done = deliver_due(now=timezone.now)
        rounds += 1
        if done.failed:
            print("failed:", done.errors[:3])
        time.sleep(args.interval)
    elapsed = time.perf_counter() - started
    held = len(terminal.store.users), len(terminal.store.cards)
    print(
        f"initial sync: {args.people} people, queued in {queued_at - started:.1f} s, "
        f"all delivered in {elapsed:.1f} s over {rounds} worker rounds; terminal holds "
        f"{held[0]} people / {held[1]} cards; requests answered {terminal.store.requests} "
        f"({terminal.store.requests / args.people:.2f} per person) + {challenges} digest "
        "challenges"
    )
    assert held == (args.people, args.people)

    # What a change of the site's mode pays in its request: every person judged again, only
    # the changed queued (here none: the list is up to date).
    from gatehouse.devices.sync import sync_site

    t0 = time.perf_counter()
    unchanged = sync_site(site, timezone.now())
    print(
        f"sync_site with nothing changed: {time.perf_counter() - t0:.2f} s "
        f"({unchanged.unchanged} people judged, {unchanged.synced + unchanged.deleted} queued)"
    )
    t0 = time.perf_counter()
    again = reconcile(device, timezone.now())
    assert again.queued is not None
    print(
        f"reconcile of the synced terminal: {time.perf_counter() - t0:.2f} s, "
        f"{again.requests} search requests, {again.queued.synced + again.queued.deleted} repairs"
    )

    # -- 2. revocation → refusal ------------------------------------------------------------
    stop = threading.Event()

    def worker() -> None:  # manage.py device_worker's loop
        while not stop.is_set():
            close_old_connections()
            deliver_due(now=timezone.now)
            time.sleep(args.interval)
        connection.close()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    latencies = []
    chosen = rng.sample(cards, args.trials)
    try:
        for card in chosen:
            at_terminal = isapi.terminal_card_no(card.number)
            assert terminal.swipe(at_terminal, push=False).passed
            t0 = time.perf_counter()
            credential_set_status(credential=card, status="revoked", actor=None, now=timezone.now())
            while terminal.swipe(at_terminal, push=False).passed:
                time.sleep(args.poll)
                if time.perf_counter() - t0 > 120:
                    raise SystemExit("a revoked card still opens after 120 s")
            latencies.append(time.perf_counter() - t0)
    finally:
        stop.set()
        thread.join(timeout=10)
        terminal.stop()
    print(
        f"revoked → refused ({args.trials} trials, worker interval {args.interval} s): "
        f"p50 {statistics.median(latencies):.2f} s, p90 {pct(latencies, 90):.2f} s, "
        f"p99 {pct(latencies, 99):.2f} s, max {max(latencies):.2f} s"
    )


if __name__ == "__main__":
    main()
