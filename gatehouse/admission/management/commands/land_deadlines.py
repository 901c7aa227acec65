"""``manage.py land_deadlines``: the daily land-supervision job (SPEC IP-09 … IP-13).

For every active industrial park, raise as ``LandAlert`` rows for the park committee the
deadlines that take effect today (``core.land.due_on``) and any earlier one not raised yet.
Idempotent: run it twice a day, or after a missed day, and each deadline is raised once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.admission.services import land_deadlines_raise
from gatehouse.sites.models import Site, SiteKind


class Command(BaseCommand):
    help = "发出当天生效的用地监管期限提醒（可重复运行）。Raise today's land deadlines."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = 0
        sites = Site.objects.filter(is_active=True, kind=SiteKind.INDUSTRIAL_PARK).order_by("pk")
        for site in sites:
            created = land_deadlines_raise(site=site, now=now)
            total += created
            if created and options["verbosity"] >= 2:
                self.stdout.write(f"{site.code}: {created}")
        self.stdout.write(f"raised {total} land deadline alert(s)")
