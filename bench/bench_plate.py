"""What a plate camera's push costs, in process (issue 14: the plate path's figures).

Load-independent where the served figures of ``bench_camera.py`` are not: one thread posts
``--requests`` live pushes of fresh plates (each opens a parking session, writes the event, its
chain link, the nonce and the capture), then as many exits of the same cars (each closes its
session; a fee is due for the temporary cars), through the served WSGI application (the fast
path in front of Django, as granian runs it), and measures per push the Python process's CPU
time, the PostgreSQL backend's CPU time (``/proc``: the server must run on this machine), the
SQL statements sent, and the wall time's percentiles. ``--root`` measures another checkout
(e.g. main exported with ``git archive``) on the same terms; use a fresh database each time:

    python bench/bench_plate.py --database-url postgresql://…/fresh [--root /path/to/checkout]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout to measure")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print where the entry's time goes")
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
    from django.utils import timezone

    sys.path.insert(0, str(HERE))
    from bench_camera import plates, seed

    from gatehouse.devices.adapters.vzenith.protocol import push
    from gatehouse.wsgi import application

    call_command("migrate", verbosity=0)
    seeded = seed(1)
    entry, leave = seeded["tokens"]["in"][0], seeded["tokens"]["out"][0]
    total = args.warm + args.requests
    cars = plates(total, 5)
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    def post(token: str, serial: str, plate: str, record: int) -> dict[str, Any]:
        body = json.dumps(
            push(serial, plate, record, timezone.now() - timedelta(seconds=1)),
            ensure_ascii=False,
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": f"/api/v1/cameras/{token}/plate",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        answer = b"".join(application(environ, lambda s, h, *a: status.append(s)))
        reply = json.loads(answer)
        if not status[0].startswith("200") or "Response_AlarmInfoPlate" not in reply:
            raise SystemExit(f"push {record} failed: {status[0]} {answer[:300]!r}")
        return reply["Response_AlarmInfoPlate"]

    def run(token: str, serial: str, first: int) -> dict[str, Any]:
        # A fresh connection: the served stack closes one older than CONN_MAX_AGE (60 s) at
        # the end of a request, which would change the backend measured mid-run.
        connection.close()
        for i in range(args.warm):
            post(token, serial, cars[i], first + i)
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        walls: list[float] = []
        lifted = 0
        statements[0] = 0
        with connection.execute_wrapper(count):
            db0, py0 = backend_cpu(pid), time.process_time()
            for i in range(args.warm, total):
                t = time.perf_counter()
                answer = post(token, serial, cars[i], first + i)
                walls.append((time.perf_counter() - t) * 1000)
                lifted += answer.get("info") == "ok"
            db1, py1 = backend_cpu(pid), time.process_time()
        n = args.requests
        walls.sort()
        return {
            "python_ms": 1000 * (py1 - py0) / n,
            "postgres_ms": 1000 * (db1 - db0) / n,
            "statements": statements[0] / n,
            "p50": statistics.median(walls),
            "p90": walls[int(0.9 * n)],
            "p99": walls[int(0.99 * n)],
            "lifted": lifted,
        }

    print(f"root: {root}; pushes: {args.requests} per direction after {args.warm} to warm up")
    for name, token, serial, first in (
        ("entry", entry, "bench-0-in", 1),
        ("exit", leave, "bench-0-out", 500_001),
    ):
        if args.profile and name == "entry":
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            r = profiler.runcall(run, token, serial, first)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        else:
            r = run(token, serial, first)
        print(
            f"{name}: Python CPU {r['python_ms']:.3f} ms, "
            f"PostgreSQL CPU {r['postgres_ms']:.3f} ms, "
            f"{r['statements']:.1f} statements a push; wall ms p50 {r['p50']:.2f} "
            f"p90 {r['p90']:.2f} p99 {r['p99']:.2f}; barrier lifted {r['lifted']}/{args.requests}"
        )
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
