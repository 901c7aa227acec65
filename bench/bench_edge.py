"""The edge agent (issue 15 §Targets), a real ``python -m gatehouse_edge`` process beside a real
server (granian on 127.0.0.1, PostgreSQL), one site of ``--people`` residents with a card each
(the edge's snapshot holds them all, with their holders):

* ``offline`` — the server stops; ``--reads`` card reads from a turnstile reach the edge, their
  read times (``at``) spread evenly over the last ``--hours`` hours (the edge process keeps the
  machine's clock: the CLI takes no clock, so the simulated 72 h live in the reads' own times;
  the snapshot's freshness is judged on the wall clock, inside its 72 h TTL). Half-way the edge
  gets SIGKILL while the devices keep sending (each device retries its read with the same nonce
  until it gets an answer), and is started again. Then the server comes back and the journal
  drains; half-way through the drain the edge gets SIGKILL again and is started again. At the
  end every answer a device was told is compared, by nonce, with the server's
  ``DeviceRequest`` rows and their events: lost, duplicated, reason changed.
* ``latency`` — the offline decision's latency: over HTTP from the device's side (one
  keep-alive connection, the server stopped, so each read first finds the server refused), and
  in process (``Edge.answer`` on a ``Store`` holding the same snapshot, the journal fsync'ed).
* ``revoke`` — the edge online at its default sync interval (5 s), the server comparing at its
  default (2 s). Each trial revokes a card on the server (``credential_set_status``, committed)
  and reads it at the edge until the edge itself refuses it. So that the edge decides itself,
  the link between the edge and the server (a relay in this script) answers the edge's
  forwarded reads 503 (a server that does not answer the read) while the snapshot and journal
  calls pass. One forwarded read per trial checks the online path too (the server's answer,
  refused at once).

    python bench/bench_edge.py offline --database-url postgres://…/gh_c [--reads 100000]
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
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def say(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


# -- the server ----------------------------------------------------------------------------------


class Server:
    """Gatehouse under granian (2 workers × 2 threads, as the other benchmarks)."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(Path(PY).parent / "granian"),
                *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(self.port)),
                *("--workers", "2", "--blocking-threads", "2", "--log-level", "warning"),
                "gatehouse.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None


# -- the link between the edge and the server ----------------------------------------------------


class Relay:
    """Relays HTTP to the server; with ``block_decisions`` it answers forwarded device reads 503
    at once (the edge then decides itself) and relays the edge's own calls."""

    def __init__(self, target: str) -> None:
        relay = self
        self.block_decisions = False

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if relay.block_decisions and self.path.startswith("/api/v1/gate/decisions"):
                    status, data = 503, b'{"code":"unavailable"}'
                else:
                    headers = {
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() in ("x-device-key", "content-type", "accept")
                    }
                    request = urllib.request.Request(
                        target + self.path, data=body, method=self.command, headers=headers
                    )
                    try:
                        with urllib.request.urlopen(request, timeout=30) as response:
                            status, data = response.status, response.read()
                    except urllib.error.HTTPError as exc:
                        status, data = exc.code, exc.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _relay

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- the edge process ----------------------------------------------------------------------------


class EdgeProcess:
    def __init__(
        self, server_url: str, key: str, site: int, public: str, db: Path, extra: list[str]
    ) -> None:
        self.args = [
            PY,
            "-m",
            "gatehouse_edge",
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
        self.process = subprocess.Popen(
            self.args,
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


def read(card: str, nonce: str, lane: str = "east/walk-in", at: datetime | None = None) -> bytes:
    body: dict[str, Any] = {"lane": lane, "credential": {"kind": "card", "value": card}}
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
    edge = DeviceRow.objects.create(site=site, name="东门边缘网关", kind="edge")
    turnstile = DeviceRow.objects.create(site=site, name="东门人行闸机", kind="turnstile")
    seeded = {
        "site": site.pk,
        "edge_key": device_issue_key(device=edge, actor=None, now=now),
        "turnstile": turnstile.pk,
        "turnstile_key": device_issue_key(device=turnstile, actor=None, now=now),
        "cards": cards,
        "public": signed.public_key_b64(signed.private_key(settings.GATEHOUSE_EDGE_SIGNING_KEY)),
    }
    say(f"seeded {people:,} people with a card each in {time.perf_counter() - t0:.1f} s; {load()}")
    return seeded


def server_env() -> dict[str, str]:
    return dict(os.environ)


# -- 1. offline for 72 h ---------------------------------------------------------------------------


def offline(args: argparse.Namespace, seeded: dict[str, Any], tmp: Path) -> None:
    from gatehouse.access.models import AccessEvent, DeviceRequest

    server = Server(server_env(), free_port(), tmp / "server.log")
    server.start()
    db = tmp / "edge.sqlite3"
    edge = EdgeProcess(
        server.url, seeded["edge_key"], seeded["site"], seeded["public"], db, args.edge_args
    )
    edge.start()
    t0 = time.perf_counter()
    edge.wait(lambda s: s["online"] and s["cursor"], "its snapshot")
    say(f"edge online with its full snapshot in {time.perf_counter() - t0:.1f} s; {load()}")

    server.stop()
    edge.wait(lambda s: not s["online"], "the outage")
    say(f"server stopped, edge offline; {load()}")

    n, cards = args.reads, seeded["cards"]
    start_wall = datetime.now(UTC)
    first = start_wall - timedelta(hours=args.hours)
    step = timedelta(hours=args.hours) / n
    rng = random.Random(72)
    bodies = [
        read(
            rng.choice(cards),
            f"off-{i}",
            "east/walk-in" if i % 2 == 0 else "east/walk-out",
            first + step * i,
        )
        for i in range(n)
    ]
    told: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    next_i = iter(range(n))
    retries = Counter[str]()
    latencies: list[float] = []

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
    threads = [threading.Thread(target=device_loop, args=(w,)) for w in range(args.devices)]
    for t in threads:
        t.start()
    while len(told) < n // 2:
        time.sleep(0.05)
    at_kill = len(told)
    edge.kill()
    back = edge.start()
    say(f"SIGKILL during offline work after {at_kill:,} answers; back in {back:.1f} s; {load()}")
    for t in threads:
        t.join()
    reads_s = time.perf_counter() - t_reads
    say(
        f"{n:,} reads answered offline in {reads_s:.1f} s ({n / reads_s:,.0f}/s, "
        f"{args.devices} devices); latency p50 {pct(latencies, 50) * 1000:.2f} ms, "
        f"p99 {pct(latencies, 99) * 1000:.2f} ms; retried after the kill: {dict(retries)}; "
        f"{load()}"
    )
    edge_at = [a for a in told.values() if a.get("decided_at_edge")]
    pending = edge.wait(lambda s: True, "its status")["pending_uploads"]
    say(
        f"told: {len(told):,} answers ({len(edge_at):,} decided at the edge), "
        f"reasons {dict(Counter(a['reason'] for a in told.values()))}; journal pending {pending:,}"
    )

    server.start()
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
        f"server back; SIGKILL during the upload after {half:.1f} s ({left:,} still pending); "
        f"back in {back:.1f} s; {load()}"
    )
    edge.wait(lambda s: s["pending_uploads"] == 0, "the drain", timeout=7200)
    drain = time.perf_counter() - t_drain
    rate = pending / drain
    say(f"journal drained: {pending:,} entries in {drain:.1f} s ({rate:,.0f}/s); {load()}")
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
    span = events.order_by("at").values_list("at", flat=True)
    say(f"events' times from {span.first()} to {span.last()}")


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
    parser.add_argument("--hours", type=float, default=72)
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
