"""What a device decision costs in CPU, in process, on PostgreSQL (issue 12 §3: the hash chain).

Load-independent where the wrk figures of ``bench_api.py`` are not: one thread posts
``--requests`` card reads through the served WSGI application (the fast path in front of
Django, as granian runs it) and measures the Python process's CPU time (``process_time``) and
the PostgreSQL backend's CPU time (``utime + stime`` of its process in ``/proc``: the server
must run on this machine), per decision, plus the wall time's percentiles. Run it against the
code to compare with ``--root`` (e.g. a checkout of main), on a fresh database each time:

    python bench/bench_chain.py --database-url postgresql://…/fresh [--root /path/to/checkout]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout to measure")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after the measured run, profile N more decisions (cProfile on the process's CPU "
        "time: the top functions by own time and by cumulative time)",
    )
    args = parser.parse_args()
    root = Path(args.root).resolve()
    os.chdir(root)
    sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "gatehouse.settings"
    os.environ["GATEHOUSE_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # One backend throughout, whose CPU time is read from /proc: production's 60 s connection age
    # would reconnect in a slow run (a busy machine) and lose the count.
    connection.settings_dict["CONN_MAX_AGE"] = None

    sys.path.insert(0, str(HERE))
    from bench_api import SEED

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        exec(SEED, {})  # the benchmark's own seed script
    finally:
        sys.stdout = stdout
    seeded = json.loads(out.getvalue().split("SEED", 1)[1])
    devices = [(k, lane) for k, lane in seeded["keys"] if lane.endswith("walk-in")]
    cards = seeded["cards"]
    from gatehouse.wsgi import application

    rng = random.Random(11)

    def post(i: int) -> None:
        key, lane = devices[i % len(devices)]
        body = json.dumps(
            {
                "lane": lane,
                "credential": {"kind": "card", "value": rng.choice(cards)},
                "nonce": f"c-{i}",
            }
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/gate/decisions",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_DEVICE_KEY": key,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        answer = b"".join(application(environ, lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200") or b'"reason"' not in answer:
            raise SystemExit(f"request {i} failed: {status[0]} {answer[:200]!r}")

    for i in range(args.warm):
        post(i)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    walls = []
    db0, py0 = backend_cpu(pid), time.process_time()
    for i in range(args.warm, args.warm + args.requests):
        t = time.perf_counter()
        post(i)
        walls.append((time.perf_counter() - t) * 1000)
    db1, py1 = backend_cpu(pid), time.process_time()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        same = cursor.fetchone()[0] == pid
    n = args.requests
    walls.sort()
    print(f"root: {root}; requests: {n}; same backend throughout: {same}")
    print(
        f"per decision: Python CPU {1000 * (py1 - py0) / n:.3f} ms, "
        f"PostgreSQL CPU {1000 * (db1 - db0) / n:.3f} ms"
    )
    print(
        f"wall ms: p50 {statistics.median(walls):.2f}  p90 {walls[int(0.9 * n)]:.2f}  "
        f"p99 {walls[int(0.99 * n)]:.2f}"
    )
    print(f"load average: {os.getloadavg()[0]:.2f}")
    if args.profile:
        import cProfile
        import pstats

        # The process's CPU time, not the wall's: waiting for PostgreSQL is not this code's cost.
        profiler = cProfile.Profile(time.process_time)
        start = args.warm + args.requests
        profiler.enable()
        for i in range(start, start + args.profile):
            post(i)
        profiler.disable()
        stats = pstats.Stats(profiler)
        if os.environ.get("BENCH_PROFILE_FILE"):  # for pstats/snakeviz: the whole profile
            stats.dump_stats(os.environ["BENCH_PROFILE_FILE"])
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(80)


if __name__ == "__main__":
    main()
