"""Plate cameras on their vendor protocol (issue 14 §1, §3), measured from outside.

Sets up a fresh database (SQLite in a temporary directory, or the PostgreSQL named by
``--database-url``), migrates it, seeds one site with a garage (entrance and exit lanes, a
Vzenith camera on each with its push address token), serves Gatehouse with granian on
127.0.0.1 and plays the cameras with the simulator
(:mod:`gatehouse.devices.adapters.vzenith.simulator`) over HTTP:

1. **Backlog**: the entrance camera buffers ``--backlog`` results while "offline" (cars seen over
   the last hours), reconnects and drains them one by one as the server asks
   (``ContinuePushOffline``); then ``--repush`` of them are pushed again (the manual warns the
   camera may). Counted in the database: events, parking sessions, captures, plates with no
   event (lost) and plates with more than one (duplicated).
2. **Fee paid → barrier lift**: the exit camera polls its heartbeat every ``--period`` seconds
   (``--period 0 --hold-ms 1000``: comet polling as the manual has it, the server holding an
   empty poll up to 1 s);
   ``--trials`` times a car that entered reaches the exit (fee due, barrier down), the fee is
   paid at the booth (``session_pay``, in this process, as the booth's view calls it) and the
   time from the payment's commit to the heartbeat reply carrying the lift is measured.
3. **Push latency** (``--rate``, optional): live pushes of fresh plates from ``--cameras``
   entrance cameras on a fixed schedule at the offered rate for ``--seconds``; latency measured
   from each push's scheduled time (so a queue that grows shows), p50/p90/p99/max.

    python bench/bench_camera.py [--backlog 5000] [--trials 20] [--rate 100 --seconds 20]
                                 [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import wrk  # noqa: E402 (bench/wrk.py, beside this script)
from serve import Server  # noqa: E402


def plates(n: int, seed: int, province: str = "鄂") -> list[str]:
    """``n`` distinct plates of a province, in a random order of their own."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    while len(out) < n:
        out[f"{province}{rng.choice(letters)}{rng.randrange(100000):05d}"] = None
    return list(out)


def seed(cameras: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership
    from gatehouse.devices.models import Device
    from gatehouse.devices.services import device_issue_camera_token, device_issue_key
    from gatehouse.sites.models import Garage, Gate, Lane, Site

    site = Site.objects.create(code="bench", name="压测小区", kind="residential")
    garage = Garage.objects.create(site=site, code="b1", name="地下车库B1")
    tokens: dict[str, list[str]] = {"in": [], "out": []}
    for g in range(cameras):
        gate = Gate.objects.create(
            site=site, code=f"g{g}", name=f"车库口{g}", open_when_tightened=True
        )
        for direction in ("in", "out"):
            lane = Lane.objects.create(
                gate=gate,
                code=direction,
                name=f"{g}{direction}",
                kind="garage",
                direction=direction,
                garage=garage,
            )
            device = Device.objects.create(
                site=site,
                lane=lane,
                name=f"相机{g}{direction}",
                kind="plate_camera",
                vendor="vzenith",
                serial_no=f"bench-{g}-{direction}",
            )
            device_issue_key(device=device, actor=None)
            tokens[direction].append(device_issue_camera_token(device=device, actor=None))
    guard = get_user_model().objects.create_user(username="bench_guard", password="x-1234-bench")
    Membership.objects.create(user=guard, site=site, role="guard")
    return {"tokens": tokens, "guard": guard.pk}


def counts(expected: list[str]) -> dict[str, Any]:
    from django.db.models import Count

    from gatehouse.access.models import AccessEvent, DeviceRequest
    from gatehouse.vehicles.models import ParkingSession, PlateCapture

    per_plate = dict(
        AccessEvent.objects.filter(plate__in=expected)
        .values_list("plate")
        .annotate(n=Count("id"))
        .values_list("plate", "n")
    )
    return {
        "events": AccessEvent.objects.filter(plate__in=expected).count(),
        "sessions": ParkingSession.objects.filter(plate__in=expected).count(),
        "captures": PlateCapture.objects.filter(license__in=expected).count(),
        "device_requests": DeviceRequest.objects.count(),
        "lost": sum(1 for p in expected if p not in per_plate),
        "duplicated": sum(1 for n in per_plate.values() if n > 1),
    }


def backlog(base: str, token: str, n: int, repush: int) -> dict[str, Any]:
    from django.utils import timezone

    from gatehouse.devices.adapters.vzenith.simulator import SimulatedCamera

    now = timezone.now()
    expected = plates(n, 7)
    camera = SimulatedCamera(base, serial="bench-0-in", token=token)
    camera.online = False
    # Cars seen over the last hours, oldest first (within the replay window).
    for i, plate in enumerate(expected):
        camera.see(plate, now - timedelta(hours=6) + timedelta(seconds=4 * i))
    bodies = list(camera.buffer)
    started = time.perf_counter()
    taken = camera.drain()
    elapsed = time.perf_counter() - started
    lifts = camera.board.lifts
    rng = random.Random(3)
    camera.buffer.extend(rng.sample(bodies, repush))
    retaken = camera.drain()
    camera.close()
    return {
        "buffered": n,
        "taken": taken,
        "seconds": elapsed,
        "per_second": taken / elapsed if elapsed else 0,
        "lifts": lifts,
        "repushed": repush,
        "repush_taken": retaken,
        **counts(expected),
    }


def pay_to_lift(base: str, token: str, guard_id: int, trials: int, period: float) -> dict[str, Any]:
    """Cars that entered (the backlog) reach the exit; the fee is paid; the heartbeat lifts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gatehouse.devices.adapters.vzenith.simulator import SimulatedCamera
    from gatehouse.sites.models import Lane
    from gatehouse.vehicles import services
    from gatehouse.vehicles.models import ParkingSession

    guard = get_user_model().objects.get(pk=guard_id)
    lane = Lane.objects.select_related("gate__site").get(gate__code="g0", code="out")
    camera = SimulatedCamera(base, serial="bench-0-out", token=token, first_id=900_000)
    lifted_at: list[float] = []
    stop = threading.Event()

    def heartbeat() -> None:
        poller = SimulatedCamera(base, serial="bench-0-out", token=token)
        while not stop.is_set():
            before = poller.board.lifts
            poller.poll()
            if poller.board.lifts > before:
                lifted_at.append(time.time())
            stop.wait(period)
        poller.close()

    thread = threading.Thread(target=heartbeat, daemon=True)
    thread.start()
    waits: list[float] = []
    refused = 0
    open_sessions = list(ParkingSession.objects.filter(status="open").order_by("pk")[:trials])
    for session in open_sessions:
        answer = camera.see(session.plate, timezone.now())["Response_AlarmInfoPlate"]
        refused += answer["info"] == "no"
        seen = len(lifted_at)
        services.session_pay(
            session=session, lane=lane, method="cash", guard=guard, now=timezone.now()
        )
        paid = time.time()  # session_pay has committed (its own transaction)
        deadline = paid + 10
        while len(lifted_at) == seen and time.time() < deadline:
            time.sleep(0.005)
        if len(lifted_at) > seen:
            waits.append(lifted_at[seen] - paid)
        time.sleep(period * random.random())  # pay at a random point of the period
    stop.set()
    thread.join(timeout=5)
    camera.close()
    waits.sort()
    return {
        "trials": len(open_sessions),
        "refused_before_paying": refused,
        "lifted": len(waits),
        "p50": statistics.median(waits) if waits else None,
        "max": waits[-1] if waits else None,
        "within_2s": sum(1 for w in waits if w <= 2.0),
    }


# A live push (wrk, bench/wrk.py): the camera's push address token and serial number, a fresh
# plate of the thread's own (a car entering), a result number of its own, the camera's time.
PLATE_PUSH = r"""
function make_request(slot, seq)
  local plate = data[(id - 1) * tonumber(os.getenv("BENCH_PER_CAMERA")) + seq]
  local record = tonumber(os.getenv("BENCH_FIRST_RECORD")) + id * 1000000 + seq
  local body = string.format(
    '{"AlarmInfoPlate":{"serialno":"%s","result":{"PlateResult":{"license":"%s",' ..
    '"plateid":%d,"confidence":96,"isoffline":0,"colorType":1,"type":1,' ..
    '"timeStamp":{"Timeval":{"sec":%d,"usec":0}}}}}}',
    slot[2], plate, record, os.time())
  return "/api/v1/cameras/" .. slot[1] .. "/plate", {["Content-Type"] = "application/json"}, body
end
function good(status, body)
  return status == 200 and body:find("retransfer_stop", 1, true) ~= nil
    and body:find('"error"', 1, true) == nil
end
"""


def latency(port: int, tokens: list[str], rate: float, seconds: float, run: int) -> dict[str, Any]:
    """Live pushes of fresh plates from the entrance cameras (one wrk thread and connection
    each) on a fixed schedule at ``rate`` in all (open loop); latency counts from each push's
    due time. Every push a new car: a parking session opened, the event, its chain link, the
    nonce and the capture written."""
    cameras = len(tokens)
    per_camera = int(rate * seconds / cameras * 1.5) + 200
    # Cars of their own province: none of them met the backlog's (鄂) or another run's.
    cars = plates(cameras * per_camera, 11 + run, "湘粤川"[run])
    os.environ["BENCH_PER_CAMERA"] = str(per_camera)
    os.environ["BENCH_FIRST_RECORD"] = str(100_000_000 * (run + 1))
    result = wrk.run(
        port,
        chunk=PLATE_PUSH,
        slots=[[token, f"bench-{g}-in"] for g, token in enumerate(tokens)],
        data=cars,
        seconds=seconds,
        connections=cameras,
        run_name=str(run),
        rate=rate,
    )
    result["offered"] = rate
    result["achieved"] = result["requests"] / result["elapsed"] if result["elapsed"] else 0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--repush", type=int, default=200)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--period", type=float, default=1.0, help="heartbeat period (s)")
    parser.add_argument(
        "--hold-ms",
        type=int,
        default=0,
        help="GATEHOUSE_CAMERA_POLL_HOLD_MS of the server (0: empty heartbeats answered at once)",
    )
    parser.add_argument("--rate", type=float, default=0, help="offered pushes/s (0: skip)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-cam-")
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    env["GATEHOUSE_DEBUG"] = "0"
    env["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    env["GATEHOUSE_CAMERA_POLL_HOLD_MS"] = str(args.hold_ms)
    os.environ.update(
        {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "GATEHOUSE_DEBUG", "DATABASE_URL")}
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    seeded = seed(args.cameras)
    from django.db import connection

    connection.close()
    server = Server(env, workers=args.workers, threads=args.threads)
    server.start()
    base = server.url
    port = server.port
    try:
        drained = backlog(base, seeded["tokens"]["in"][0], args.backlog, args.repush)
        lifted = pay_to_lift(
            base, seeded["tokens"]["out"][0], seeded["guard"], args.trials, args.period
        )
        pushes = None
        if args.rate:
            latency(port, seeded["tokens"]["in"], args.rate, 3, 0)  # warm up
            pushes = latency(port, seeded["tokens"]["in"], args.rate, args.seconds, 1)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"backend: {backend}; granian {args.workers} x {args.threads}")
    d = drained
    print(
        f"backlog: {d['taken']}/{d['buffered']} taken in {d['seconds']:.1f} s "
        f"({d['per_second']:.0f}/s), lifts {d['lifts']}; re-pushed {d['repushed']} "
        f"(acknowledged {d['repush_taken']}); events {d['events']}, sessions {d['sessions']}, "
        f"captures {d['captures']}, lost {d['lost']}, duplicated {d['duplicated']}"
    )
    a = lifted
    print(
        f"fee paid -> lift (heartbeat every {args.period:g} s, server hold {args.hold_ms} ms): "
        f"{a['lifted']}/{a['trials']} lifted, "
        f"refused before paying {a['refused_before_paying']}, p50 {a['p50'] or 0:.3f} s, "
        f"max {a['max'] or 0:.3f} s, within 2 s: {a['within_2s']}"
    )
    if pushes:
        p = pushes
        print(
            f"push latency at {p['offered']:g}/s offered ({args.cameras} cameras): "
            f"{p['requests']} sent, {p['achieved']:.0f}/s, failed {p['failed']}, "
            f"p50 {p['p50']:.1f} "
            f"p90 {p['p90']:.1f} p99 {p['p99']:.1f} max {p['max']:.1f} ms"
        )


if __name__ == "__main__":
    main()
