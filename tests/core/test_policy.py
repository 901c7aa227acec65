"""Reading a site's policy from its stored values (issue 12 §2): the core either builds the gate
policy or says, column by column, what could not be read — and the gate then refuses with
``policy.invalid`` and tells the monitoring centre. No database here: raw values in, a policy or
a :class:`PolicyInvalid` out."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from gatehouse.core import access, vehicle
from gatehouse.core.access import (
    Direction,
    Duty,
    GatePolicy,
    LaneKind,
    Mode,
    Outcome,
    PolicyInvalid,
    gate_policy,
    refuse_invalid_policy,
)
from gatehouse.core.tariff import default_table

GOOD: dict[str, Any] = {
    "mode": "tightened",
    "anti_passback": True,
    "fever_threshold": Decimal("37.5"),
    "visit_minutes": None,
    "work_starts": time(8, 30),
    "work_ends": time(17, 30),
    "commute_minutes": 30,
    "lane_kind": "non_motor",
    "lane_direction": "out",
    "open_when_tightened": True,
}
VGOOD: dict[str, Any] = {
    "mode": "normal",
    "site_kind": "company",
    "lane_kind": "garage",
    "lane_direction": "in",
    "open_when_tightened": False,
    "charging_started": True,
    "passes_required": False,
    "delivery_minutes": 45,
    "taxi_minutes": 10,
    "exit_grace_minutes": 0,
    "visitor_leave_by": None,
    "tariff": None,
}
TARIFF = {"default": {"price": 300, "period_minutes": 30}}


def test_good_values_make_the_policy() -> None:
    read = gate_policy(**GOOD)
    assert isinstance(read, GatePolicy)
    assert read.mode is Mode.TIGHTENED
    assert read.policy.anti_passback and read.policy.fever_threshold == Decimal("37.5")
    assert read.policy.visit_minutes is None
    assert (read.lane.kind, read.lane.direction) == (LaneKind.NON_MOTOR, Direction.OUT)
    assert read.lane.open_when_tightened
    # rule P-13: the shift-change windows travel with the gate policy (hours ± commute minutes)
    assert read.shift_windows == ((time(8), time(9)), (time(17), time(18)))


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("mode", "fast", "site.mode='fast'"),
        ("mode", "", "site.mode=''"),
        ("mode", None, "site.mode=None"),
        ("mode", "NORMAL", "site.mode='NORMAL'"),
        ("fever_threshold", "abc", "site.fever_threshold='abc'"),
        ("fever_threshold", Decimal("NaN"), "site.fever_threshold=Decimal('NaN')"),
        ("fever_threshold", Decimal("Infinity"), "site.fever_threshold=Decimal('Infinity')"),
        ("fever_threshold", Decimal("35.9"), "site.fever_threshold=Decimal('35.9')"),
        ("fever_threshold", Decimal("42.0"), "site.fever_threshold=Decimal('42.0')"),
        ("fever_threshold", None, "site.fever_threshold=None"),
        ("fever_threshold", 37.3, "site.fever_threshold=37.3"),  # a float is not a reading
        ("anti_passback", 2, "site.anti_passback=2"),
        ("anti_passback", "yes", "site.anti_passback='yes'"),
        ("anti_passback", None, "site.anti_passback=None"),
        ("visit_minutes", 0, "site.visit_minutes=0"),
        ("visit_minutes", -5, "site.visit_minutes=-5"),
        ("visit_minutes", 1441, "site.visit_minutes=1441"),
        ("visit_minutes", "30", "site.visit_minutes='30'"),
        ("visit_minutes", True, "site.visit_minutes=True"),
        ("work_starts", None, "site.work_starts=None"),
        ("work_ends", "17:30", "site.work_ends='17:30'"),
        # A TIME column as SQLite may hold it, read as stored (StoredTimeField): not a time.
        ("work_starts", "25:99", "site.work_starts='25:99'"),
        ("work_starts", "abc", "site.work_starts='abc'"),
        ("work_starts", "", "site.work_starts=''"),
        ("work_ends", 830, "site.work_ends=830"),
        (
            "work_ends",
            datetime(2026, 1, 1, 17, 30),
            "site.work_ends=datetime.datetime(2026, 1, 1, 17, 30)",
        ),
        (
            "work_ends",
            time(17, 30, tzinfo=UTC),
            "site.work_ends=datetime.time(17, 30, tzinfo=datetime.timezone.utc)"[:80],
        ),
        ("commute_minutes", -1, "site.commute_minutes=-1"),
        ("commute_minutes", None, "site.commute_minutes=None"),
        ("commute_minutes", "30", "site.commute_minutes='30'"),
        ("lane_kind", "", "lane.kind=''"),
        ("lane_kind", None, "lane.kind=None"),
        ("lane_kind", "tunnel", "lane.kind='tunnel'"),
        ("lane_direction", "", "lane.direction=''"),
        ("lane_direction", "both", "lane.direction='both'"),
        ("open_when_tightened", None, "gate.open_when_tightened=None"),
    ],
)
def test_a_value_that_cannot_be_read_makes_the_policy_invalid(
    column: str, value: object, problem: str
) -> None:
    read = gate_policy(**{**GOOD, column: value})
    assert isinstance(read, PolicyInvalid)
    assert read.problems == (problem,)
    assert problem in read.describe()


def test_every_bad_column_is_named_and_the_lane_direction_kept() -> None:
    read = gate_policy(**{**GOOD, "mode": "", "lane_kind": "x", "fever_threshold": "abc"})
    assert isinstance(read, PolicyInvalid)
    assert read.problems == ("site.mode=''", "site.fever_threshold='abc'", "lane.kind='x'")
    assert read.direction is Direction.OUT  # the event still says which way the lane goes


def test_an_invalid_policy_refuses_and_tells_the_monitoring_centre() -> None:
    invalid = PolicyInvalid(("site.mode='fast'",))
    d = refuse_invalid_policy(invalid)
    assert (d.outcome, d.reason, d.rule) == (Outcome.REFUSE, "policy.invalid", "§12")
    assert d.message == access.REASONS["policy.invalid"][1] == access.POLICY_INVALID_MESSAGE
    assert "配置有误" in d.message and "监控中心" in d.message
    assert d.has(Duty.NOTIFY_MONITORING) and not d.registers()
    assert d.obligations[0].note == "site.mode='fast'"
    assert vehicle.REASONS["policy.invalid"] == access.REASONS["policy.invalid"]


# -- the vehicle gate ----------------------------------------------------------------------------


def test_good_vehicle_values_make_the_policy() -> None:
    read = vehicle.vehicle_gate_policy(**{**VGOOD, "tariff": TARIFF})
    assert isinstance(read, vehicle.VehicleGatePolicy)
    assert read.policy.site is vehicle.SiteKind.INDUSTRIAL
    assert (read.policy.delivery_minutes, read.policy.taxi_minutes) == (45, 10)
    assert read.policy.tariffs.default.price == 300
    assert read.charging_started and read.exit_grace_minutes == 0
    assert read.lane.kind is LaneKind.GARAGE
    default = vehicle.vehicle_gate_policy(**VGOOD)
    assert isinstance(default, vehicle.VehicleGatePolicy)
    assert default.policy.tariffs == default_table()


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("site_kind", "", "site.kind=''"),
        ("site_kind", "airport", "site.kind='airport'"),
        ("mode", "closed", "site.mode='closed'"),
        ("lane_kind", "", "lane.kind=''"),
        ("lane_direction", None, "lane.direction=None"),
        ("charging_started", 7, "vehicle_settings.charging_started=7"),
        ("passes_required", None, "vehicle_settings.passes_required=None"),
        ("delivery_minutes", 0, "vehicle_settings.delivery_minutes=0"),
        ("taxi_minutes", "ten", "vehicle_settings.taxi_minutes='ten'"),
        ("exit_grace_minutes", -1, "vehicle_settings.exit_grace_minutes=-1"),
        ("visitor_leave_by", "22:00", "vehicle_settings.visitor_leave_by='22:00'"),
        # Optional, but text that is not a time is refused, never taken for "no time set".
        ("visitor_leave_by", "abc", "vehicle_settings.visitor_leave_by='abc'"),
        ("visitor_leave_by", "25:99", "vehicle_settings.visitor_leave_by='25:99'"),
        ("visitor_leave_by", "", "vehicle_settings.visitor_leave_by=''"),
        ("visitor_leave_by", 0, "vehicle_settings.visitor_leave_by=0"),
        ("tariff", {"default": {"price": -1}}, "tariff_plan.table: tariff.price"),
        ("tariff", "garbage", "tariff_plan.table: tariff.not_a_mapping"),
    ],
)
def test_a_vehicle_value_that_cannot_be_read_makes_the_policy_invalid(
    column: str, value: object, problem: str
) -> None:
    read = vehicle.vehicle_gate_policy(**{**VGOOD, column: value})
    assert isinstance(read, PolicyInvalid)
    assert read.problems == (problem,)
    site_only = {
        k: v
        for k, v in {**VGOOD, column: value}.items()
        if k
        in (
            "site_kind",
            "passes_required",
            "delivery_minutes",
            "taxi_minutes",
            "visitor_leave_by",
            "tariff",
        )
    }
    if column in site_only:
        assert vehicle.vehicle_policy(**site_only) == PolicyInvalid((problem,))
