"""``manage.py flag_overstays``: VI-03 for every active site, at the current time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.registers.services import flag_overstays
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "Flag visitors still inside after the visitor closing time (SPEC VI-03)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = 0
        for site in Site.objects.filter(is_active=True).order_by("pk"):
            created = flag_overstays(site=site, now=now)
            total += created
            if created and options["verbosity"] >= 2:
                self.stdout.write(f"{site.code}: {created}")
        self.stdout.write(f"flagged {total} overstaying visitor(s)")
