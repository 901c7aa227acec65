"""``manage.py lease_renewals``: the daily PK-05 job. Every active space lease that has ended
without a paid renewal is marked lapsed and its space freed (T7 第十八条: 到期未续签车位租赁协议、
支付车位费，视为自动放弃该车位). Idempotent: a second run the same day changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.parking.services import lease_renewals
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "标记到期未续租的车位租赁为已放弃并释放车位（每日运行）。Lapse unrenewed space leases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", default="", help="only this site (its code)")
        parser.add_argument(
            "--date",
            dest="day",
            default="",
            help="the day to judge, YYYY-MM-DD (default: today, Shanghai)",
        )

    def handle(self, *args: Any, site: str, day: str, **options: Any) -> None:
        now = timezone.now()
        today = self._day(day) if day else timezone.localdate(now)
        only = None
        if site:
            only = Site.objects.filter(code=site).first()
            if only is None:
                raise CommandError(f"no site with code {site!r}")
        lapsed = lease_renewals(today=today, now=now, site=only)
        for lease in lapsed:
            self.stdout.write(
                f"{lease.site.code} {lease.space} {lease.start:%Y-%m-%d}—{lease.end:%Y-%m-%d} "
                "已放弃，车位已释放 lapsed, space freed"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{today:%Y-%m-%d}: {len(lapsed)} 份租约已放弃 lease(s) lapsed")
        )

    @staticmethod
    def _day(raw: str) -> date:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
