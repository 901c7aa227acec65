"""The edge agent (issue 15 §Targets), a real ``python -m gatehouse_edge`` process beside a real
server (granian on 127.0.0.1, PostgreSQL), one site of ``--people`` residents with a card each
(the edge's snapshot holds them all, with their holders):

* ``offline`` — 72 h offline on the edge's own clock. The edge runs under a wall clock the
  bench moves (``bench/clocked.py``: time-machine in the edge's process, driven through a
  file; neither the edge nor the server has a clock hook). The edge, and the server while it
  hands out the snapshot, start the snapshot TTL plus 10 min behind the machine's clock. The
  server stops; ``--reads`` card reads from a turnstile reach the edge, without times of their
  own, while the bench moves the edge's clock forward with the answers, from the outage's start
  to a minute before the last snapshot expires (the default TTL, 72 h, is kept: ``--hours``
  caps the span). Half-way the edge gets SIGKILL while the devices keep sending (each device
  retries its read with the same nonce until it gets an answer), and is started again. Then
  the edge's clock passes the expiry: ``--stale-reads`` card reads must be refused
  (``edge.snapshot_invalid``), and as many reads of a guard's badge (a person flagged
  断网时始终放行) admitted (``edge.always_admitted``). The edge's clock catches up with the
  machine's, the server comes back on the machine's clock and the journal drains; half-way
  through the drain the edge gets SIGKILL again and is started again. At the end every answer
  a device was told is compared, by nonce, with the server's ``DeviceRequest`` rows and their
  events (lost, duplicated, reason changed, time changed), and the server's alarms are listed.
* ``latency`` — the offline decision's latency: over HTTP from the device's side (one
  keep-alive connection, the server stopped, so each read first finds the server refused), and
  in process (``Edge.answer`` on a ``Store`` holding the same snapshot, the journal fsync'ed).
* ``revoke`` — the edge online at its default sync interval (5 s), the server comparing at its
  default (2 s). Each trial revokes a card on the server (``credential_set_status``, committed)
  and reads it at the edge until the edge itself refuses it. So that the edge decides itself,
  the link between the edge and the server (``bench/relay.py``) answers the edge's
  forwarded reads 503 (a server that does not answer the read) while the snapshot and journal
  calls pass. One forwarded read per trial checks the online path too (the server's answer,
  refused at once).

    python bench/bench_edge.py offline --database-url postgres://…/gh_b [--reads 100000]
    python bench/bench_edge.py latency --database-url postgres://…/gh_c [--reads 3000]
    python bench/bench_edge.py revoke  --database-url postgres://…/gh_d [--trials 100]

The database named is emptied (schema ``public`` dropped) and migrated first.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))
from clocked import Clock  # noqa: E402 (bench/clocked.py, beside this script)
from relay import Relay  # noqa: E402
from serve import Server, free_port  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def shown(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z"


def say(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


# -- the edge process ----------------------------------------------------------------------------


class EdgeProcess:
    """``python -m gatehouse_edge``; with ``clock``, under that clock (``clocked.py``, the
    offset followed while it runs)."""

    def __init__(
        self,
        server_url: str,
        key: str,
        site: int,
        public: str,
        db: Path,
        extra: list[str],
        clock: Clock | None = None,
    ) -> None:
        self.clock = clock
        self.args = [
            *("--server", server_url, "--site", str(site), "--db", str(db)),
            *("--host", "127.0.0.1", "--port", "0"),
            *extra,
        ]
        self.port = free_port()
        self.args[self.args.index("0")] = str(self.port)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GATEHOUSE_EDGE_KEY": key,
            "GATEHOUSE_EDGE_PUBLIC_KEY": public,
        }
        self.log = db.parent / "edge.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it; the seconds until it answers ``/healthz``."""
        t0 = time.perf_counter()
        command = (
            self.clock.command("gatehouse_edge", *self.args)
            if self.clock is not None
            else [PY, "-m", "gatehouse_edge", *self.args]
        )
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )
        while self.status() is None:
            if self.process.poll() is not None:
                sys.exit(f"the edge exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        return time.perf_counter() - t0

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def status(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                return json.loads(r.read())  # type: ignore[no-any-return]
        except OSError:
            return None

    def wait(self, check: Any, what: str, timeout: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.status()
            if found is not None and check(found):
                return found
            time.sleep(0.1)
        sys.exit(f"the edge did not get {what}: {self.status()}")


class Device:
    """A turnstile's keep-alive connection to an address (the edge's)."""

    def __init__(self, port: int, key: str) -> None:
        self.port, self.key = port, key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: bytes) -> tuple[int, dict[str, Any]]:
        self.conn.request(
            "POST",
            "/api/v1/gate/decisions",
            body,
            {"Content-Type": "application/json", "X-Device-Key": self.key},
        )
        response = self.conn.getresponse()
        return response.status, json.loads(response.read())

    def post_until_answered(self, body: bytes, timeout: float = 300) -> tuple[dict[str, Any], int]:
        """The answer, retrying the same read (same nonce) while the edge is away; the retries."""
        retries = 0
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, answer = self.post(body)
                if status != 200:
                    raise RuntimeError(f"{status} {answer}")
                return answer, retries
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                retries += 1
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def read(
    card: str,
    nonce: str,
    lane: str = "east/walk-in",
    at: datetime | None = None,
    kind: str = "card",
) -> bytes:
    body: dict[str, Any] = {"lane": lane, "credential": {"kind": kind, "value": card}}
    body["nonce"] = nonce
    if at is not None:
        body["at"] = at.isoformat()
    return json.dumps(body).encode()


# -- the site ------------------------------------------------------------------------------------


def setup(database_url: str, people: int, tmp: Path) -> dict[str, Any]:
    """Empty and migrate the database, seed the site; Django set up in this process."""
    subprocess.run(
        ["psql", database_url, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
        check=True,
        capture_output=True,
    )
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    os.environ["GATEHOUSE_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from gatehouse.core import signed
    from gatehouse.devices.models import Device as DeviceRow
    from gatehouse.devices.services import device_issue_key
    from gatehouse.people.models import Credential, Person
    from gatehouse.sites.models import Gate, Lane, Site

    if not settings.GATEHOUSE_EDGE_SIGNING_KEY:
        sys.exit("GATEHOUSE_EDGE_SIGNING_KEY is not set (make env)")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    now = timezone.now()
    site = Site.objects.create(code="edgebench", name="边缘压测小区", kind="residential")
    gate = Gate.objects.create(site=site, code="east", name="东门", open_when_tightened=True)
    for direction in ("in", "out"):
        Lane.objects.create(
            gate=gate,
            code=f"walk-{direction}",
            name=f"人行{direction}",
            kind="non_motor",
            direction=direction,
        )
    persons = Person.objects.bulk_create(
        [Person(site=site, name=f"住户{i}", kind="owner") for i in range(people)], batch_size=5000
    )
    rng = random.Random(15)
    numbers: set[str] = set()
    while len(numbers) < people:
        numbers.add(f"{rng.getrandbits(32):08X}")
    cards = sorted(numbers)
    Credential.objects.bulk_create(
        [
            Credential(
                site=site,
                kind="owner_card",
                number=n,
                person=p,
                valid_from=now - timedelta(days=30),
            )
            for n, p in zip(cards, persons, strict=True)
        ],
        batch_size=5000,
    )
    # a guard the site flagged 断网时始终放行: still admitted at the edge once its snapshot has
    # expired, with a staff badge of their own (the reads above never name it)
    guard = Person.objects.create(
        site=site, name="保安队长", kind="guard", edge_always_admitted=True
    )
    badge = next(
        n for n in (f"{rng.getrandbits(32):08X}" for _ in iter(int, 1)) if n not in numbers
    )
    Credential.objects.create(
        site=site,
        kind="staff_badge",
        number=badge,
        person=guard,
        valid_from=now - timedelta(days=30),
    )
    edge = DeviceRow.objects.create(site=site, name="东门边缘网关", kind="edge")
    turnstile = DeviceRow.objects.create(site=site, name="东门人行闸机", kind="turnstile")
    seeded = {
        "site": site.pk,
        "edge_key": device_issue_key(device=edge, actor=None, now=now),
        "turnstile": turnstile.pk,
        "turnstile_key": device_issue_key(device=turnstile, actor=None, now=now),
        "cards": cards,
        "guard_badge": badge,
        "public": signed.public_key_b64(signed.private_key(settings.GATEHOUSE_EDGE_SIGNING_KEY)),
    }
    say(f"seeded {people:,} people with a card each in {time.perf_counter() - t0:.1f} s; {load()}")
    return seeded


def server_env() -> dict[str, str]:
    return dict(os.environ)


# -- 1. offline for 72 h ---------------------------------------------------------------------------

LEAD = timedelta(minutes=10)  # how far the clocks start behind the machine's, beyond the TTL
STALE, ALWAYS = "edge.snapshot_invalid", "edge.always_admitted"
MS = timedelta(milliseconds=1)


def offline(args: argparse.Namespace, seeded: dict[str, Any], tmp: Path) -> None:
    from django.conf import settings

    from gatehouse.access.models import AccessEvent, DeviceRequest
    from gatehouse.edge.models import EdgeAlarm

    # The clocks (see the module's docstring): the edge and, while it hands out the snapshot, the
    # server start the TTL plus LEAD behind the machine; the edge's clock then runs through the
    # outage; the server comes back on the machine's own clock.
    ttl = timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL)
    clock = Clock(tmp / "clock", offset=-(ttl + LEAD).total_seconds())
    server = Server(server_env(), free_port(), tmp / "server.log")
    server.start(clock)
    db = tmp / "edge.sqlite3"
    edge = EdgeProcess(
        server.url,
        seeded["edge_key"],
        seeded["site"],
        seeded["public"],
        db,
        args.edge_args,
        clock=clock,
    )
    edge.start()
    t0 = time.perf_counter()
    edge.wait(lambda s: s["online"] and s["cursor"], "its snapshot")
    say(f"edge online with its full snapshot in {time.perf_counter() - t0:.1f} s; {load()}")

    server.stop()
    status = edge.wait(lambda s: not s["online"], "the outage")
    issued = datetime.fromisoformat(status["snapshot_issued_at"])
    expires = datetime.fromisoformat(status["snapshot_expires_at"])
    offline_at = clock.now()
    say(
        f"server stopped, edge offline at {shown(offline_at)} on its clock (the machine's: "
        f"{shown(datetime.now(UTC))}); its last snapshot issued {shown(issued)} by the server's "
        f"clock, expires {shown(expires)} (TTL {ttl}); {load()}"
    )

    n, cards = args.reads, seeded["cards"]
    first = clock.now()
    last = expires - timedelta(seconds=60)  # the last read a minute inside the TTL
    span = min(timedelta(hours=args.hours), last - first)
    rng = random.Random(72)
    # no read carries its own time: the edge decides each at its own clock
    bodies = [
        read(rng.choice(cards), f"off-{i}", "east/walk-in" if i % 2 == 0 else "east/walk-out")
        for i in range(n)
    ]
    told: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    next_i = iter(range(n))
    retries = Counter[str]()
    latencies: list[float] = []
    driven = threading.Event()

    def drive() -> None:
        """The edge's clock follows the answers: ``first`` + ``span`` × the share answered."""
        while not driven.is_set():
            clock.advance_to(first + span * (len(told) / n))
            driven.wait(0.01)

    def device_loop(worker: int) -> None:
        dev = Device(edge.port, seeded["turnstile_key"])
        mine: list[float] = []
        while True:
            with lock:
                i = next(next_i, None)
            if i is None:
                break
            t = time.perf_counter()
            answer, tries = dev.post_until_answered(bodies[i])
            if not tries:
                mine.append(time.perf_counter() - t)
            with lock:
                told[f"off-{i}"] = answer
                if tries:
                    retries["retried reads"] += 1
                    retries["replayed" if answer.get("replayed") else "fresh"] += 1
        with lock:
            latencies.extend(mine)

    t_reads = time.perf_counter()
    driver = threading.Thread(target=drive)
    driver.start()
    threads = [threading.Thread(target=device_loop, args=(w,)) for w in range(args.devices)]
    for t in threads:
        t.start()
    while len(told) < n // 2:
        time.sleep(0.05)
    at_kill = len(told)
    edge.kill()
    back = edge.start()
    say(
        f"SIGKILL during offline work after {at_kill:,} answers (the edge's clock "
        f"{shown(clock.now())}); back in {back:.1f} s; {load()}"
    )
    for t in threads:
        t.join()
    driven.set()
    driver.join()
    reads_s = time.perf_counter() - t_reads
    say(
        f"{n:,} reads answered offline in {reads_s:.1f} s ({n / reads_s:,.0f}/s, "
        f"{args.devices} devices); latency p50 {pct(latencies, 50) * 1000:.2f} ms, "
        f"p99 {pct(latencies, 99) * 1000:.2f} ms; retried after the kill: {dict(retries)}; "
        f"{load()}"
    )
    times = sorted(datetime.fromisoformat(a["at"]) for a in told.values())
    say(
        f"decided at the edge's clock (the answers' `at`): {shown(times[0])} → "
        f"{shown(times[-1])}, {times[-1] - times[0]} apart (the outage began "
        f"{shown(offline_at)}; the snapshot expires {shown(expires)})"
    )
    assert offline_at - timedelta(seconds=1) <= times[0] and times[-1] < expires, (
        offline_at,
        times[0],
        times[-1],
        expires,
    )
    edge_at = [a for a in told.values() if a.get("decided_at_edge")]
    say(
        f"told: {len(told):,} answers ({len(edge_at):,} decided at the edge), "
        f"reasons {dict(Counter(a['reason'] for a in told.values()))}"
    )

    # past the TTL: everyone refused as the snapshot is stale, but the always-admitted guard
    clock.advance_to(expires + timedelta(seconds=30))
    stale = edge.wait(lambda s: not s["snapshot_usable"], "its snapshot stale")
    dev = Device(edge.port, seeded["turnstile_key"])
    past: Counter[str] = Counter()
    for k in range(args.stale_reads):
        lane = "east/walk-in" if k % 2 == 0 else "east/walk-out"
        for nonce, body in (
            (f"stale-{k}", read(rng.choice(cards), f"stale-{k}", lane)),
            (f"guard-{k}", read(seeded["guard_badge"], f"guard-{k}", lane, kind="badge")),
        ):
            answer = dev.post_until_answered(body)[0]
            told[nonce] = answer
            past[f"{nonce.split('-')[0]}: {answer['outcome']} {answer['reason']}"] += 1
    say(
        f"the edge's clock at {shown(clock.now())}, past the expiry: snapshot_usable "
        f"{stale['snapshot_usable']} ({stale['snapshot_problem_code']}: "
        f"{stale['snapshot_problem']}); {dict(past)}"
    )
    assert past == {
        f"stale: refuse {STALE}": args.stale_reads,
        f"guard: allow {ALWAYS}": args.stale_reads,
    }, past
    pending = edge.wait(lambda s: True, "its status")["pending_uploads"]
    say(f"journal pending {pending:,} = answers told {len(told):,}")

    clock.catch_up()  # the rest of the outage: the edge's clock back on the machine's
    server.start()  # on the machine's clock
    came_back = clock.now()
    say(
        f"server back at {shown(came_back)}: the outage lasted {came_back - offline_at} on the "
        f"edge's clock ({(time.perf_counter() - t_reads) / 60:.1f} min of the machine's)"
    )
    t_drain = time.perf_counter()
    edge.wait(lambda s: s["pending_uploads"] <= pending // 2, "half the drain", timeout=7200)
    half = time.perf_counter() - t_drain
    edge.kill()
    left = (
        sqlite3.connect(db)
        .execute("SELECT COUNT(*) FROM journal WHERE uploaded_at IS NULL")
        .fetchone()[0]
    )
    back = edge.start()
    say(
        f"SIGKILL during the upload after {half:.1f} s ({left:,} still pending); "
        f"back in {back:.1f} s; {load()}"
    )
    edge.wait(lambda s: s["pending_uploads"] == 0, "the drain", timeout=7200)
    drain = time.perf_counter() - t_drain
    rate = pending / drain
    say(f"journal drained: {pending:,} entries in {drain:.1f} s ({rate:,.0f}/s); {load()}")
    edge.wait(lambda s: s["pending_alarms"] == 0, "its alarms sent")
    edge.stop()
    server.stop()

    journal = Counter(
        dict(
            sqlite3.connect(db).execute(
                "SELECT COALESCE(upload_status, 'pending'), COUNT(*) FROM journal GROUP BY 1"
            )
        )
    )
    rows = {
        nonce: (event_id, reason)
        for nonce, event_id, reason in DeviceRequest.objects.filter(
            device_id=seeded["turnstile"]
        ).values_list("nonce", "event_id", "event__reason")
    }
    events = AccessEvent.objects.filter(device_id=seeded["turnstile"])
    lost = [nonce for nonce in told if nonce not in rows or rows[nonce][0] is None]
    changed = Counter(
        f"{a['reason']}→{rows[nonce][1]}"
        for nonce, a in told.items()
        if nonce in rows and rows[nonce][1] != a["reason"]
    )
    extra = [nonce for nonce in rows if nonce not in told]
    event_count = events.count()
    distinct = events.values("id").distinct().count()
    linked = len({v[0] for v in rows.values() if v[0] is not None})
    edge_notes = events.filter(note__startswith="边缘网关离线判定").count()
    say(
        f"server: {len(rows):,} device requests, {event_count:,} events of the turnstile "
        f"({edge_notes:,} noted as decided at the edge), {linked:,} distinct events linked; "
        f"lost {len(lost)}, duplicated {event_count - len(told)}, on the server but never told "
        f"{len(extra)}, reason changed {dict(changed)}; edge journal {dict(journal)}"
    )
    assert distinct == event_count
    moved = [
        nonce
        for nonce, (event_id, _reason) in rows.items()
        if event_id is not None and nonce in told
    ]
    at_of = dict(events.values_list("id", "at"))
    off_times = sorted(at_of[rows[nonce][0]] for nonce in moved if nonce.startswith("off-"))
    differ = sum(
        1
        for nonce in moved
        if abs(at_of[rows[nonce][0]] - datetime.fromisoformat(told[nonce]["at"])) >= MS
    )
    say(
        f"the offline reads' events from {shown(off_times[0])} to {shown(off_times[-1])} "
        f"({off_times[-1] - off_times[0]}); events more than 1 ms from the answer's time: "
        f"{differ}; by reason past the expiry: "
        f"{dict(Counter(r for _e, r in rows.values() if r in (STALE, ALWAYS)))}; alarms on the "
        f"server: {dict(Counter(EdgeAlarm.objects.values_list('code', flat=True)))}"
    )


# -- 2. latency ------------------------------------------------------------------------------------


def latency(args: argparse.Namespace, seeded: dict[str, Any], tmp: Path) -> None:
    from gatehouse.core import signed
    from gatehouse_edge.client import Client
    from gatehouse_edge.offline import Edge
    from gatehouse_edge.store import Store

    server = Server(server_env(), free_port(), tmp / "server.log")
    server.start()
    t0 = time.perf_counter()
    envelope = Client(server.url, seeded["edge_key"], timeout=120).snapshot(None)
    assert envelope.status == 200, envelope.body[:300]
    say(
        f"full snapshot from the server: {len(envelope.body) / 1e6:.1f} MB in "
        f"{time.perf_counter() - t0:.1f} s (records numbered the first time); {load()}"
    )
    edge = EdgeProcess(
        server.url,
        seeded["edge_key"],
        seeded["site"],
        seeded["public"],
        tmp / "edge.sqlite3",
        args.edge_args,
    )
    edge.start()
    edge.wait(lambda s: s["online"] and s["cursor"], "its snapshot")
    server.stop()
    edge.wait(lambda s: not s["online"], "the outage")
    rng = random.Random(5)
    cards = seeded["cards"]
    key = seeded["turnstile_key"]

    dev = Device(edge.port, key)
    for i in range(300):  # warm-up
        dev.post(read(rng.choice(cards), f"warm-{i}"))
    http_ms: list[float] = []
    reasons = Counter[str]()
    for i in range(args.reads):
        body = read(rng.choice(cards), f"http-{i}", "east/walk-in" if i % 2 else "east/walk-out")
        t = time.perf_counter()
        status, answer = dev.post(body)
        http_ms.append((time.perf_counter() - t) * 1000)
        assert status == 200 and answer["decided_at_edge"], answer
        reasons[answer["reason"]] += 1
    say(
        f"HTTP, device side, offline edge: {args.reads:,} reads p50 {pct(http_ms, 50):.2f} ms, "
        f"p90 {pct(http_ms, 90):.2f}, p99 {pct(http_ms, 99):.2f}, max {max(http_ms):.2f} ms; "
        f"{dict(reasons)}; {load()}"
    )
    edge.stop()

    store = Store(
        tmp / "inproc.sqlite3",
        site_id=seeded["site"],
        public_key=signed.public_key(seeded["public"]),
    )
    t0 = time.perf_counter()
    store.apply(envelope.json(), now=datetime.now(UTC))
    say(f"in process: snapshot verified and kept in {time.perf_counter() - t0:.2f} s")
    local = Edge(store)
    for i in range(300):
        local.answer(key, read(rng.choice(cards), f"iwarm-{i}"), datetime.now(UTC))
    proc_ms: list[float] = []
    for i in range(args.reads):
        body = read(rng.choice(cards), f"in-{i}", "east/walk-in" if i % 2 else "east/walk-out")
        t = time.perf_counter()
        reply = local.answer(key, body, datetime.now(UTC))
        proc_ms.append((time.perf_counter() - t) * 1000)
        assert reply.status == 200, reply.body
    say(
        f"in process (Edge.answer, journal fsync'ed): {args.reads:,} reads p50 "
        f"{pct(proc_ms, 50):.2f} ms, p90 {pct(proc_ms, 90):.2f}, p99 {pct(proc_ms, 99):.2f}, "
        f"max {max(proc_ms):.2f} ms; {load()}"
    )
    store.close()


# -- 3. revoked → refused at an online edge ------------------------------------------------------


def revoke(args: argparse.Namespace, seeded: dict[str, Any], tmp: Path) -> None:
    from django.utils import timezone

    from gatehouse.people.models import Credential
    from gatehouse.people.services import credential_set_status

    server = Server(server_env(), free_port(), tmp / "server.log")
    server.start()
    relay = Relay(server.url)
    edge = EdgeProcess(
        relay.url,
        seeded["edge_key"],
        seeded["site"],
        seeded["public"],
        tmp / "edge.sqlite3",
        args.edge_args,
    )
    edge.start()
    edge.wait(lambda s: s["online"] and s["cursor"], "its snapshot")
    say(f"edge online (default sync interval unless --edge-arg given); {load()}")
    dev = Device(edge.port, seeded["turnstile_key"])
    rng = random.Random(90)
    chosen = rng.sample(seeded["cards"], args.trials)
    latencies: list[float] = []
    forwarded: list[float] = []
    probes = 0
    try:
        for n, number in enumerate(chosen):
            relay.block_decisions = True
            status, before = dev.post(read(number, f"pre-{n}"))
            assert status == 200 and before["decided_at_edge"] and before["outcome"] == "allow", (
                before
            )
            card = Credential.objects.get(site_id=seeded["site"], number=number)
            t0 = time.perf_counter()
            credential_set_status(credential=card, status="revoked", actor=None, now=timezone.now())
            relay.block_decisions = False
            status, online = dev.post(read(number, f"fwd-{n}"))
            forwarded.append(time.perf_counter() - t0)
            assert status == 200 and online["outcome"] == "refuse", online
            assert not online.get("decided_at_edge"), online
            relay.block_decisions = True
            k = 0
            while True:
                k += 1
                status, answer = dev.post(read(number, f"probe-{n}-{k}"))
                assert status == 200 and answer["decided_at_edge"], answer
                if answer["outcome"] != "allow":
                    break
                if time.perf_counter() - t0 > 120:
                    sys.exit("a revoked card still opens at the edge after 120 s")
                time.sleep(args.poll)
            latencies.append(time.perf_counter() - t0)
            probes += k
            if (n + 1) % 10 == 0:
                say(
                    f"{n + 1} trials: last {latencies[-1]:.2f} s ({answer['reason']}); "
                    f"p50 so far {statistics.median(latencies):.2f} s; {load()}"
                )
    finally:
        edge.stop()
        relay.stop()
        server.stop()
    say(
        f"revoked on the server → refused by the edge itself ({len(latencies)} trials, poll "
        f"{args.poll} s): p50 {statistics.median(latencies):.2f} s, "
        f"p90 {pct(latencies, 90):.2f} s, "
        f"p99 {pct(latencies, 99):.2f} s, max {max(latencies):.2f} s, mean "
        f"{statistics.fmean(latencies):.2f} s; forwarded read refused after "
        f"{pct(forwarded, 50) * 1000:.0f} ms p50 / {max(forwarded) * 1000:.0f} ms max; "
        f"{probes} probe reads; {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", choices=("offline", "latency", "revoke"))
    parser.add_argument("--database-url", required=True, help="PostgreSQL; emptied first")
    parser.add_argument("--people", type=int, default=50000)
    parser.add_argument("--reads", type=int, default=0, help="100000 offline, 3000 latency")
    parser.add_argument(
        "--hours",
        type=float,
        default=72,
        help="offline: the span of the reads on the edge's clock (at most the TTL less ~1 min)",
    )
    parser.add_argument(
        "--stale-reads",
        type=int,
        default=50,
        help="offline: reads past the expiry, and as many by the guard",
    )
    parser.add_argument("--devices", type=int, default=4, help="concurrent devices (offline)")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--poll", type=float, default=0.1)
    parser.add_argument(
        "--edge-arg", action="append", default=[], dest="edge_args", help="extra edge CLI args"
    )
    args = parser.parse_args()
    if not args.reads:
        args.reads = 100000 if args.part == "offline" else 3000
    tmp = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    say(f"{args.part}: people {args.people:,}; tmp {tmp}; {load()}")
    seeded = setup(args.database_url, args.people, tmp)
    {"offline": offline, "latency": latency, "revoke": revoke}[args.part](args, seeded, tmp)


if __name__ == "__main__":
    main()
