"""``manage.py run_tasks``: the worker of the database task backend. Claims the ready tasks
one at a time and runs them, until stopped; ``--once`` runs what is ready and exits."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from gatehouse.jobs.backend import claim_next, run_record, worker_id
from gatehouse.ops.heartbeat import beat


class Command(BaseCommand):
    help = "执行队列中的任务（定时任务等），直到停止"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="执行完当前队列即退出")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时的检查间隔（秒）")
        parser.add_argument("--queue", action="append", help="只执行这些队列")

    def handle(self, *args: Any, **opts: Any) -> None:
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        me = worker_id()
        while not stopped.is_set():
            if not connection.in_atomic_block:
                close_old_connections()
            beat("task_worker", timezone.now())  # /readyz: the task worker is alive
            record = claim_next(worker=me, queues=opts["queue"])
            if record is None:
                if opts["once"]:
                    break
                stopped.wait(opts["interval"])
                continue
            done = run_record(record)
            line = f"{done.task_path} #{done.pk}: {done.status}"
            if done.error:
                self.stderr.write(f"{line}\n{done.error}")
            elif opts["verbosity"] >= 2:
                self.stdout.write(line)
