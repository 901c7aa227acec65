"""Make the registers' background exports: ``manage.py export_worker``.

Runs until stopped (Ctrl-C, SIGTERM): every ``--interval`` seconds it runs the queued exports
one after another (:func:`gatehouse.registers.jobs.run_due_jobs`; a long PDF takes minutes,
which is why this is not a round of the device worker, whose door commands cannot wait) and
deletes those older than seven days. ``--once`` runs one round and exits (cron, tests).
``make demo`` starts it beside the web server and the device worker. A second worker is
harmless (a job is claimed with a lease) and runs a second job at the same time.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from gatehouse.ops.heartbeat import beat
from gatehouse.ops.jobs import failed, job
from gatehouse.registers.jobs import run_due_jobs


class Command(BaseCommand):
    help = "在后台生成登记表的大批量导出（Excel、PDF），直到停止"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮")
        parser.add_argument("--interval", type=float, default=2.0, help="每轮间隔（秒）")

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = threading.Event()

        def _stop(*_: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop.is_set():
            if not connection.in_atomic_block:
                close_old_connections()
            beat("export_worker", timezone.now())  # /readyz: the worker is alive
            with job("exports"):
                ran = run_due_jobs(timezone.now)
            failed("exports", ran.failed)
            if ran.any:
                self.stdout.write(
                    f"exports done {ran.done}, failed {ran.failed}, deleted {ran.purged}"
                )
                for error in ran.errors:
                    self.stderr.write(error)
            if opts["once"]:
                break
            if not (ran.done or ran.failed):  # one finished: look for the next at once
                stop.wait(opts["interval"])
