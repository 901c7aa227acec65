"""Exporting 100,000 rows of 来客进出登记表 in the background, as xlsx and as PDF (issue 16 §1).

Creates a fresh SQLite database in a temporary directory (or uses ``--database-url``), one site,
and ``--rows`` visits (100,000 by default; bulk_create, names, masked ID numbers and phones,
purposes, hosts, times in and out spread over a year). Then, for each format, a fresh process
(so its peak memory is its own) queues the export the way the register's page does
(:func:`gatehouse.registers.jobs.export_start`, every date) and runs it
(:func:`gatehouse.registers.jobs.run_due_jobs` on the wall clock, as ``export_worker`` does),
while a thread reads the job's progress every 2 s. It reports the wall time, the peak RSS of the
process (``ru_maxrss``), the progress seen, the file's size and its rows (xlsx) or pages (PDF).

    python bench/bench_export.py [--rows 100000] [--formats xlsx,pdf] [--database-url …]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PURPOSES = ["送文件", "洽谈业务", "维修空调", "送快递", "探亲", "面试", "装修验收", "送水"]


def setup(database_url: str, media: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatehouse.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media


def seed(rows: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from gatehouse.sites.models import Gate, Lane, Site
    from gatehouse.visitors.models import Visit

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        site = Site.objects.create(code="bench", name="压测花园", kind="residential")
        gate = Gate.objects.create(site=site, code="east", name="东门")
        lane = Lane.objects.create(
            gate=gate, code="walk-in", name="东门人行入口", kind="non_motor", direction="in"
        )
        get_user_model().objects.create_user("bench", password="bench-only-not-a-secret")
        batch = []
        for i in range(rows):
            t_in = now - timedelta(minutes=5 * (i % 105_000) + 60)
            batch.append(
                Visit(
                    site=site,
                    kind="visitor",
                    name=f"{NAMES[i % 20]}{NAMES[(i // 20) % 20]}{i % 7 or ''}",
                    id_number_masked=f"110105********{i % 10_000:04d}",
                    phone_masked=f"139****{i % 10_000:04d}",
                    phone_last4=f"{i % 10_000:04d}",
                    purpose=PURPOSES[i % len(PURPOSES)],
                    host_text=f"{1 + i % 6}-{1 + i % 3}-{1 + i % 30:02d}01",
                    companions=i % 3,
                    status="left",
                    registered_at=t_in,
                    time_in=t_in,
                    time_out=t_in + timedelta(minutes=40 + i % 90),
                    lane_in=lane,
                )
            )
            if len(batch) == 10_000:
                Visit.objects.bulk_create(batch)
                batch = []
        Visit.objects.bulk_create(batch)
    print(f"seeded {rows:,} visits in {time.monotonic() - started:.1f} s", flush=True)


def run_one(fmt: str) -> dict[str, object]:
    """Queue and run one export in this process; what it took."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from gatehouse.registers.jobs import export_start, run_due_jobs
    from gatehouse.registers.models import ExportJob
    from gatehouse.sites.models import Site

    site = Site.objects.get(code="bench")
    user = get_user_model().objects.get(username="bench")
    job = export_start(
        site=site, actor=user, key="registers:visits", fmt=fmt, query={}, now=timezone.now()
    )
    seen: list[tuple[float, int]] = []
    stop = threading.Event()
    t0 = time.monotonic()

    def watch() -> None:
        while not stop.wait(2.0):
            done = ExportJob.objects.filter(pk=job.pk).values_list("rows_done", flat=True)[0]
            seen.append((round(time.monotonic() - t0, 1), done))
        connection.close()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ran = run_due_jobs(timezone.now)
    wall = time.monotonic() - t0
    stop.set()
    watcher.join()
    job.refresh_from_db()
    assert ran.done == 1 and job.state == "done", (ran, job.error)
    path = Path(job.file.path)
    out: dict[str, object] = {
        "format": fmt,
        "rows": job.rows_total,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "progress_seen": len({d for _, d in seen}),
        "progress_first": seen[:3],
        "progress_last": seen[-3:],
    }
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        out["sheet_rows"] = sum(1 for _ in book.active.iter_rows(values_only=True))
    else:
        from pypdf import PdfReader

        out["pages"] = len(PdfReader(path).pages)
    return out


def _utc() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="xlsx,pdf")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--job", default="", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--media", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        setup(args.database_url, args.media)
        print(json.dumps(run_one(args.job), ensure_ascii=False), flush=True)
        return
    tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
    try:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'export.sqlite3'}"
        media = str(Path(tmp) / "media")
        setup(url, media)
        seed(args.rows)
        for fmt in args.formats.split(","):
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(f"{fmt}: start {_utc()}, load {' '.join(load)}", flush=True)
            child = [sys.executable, __file__, "--job", fmt, "--database-url", url]
            result = subprocess.run(
                [*child, "--media", media], check=True, capture_output=True, text=True
            )
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(result.stdout.strip().splitlines()[-1], flush=True)
            print(f"{fmt}: end {_utc()}, load {' '.join(load)}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
