"""Deliver the outbox of device commands: ``manage.py device_worker``.

Runs until stopped (Ctrl-C, SIGTERM), one round every ``--interval`` seconds (the next at
once while a device has more due than a round sends): every device Gatehouse drives gets its
due commands in order (:func:`gatehouse.devices.outbox.deliver_due`).
``--once`` runs one round and exits (cron, tests). Run one worker per database; a second one
is harmless (commands are claimed with a lease) but gains nothing.

The periodic checks it used to run in its rounds (devices offline, the edge agents' health,
ended visitor codes, vehicle dwell alerts, the returnees' alerts) are jobs of the scheduler now
(``manage.py run_scheduler`` and ``run_tasks``, cadence in :mod:`gatehouse.jobs.schedule`), so
each runs once, not once per worker. Every round still delivers the notification messages
that are due (:func:`gatehouse.notify.delivery.deliver_due`): they wait seconds, not a minute.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from gatehouse.devices.outbox import deliver_due
from gatehouse.notify.delivery import deliver_due as messages_deliver
from gatehouse.ops.heartbeat import beat
from gatehouse.ops.jobs import failed, job
from gatehouse.ops.logs import log_event

logger = logging.getLogger("gatehouse.devices")


class Command(BaseCommand):
    help = "下发设备指令（人员同步、远程开门、抬杆等），直到停止"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮")
        parser.add_argument("--interval", type=float, default=0.5, help="每轮间隔（秒）")

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = False

        def _stop(*_: Any) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop:
            if not connection.in_atomic_block:
                # Drop a connection the database closed or that outlived CONN_MAX_AGE; never
                # the connection of a transaction the worker runs inside (a test's).
                close_old_connections()
            beat("device_worker", timezone.now())  # /readyz: the worker is alive
            with job("device_outbox"):
                done = deliver_due(now=timezone.now)
            if done.delivered or done.failed or done.retrying or done.expired:
                self.stdout.write(
                    f"delivered {done.delivered}, retrying {done.retrying}, "
                    f"failed {done.failed}, expired {done.expired}"
                )
                for error in done.errors:
                    self.stderr.write(error)
                if done.failed or done.retrying:
                    log_event(
                        logger,
                        logging.WARNING,
                        "device.error",
                        "device commands not delivered",
                        failed=done.failed,
                        retrying=done.retrying,
                        expired=done.expired,
                    )
                failed("device_outbox", done.failed)
            with job("messages"):
                sent = messages_deliver(now=timezone.now())  # notices, SMS, group robots
            if sent.any:
                self.stdout.write(
                    f"messages sent {sent.sent}, retrying {sent.retrying}, failed {sent.failed}"
                )
            if opts["once"]:
                break
            if not done.more:  # a device with more due than a round sends: at once
                threading.Event().wait(opts["interval"])  # not time.sleep: see vehicles.cameras
