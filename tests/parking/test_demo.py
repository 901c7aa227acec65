"""The parking demo at 东湖花园: a tariff, passes, two leases and days of money; loaded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from gatehouse.demo.parking import DEMO_TABLE, load_parking_demo
from gatehouse.parking import selectors
from gatehouse.parking.models import LedgerTransaction, SpaceLease, TariffPlan, VehiclePass
from gatehouse.sites.models import Site
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The whole demo at scale 0.1 on NOW, rolled back after the module (ledger rows are never
    deleted, so no flush)."""
    from gatehouse.demo.load import build_demo

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        report = build_demo(scale=0.1, now=NOW)
        yield report
        transaction.set_rollback(True)


def test_the_community_gets_a_tariff_passes_leases_and_money(loaded):
    site = Site.objects.get(code="donghu")
    donghu = next(r for r in loaded.sites if r.code == "donghu")
    assert donghu.created["停车收费 parking"] > 10
    assert selectors.tariff_table(site, at=NOW).to_dict() == TariffPlan.objects.get(site=site).table
    assert (
        TariffPlan.objects.get(site=site).table["default"]["price"]
        == DEMO_TABLE["default"]["price"]
    )
    statuses = sorted(VehiclePass.objects.filter(site=site).values_list("status", flat=True))
    assert statuses.count("active") >= 4 and "lost" in statuses and "returned" in statuses
    assert all(p.space is not None for p in VehiclePass.objects.filter(site=site))
    leases = SpaceLease.objects.filter(site=site, status="active")
    assert leases.count() == 2
    due = selectors.renewals_due(site, today=NOW.date(), within_days=30)
    assert len(due) == 1 and (due[0].renewal_due - NOW.date()).days == 10
    for back in range(1, 4):
        assert selectors.daily_income(site, NOW.date() - timedelta(days=back)).transactions > 3
    assert not LedgerTransaction.objects.filter(at__gt=NOW).exists()  # nothing in the future
    assert not VehiclePass.objects.exclude(site=site).exists()  # the industrial park has none


def test_a_second_run_adds_nothing(loaded, django_assert_max_num_queries):
    before = (LedgerTransaction.objects.count(), VehiclePass.objects.count())
    with django_assert_max_num_queries(2):
        assert load_parking_demo(now=NOW + timedelta(days=1)) == {}
    assert (LedgerTransaction.objects.count(), VehiclePass.objects.count()) == before


def test_the_income_report_shows_the_demo_day(loaded, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="desk"))
    day = NOW.date() - timedelta(days=1)
    html = client.get(reverse("parking:income"), {"day": f"{day:%Y-%m-%d}"}).content.decode()
    assert (
        "临时停车费" in html and "车辆出入证遗失补办工本费" in html and "退还车辆出入证押金" in html
    )


def test_the_income_charts_agree_with_the_daily_report(loaded):
    # the chart's income per day is the daily report's 净收入, to the fen (日收入报表, T7)
    from gatehouse.parking.charts import parking_stats

    site = Site.objects.get(code="donghu")
    stats = parking_stats(site, NOW)
    rows = dict(stats["charts"]["income_daily"]["rows"])
    checked = 0
    for back in range(0, 30):
        day = NOW.date() - timedelta(days=back)
        expected = selectors.daily_income(site, day).income
        assert str(rows[f"{day:%Y-%m-%d}"]) == f"{expected / 100:.2f}", day
        checked += expected != 0
    assert checked >= 3  # the demo's days of money are in it
    month = f"{NOW:%Y-%m}"
    monthly = dict(stats["charts"]["income_monthly"]["rows"])
    in_month = sum(
        selectors.daily_income(site, NOW.date().replace(day=d)).income
        for d in range(1, NOW.day + 1)
    )
    assert str(monthly[month]) == f"{in_month / 100:.2f}" == stats["kpis"]["income_month"]
    occupancy = stats["charts"]["occupancy"]
    assert occupancy["labels"][-1] == f"{NOW.hour}时" and occupancy["rows"]
