"""Land supervision (SPEC §9, IP-09 … IP-14) through the services: the contract, progress,
suspensions, stoppages, the timeline the core computes, the daily job, the control indicators,
and the enterprises' reports and notices.

Today is 24 Nov 2026 (``tests.conftest.NOW``). Round figures: 100 mu at 20万元/亩."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from gatehouse.admission import selectors, services
from gatehouse.admission.models import LandAlert, Suspension
from gatehouse.audit.models import AuditEntry
from gatehouse.core import land
from gatehouse.core.errors import DomainError, InvalidInput
from tests.conftest import NOW

from .conftest import TODAY, WAN, record_steps, reload

pytestmark = pytest.mark.django_db

PRICE = 20 * WAN  # 20万元/亩
STEPS = [
    "feasibility_review",
    "contract",
    "land_procedures",
    "land_use_right",
    "construction",
    "production",
]


def contracted(project, actor, *, steps=2, start=TODAY - timedelta(days=190), **terms):
    """Record the first ``steps`` workflow steps from ``start`` (10 days apart) and the contract
    signed on the contract step's day; returns the contract."""
    record_steps(project, actor, STEPS[:steps], start=start)
    signed = start + timedelta(days=10)
    args = {
        "signed_on": signed,
        "land_mu": Decimal(100),
        "land_price_fen_per_mu": PRICE,
        "contracted_start": signed + timedelta(days=30),
        "planned_floor_area_m2": Decimal(30000),
        "total_investment_fen": 12000 * WAN,
    }
    args.update(terms)
    return services.contract_save(project=reload(project), actor=actor, now=NOW, **args)


def deadlines(project, today=TODAY, site=None):
    project = reload(project)
    policy = selectors.supervision_policy(project.site)
    return selectors.supervision(project, today, policy).deadlines


def codes(items):
    return [(d.code, d.day, d.status.value) for d in items]


# -- the contract ---------------------------------------------------------------------------------


def test_the_contract_needs_its_step_and_sane_terms(project_b, committee_b):
    with pytest.raises(DomainError) as missing:
        services.contract_save(project=project_b, actor=committee_b, now=NOW)
    assert missing.value.code == "land.step_missing"
    record_steps(project_b, committee_b, STEPS[:2])
    base = {
        "signed_on": TODAY - timedelta(days=170),
        "land_mu": Decimal(100),
        "land_price_fen_per_mu": PRICE,
        "contracted_start": TODAY - timedelta(days=100),
        "planned_floor_area_m2": Decimal(30000),
        "total_investment_fen": 12000 * WAN,
    }
    with pytest.raises(InvalidInput) as no_land:
        services.contract_save(
            project=reload(project_b), actor=committee_b, now=NOW, **{**base, "land_mu": 0}
        )
    assert no_land.value.details["field"] == "land_mu"
    early = {**base, "contracted_start": base["signed_on"] - timedelta(days=1)}
    with pytest.raises(InvalidInput) as order:
        services.contract_save(project=reload(project_b), actor=committee_b, now=NOW, **early)
    assert order.value.details["field"] == "contracted_start"
    contract = services.contract_save(project=reload(project_b), actor=committee_b, now=NOW, **base)
    assert contract.updated_by == committee_b
    services.contract_save(
        project=reload(project_b), actor=committee_b, now=NOW, **{**base, "land_mu": Decimal(90)}
    )
    update = AuditEntry.objects.get(action="land.contract.update")
    assert (update.before["land_mu"], update.after["land_mu"]) == ("100.0000", "90")


# -- IP-10: the start -----------------------------------------------------------------------------


def test_a_project_not_started_shows_its_breach_coming(project_b, committee_b):
    # rule IP-10: contracted start 24 Aug 2026; not started; the breach takes effect on 25 Nov
    contracted(project_b, committee_b, contracted_start=date(2026, 8, 24))
    found = deadlines(project_b)
    assert codes(found) == [
        ("start.late", date(2026, 8, 25), "overdue"),
        ("start.breach", date(2026, 11, 25), "future"),
    ]
    assert (
        "连续三个月（至2026年11月24日）未开工建设：视为投资人违约，终止履行合同，收回项目用地"
        in (found[1].message)
    )


def test_a_start_on_time_clears_the_start_deadlines(project_b, committee_b):
    # rule IP-10
    contracted(project_b, committee_b, steps=5, contracted_start=TODAY - timedelta(days=100))
    assert [d for d in deadlines(project_b) if d.rule == "IP-10"] == []


def test_the_daily_job_raises_each_deadline_once(project_b, committee_b, site_b):
    # rule IP-10: due_on raises the breach on its day; an earlier one is caught up once
    contracted(project_b, committee_b, contracted_start=date(2026, 8, 24))
    assert services.land_deadlines_raise(site=site_b, now=NOW) == 1
    late = LandAlert.objects.get()
    assert (late.code, late.day, late.late, late.rule) == (
        "start.late",
        date(2026, 8, 25),
        True,
        "IP-10",
    )
    assert services.land_deadlines_raise(site=site_b, now=NOW) == 0  # twice a day: nothing new
    tomorrow = NOW + timedelta(days=1)
    assert services.land_deadlines_raise(site=site_b, now=tomorrow) == 1
    assert services.land_deadlines_raise(site=site_b, now=tomorrow + timedelta(hours=6)) == 0
    breach = LandAlert.objects.get(code="start.breach")
    assert (breach.day, breach.late, breach.site) == (date(2026, 11, 25), False, site_b)
    assert breach.key == "IP-10:start.breach:2026-11-25"
    assert AuditEntry.objects.filter(action="land.alerts.raise").count() == 2


def test_the_command_is_idempotent(project_b, committee_b, site_b, capsys):
    # rule IP-10
    contracted(project_b, committee_b, contracted_start=date(2026, 8, 24))
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        call_command("land_deadlines")
        call_command("land_deadlines")
    out = capsys.readouterr().out
    assert "raised 2 land deadline alert(s)" in out and "raised 0 land deadline alert(s)" in out
    assert LandAlert.objects.count() == 2


def test_a_settled_alert_leaves_the_timeline(project_b, committee_b, site_b):
    # rule IP-10: the committee dealt with it (settled keys go back to the core)
    contracted(project_b, committee_b, contracted_start=date(2026, 8, 24))
    services.land_deadlines_raise(site=site_b, now=NOW)
    alert = LandAlert.objects.get()
    services.alert_handle(
        alert=alert, actor=committee_b, now=NOW, note="已依法收取土地闲置费", settled=True
    )
    assert [d.code for d in deadlines(project_b)] == ["start.breach"]
    with pytest.raises(DomainError) as again:
        services.alert_handle(alert=alert, actor=committee_b, now=NOW, note="x", settled=False)
    assert again.value.code == "alert.already_handled"
    with pytest.raises(InvalidInput):
        other = LandAlert.objects.create(
            site=site_b,
            project=project_b,
            key="k",
            rule="IP-10",
            code="c",
            day=TODAY,
            message="m",
            raised_at=NOW,
        )
        services.alert_handle(alert=other, actor=committee_b, now=NOW, note=" ", settled=False)


# -- IP-11: suspension ----------------------------------------------------------------------------


def _building(project, actor, *, built=Decimal(1000), invested=1000 * WAN):
    """Started 17 Jul 2024 on a contract that said 20 Jul; 1000 of 30000 m² built."""
    contracted(
        project,
        actor,
        steps=5,
        start=date(2024, 6, 7),
        contracted_start=date(2024, 7, 20),
    )
    services.progress_report(
        project=reload(project),
        actor=actor,
        now=NOW,
        reported_on=date(2025, 2, 28),
        built_floor_area_m2=built,
        invested_fen=invested,
    )


def test_idle_land_after_twelve_months_suspended(early_b, committee_b, site_b):
    # rule IP-11: under 1/3 built, suspended without approval from 1 Mar 2025
    _building(early_b, committee_b)
    services.policy_save(
        site=site_b,
        actor=committee_b,
        now=NOW,
        idle_fee_rate=Decimal("0.2"),
        min_building_coverage=None,
        max_admin_share=None,
        max_green_ratio=None,
        plot_ratio_min={},
    )
    services.suspension_record(
        project=reload(early_b), actor=committee_b, now=NOW, start=date(2025, 3, 1)
    )
    found = [d for d in deadlines(early_b) if d.rule == "IP-11"]
    assert codes(found) == [
        ("idle.fee", date(2026, 3, 2), "overdue"),
        ("idle.two_years", date(2027, 3, 2), "future"),
    ]
    # 100 mu × 200,000元 × 20% = 4,000,000元
    assert found[0].amount_fen == 400 * WAN
    assert "土地闲置费4,000,000.00元" in found[0].message


def test_the_idle_notice_deadlines_follow_the_served_notice(early_b, committee_b):
    # rule IP-11
    _building(early_b, committee_b)
    suspension = services.suspension_record(
        project=reload(early_b), actor=committee_b, now=NOW, start=date(2025, 3, 1)
    )
    services.suspension_update(
        suspension=suspension,
        actor=committee_b,
        now=NOW,
        end=None,
        notice_served_on=date(2026, 3, 10),
        pay_by=date(2026, 4, 10),
        resume_by=date(2026, 6, 10),
        paid_on=None,
    )
    found = {d.code: d.day for d in deadlines(early_b) if d.rule == "IP-11"}
    assert found["idle.fee_unpaid"] == date(2026, 4, 11)
    assert found["idle.not_resumed"] == date(2026, 6, 11)
    assert "土地闲置费（费率未配置，按有关规定核定）" in next(
        d.message for d in deadlines(early_b) if d.code == "idle.fee"
    )


def test_an_approved_suspension_does_not_count(early_b, committee_b):
    # rule IP-11
    _building(early_b, committee_b)
    services.suspension_record(
        project=reload(early_b),
        actor=committee_b,
        now=NOW,
        start=date(2025, 3, 1),
        approved=True,
        reason="规划调整，经管委会批准",
    )
    assert [d for d in deadlines(early_b) if d.rule == "IP-11"] == []


def test_suspension_records_are_checked(project_b, committee_b):
    contracted(project_b, committee_b)
    with pytest.raises(DomainError) as not_started:
        services.suspension_record(
            project=reload(project_b), actor=committee_b, now=NOW, start=TODAY
        )
    assert not_started.value.code == "land.step_missing"
    project = reload(project_b)
    record_steps(project, committee_b, STEPS[2:5], start=TODAY - timedelta(days=150))
    with pytest.raises(InvalidInput) as bad:
        services.suspension_record(
            project=reload(project),
            actor=committee_b,
            now=NOW,
            start=TODAY - timedelta(days=20),
            end=TODAY - timedelta(days=20),
        )
    assert bad.value.code == "suspension.bad_period"  # the core's check, rolled back
    assert not Suspension.objects.exists()
    suspension = services.suspension_record(
        project=reload(project), actor=committee_b, now=NOW, start=TODAY - timedelta(days=20)
    )
    with pytest.raises(InvalidInput) as half:
        services.suspension_update(
            suspension=suspension,
            actor=committee_b,
            now=NOW,
            end=None,
            notice_served_on=TODAY,
            pay_by=None,
            resume_by=None,
            paid_on=None,
        )
    assert half.value.code == "suspension.notice_incomplete"


# -- IP-12: production ----------------------------------------------------------------------------


def test_a_stopped_plant_must_resume_within_six_months(early_b, committee_b):
    # rule IP-12
    contracted(early_b, committee_b, steps=6, start=date(2025, 1, 6))
    services.stoppage_record(
        project=reload(early_b), actor=committee_b, now=NOW, start=date(2026, 4, 1)
    )
    found = [d for d in deadlines(early_b) if d.rule == "IP-12"]
    assert codes(found) == [("stoppage.not_resumed", date(2026, 10, 2), "overdue")]
    assert "六个月内（至2026年10月1日）未恢复生产" in found[0].message
    stoppage = reload(early_b).stoppages.get()
    services.stoppage_end(stoppage=stoppage, actor=committee_b, now=NOW, end=date(2026, 9, 1))
    assert [d for d in deadlines(early_b) if d.rule == "IP-12"] == []


def test_relief_not_producing_pays_then_loses_the_land(early_b, committee_b):
    # rule IP-12: completed, relief granted, due to produce on 30 Sep 2025, not producing
    contracted(
        early_b,
        committee_b,
        steps=5,
        start=date(2024, 6, 7),
        contracted_start=date(2024, 7, 20),
        land_price_relief=True,
        completed_on=date(2025, 6, 30),
        contracted_production=date(2025, 9, 30),
        appraised_year1_fen=1000 * WAN,
    )
    found = [d for d in deadlines(early_b) if d.rule == "IP-12"]
    assert codes(found) == [
        ("relief.year1", date(2025, 10, 1), "overdue"),
        ("relief.year2", date(2026, 10, 1), "overdue"),
        ("relief.reclaim", date(2027, 10, 1), "future"),
    ]
    assert found[0].amount_fen == 500 * WAN  # 50% of 10,000,000元
    assert found[1].amount_fen is None and "当年评估价待评估" in found[1].message


def test_stoppages_need_production(early_b, committee_b):
    contracted(early_b, committee_b, steps=5, start=date(2025, 1, 6))
    with pytest.raises(DomainError) as exc:
        services.stoppage_record(project=reload(early_b), actor=committee_b, now=NOW, start=TODAY)
    assert exc.value.code == "land.step_missing"


# -- IP-09: the four indicators -------------------------------------------------------------------


def test_the_lowest_indicator_below_standard_recomputes_the_land(early_b, committee_b):
    # rule IP-09: intensity at 80%, output density at 60%: the land is recomputed at 60%
    contracted(
        early_b,
        committee_b,
        steps=5,
        start=date(2025, 1, 6),
        contracted_start=date(2025, 2, 20),
        std_intensity_fen_per_mu=150 * WAN,
        std_output_fen_per_mu=300 * WAN,
    )
    services.progress_report(
        project=reload(early_b),
        actor=committee_b,
        now=NOW,
        reported_on=date(2026, 10, 31),
        built_floor_area_m2=Decimal(30000),
        invested_fen=12000 * WAN,
        intensity_fen_per_mu=120 * WAN,
        output_fen_per_mu=180 * WAN,
    )
    sup = selectors.supervision(reload(early_b), TODAY, selectors.supervision_policy(early_b.site))
    shortfall = [d for d in sup.deadlines if d.rule == "IP-09"]
    # excess 40 mu × 200,000元 × 2 = 16,000,000元
    assert codes(shortfall) == [("indicators.shortfall", date(2026, 10, 31), "overdue")]
    assert shortfall[0].amount_fen == 1600 * WAN
    assert sup.recompute.governing is land.Indicator.OUTPUT_DENSITY
    assert "以最低一项“产出密度”（达标率60.00%）核算用地" in sup.recompute.message
    assert "核定用地60亩，多余用地40亩" in sup.recompute.message


def test_progress_needs_a_contract_and_sane_figures(project_b, committee_b):
    with pytest.raises(DomainError) as no_contract:
        services.progress_report(
            project=project_b,
            actor=committee_b,
            now=NOW,
            reported_on=TODAY,
            built_floor_area_m2=Decimal(0),
            invested_fen=0,
        )
    assert no_contract.value.code == "land.no_contract"
    contracted(project_b, committee_b)
    with pytest.raises(InvalidInput) as negative:
        services.progress_report(
            project=reload(project_b),
            actor=committee_b,
            now=NOW,
            reported_on=TODAY,
            built_floor_area_m2=Decimal(-1),
            invested_fen=0,
        )
    assert negative.value.details["field"] == "built_floor_area_m2"


# -- IP-13: control indicators --------------------------------------------------------------------

PLAN = {
    "sector_code": "36",  # 专用设备制造业: plot ratio ≥ 0.7
    "land_area_m2": Decimal(10000),
    "floor_area_m2": Decimal(6000),
    "footprint_m2": Decimal(2500),
    "green_area_m2": Decimal(1500),
    "admin_living_area_m2": Decimal(500),
    "uses": ["housing"],
}


def test_the_plan_is_checked_against_the_control_values(project_b, committee_b, site_b):
    # rule IP-13: the national defaults from the core
    _plan, findings = services.site_plan_save(project=project_b, actor=committee_b, now=NOW, **PLAN)
    assert [(f.rule, f.code) for f in findings] == [
        ("IP-13", "control.plot_ratio_low"),
        ("IP-13", "control.coverage_low"),
        ("IP-13", "use.housing"),
    ]
    assert "容积率0.60，低于该行业下限0.7" in findings[0].message
    assert "工业用地范围内不得建造住宅" in findings[2].message
    # rule IP-13: a park's own control values replace the defaults
    services.policy_save(
        site=site_b,
        actor=committee_b,
        now=NOW,
        idle_fee_rate=None,
        min_building_coverage=Decimal("0.25"),
        max_admin_share=None,
        max_green_ratio=None,
        plot_ratio_min={"36": Decimal("0.6")},
    )
    assert [f.code for f in selectors.plan_findings(reload(project_b))] == ["use.housing"]


def test_policy_values_are_checked(site_b, committee_b):
    with pytest.raises(InvalidInput) as exc:
        services.policy_save(
            site=site_b,
            actor=committee_b,
            now=NOW,
            idle_fee_rate=Decimal("1.5"),
            min_building_coverage=None,
            max_admin_share=None,
            max_green_ratio=None,
            plot_ratio_min={},
        )
    assert exc.value.details["field"] == "idle_fee_rate"


def test_a_correction_not_made_leads_to_demolition(project_b, committee_b):
    # rule IP-13
    contracted(project_b, committee_b)
    order = services.correction_issue(
        project=reload(project_b),
        actor=committee_b,
        now=NOW,
        ref="五园管改字〔2026〕3号",
        finding="厂区内建造职工住宅",
        issued_on=date(2026, 9, 1),
        deadline=date(2026, 10, 31),
    )
    found = [d for d in deadlines(project_b) if d.rule == "IP-13"]
    assert codes(found) == [("control.demolition", date(2026, 11, 1), "overdue")]
    services.correction_done(
        order=order, actor=committee_b, now=NOW, corrected_on=date(2026, 10, 20)
    )
    assert [d for d in deadlines(project_b) if d.rule == "IP-13"] == []


# -- IP-14: reports and prior notice --------------------------------------------------------------


def test_statistical_reports_have_due_dates_and_overdue_flags(enterprise_b, committee_b):
    # rule IP-14: monthly reports due on the 15th of the next month, from July
    services.report_duty_set(
        enterprise=enterprise_b,
        actor=committee_b,
        now=NOW,
        since=date(2026, 7, 1),
        period="monthly",
        due_day=15,
    )
    services.filing_record(
        enterprise=enterprise_b,
        actor=committee_b,
        now=NOW,
        period_start=date(2026, 7, 1),
        filed_on=date(2026, 8, 10),
    )
    services.filing_record(
        enterprise=enterprise_b,
        actor=committee_b,
        now=NOW,
        period_start=date(2026, 8, 1),
        filed_on=date(2026, 9, 20),
    )
    rows = selectors.report_rows(enterprise_b, TODAY)
    assert [(r.period_start.month, r.due, r.status.value) for r in rows] == [
        (7, date(2026, 8, 15), "filed"),
        (8, date(2026, 9, 15), "filed_late"),
        (9, date(2026, 10, 15), "overdue"),
        (10, date(2026, 11, 15), "overdue"),
    ]
    assert (
        rows[2].message == "2026年9月1日至2026年9月30日的月报应于2026年10月15日前报送，已逾期未报"
    )
    with pytest.raises(InvalidInput) as not_ended:
        services.filing_record(
            enterprise=enterprise_b,
            actor=committee_b,
            now=NOW,
            period_start=date(2026, 11, 1),
            filed_on=TODAY,
        )
    assert not_ended.value.code == "filing.period"
    with pytest.raises(DomainError) as twice:
        services.filing_record(
            enterprise=enterprise_b,
            actor=committee_b,
            now=NOW,
            period_start=date(2026, 7, 1),
            filed_on=TODAY,
        )
    assert twice.value.code == "filing.duplicate"


def test_a_bad_schedule_is_refused(enterprise_b, committee_b):
    with pytest.raises(InvalidInput) as exc:
        services.report_duty_set(
            enterprise=enterprise_b,
            actor=committee_b,
            now=NOW,
            since=TODAY,
            period="monthly",
            due_day=0,
        )
    assert exc.value.code == "report.bad_schedule"


@pytest.mark.parametrize(
    ("notified", "written", "code"),
    [
        # rule IP-14: notified in writing before the decision
        (date(2026, 9, 20), True, None),
        # rule IP-14
        (date(2026, 10, 1), True, "notice.late"),
        # rule IP-14
        (date(2026, 9, 20), False, "notice.not_written"),
        # rule IP-14
        (None, True, "notice.missing"),
    ],
)
def test_merger_split_and_deregistration_are_notified_beforehand(
    enterprise_b, committee_b, notified, written, code
):
    notice, finding = services.change_notice_record(
        enterprise=enterprise_b,
        actor=committee_b,
        now=NOW,
        change="merger",
        decided_on=date(2026, 10, 1),
        notified_on=notified,
        written=written,
    )
    assert (finding.code if finding else None) == code
    if code == "notice.late":
        assert "应在作出决定前告知园区管委会" in finding.message
    assert selectors.notice_rows(enterprise_b)[0][0] == notice
    assert AuditEntry.objects.filter(action="enterprise.change_notice").count() == 1
