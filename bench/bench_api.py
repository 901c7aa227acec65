"""The device API under load (issue 3 §9): ``POST /api/v1/gate/decisions`` with events written.

Sets up a fresh database (SQLite in a temporary directory, or the PostgreSQL named by
``--database-url``), migrates it, seeds one site with 10,000 residents' cards and 8 pedestrian
turnstiles (each its own device key), serves Gatehouse with granian on 127.0.0.1, and drives it
with 8 concurrent gates (one keep-alive connection each), each read a card of the day with a
fresh nonce. Reports sustained decisions/s, latency percentiles and failed requests, then stops
the server.

The load generator is ``wrk`` (Debian package ``wrk``; a C program, so it takes little of the two
cores from the server) when it is installed, else Python threads (``--client python``), which
spend about a fifth of a core on their own at these rates.

    python bench/bench_api.py [--seconds 20] [--gates 8] [--client auto|wrk|python]
                              [--rate N] [--full-stack] [--neighbours N]
                              [--database-url postgresql://…]

Served as production serves it (the shipped compose file and unit): granian 2 × 2, the
metrics directory shared by the workers, the log level from ``GATEHOUSE_LOG_LEVEL``. After the
figures it prints the conditions they depend on (issue 18 §5): the load average before and
after, how many reads the fast path answered (a cookie, or an HTTPS read while HSTS is on,
hands a read to Django's full stack), the server's own latency histogram, the CPU per decision
of the server, the database, the load generator and everything else on the machine, the
hypervisor's steal, and PostgreSQL's settings that change a commit's cost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))
import conditions  # noqa: E402 (bench/conditions.py, beside this script)
import wrk  # noqa: E402 (bench/wrk.py, beside this script)

SEED = r"""
import random
from datetime import timedelta
from django.utils import timezone
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse.people.models import Credential, Person
from gatehouse.sites.models import Gate, Lane, Site

now = timezone.now()
site = Site.objects.create(code="bench", name="压测小区", kind="residential")
gates = []
for g in range(4):
    gate = Gate.objects.create(site=site, code=f"g{g}", name=f"{g}号门", open_when_tightened=True)
    for direction in ("in", "out"):
        gates.append(Lane.objects.create(gate=gate, code=f"walk-{direction}",
                                         name=f"人行{direction}", kind="non_motor",
                                         direction=direction))
people = Person.objects.bulk_create(
    [Person(site=site, name=f"住户{i}", kind="owner") for i in range(10000)], batch_size=2000
)
rng = random.Random(7)
numbers = set()
while len(numbers) < 10000:
    numbers.add(f"{rng.getrandbits(32):08X}")
Credential.objects.bulk_create(
    [Credential(site=site, kind="owner_card", number=n, person=p,
                valid_from=now - timedelta(days=30)) for n, p in zip(sorted(numbers), people)],
    batch_size=2000,
)
keys = []
for i, lane in enumerate(gates):
    device = Device.objects.create(site=site, lane=lane, name=f"闸机{i}", kind="turnstile")
    keys.append([device_issue_key(device=device, actor=None), f"{lane.gate.code}/{lane.code}"])
print("SEED" + __import__("json").dumps({"keys": keys, "cards": sorted(numbers)}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SAMPLE = re.compile(
    r'^gatehouse_api_request_seconds_(count|bucket)\{endpoint="api/v1/gate/decisions",'
    r'(?:le="([^"]+)",)?stack="(\w+)"\} ([0-9.e+]+)$',
    re.MULTILINE,
)


def server_counts(port: int) -> dict[tuple[str, str], float]:
    """The decisions each stack has answered so far, and the server's own latency histogram
    (its time from the request reaching the application to the answer), from /metrics with
    every worker summed: the server runs with PROMETHEUS_MULTIPROC_DIR, as in production.
    Keys: ("count", stack) and (bound, stack)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    found: dict[tuple[str, str], float] = {}
    for kind, bound, stack, n in SAMPLE.findall(text):
        found[(bound if kind == "bucket" else "count", stack)] = float(n)
    return found


def server_quantile(delta: dict[tuple[str, str], float], q: float) -> str:
    """The histogram bucket that holds quantile ``q`` of the decisions answered in the run:
    "≤ N ms" (the buckets are 2, 5, 10, 20, 35, 50, 75, 100 ms …)."""
    buckets: dict[float, float] = {}
    for (bound, _stack), n in delta.items():
        if bound != "count":
            limit = float("inf") if bound == "+Inf" else float(bound)
            buckets[limit] = buckets.get(limit, 0.0) + n
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return "?"
    for limit in sorted(buckets):
        if buckets[limit] >= q * total:
            return "> 5 s" if limit == float("inf") else f"≤ {limit * 1000:g} ms"
    return "?"


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("server did not start")


def gate_loop(
    port: int,
    key: str,
    lane: str,
    cards: list[str],
    stop_at: float,
    latencies: list[float],
    failures: list[str],
    outcomes: dict[str, int],
    lock: threading.Lock,
    worker: int,
    prefix: str = "",
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    rng = random.Random(worker)
    seq = 0
    mine: list[float] = []
    while time.monotonic() < stop_at:
        seq += 1
        body = json.dumps(
            {
                "lane": lane,
                "credential": {"kind": "card", "value": rng.choice(cards)},
                "nonce": f"{prefix}w{worker}-{seq}",
            }
        )
        started = time.perf_counter()
        try:
            conn.request(
                "POST",
                "/api/v1/gate/decisions",
                body,
                {"Content-Type": "application/json", "X-Device-Key": key},
            )
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                failures.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        if response.status != 200:
            with lock:
                failures.append(f"{response.status} {payload[:200]!r}")
            continue
        mine.append(time.perf_counter() - started)
        reason = json.loads(payload)["reason"]
        with lock:
            outcomes[reason] = outcomes.get(reason, 0) + 1
    conn.close()
    with lock:
        latencies.extend(mine)


# A gate's read (wrk, bench/wrk.py): its device key and lane, a random card of the day, a fresh
# nonce.
CARD_READ = r"""
function make_request(slot, seq)
  local body = string.format(
    '{"lane":"%s","credential":{"kind":"card","value":"%s"},"nonce":"%s-%d-%d"}',
    slot[2], data[math.random(#data)], os.getenv("BENCH_RUN"), id, seq)
  local headers = {["Content-Type"] = "application/json", ["X-Device-Key"] = slot[1]}
  if os.getenv("BENCH_FULL_STACK") == "1" then headers["Cookie"] = "bench=1" end
  return "/api/v1/gate/decisions", headers, body
end
function good(status, body)
  return status == 200 and body:find('"reason"', 1, true) ~= nil
end
"""


def run_wrk(
    port: int,
    devices: list[list[str]],
    cards: list[str],
    seconds: float,
    gates: int,
    run: str,
    rate: float = 0,
) -> dict[str, float]:
    """Drive the server with wrk: one thread and one connection per gate; ``rate`` > 0 sends
    that many requests a second in all on a fixed schedule (open loop)."""
    return wrk.run(
        port,
        chunk=CARD_READ,
        slots=[list(d) for d in devices],
        data=cards,
        seconds=seconds,
        connections=gates,
        run_name=run,
        rate=rate,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--gates", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--threads", type=int, default=2, help="granian blocking threads")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--full-stack",
        action="store_true",
        help="send a cookie with every read, so the fast path hands each one to Django",
    )
    parser.add_argument(
        "--neighbours",
        type=int,
        default=0,
        help="start this many processes that spin on the CPU for the run (a busy neighbour)",
    )
    parser.add_argument(
        "--seeded",
        action="store_true",
        help="the database at --database-url was seeded by bench_scale.py: use its site and "
        "devices (no migrate, no seed); count and verify only this run's events",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="offered decisions/s on a fixed schedule (wrk only); 0: as fast as answered",
    )
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if wrk.available() else "python"
    if args.rate and client != "wrk":
        sys.exit("--rate needs wrk (apt-get install wrk)")
    if args.full_stack and client != "wrk":
        sys.exit("--full-stack needs wrk (apt-get install wrk)")
    os.environ["BENCH_FULL_STACK"] = "1" if args.full_stack else "0"

    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    env["GATEHOUSE_DEBUG"] = "0"
    # As the shipped compose file and unit serve it: granian's workers count into one directory.
    (Path(tmp) / "metrics").mkdir()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(Path(tmp) / "metrics")
    log_level = env.setdefault("GATEHOUSE_LOG_LEVEL", "WARNING")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    if args.seeded:
        if not args.database_url:
            sys.exit("--seeded needs --database-url (the database bench_scale.py seeded)")
        seeded = json.loads(run([PY, "manage.py", "shell", "-c", SEEDED], env).split("SEED", 1)[1])
    else:
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        seed_out = run([PY, "manage.py", "shell", "-c", SEED], env)
        seeded = json.loads(seed_out.split("SEED", 1)[1])
    env["BENCH_AFTER_ID"] = str(seeded.get("last_id", 0))
    # The nonces of this run are its own: a seeded database keeps the devices (and the nonces
    # they sent) of every run before, which would be answered as replays.
    stamp = f"{time.time_ns():x}"
    devices = [(k, lane) for k, lane in seeded["keys"] if lane.endswith("walk-in")]
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--blocking-threads",
            str(args.threads),
            "--log-level",
            "warning",
            "gatehouse.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        cards = seeded["cards"]
        # Warm up every worker process and connection, then measure.
        if client == "wrk":
            run_wrk(port, devices, cards, 2, args.gates, f"warm{stamp}", args.rate)
        else:
            run_python(port, devices, cards, 2, args.gates, worker_base=1000, prefix=stamp)
        counts_before = server_counts(port)
        neighbours = [
            subprocess.Popen([PY, "-c", "while True: pass"]) for _ in range(args.neighbours)
        ]
        before = conditions.snapshot()
        started = time.monotonic()
        if client == "wrk":
            result = run_wrk(
                port, devices, cards, args.seconds, args.gates, f"run{stamp}", args.rate
            )
        else:
            result = run_python(
                port, devices, cards, args.seconds, args.gates, worker_base=0, prefix=stamp
            )
        wall = time.monotonic() - started
        after = conditions.snapshot()
        for busy in neighbours:
            busy.kill()
            busy.wait()
        counts_after = server_counts(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
    cpu = conditions.cpu_between(
        before,
        after,
        wall=wall,
        server_pid=server.pid,
        database_local=not args.database_url or conditions.database_is_local(args.database_url),
        client_in_process=client == "python",
    )
    delta = {k: v - counts_before.get(k, 0.0) for k, v in counts_after.items()}
    stacks = {k: int(delta.get(("count", k), 0)) for k in ("fast", "django")}
    settings_pg = {}
    if args.database_url:
        shown = run([PY, "manage.py", "shell", "-c", conditions.SHOW_PG_SETTINGS], env)
        settings_pg = json.loads(shown.split("PGSETTINGS", 1)[1])
    try:
        written = json.loads(run([PY, "manage.py", "shell", "-c", COUNT], env).split("COUNT", 1)[1])
        # The events' hash chain holds after the load (issue 12 §3). A seeded history is outside
        # the chain (bench_scale.py), so there only the run's events are checked: numbered one
        # after another from where the chain stood, and sealed.
        if args.seeded:
            chain = run([PY, "manage.py", "shell", "-c", RUN_CHAIN], env).strip().splitlines()[-1]
        else:
            verified = subprocess.run(
                [PY, "manage.py", "verify_events"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            chain = (verified.stdout.strip().splitlines() or ["?"])[-1]
            chain += "" if verified.returncode == 0 else f" — BROKEN: {verified.stderr.strip()}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    done, elapsed = result["requests"], result["elapsed"]
    print(
        f"backend: {backend}; gates: {args.gates}; server workers: {args.workers}; client: {client}"
    )
    print(f"requests: {done:,} in {elapsed:.1f} s -> {done / elapsed:,.0f} decisions/s")
    print(
        f"latency ms: p50 {result['p50']:.1f}  p90 {result['p90']:.1f}  p99 {result['p99']:.1f}  "
        f"max {result['max']:.1f}  mean {result['mean']:.1f}"
    )
    print(f"failed requests: {result['failed']}")
    for failure in result.get("failures", [])[:5]:
        print("  ", failure)
    print("written (warm-up included):", json.dumps(written, ensure_ascii=False))
    print("verify_events:", chain)
    # The conditions the figures depend on (issue 18 §5).
    print("-- conditions --")
    print(f"machine: {conditions.machine()}")
    print(
        f"load average before: {before.load[0]:.2f}  after: {after.load[0]:.2f} "
        "(1 min; the measured run moves it too)"
    )
    answered = stacks["fast"] + stacks["django"]
    share = stacks["fast"] / answered if answered else 0.0
    print(
        f"answered by the fast path: {stacks['fast']:,} of {answered:,} ({share:.1%}); "
        f"Host header: 127.0.0.1:{port}; log level: {log_level}"
        + ("; a cookie sent to force the full stack" if args.full_stack else "")
    )
    print(
        f"time inside the server (its own histogram): p50 {server_quantile(delta, 0.5)}, "
        f"p99 {server_quantile(delta, 0.99)}"
    )
    if args.neighbours:
        print(f"busy neighbours: {args.neighbours} process(es) spinning on the CPU during the run")
    per = 1000 / done if done else 0.0
    print(
        f"CPU ms per decision: server {cpu.server * per:.2f}, database {cpu.database * per:.2f}, "
        f"load generator {cpu.client * per:.2f}, everything else {cpu.others * per:.2f}"
    )
    cores = os.cpu_count() or 1
    print(
        f"CPU in use during the run: {cpu.machine_busy / wall:.2f} of {cores} cores busy "
        f"(server {cpu.server / wall:.2f}, database {cpu.database / wall:.2f}, load generator "
        f"{cpu.client / wall:.2f}, others {cpu.others / wall:.2f}); "
        f"stolen by the hypervisor: {cpu.steal / wall:.2f}"
    )
    print(
        "server processes (granian's workers), cores each: "
        + ", ".join(f"{used / wall:.2f}" for used in cpu.server_processes)
    )
    if settings_pg:
        print("PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in settings_pg.items()))


# The events written and their nonces (only those after BENCH_AFTER_ID: a seeded history and
# earlier runs are not counted).
COUNT = r"""
import os
from django.db.models import Count
from gatehouse.access.models import AccessEvent, DeviceRequest
after = int(os.environ.get("BENCH_AFTER_ID", "0"))
written = AccessEvent.objects.filter(pk__gt=after)
by_reason = dict(written.values_list("reason").annotate(n=Count("id")))
nonces = DeviceRequest.objects.filter(event_id__gt=after).count()
print("COUNT" + __import__("json").dumps(
    {"events": written.count(), "device_requests": nonces,
     "by_reason": by_reason}, ensure_ascii=False))
"""

# The site and devices bench_scale.py seeded, and where its log ends.
SEEDED = r"""
import json
from django.db import connection
from gatehouse.access.models import AccessEvent
with connection.cursor() as cursor:
    cursor.execute("SELECT value FROM bench_scale_state WHERE key = 'seed'")
    value = cursor.fetchone()[0]  # Django reads jsonb as its text
    state = json.loads(value) if isinstance(value, str) else value
last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
print("SEED" + json.dumps({"keys": state["keys"], "cards": state["cards"], "last_id": last}))
"""

# The run's events in the chain (the seeded history is outside it): numbered 1, 2, 3 … without a
# gap, each seal recomputed from its columns and the seal before it, the last one the head's.
RUN_CHAIN = r"""
from django.db.models import F
from gatehouse.access.models import AccessEvent, EventChainHead
from gatehouse.core import chain
from gatehouse.gate.chain import key
from gatehouse.sites.models import Site
site = Site.objects.get(code="bench")
names = ("id", "seq", "chain_hash", *chain.FIELDS)
rows = (AccessEvent.objects.filter(site=site, seq__isnull=False).order_by("seq")
        .values_list(*names).iterator(chunk_size=2000))
expected, previous, broken = 1, chain.GENESIS, ""
for row in rows:
    v = dict(zip(names, row))
    if v["seq"] != expected:
        broken = f"seq {expected} missing"
        break
    if chain.seal(key(), chain.content(v), v["seq"], v["id"], previous) != v["chain_hash"]:
        broken = f"seq {expected}: the seal does not match"
        break
    expected, previous = expected + 1, v["chain_hash"]
head = EventChainHead.objects.filter(site=site).first()
if not broken and head is not None and (head.seq, head.hash) != (expected - 1, previous):
    broken = "the head is not the last event"
print(f"the run's chain: {expected - 1:,} events, " + (f"BROKEN: {broken}" if broken else "intact"))
"""


def run_python(
    port: int,
    devices: list[list[str]],
    cards: list[str],
    seconds: float,
    gates: int,
    worker_base: int,
    prefix: str = "",
) -> dict[str, Any]:
    """Drive the server with Python threads: one thread and one connection per gate."""
    latencies: list[float] = []
    failures: list[str] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=gate_loop,
            args=(
                port,
                *devices[i % len(devices)],
                cards,
                stop_at,
                latencies,
                failures,
                outcomes,
                lock,
                worker_base + i,
                prefix,
            ),
        )
        for i in range(gates)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "requests": len(ordered),
        "elapsed": elapsed,
        "failed": len(failures),
        "failures": failures,
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "max": ordered[-1] * 1000 if ordered else 0.0,
        "mean": statistics.fmean(ordered) * 1000 if ordered else 0.0,
    }


if __name__ == "__main__":
    main()
