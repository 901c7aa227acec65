"""The device API under load (issue 3 §9): ``POST /api/v1/gate/decisions`` with events written.

Sets up a fresh database (SQLite in a temporary directory, or the PostgreSQL named by
``--database-url``), migrates it, seeds one site with 10,000 residents' cards and 8 pedestrian
turnstiles (each its own device key), serves Gatehouse with granian on 127.0.0.1, and drives it
with 8 concurrent gates (one thread and one keep-alive connection each), each read a card of the
day with a fresh nonce. Reports sustained decisions/s, latency percentiles and failed requests,
then stops the server.

    python bench/bench_api.py [--seconds 20] [--gates 8] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
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
                "nonce": f"w{worker}-{seq}",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--gates", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    env["GATEHOUSE_DEBUG"] = "0"
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seed_out = run([PY, "manage.py", "shell", "-c", SEED], env)
    seeded = json.loads(seed_out.split("SEED", 1)[1])
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
            "4",
            "--log-level",
            "warning",
            "gatehouse.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        latencies: list[float] = []
        failures: list[str] = []
        outcomes: dict[str, int] = {}
        lock = threading.Lock()
        # Warm up every worker process and connection before measuring.
        warm_stop = time.monotonic() + 2
        warm = [
            threading.Thread(
                target=gate_loop,
                args=(
                    port,
                    *devices[i % len(devices)],
                    seeded["cards"],
                    warm_stop,
                    [],
                    [],
                    {},
                    lock,
                    1000 + i,
                ),
            )
            for i in range(args.gates)
        ]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=gate_loop,
                args=(
                    port,
                    *devices[i % len(devices)],
                    seeded["cards"],
                    stop_at,
                    latencies,
                    failures,
                    outcomes,
                    lock,
                    i,
                ),
            )
            for i in range(args.gates)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    done = len(latencies)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"backend: {backend}; gates: {args.gates}; server workers: {args.workers}")
    print(f"requests: {done:,} in {elapsed:.1f} s -> {done / elapsed:,.0f} decisions/s")
    if ordered:
        print(
            f"latency ms: p50 {pct(0.50):.1f}  p90 {pct(0.90):.1f}  p99 {pct(0.99):.1f}  "
            f"max {ordered[-1] * 1000:.1f}  mean {statistics.fmean(ordered) * 1000:.1f}"
        )
    print(f"failed requests: {len(failures)}")
    for failure in failures[:5]:
        print("  ", failure)
    print("outcomes:", json.dumps(outcomes, ensure_ascii=False))


if __name__ == "__main__":
    main()
