"""``manage.py escalate_anomalies``: for cron, every minute. For every active site: escalate the
anomalies nobody acknowledged in time (S-05), call the next step of open emergency chains
(S-13) and flag missed patrol checkpoints (S-04). Idempotent: each is done once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gatehouse.guard.incidents.services import anomalies_escalate, emergencies_advance
from gatehouse.guard.patrol.services import patrol_flag_missed
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "Escalate unacknowledged anomalies, advance emergency chains, flag missed patrols."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--at", help="ISO time to run as (default: now); for tests and replays")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options.get("at"):
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError("--at must be an ISO time with a zone") from exc
            if now.tzinfo is None:
                raise CommandError("--at must be an ISO time with a zone")
        escalated = called = missed = 0
        for site in Site.objects.filter(is_active=True).order_by("pk"):
            escalated += anomalies_escalate(site=site, now=now)
            called += emergencies_advance(site=site, now=now)
            missed += patrol_flag_missed(site=site, now=now)
        self.stdout.write(
            f"escalated {escalated} anomaly(ies), {called} emergency call(s), "
            f"{missed} missed checkpoint(s)"
        )
