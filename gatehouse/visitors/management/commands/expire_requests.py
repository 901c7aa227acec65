"""``manage.py expire_requests``: refuse and record every request past its deadline (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.visitors.services import requests_expire


class Command(BaseCommand):
    help = "Refuse and record every gate request whose deadline has passed (all sites)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requests_expire(now=timezone.now())
        self.stdout.write(f"expired {count} request(s)")
