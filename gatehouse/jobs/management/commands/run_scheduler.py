"""``manage.py run_scheduler``: enqueue each periodic job of ``gatehouse.jobs.schedule`` when
it is due, until stopped. Each (job, due time) is enqueued once, even with two schedulers.
``--once`` makes one pass (cron, tests)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from gatehouse.jobs.services import scheduler_pass
from gatehouse.ops.heartbeat import beat


class Command(BaseCommand):
    help = "定时任务调度：到期时把任务放入队列（由 run_tasks 执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次")
        parser.add_argument("--interval", type=float, default=5.0, help="检查间隔（秒）")

    def handle(self, *args: Any, **opts: Any) -> None:
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        while not stopped.is_set():
            if not connection.in_atomic_block:
                # A connection the database dropped or that outlived CONN_MAX_AGE; never the
                # connection of a transaction the scheduler runs inside (a test's).
                close_old_connections()
            beat("scheduler", timezone.now())  # /readyz: the scheduler is alive
            for run in scheduler_pass(now=timezone.now()):
                if opts["verbosity"] >= 2:
                    self.stdout.write(f"enqueued {run}")
            if opts["once"]:
                break
            stopped.wait(opts["interval"])
