"""No overnight stay for temporary visitor vehicles (V-11; T7 第三条 访客车辆原则上不得在小区
过夜): a visitor vehicle still inside at the site's leave-by time raises one alert per stay on
the device worker's periodic round, shown on the vehicle booth and the monitoring board."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.vehicle import VehicleKind
from gatehouse.vehicles import services
from gatehouse.vehicles.models import VehicleSettings
from tests.conftest import SHANGHAI, _user

pytestmark = pytest.mark.django_db
EVENING = datetime(2026, 11, 24, 19, 0, tzinfo=SHANGHAI)
CUTOFF = datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI)
PLATE = "苏E66666"


def _enter(lane, at, plate=PLATE):
    with time_machine.travel(at, tick=False):
        return services.vehicle_decide(
            services.VehicleInput(
                lane=lane, plate=plate, kind=VehicleKind.VISITOR, host_consent=True
            ),
            now=at,
        )


def _leave(lane, at, plate=PLATE):
    """The visitor pays what the stay owes, and leaves."""
    with time_machine.travel(at, tick=False):
        done = services.vehicle_decide(services.VehicleInput(lane=lane, plate=plate), now=at)
        if done.fee is not None:
            services.session_pay(session=done.session, lane=lane, method="cash", guard=None, now=at)
            done = services.vehicle_decide(services.VehicleInput(lane=lane, plate=plate), now=at)
    assert done.decision.outcome.value == "allow"
    return done


def _round(at):
    with time_machine.travel(at, tick=False):
        call_command("run_scheduler", "--once")
        call_command("run_tasks", "--once")


def test_v11_one_alert_per_stay_from_the_scheduled_job(vlanes):
    _enter(vlanes["north/in"], EVENING)  # rule V-11
    _round(CUTOFF - timedelta(minutes=1))
    assert not Notice.objects.filter(kind="dwell.visitor_overnight").exists()
    _round(CUTOFF)
    alert = Notice.objects.get(kind="dwell.visitor_overnight")
    assert alert.audience == "monitoring"
    assert alert.message == f"{PLATE}：访客车辆超过离场时间仍在小区内，不得过夜，请联系车主"
    from gatehouse.jobs.models import JobRun

    assert JobRun.objects.filter(job="vehicle_alerts").latest("due_at").summary == "alerts 1"
    _round(CUTOFF + timedelta(minutes=30))
    _round(CUTOFF + timedelta(hours=3))
    assert Notice.objects.filter(kind="dwell.visitor_overnight").count() == 1


def test_v11_the_cut_off_is_the_site_s(site_a, vlanes):
    VehicleSettings.objects.create(site=site_a, visitor_leave_by=time(20, 30))  # rule V-11
    _enter(vlanes["north/in"], EVENING)
    with time_machine.travel(CUTOFF, tick=False):
        call_command("vehicle_alerts", stdout=None)
    alert = Notice.objects.get(kind="dwell.visitor_overnight")
    assert alert.created_at == CUTOFF
    services.dwell_scan_all(now=CUTOFF + timedelta(hours=1))
    assert Notice.objects.filter(kind="dwell.visitor_overnight").count() == 1


def test_v11_a_second_stay_is_alerted_again(vlanes):
    _enter(vlanes["north/in"], EVENING)  # rule V-11: once per stay, not once per plate
    services.dwell_scan_all(now=CUTOFF)
    _leave(vlanes["north/out"], CUTOFF + timedelta(minutes=5))
    _enter(vlanes["north/in"], CUTOFF + timedelta(minutes=10))
    services.dwell_scan_all(now=CUTOFF + timedelta(hours=3))  # past midnight
    assert Notice.objects.filter(kind="dwell.visitor_overnight").count() == 2


def test_v11_the_booth_and_the_board_show_the_alert_until_the_car_leaves(
    client, site_a, guard_a, vlanes
):
    _enter(vlanes["north/in"], EVENING)  # rule V-11
    _enter(vlanes["north/in"], EVENING, plate="苏E77777")
    services.dwell_scan_all(now=CUTOFF)
    client.force_login(guard_a)
    with time_machine.travel(CUTOFF + timedelta(minutes=1), tick=False):
        page = client.get(reverse("vehicles:index")).content.decode()
    assert 'data-testid="dwelling"' in page
    assert f"{PLATE}：访客车辆超过离场时间仍在小区内" in page and "苏E77777：" in page
    monitor = _user("monitor_a", site=site_a, role="monitoring")
    client.force_login(monitor)
    with time_machine.travel(CUTOFF + timedelta(minutes=1), tick=False):
        board = client.get(reverse("guard:board")).content.decode()
    assert f"{PLATE}：访客车辆超过离场时间仍在小区内" in board
    _leave(vlanes["north/out"], CUTOFF + timedelta(minutes=5))
    with time_machine.travel(CUTOFF + timedelta(minutes=5), tick=False):
        client.force_login(guard_a)
        page = client.get(reverse("vehicles:index")).content.decode()
    assert f"{PLATE}：" not in page and "苏E77777：" in page  # gone with the car
