"""Tests for gatehouse.core.land: admission, workflow, land supervision, controls, reports.

Worked examples use round contract figures so the arithmetic can be checked by hand; each
expected amount is written out with the sum that gives it.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.land import (
    STEPS,
    SUB_PARK_FOCUS,
    Application,
    ControlLimits,
    CorporateChange,
    CorrectionOrder,
    Criterion,
    Document,
    IdleNotice,
    Indicator,
    IndicatorReading,
    LandProject,
    LandSupply,
    NonProductiveUse,
    ReportPeriod,
    ReportSchedule,
    ReportStatus,
    Severity,
    SitePlan,
    Status,
    Step,
    Stoppage,
    SupervisionPolicy,
    Suspension,
    Verdict,
    add_months,
    check_controls,
    check_prior_notice,
    check_step,
    deadline_key,
    due_on,
    idle_fee,
    next_step,
    recompute_land,
    report_due_date,
    report_status,
    screen,
    timeline,
)

WAN = 1_000_000  # fen in 1万元
ALL_DOCS = frozenset(Document)

# A sound application: 2000万元 capital, 12000万元 investment on 100 mu (120万元/亩), auto parts
# in the 汽车产业城.
GOOD = Application(
    registered_capital_fen=2000 * WAN,
    paid_in_capital_fen=2000 * WAN,
    fixed_investment_fen=12000 * WAN,
    land_mu=Decimal(100),
    sector="汽车零配件加工",
    documents=ALL_DOCS,
    sub_park="汽车产业城",
    focus_sectors=SUB_PARK_FOCUS["汽车产业城"],
)


def app(**kw: Any) -> Application:
    return replace(GOOD, **kw)


# == admission screening ==========================================================================

# (id, application, verdict, rule, code, severity, substring of the message)
# fmt: off
SCREENING = [
    # rule IP-03
    ("sound", GOOD, Verdict.PASSES, "IP-03", "intensity.ok", Severity.INFO,
     "投资强度 = 固定资产投资120,000,000.00元 ÷ 100亩 = 1,200,000.00元/亩，达到一般行业1,000,000.00元/亩"),
    # rule IP-03: exactly 100万元/亩 passes
    ("intensity-at-threshold", app(fixed_investment_fen=10000 * WAN), Verdict.PASSES, "IP-03",
     "intensity.ok", Severity.INFO, "= 1,000,000.00元/亩，达到"),
    # rule IP-03: one fen short over 100 mu is below, and the shown figure does not round up to it
    ("intensity-one-fen-short", app(fixed_investment_fen=10000 * WAN - 1), Verdict.REFUSED, "IP-03",
     "intensity.too_low", Severity.REFUSE, "= 999,999.99元/亩，低于一般行业1,000,000.00元/亩的要求"),
    # rule IP-03: an area with decimals: 3330万元 ÷ 33.3亩 = exactly 100万元/亩
    ("intensity-decimal-mu", app(fixed_investment_fen=3330 * WAN, land_mu=Decimal("33.3"), requests_own_land=False),
     Verdict.PASSES, "IP-03", "intensity.ok", Severity.INFO, "÷ 33.3亩 = 1,000,000.00元/亩"),
    # rule IP-03: 10000万元 ÷ 70亩 = 1,428,571.428…元/亩, shown cut to the fen
    ("intensity-repeating", app(fixed_investment_fen=10000 * WAN, land_mu=Decimal(70)), Verdict.PASSES,
     "IP-03", "intensity.ok", Severity.INFO, "= 1,428,571.42元/亩"),
    # rule IP-03: 95万元/亩 fails a general sector …
    ("intensity-low", app(fixed_investment_fen=9500 * WAN), Verdict.REFUSED, "IP-03", "intensity.too_low",
     Severity.REFUSE, "950,000.00元/亩，低于一般行业1,000,000.00元/亩"),
    # rule IP-03: … and passes a special sector (80万元/亩)
    ("intensity-special", app(fixed_investment_fen=9500 * WAN, special_sector=True), Verdict.PASSES,
     "IP-03", "intensity.ok", Severity.INFO, "达到特殊行业800,000.00元/亩"),
    ("intensity-special-low", app(fixed_investment_fen=7900 * WAN, special_sector=True), Verdict.REFUSED,
     "IP-03", "intensity.too_low", Severity.REFUSE, "790,000.00元/亩，低于特殊行业800,000.00元/亩"),
    # rule IP-05: a high-tech project short on intensity goes to the committee
    ("intensity-high-tech", app(fixed_investment_fen=9500 * WAN, high_tech=True), Verdict.NEEDS_DECISION,
     "IP-05", "intensity.relaxable", Severity.RELAXABLE, "省级以上高新技术项目投资额度可以放宽，须由园区管委会决定"),
    # rule IP-02: both capitals at least 1000万元, exactly 1000万元 passes
    ("capital-at-threshold", app(registered_capital_fen=1000 * WAN, paid_in_capital_fen=1000 * WAN),
     Verdict.PASSES, "IP-03", "intensity.ok", Severity.INFO, "达到"),
    ("registered-low", app(registered_capital_fen=999 * WAN), Verdict.REFUSED, "IP-02",
     "capital.registered_too_low", Severity.REFUSE, "注册资本9,990,000.00元，低于入园要求的10,000,000.00元"),
    ("paid-in-low", app(paid_in_capital_fen=1000 * WAN - 1), Verdict.REFUSED, "IP-02",
     "capital.paid_in_too_low", Severity.REFUSE, "实收资本9,999,999.99元，低于入园要求的10,000,000.00元"),
    # rule IP-05: high tech does not relax capital
    ("capital-high-tech", app(paid_in_capital_fen=500 * WAN, high_tech=True), Verdict.REFUSED, "IP-02",
     "capital.paid_in_too_low", Severity.REFUSE, "实收资本5,000,000.00元"),
    # rule IP-04: 4000万元 and 40 mu, asking for its own land: committee decision
    ("small-wants-land", app(fixed_investment_fen=4000 * WAN, land_mu=Decimal(40)), Verdict.NEEDS_DECISION,
     "IP-04", "land.own_land_requested", Severity.RELAXABLE,
     "固定资产投资40,000,000.00元（低于50,000,000.00元）且用地40亩（小于50亩）：原则上不单独供地"),
    # rule IP-04: the same project going into a standard factory passes
    ("small-factory", app(fixed_investment_fen=4000 * WAN, land_mu=Decimal(40), requests_own_land=False),
     Verdict.PASSES, "IP-04", "land.standard_factory", Severity.INFO, "进驻标准化工业厂房"),
    # rule IP-05: a high-tech small project asking for land: relaxable under IP-05
    ("small-high-tech", app(fixed_investment_fen=4000 * WAN, land_mu=Decimal(40), high_tech=True),
     Verdict.NEEDS_DECISION, "IP-05", "land.own_land_relaxable", Severity.RELAXABLE, "投资额度可以放宽"),
    # rule IP-06
    ("high-pollution", app(high_pollution=True), Verdict.REFUSED, "IP-06", "profile.high_pollution",
     Severity.REFUSE, "高污染企业不得入园"),
    ("high-energy", app(high_energy=True), Verdict.REFUSED, "IP-06", "profile.high_energy",
     Severity.REFUSE, "高耗能企业不得入园"),
    ("low-output", app(low_output=True), Verdict.REFUSED, "IP-06", "profile.low_output",
     Severity.REFUSE, "低产出企业不得入园"),
    ("banned-process", app(banned_process=True), Verdict.REFUSED, "IP-06", "profile.banned_process",
     Severity.REFUSE, "国家明令禁止和淘汰的生产工艺及设备不得入园"),
    # rule IP-06: high tech relaxes nothing here
    ("banned-high-tech", app(banned_process=True, high_tech=True), Verdict.REFUSED, "IP-06",
     "profile.banned_process", Severity.REFUSE, "不得入园"),
    # rule IP-07: one missing document blocks the review
    ("missing-credit", app(documents=ALL_DOCS - {Document.CREDIT_PROOF}), Verdict.BLOCKED, "IP-07",
     "documents.missing.credit_proof", Severity.BLOCK, "缺少申请材料：银行提供的资信证明或有效资产证明；材料不全，不能进入入园评审"),
    ("missing-prior-approval", app(documents=ALL_DOCS - {Document.PRIOR_APPROVAL}), Verdict.BLOCKED, "IP-07",
     "documents.missing.prior_approval", Severity.BLOCK, "前置审批项目批准文件或生产经营许可证"),
    # rule IP-07: blocked outranks refused
    ("missing-and-refused", app(documents=frozenset(), high_energy=True), Verdict.BLOCKED, "IP-06",
     "profile.high_energy", Severity.REFUSE, "高耗能"),
    # rule IP-01: outside the sub-park's focus is flagged for the committee
    ("outside-focus", app(sector="纺织"), Verdict.NEEDS_DECISION, "IP-01", "sector.outside_focus", Severity.FLAG,
     "项目行业“纺织”不在汽车产业城的重点发展方向（机械加工制造、汽车整装、汽车零配件加工）内"),
    ("no-focus-configured", app(sector="纺织", focus_sectors=frozenset()), Verdict.PASSES, "IP-03",
     "intensity.ok", Severity.INFO, "达到"),
    # rule IP-01: an unmet general criterion refuses
    ("criterion-env", app(unmet_criteria=frozenset({Criterion.ENVIRONMENT_SAFETY})), Verdict.REFUSED, "IP-01",
     "criteria.environment_safety", Severity.REFUSE, "不符合环境保护和安全生产要求，不得入园"),
    ("criterion-funding", app(unmet_criteria=frozenset({Criterion.FUNDING})), Verdict.REFUSED, "IP-01",
     "criteria.funding", Severity.REFUSE, "资金来源不明确"),
]
# fmt: on


@pytest.mark.parametrize(
    ("application", "verdict", "rule", "code", "severity", "text"),
    [pytest.param(*row[1:], id=row[0]) for row in SCREENING],
)
def test_screen(
    application: Application,
    verdict: Verdict,
    rule: str,
    code: str,
    severity: Severity,
    text: str,
) -> None:
    result = screen(application)
    assert result.verdict is verdict
    finding = result.finding(code)
    assert finding is not None, result.codes()
    assert finding.rule == rule
    assert finding.severity is severity
    assert text in finding.message


def test_screen_sound_application_has_only_the_intensity_note() -> None:
    # rule IP-03: nothing to say but the computed intensity
    result = screen(GOOD)
    assert result.codes() == ("intensity.ok",)
    assert result.intensity_fen_per_mu == Fraction(120 * WAN)
    assert result.land_supply is LandSupply.OWN_LAND


def test_screen_intensity_is_exact() -> None:
    # rule IP-03: 10000万元 ÷ 70亩 kept as an exact fraction
    result = screen(app(fixed_investment_fen=10000 * WAN, land_mu=Decimal(70)))
    assert result.intensity_fen_per_mu == Fraction(10_000_000_000, 70)


@pytest.mark.parametrize(
    ("investment_wan", "mu", "supply"),
    [
        pytest.param(4999, "49.99", LandSupply.STANDARD_FACTORY, id="both-under"),
        pytest.param(5000, "40", LandSupply.OWN_LAND, id="investment-at-5000-wan"),
        pytest.param(6000, "30", LandSupply.OWN_LAND, id="dense-big-investment"),
        pytest.param(4500, "50", LandSupply.OWN_LAND, id="land-at-50-mu"),
    ],
)
def test_standard_factory_needs_both_conditions(
    investment_wan: int, mu: str, supply: LandSupply
) -> None:
    # rule IP-04: "5000万元以下和用地小于50亩" read as *and*: both must hold
    result = screen(
        app(fixed_investment_fen=investment_wan * WAN, land_mu=Decimal(mu), special_sector=True)
    )
    assert result.land_supply is supply
    has_note = any(f.rule == "IP-04" for f in result.findings)
    assert has_note is (supply is LandSupply.STANDARD_FACTORY)


def test_screen_lists_every_missing_document() -> None:
    # rule IP-07
    result = screen(app(documents=frozenset({Document.APPLICATION, Document.FEASIBILITY})))
    assert result.verdict is Verdict.BLOCKED
    missing = [f.code for f in result.findings if f.rule == "IP-07"]
    assert missing == [
        "documents.missing.licence_and_id",
        "documents.missing.credit_proof",
        "documents.missing.prior_approval",
    ]


def test_screen_rejects_impossible_input() -> None:
    with pytest.raises(InvalidInput) as err:
        screen(app(land_mu=Decimal(0)))
    assert err.value.code == "land.mu_not_positive"
    with pytest.raises(InvalidInput) as err:
        screen(app(fixed_investment_fen=-1))
    assert err.value.code == "land.negative_amount"


@given(
    docs=st.frozensets(st.sampled_from(Document)),
    capital=st.integers(0, 5000 * WAN),
    investment=st.integers(0, 50_000 * WAN),
    mu=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2),
    flags=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_screen_verdict_is_the_worst_finding(
    docs: frozenset[Document], capital: int, investment: int, mu: Decimal, flags: list[bool]
) -> None:
    # rules IP-02, IP-03, IP-06, IP-07: blocked iff a document is missing; refused iff a refusal
    result = screen(
        app(
            documents=docs,
            registered_capital_fen=capital,
            fixed_investment_fen=investment,
            land_mu=mu,
            high_tech=flags[0],
            special_sector=flags[1],
            high_pollution=flags[2],
            banned_process=flags[3],
            requests_own_land=flags[4],
            sector="汽车整装" if flags[5] else "纺织",
        )
    )
    severities = {f.severity for f in result.findings}
    assert (result.verdict is Verdict.BLOCKED) is (docs != ALL_DOCS)
    if docs == ALL_DOCS:
        assert (result.verdict is Verdict.REFUSED) is (Severity.REFUSE in severities)
    if capital < 1000 * WAN:
        assert result.finding("capital.registered_too_low") is not None
    minimum = (80 if flags[1] else 100) * WAN
    assert (result.finding("intensity.ok") is not None) is (investment >= minimum * mu)


# == IP-08: workflow ==============================================================================


def test_workflow_in_order() -> None:
    # rule IP-08: each step may be recorded once its predecessors are done
    done: list[Step] = []
    for step in STEPS:
        assert next_step(done) is step
        check_step(step, done=done)
        done.append(step)
    assert next_step(done) is None


@pytest.mark.parametrize(
    ("step", "done", "code", "text"),
    [
        pytest.param(
            Step.CONSTRUCTION,
            STEPS[:4],
            "workflow.construction_without_land_right",
            "未依法取得土地使用权，不得开工建设",
            id="construction-before-land-right",
        ),
        pytest.param(
            Step.CONTRACT,
            (Step.APPLICATION,),
            "workflow.out_of_order",
            "须先完成“入园可行性评审”，才能登记“签订入园项目投资建设合同书”",
            id="contract-before-review",
        ),
        pytest.param(
            Step.PRODUCTION,
            STEPS[:5],
            "workflow.out_of_order",
            "须先完成“开工建设”",
            id="production-before-construction",
        ),
        pytest.param(
            Step.LAND_USE_RIGHT,
            STEPS[:5],
            "workflow.already_recorded",
            "“依法取得土地使用权”已经登记",
            id="twice",
        ),
    ],
)
def test_workflow_refusals(step: Step, done: tuple[Step, ...], code: str, text: str) -> None:
    # rule IP-08
    with pytest.raises(DomainError) as err:
        check_step(step, done=done)
    assert err.value.code == code
    assert text in err.value.message


# == IP-09: indicators ============================================================================

PRICE = 200_000 * 100  # land price 200,000.00元/亩, in fen


def reading(indicator: Indicator, standard: int, actual: int) -> IndicatorReading:
    return IndicatorReading(indicator, standard, actual)


def test_recompute_lowest_indicator_governs() -> None:
    # rule IP-09: ratios 0.8, 0.9, 1.1, 0.75 → output density (0.75) governs.
    # 50 mu × 0.75 = 37.5 mu kept, 12.5 mu excess; 12.5 × 200,000.00元 × 2 = 5,000,000.00元
    result = recompute_land(
        readings=[
            reading(Indicator.INVESTMENT_AMOUNT, 10000 * WAN, 8000 * WAN),
            reading(Indicator.INVESTMENT_INTENSITY, 200 * WAN, 180 * WAN),
            reading(Indicator.CONSTRUCTION_SPEED, 100, 110),
            reading(Indicator.OUTPUT_DENSITY, 400, 300),
        ],
        land_mu=Decimal(50),
        land_price_fen_per_mu=PRICE,
    )
    assert result.governing is Indicator.OUTPUT_DENSITY
    assert result.ratio == Fraction(3, 4)
    assert result.allowed_mu == Decimal("37.5")
    assert result.excess_mu == Decimal("12.5")
    assert result.charge_fen == 500_000_000
    assert [r.below for r in result.ratios] == [True, True, False, True]
    assert "多项指标未达标，以最低一项“产出密度”（达标率75.00%）核算用地" in result.message
    assert "合同用地50亩，核定用地37.5亩，多余用地12.5亩" in result.message
    assert "按土地出让价200,000.00元/亩的2倍收取土地出让金5,000,000.00元" in result.message


def test_recompute_rounding() -> None:
    # rule IP-09: 10 mu × 2/3 = 6.66666… → 6.6667 mu (half up, 0.0001 mu); excess 3.3333 mu.
    # 3.3333 × 1,234.57元 × 2 = 8,230.384362元 → 823,038 fen (half up to the fen)
    result = recompute_land(
        readings=[reading(Indicator.INVESTMENT_AMOUNT, 3, 2)],
        land_mu=Decimal(10),
        land_price_fen_per_mu=123_457,
    )
    assert result.allowed_mu == Decimal("6.6667")
    assert result.excess_mu == Decimal("3.3333")
    assert result.charge_fen == 823_038
    assert "该项指标未达标，以“投资额度”（达标率66.66%）" in result.message


def test_recompute_half_fen_rounds_up() -> None:
    # rule IP-09: 1 mu × 0.9999 → excess 0.0001 mu × 25.00元 × 2 = 0.005元 = 0.5 fen → 1 fen
    result = recompute_land(
        readings=[reading(Indicator.CONSTRUCTION_SPEED, 10_000, 9_999)],
        land_mu=Decimal(1),
        land_price_fen_per_mu=2_500,
    )
    assert result.excess_mu == Decimal("0.0001")
    assert result.charge_fen == 1


def test_recompute_all_met() -> None:
    # rule IP-09: at or above every standard: nothing recomputed, nothing charged
    result = recompute_land(
        readings=[reading(i, 100, 100) for i in Indicator],
        land_mu=Decimal(50),
        land_price_fen_per_mu=PRICE,
    )
    assert not result.shortfall
    assert (result.allowed_mu, result.excess_mu, result.charge_fen) == (Decimal(50), Decimal(0), 0)
    assert result.message == "各项指标均达到合同约定标准，无需核减用地"


@pytest.mark.parametrize(
    ("readings", "code"),
    [
        pytest.param(
            [reading(Indicator.OUTPUT_DENSITY, 0, 1)], "indicator.invalid", id="zero-standard"
        ),
        pytest.param(
            [reading(Indicator.OUTPUT_DENSITY, 1, -1)], "indicator.invalid", id="negative"
        ),
        pytest.param(
            [reading(Indicator.OUTPUT_DENSITY, 1, 1)] * 2, "indicator.duplicate", id="duplicate"
        ),
    ],
)
def test_recompute_rejects_bad_readings(readings: list[IndicatorReading], code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        recompute_land(readings=readings, land_mu=Decimal(1), land_price_fen_per_mu=1)
    assert err.value.code == code


@given(
    pairs=st.lists(
        st.tuples(st.integers(1, 10**9), st.integers(0, 2 * 10**9)), min_size=1, max_size=4
    ),
    mu=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(10_000), places=6),
    price=st.integers(0, 10**10),
)
def test_recompute_properties(pairs: list[tuple[int, int]], mu: Decimal, price: int) -> None:
    # rule IP-09: the kept land never exceeds the contract, the excess and charge are never
    # negative, kept + excess is the contracted land, and the charge is at most 2 × the price
    readings = [IndicatorReading(i, s, a) for i, (s, a) in zip(Indicator, pairs, strict=False)]
    result = recompute_land(readings=readings, land_mu=mu, land_price_fen_per_mu=price)
    assert 0 <= result.allowed_mu <= mu
    assert result.excess_mu >= 0
    assert result.allowed_mu + result.excess_mu == mu
    assert 0 <= result.charge_fen <= mu * price * 2 + 1
    assert result.shortfall is any(a < s for s, a in pairs)
    if not result.shortfall:
        assert result.charge_fen == 0


# == IP-10 … IP-13: timeline ======================================================================

# 50 mu at 200,000.00元/亩 = 10,000,000.00元 of land; 20% idle fee (configured) = 2,000,000.00元
RATE = SupervisionPolicy(idle_fee_rate=Decimal("0.20"))
IDLE_FEE = 200_000_000
BASE = LandProject(
    land_mu=Decimal(50),
    land_price_fen_per_mu=PRICE,
    contracted_start=date(2025, 3, 1),
    planned_floor_area_m2=Decimal(20_000),
    total_investment_fen=10_000 * WAN,
)
STARTED = replace(
    BASE,
    actual_start=date(2025, 3, 1),
    built_floor_area_m2=Decimal(5_000),  # 1/4 of the planned area: under 1/3
    invested_fen=3_000 * WAN,  # 30%
)


def codes(items: Any) -> list[tuple[date, str, Status]]:
    return [(d.day, d.code, d.status) for d in items]


def test_not_started() -> None:
    # rule IP-10: contracted start 2025-03-01; late from 03-02; three months end 06-01,
    # breach on 06-02
    items = timeline(BASE, date(2025, 4, 15))
    assert codes(items) == [
        (date(2025, 3, 2), "start.late", Status.OVERDUE),
        (date(2025, 6, 2), "start.breach", Status.FUTURE),
    ]
    assert "未按合同约定开工日2025年3月1日开工" in items[0].message
    assert "依法收取土地闲置费" in items[0].message
    assert items[1].rule == "IP-10"
    assert (
        "自合同约定开工日2025年3月1日起连续三个月（至2025年6月1日）未开工建设："
        "视为投资人违约，终止履行合同，收回项目用地"
    ) in items[1].message


def test_breach_falls_due() -> None:
    # rule IP-10: the daily job raises the breach on 2025-06-02, not the day before
    assert due_on(BASE, date(2025, 6, 1)) == ()
    (breach,) = due_on(BASE, date(2025, 6, 2))
    assert (breach.code, breach.status) == ("start.breach", Status.DUE)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        pytest.param(date(2025, 3, 1), [], id="on-time"),
        pytest.param(date(2025, 2, 20), [], id="early"),
        pytest.param(date(2025, 5, 20), ["start.late"], id="late-within-three-months"),
        pytest.param(date(2025, 6, 1), ["start.late"], id="last-day"),
        pytest.param(date(2025, 6, 2), ["start.late", "start.breach"], id="too-late"),
    ],
)
def test_start_dates(actual: date, expected: list[str]) -> None:
    # rule IP-10
    items = timeline(replace(BASE, actual_start=actual), date(2025, 12, 31))
    assert [d.code for d in items] == expected
    if expected:
        assert f"（实际开工{actual.year}年{actual.month}月{actual.day}日）" in items[0].message


def test_breach_at_month_end() -> None:
    # rule IP-10: from 2025-11-30, three months end on 2026-02-28 (no 30 Feb): breach 03-01
    items = timeline(replace(BASE, contracted_start=date(2025, 11, 30)), date(2025, 12, 1))
    assert items[-1].day == date(2026, 3, 1)
    assert "（至2026年2月28日）" in items[-1].message


def test_idle_twelve_months() -> None:
    # rule IP-11: started, 1/4 built, suspended without approval from 2025-07-10: the twelve
    # months end 2026-07-10, the fee (20% × 10,000,000.00元 = 2,000,000.00元) falls due 07-11;
    # idle two years with the investment unfinished: reclaim from 2027-07-11
    project = replace(STARTED, suspensions=(Suspension(date(2025, 7, 10)),))
    items = timeline(project, date(2026, 7, 11), policy=RATE)
    assert codes(items) == [
        (date(2026, 7, 11), "idle.fee", Status.DUE),
        (date(2027, 7, 11), "idle.two_years", Status.FUTURE),
    ]
    fee = items[0]
    assert fee.rule == "IP-11"
    assert fee.amount_fen == IDLE_FEE
    assert "自2025年7月10日起未经批准中止建设连续满十二个月" in fee.message
    assert "已建面积5000㎡/建设总面积20000㎡" in fee.message
    assert "限期缴纳土地闲置费2,000,000.00元，并限期复工" in fee.message
    assert "未完成投资额，土地闲置满二年：依法收回土地使用权" in items[1].message
    assert due_on(project, date(2026, 7, 11), policy=RATE) == (fee,)


def test_idle_fee_without_a_rate() -> None:
    # rule IP-11: the source names no rate: the amount stays open and the text says so
    project = replace(STARTED, suspensions=(Suspension(date(2025, 7, 10)),))
    fee = timeline(project, date(2026, 7, 11))[0]
    assert fee.amount_fen is None
    assert "费率未配置" in fee.message
    assert idle_fee(project, SupervisionPolicy()) is None


def test_idle_notice_deadlines() -> None:
    # rule IP-11: notice served: pay by 2026-08-19, resume by 2026-09-30; neither done
    notice = IdleNotice(date(2026, 7, 20), pay_by=date(2026, 8, 19), resume_by=date(2026, 9, 30))
    project = replace(STARTED, suspensions=(Suspension(date(2025, 7, 10), notice=notice),))
    items = timeline(project, date(2026, 8, 20), policy=RATE)
    assert codes(items) == [
        (date(2026, 7, 11), "idle.fee", Status.OVERDUE),
        (date(2026, 8, 20), "idle.fee_unpaid", Status.DUE),
        (date(2026, 10, 1), "idle.not_resumed", Status.FUTURE),
        (date(2027, 7, 11), "idle.two_years", Status.FUTURE),
    ]
    assert "逾期（缴纳期限2026年8月19日）未缴纳土地闲置费：依法收回土地使用权" in items[1].message
    assert items[1].amount_fen == IDLE_FEE
    assert "逾期（复工期限2026年9月30日）未复工建设" in items[2].message


def test_idle_notice_complied() -> None:
    # rule IP-11: paid on the last day and resumed on the last day: only the fee entry remains
    notice = IdleNotice(
        date(2026, 7, 20), date(2026, 8, 19), date(2026, 9, 30), paid_on=date(2026, 8, 19)
    )
    project = replace(
        STARTED, suspensions=(Suspension(date(2025, 7, 10), date(2026, 9, 30), notice=notice),)
    )
    assert [d.code for d in timeline(project, date(2026, 12, 1), policy=RATE)] == ["idle.fee"]
    settled = replace(
        project, settled=frozenset({deadline_key("IP-11", "idle.fee", date(2026, 7, 11))})
    )
    assert timeline(settled, date(2026, 12, 1), policy=RATE) == ()


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        pytest.param(
            replace(STARTED, suspensions=(Suspension(date(2025, 7, 10), date(2026, 7, 10)),)),
            [],
            id="back-on-last-day",
        ),
        pytest.param(
            replace(STARTED, suspensions=(Suspension(date(2025, 7, 10), date(2026, 7, 11)),)),
            ["idle.fee"],
            id="back-a-day-late",
        ),
        pytest.param(
            replace(STARTED, suspensions=(Suspension(date(2025, 7, 10), approved=True),)),
            [],
            id="approved",
        ),
        pytest.param(
            replace(
                STARTED,
                suspensions=(
                    Suspension(date(2025, 7, 10), date(2025, 12, 1)),
                    Suspension(date(2025, 12, 1), date(2026, 8, 1)),
                ),
            ),
            ["idle.fee"],
            id="touching-periods-join",
        ),
        pytest.param(
            replace(
                STARTED,
                suspensions=(
                    Suspension(date(2025, 7, 10), date(2025, 12, 1)),
                    Suspension(date(2025, 12, 2), date(2026, 8, 1)),
                ),
            ),
            [],
            id="a-day-of-work-breaks-the-run",
        ),
        pytest.param(
            replace(
                STARTED,
                built_floor_area_m2=Decimal(20_000) / 3,
                invested_fen=2_500 * WAN,
                suspensions=(Suspension(date(2025, 7, 10), date(2026, 8, 1)),),
            ),
            [],
            id="exactly-a-third-and-25-percent",
        ),
        pytest.param(
            replace(
                STARTED,
                built_floor_area_m2=Decimal(10_000),
                invested_fen=2_499 * WAN,
                suspensions=(Suspension(date(2025, 7, 10), date(2026, 8, 1)),),
            ),
            ["idle.fee"],
            id="investment-under-25-percent",
        ),
        pytest.param(
            replace(
                STARTED,
                built_floor_area_m2=Decimal(10_000),
                invested_fen=6_000 * WAN,
                suspensions=(Suspension(date(2025, 7, 10)),),
            ),
            ["idle.two_years"],
            id="advanced-but-idle-two-years",
        ),
        pytest.param(
            replace(
                STARTED,
                invested_fen=10_000 * WAN,
                built_floor_area_m2=Decimal(20_000),
                suspensions=(Suspension(date(2025, 7, 10)),),
            ),
            [],
            id="investment-complete",
        ),
    ],
)
def test_idle_conditions(project: LandProject, expected: list[str]) -> None:
    # rule IP-11: twelve consecutive unapproved months, slow progress; two years idle
    assert [d.code for d in timeline(project, date(2028, 1, 1), policy=RATE)] == expected


# Land-price relief, completed 2026-05-01, due to produce by 2026-06-30
RELIEF = replace(
    STARTED,
    land_price_relief=True,
    completed_on=date(2026, 5, 1),
    contracted_production=date(2026, 6, 30),
    appraised_value_fen={1: 900_000_001, 2: 1_000_000_000},
)


def test_relief_not_producing() -> None:
    # rule IP-12: year 1 from 2026-07-01: 50% of 9,000,000.01元 = 4,500,000.005元 → 450,000,001
    # fen (half up); year 2 from 2027-07-01: 100% of 10,000,000.00元; year 3: reclaim
    items = timeline(RELIEF, date(2026, 7, 1))
    assert codes(items) == [
        (date(2026, 7, 1), "relief.year1", Status.DUE),
        (date(2027, 7, 1), "relief.year2", Status.FUTURE),
        (date(2028, 7, 1), "relief.reclaim", Status.FUTURE),
    ]
    assert [d.amount_fen for d in items] == [450_000_001, 1_000_000_000, None]
    assert all(d.rule == "IP-12" for d in items)
    assert (
        "已竣工而未按期投产（应投产日2026年6月30日）：按该宗土地当年评估价的50%补缴土地出让金"
        in items[0].message
    )
    assert "（当年评估价9,000,000.01元）" in items[0].message
    assert "第二年仍未投产" in items[1].message and "100%" in items[1].message
    assert "收回土地使用权，建筑物等不动产评估作价拍卖" in items[2].message


@pytest.mark.parametrize(
    ("production", "expected"),
    [
        pytest.param(date(2026, 6, 30), [], id="on-time"),
        pytest.param(date(2026, 7, 1), ["relief.year1"], id="a-day-late"),
        pytest.param(date(2027, 6, 30), ["relief.year1"], id="within-year-one"),
        pytest.param(date(2027, 7, 1), ["relief.year1", "relief.year2"], id="into-year-two"),
        pytest.param(
            date(2028, 7, 1), ["relief.year1", "relief.year2", "relief.reclaim"], id="too-late"
        ),
    ],
)
def test_relief_production_dates(production: date, expected: list[str]) -> None:
    # rule IP-12
    project = replace(RELIEF, production_started=production)
    assert [d.code for d in timeline(project, date(2029, 1, 1))] == expected


def test_relief_edge_cases() -> None:
    # rule IP-12: no relief, or not completed: nothing; no contracted day: due on completion;
    # no appraisal yet: no amount; a leap-day due date moves to 28 Feb / 1 Mar
    assert timeline(replace(RELIEF, land_price_relief=False), date(2027, 1, 1)) == ()
    assert timeline(replace(RELIEF, completed_on=None), date(2027, 1, 1)) == ()
    first = timeline(replace(RELIEF, contracted_production=None), date(2027, 1, 1))[0]
    assert first.day == date(2026, 5, 2)
    unvalued = timeline(replace(RELIEF, appraised_value_fen={}), date(2027, 1, 1))[0]
    assert unvalued.amount_fen is None
    assert "当年评估价待评估" in unvalued.message
    leap = timeline(replace(RELIEF, contracted_production=date(2028, 2, 29)), date(2028, 1, 1))
    assert [d.day for d in leap] == [date(2028, 3, 1), date(2029, 3, 1), date(2030, 3, 1)]


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        pytest.param(None, [date(2026, 7, 16)], id="still-stopped"),
        pytest.param(date(2026, 7, 15), [], id="resumed-on-last-day"),
        pytest.param(date(2026, 7, 16), [date(2026, 7, 16)], id="resumed-too-late"),
    ],
)
def test_stopped_plant(end: date | None, expected: list[date]) -> None:
    # rule IP-12: stopped 2026-01-15, six months end 2026-07-15
    project = replace(
        BASE, actual_start=date(2025, 3, 1), stoppages=(Stoppage(date(2026, 1, 15), end),)
    )
    items = timeline(project, date(2026, 7, 16))
    assert [d.day for d in items] == expected
    for item in items:
        assert item.code == "stoppage.not_resumed"
        assert "自2026年1月15日停产，六个月内（至2026年7月15日）未恢复生产" in item.message
        assert "拍卖处理，并依法收取土地闲置费和建设用地有偿使用费" in item.message


def test_indicator_shortfall_in_timeline() -> None:
    # rule IP-09: a check on 2027-03-01 with a 75% output density charges 5,000,000.00元
    project = replace(
        STARTED,
        indicators=(reading(Indicator.OUTPUT_DENSITY, 400, 300),),
        indicators_checked_on=date(2027, 3, 1),
    )
    (item,) = timeline(project, date(2027, 3, 1))
    assert (item.rule, item.code, item.status) == ("IP-09", "indicators.shortfall", Status.DUE)
    assert item.amount_fen == 500_000_000


def test_correction_order() -> None:
    # rule IP-13: not corrected by 2026-03-31: demolition from 04-01; corrected in time: nothing
    order = CorrectionOrder("容积率不足", date(2026, 3, 1), date(2026, 3, 31))
    items = timeline(replace(STARTED, corrections=(order,)), date(2026, 4, 2))
    assert codes(items) == [(date(2026, 4, 1), "control.demolition", Status.OVERDUE)]
    assert (
        "违反建设控制指标（容积率不足），改正期限2026年3月31日，逾期未改正：强制拆除"
        in items[0].message
    )
    fixed = replace(order, corrected_on=date(2026, 3, 31))
    assert timeline(replace(STARTED, corrections=(fixed,)), date(2026, 4, 2)) == ()


def test_timeline_is_sorted_and_due_on_is_today() -> None:
    # rules IP-10 … IP-12: one project hitting several rules at once
    project = replace(
        RELIEF,
        suspensions=(Suspension(date(2025, 7, 10)),),
        stoppages=(Stoppage(date(2026, 1, 15)),),
    )
    items = timeline(project, date(2026, 7, 11), policy=RATE)
    assert [d.day for d in items] == sorted(d.day for d in items)
    assert {d.code for d in due_on(project, date(2026, 7, 11), policy=RATE)} == {"idle.fee"}
    assert [d.status for d in items if d.day < date(2026, 7, 11)] == [Status.OVERDUE]


def test_bad_periods_are_refused() -> None:
    with pytest.raises(InvalidInput):
        timeline(
            replace(STARTED, suspensions=(Suspension(date(2025, 7, 10), date(2025, 7, 10)),)),
            date(2026, 1, 1),
        )
    with pytest.raises(InvalidInput):
        timeline(
            replace(STARTED, stoppages=(Stoppage(date(2025, 7, 10), date(2025, 7, 1)),)),
            date(2026, 1, 1),
        )


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(
    start=days,
    today=days,
    actual=st.none() | days,
    suspended=st.none() | days,
    resumed=st.none() | days,
    producing=st.none() | days,
)
def test_timeline_properties(
    start: date,
    today: date,
    actual: date | None,
    suspended: date | None,
    resumed: date | None,
    producing: date | None,
) -> None:
    # rules IP-10 … IP-12: sorted by day; status agrees with today; due_on is the day's share
    suspensions: tuple[Suspension, ...] = ()
    if suspended is not None and (resumed is None or resumed > suspended):
        suspensions = (Suspension(suspended, resumed),)
    project = replace(
        RELIEF,
        contracted_start=start,
        actual_start=actual,
        suspensions=suspensions,
        production_started=producing,
    )
    items = timeline(project, today, policy=RATE)
    assert [d.day for d in items] == sorted(d.day for d in items)
    for item in items:
        expected = (
            Status.OVERDUE
            if item.day < today
            else Status.DUE
            if item.day == today
            else Status.FUTURE
        )
        assert item.status is expected
        assert item.amount_fen is None or item.amount_fen >= 0
    assert due_on(project, today, policy=RATE) == tuple(d for d in items if d.day == today)


@given(day=days, months=st.integers(0, 120))
def test_add_months(day: date, months: int) -> None:
    # the corresponding day, or the month's last day when there is none (民法典 第二百零二条)
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last)


# == IP-13: control indicators ====================================================================

# sector 36 (专用设备, plot ratio ≥ 0.7) on 10,000 m²: 0.8, 35% cover, 15% green, 5% admin
PLAN = SitePlan(
    sector_code="36",
    land_area_m2=Decimal(10_000),
    floor_area_m2=Decimal(8_000),
    footprint_m2=Decimal(3_500),
    green_area_m2=Decimal(1_500),
    admin_living_area_m2=Decimal(500),
)


@pytest.mark.parametrize(
    ("plan", "limits", "code", "text"),
    [
        pytest.param(
            replace(PLAN, floor_area_m2=Decimal(6_999)),
            None,
            "control.plot_ratio_low",
            "容积率0.69，低于该行业下限0.7",
            id="plot-ratio",
        ),
        pytest.param(
            replace(PLAN, footprint_m2=Decimal(2_999)),
            None,
            "control.coverage_low",
            "建筑系数29.99%，低于下限30.00%",
            id="coverage",
        ),
        pytest.param(
            PLAN,
            ControlLimits(min_building_coverage=Decimal("0.40")),
            "control.coverage_low",
            "建筑系数35.00%，低于下限40.00%",
            id="coverage-2023",
        ),
        pytest.param(
            replace(PLAN, admin_living_area_m2=Decimal(701)),
            None,
            "control.admin_high",
            "行政办公及生活服务设施用地比例7.01%，超过上限7.00%",
            id="admin",
        ),
        pytest.param(
            replace(PLAN, green_area_m2=Decimal(2_001)),
            None,
            "control.green_high",
            "绿地率20.01%，超过上限20.00%",
            id="green",
        ),
        pytest.param(
            replace(PLAN, sector_code="99"),
            None,
            "control.plot_ratio_unknown",
            "行业代码99未配置容积率下限",
            id="unknown-sector",
        ),
        pytest.param(
            replace(PLAN, uses=frozenset({NonProductiveUse.HOUSING})),
            None,
            "use.housing",
            "工业用地范围内不得建造住宅",
            id="housing",
        ),
        pytest.param(
            replace(PLAN, uses=frozenset({NonProductiveUse.HOTEL})),
            None,
            "use.hotel",
            "不得建造宾馆",
            id="hotel",
        ),
        pytest.param(
            replace(PLAN, uses=frozenset({NonProductiveUse.TRAINING_CENTRE})),
            None,
            "use.training_centre",
            "不得建造培训中心",
            id="training",
        ),
        pytest.param(
            replace(PLAN, uses=frozenset({NonProductiveUse.DWELLING_STYLE_FACTORY})),
            None,
            "use.dwelling_style_factory",
            "不得建造民房式的厂房",
            id="dwelling-style",
        ),
    ],
)
def test_controls_violations(
    plan: SitePlan, limits: ControlLimits | None, code: str, text: str
) -> None:
    # rule IP-13
    (finding,) = check_controls(plan, limits)
    assert finding.rule == "IP-13"
    assert finding.code == code
    assert text in finding.message
    if code != "control.plot_ratio_unknown":
        assert finding.severity is Severity.REFUSE
        assert "须限期改正；逾期不改正或整改不到位的，强制拆除建筑物或构筑物" in finding.message


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param(PLAN, id="sound"),
        pytest.param(
            replace(
                PLAN,
                floor_area_m2=Decimal(7_000),
                footprint_m2=Decimal(3_000),
                admin_living_area_m2=Decimal(700),
                green_area_m2=Decimal(2_000),
            ),
            id="every-limit-exactly",
        ),
    ],
)
def test_controls_pass(plan: SitePlan) -> None:
    # rule IP-13: limits are inclusive
    assert check_controls(plan) == ()


# == IP-14: reports and notice ====================================================================


def test_monthly_reports() -> None:
    # rule IP-14: monthly, due on the 10th of the next month
    schedule = ReportSchedule(ReportPeriod.MONTHLY, due_day=10)
    result = report_status(
        schedule,
        since=date(2026, 1, 5),
        today=date(2026, 4, 10),
        filed={date(2026, 1, 1): date(2026, 2, 10), date(2026, 2, 1): date(2026, 3, 12)},
    )
    assert [(r.period_start, r.due, r.status) for r in result] == [
        (date(2026, 1, 1), date(2026, 2, 10), ReportStatus.FILED),
        (date(2026, 2, 1), date(2026, 3, 10), ReportStatus.FILED_LATE),
        (date(2026, 3, 1), date(2026, 4, 10), ReportStatus.DUE),
    ]
    assert [r.overdue for r in result] == [False, True, False]
    assert (
        result[1].message
        == "2026年2月1日至2026年2月28日的月报应于2026年3月10日前报送，2026年3月12日逾期报送"
    )
    later = report_status(schedule, since=date(2026, 3, 1), today=date(2026, 4, 11), filed={})
    assert later[0].status is ReportStatus.OVERDUE
    assert "已逾期未报" in later[0].message


@pytest.mark.parametrize(
    ("schedule", "period_start", "due"),
    [
        pytest.param(
            ReportSchedule(ReportPeriod.MONTHLY, 31),
            date(2026, 1, 1),
            date(2026, 2, 28),
            id="clamped",
        ),
        pytest.param(
            ReportSchedule(ReportPeriod.MONTHLY, 31),
            date(2027, 12, 1),
            date(2028, 1, 31),
            id="year-end",
        ),
        pytest.param(
            ReportSchedule(ReportPeriod.QUARTERLY, 15),
            date(2025, 10, 1),
            date(2026, 1, 15),
            id="q4",
        ),
        pytest.param(
            ReportSchedule(ReportPeriod.ANNUAL, 31, months_after=3),
            date(2025, 1, 1),
            date(2026, 3, 31),
            id="annual",
        ),
    ],
)
def test_report_due_dates(schedule: ReportSchedule, period_start: date, due: date) -> None:
    # rule IP-14
    assert report_due_date(schedule, period_start) == due


def test_quarterly_periods_start_at_the_quarter() -> None:
    # rule IP-14: since 2025-11-20 → the quarter from 2025-10-01; Q1 2026 has not ended on 03-31
    schedule = ReportSchedule(ReportPeriod.QUARTERLY, 15)
    result = report_status(schedule, since=date(2025, 11, 20), today=date(2026, 3, 31), filed={})
    assert [(r.period_start, r.period_end, r.status) for r in result] == [
        (date(2025, 10, 1), date(2025, 12, 31), ReportStatus.OVERDUE)
    ]
    assert "季报" in result[0].message


def test_bad_schedule() -> None:
    with pytest.raises(InvalidInput):
        ReportSchedule(ReportPeriod.MONTHLY, 0)


@pytest.mark.parametrize(
    ("notified", "written", "code", "text"),
    [
        pytest.param(date(2026, 5, 9), True, None, "", id="day-before"),
        pytest.param(
            date(2026, 5, 10),
            True,
            "notice.late",
            "书面告知日期2026年5月10日不早于决定日期2026年5月10日",
            id="same-day",
        ),
        pytest.param(
            date(2026, 5, 20), True, "notice.late", "应在作出决定前告知园区管委会", id="after"
        ),
        pytest.param(None, True, "notice.missing", "企业合并未事先书面告知园区管委会", id="none"),
        pytest.param(date(2026, 5, 1), False, "notice.not_written", "应以书面形式告知", id="oral"),
    ],
)
def test_prior_notice(notified: date | None, written: bool, code: str | None, text: str) -> None:
    # rule IP-14: merger, split or deregistration notified in writing before the decision
    finding = check_prior_notice(
        change=CorporateChange.MERGER,
        decided_on=date(2026, 5, 10),
        notified_on=notified,
        written=written,
    )
    if code is None:
        assert finding is None
        return
    assert finding is not None
    assert (finding.rule, finding.code) == ("IP-14", code)
    assert text in finding.message
