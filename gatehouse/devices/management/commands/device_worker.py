"""Deliver the outbox of device commands: ``manage.py device_worker``.

Runs until stopped (Ctrl-C, SIGTERM), one round every ``--interval`` seconds (the next at
once while a device has more due than a round sends): every device Gatehouse drives gets its
due commands in order (:func:`gatehouse.devices.outbox.deliver_due`).
``--once`` runs one round and exits (cron, tests). Run one worker per database; a second one
is harmless (commands are claimed with a lease) but gains nothing.

Every :data:`gatehouse.devices.alarms.CHECK_EVERY` the worker also checks for devices offline
longer than their site allows and alerts the monitoring centre (once per outage), checks the
edge agents' health (silent, stale snapshot, journal backlog: :mod:`gatehouse.edge.health`, once
per episode), takes the visitors' codes whose window is over off the terminals that hold
them, and raises the vehicles' dwell alerts (a taxi not gone, a delivery over its hour, a
visitor vehicle still inside at the site's leave-by time: V-03, V-11; once per stay), and the
returnees' alerts to the grid officers (overdue tests, missed daily reports: M-03, once per
episode; :func:`gatehouse.epidemic.services.alerts_scan_all`), so they run without cron.
Every round also delivers the notification messages that are due
(:func:`gatehouse.notify.delivery.deliver_due`).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from gatehouse.devices.alarms import CHECK_EVERY, devices_check
from gatehouse.devices.outbox import deliver_due
from gatehouse.devices.sync import forget_ended_codes
from gatehouse.edge.health import edges_check
from gatehouse.epidemic.services import alerts_scan_all
from gatehouse.notify.delivery import deliver_due as messages_deliver
from gatehouse.ops.heartbeat import beat
from gatehouse.ops.jobs import failed, job
from gatehouse.ops.logs import log_event
from gatehouse.vehicles.services import dwell_scan_all

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
        checked_at = None
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
            now = timezone.now()
            if checked_at is None or now - checked_at >= CHECK_EVERY:
                checked_at = now
                with job("devices_check"):
                    checked = devices_check(now=now)
                for name in checked.raised:
                    self.stdout.write(f"offline: {name}")
                for name in checked.cleared:
                    self.stdout.write(f"online again: {name}")
                edges = edges_check(now=now)
                for what in edges.raised:
                    self.stdout.write(f"edge trouble: {what}")
                for what in edges.ended:
                    self.stdout.write(f"edge trouble over: {what}")
                forgotten = forget_ended_codes(now)
                if forgotten.deleted:
                    self.stdout.write(f"ended visitor codes deleted: {forgotten.deleted}")
                dwelling = dwell_scan_all(now=now)  # taxis, deliveries, visitors overnight
                if dwelling:
                    self.stdout.write(f"vehicle dwell alerts: {dwelling}")
                epidemic = alerts_scan_all(now=now)  # M-03: overdue tests, missed reports
                if epidemic:
                    self.stdout.write(f"epidemic alerts: {epidemic}")
            if opts["once"]:
                break
            if not done.more:  # a device with more due than a round sends: at once
                threading.Event().wait(opts["interval"])  # not time.sleep: see vehicles.cameras
