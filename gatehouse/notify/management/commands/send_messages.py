"""``manage.py send_messages``: deliver the queued messages that are due (for cron, where no
``device_worker`` runs). One pass; ``--loop`` keeps going until nothing is due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gatehouse.notify.delivery import deliver_due


class Command(BaseCommand):
    help = "发送到期的通知消息（短信、群机器人、系统内通知）。Deliver due messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="重复直到没有到期消息")

    def handle(self, *args: Any, loop: bool, **options: Any) -> None:
        while True:
            done = deliver_due(now=timezone.now())
            self.stdout.write(f"sent {done.sent}, retrying {done.retrying}, failed {done.failed}")
            for error in done.errors:
                self.stderr.write(error)
            if not loop or not done.any:
                break
