"""``manage.py spot_check``: the weekly spot check of the registers (S-10), for cron once a
week. For every active site, the findings of the last ``--days`` days are filed for the manager
to confirm; a finding already filed is not filed again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gatehouse.guard.duties.services import spot_check_run
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "Audit the last week of the guards' registers and file the findings (SPEC S-10)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--at", help="ISO time to run as (default: now)")
        parser.add_argument("--site", help="only this site code")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options.get("at"):
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError("--at must be an ISO time with a zone") from exc
            if now.tzinfo is None:
                raise CommandError("--at must be an ISO time with a zone")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        sites = Site.objects.filter(is_active=True).order_by("pk")
        if options.get("site"):
            sites = sites.filter(code=options["site"])
        total = 0
        for site in sites:
            check, fresh = spot_check_run(site=site, as_of=now, days=options["days"])
            total += fresh
            for f in check.findings.order_by("guard_name", "at"):
                self.stdout.write(f"{site.code} {f.guard_name}: {f.message}")
        self.stdout.write(f"filed {total} new finding(s)")
