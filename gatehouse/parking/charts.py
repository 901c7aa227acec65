"""Parking charts (issue 16 §3): income by day (30 days) and by month (12 months), and the cars
inside each garage hour by hour today. Income is the balance of the income accounts (credits
less debits), the same figure as the daily report's 净收入 (a test holds them equal)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _

from gatehouse.console import charts as c
from gatehouse.core.ledger import INCOME_ACCOUNTS
from gatehouse.parking.models import LedgerEntry, Side
from gatehouse.sites.models import Site
from gatehouse.vehicles.models import ParkingSession

DAYS = 30
MONTHS = 12


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def _money(fen: int) -> Decimal:
    """Yuan to the fen, exact: the numbers table shows ``12.50``, the xlsx the number 12.50."""
    return Decimal(int(fen)).scaleb(-2)


def _income(site: Site, start: datetime, end: datetime, trunc: Any) -> dict[date, int]:
    rows = (
        LedgerEntry.objects.filter(
            transaction__site=site,
            transaction__at__gte=start,
            transaction__at__lt=end,
            account__in=INCOME_ACCOUNTS,
        )
        .annotate(d=trunc)
        .values("d")
        .annotate(
            net=Sum(
                Case(
                    When(side=Side.CREDIT, then=F("amount_fen")),
                    default=-F("amount_fen"),
                )
            )
        )
    )
    out: dict[date, int] = {}
    for row in rows:
        key = row["d"].date() if isinstance(row["d"], datetime) else row["d"]
        out[key] = int(row["net"] or 0)
    return out


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def parking_stats(site: Site, now: datetime) -> dict[str, Any]:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)

    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    start = datetime.combine(days[0], time(0), tzinfo=zone)
    daily = _income(site, start, tomorrow, TruncDate("transaction__at", tzinfo=zone))
    by_day = c.chart(
        "bar",
        [f"{d:%m-%d}" for d in days],
        [c.series("净收入（元）", [_yuan(daily.get(d, 0)) for d in days])],
        title=_("近30天每日净收入"),
        columns=["日期", "净收入（元）"],
        rows=[[f"{d:%Y-%m-%d}", _money(daily.get(d, 0))] for d in days],
    )

    months = [_month_start(today, n) for n in range(MONTHS - 1, -1, -1)]
    first = datetime.combine(months[0], time(0), tzinfo=zone)
    monthly = _income(site, first, tomorrow, TruncMonth("transaction__at", tzinfo=zone))
    by_month = c.chart(
        "bar",
        [f"{m:%Y-%m}" for m in months],
        [c.series("净收入（元）", [_yuan(monthly.get(m, 0)) for m in months])],
        title=_("近12个月每月净收入"),
        columns=["月份", "净收入（元）"],
        rows=[[f"{m:%Y-%m}", _money(monthly.get(m, 0))] for m in months],
    )

    midnight = datetime.combine(today, time(0), tzinfo=zone)
    hour = now.astimezone(zone).hour
    stays = ParkingSession.objects.filter(
        Q(exited_at__isnull=True) | Q(exited_at__gte=midnight),
        site=site,
        entered_at__lt=tomorrow,
    ).values_list("garage__name", "entered_at", "exited_at")
    inside: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (hour + 1))
    for garage, entered, exited in stays:
        name = garage or "地面"
        for h in range(hour + 1):
            moment = midnight + timedelta(hours=h + 1) if h < hour else now
            if entered is not None and entered <= moment and (exited is None or exited > moment):
                inside[name][h] += 1
    names = sorted(inside)
    occupancy = c.chart(
        "line",
        [f"{h}时" for h in range(hour + 1)],
        [c.series(name, inside[name]) for name in names],
        title=_("今日各车库每小时在场车辆"),
        columns=["车库", *[f"{h}时" for h in range(hour + 1)]],
        rows=[[name, *inside[name]] for name in names],
    )
    return c.payload(
        now.astimezone(zone),
        {"income_daily": by_day, "income_monthly": by_month, "occupancy": occupancy},
        {
            "income_today": f"{daily.get(today, 0) / 100:.2f}",
            "income_month": f"{monthly.get(months[-1], 0) / 100:.2f}",
        },
    )
