"""Industrial-park admission and land supervision (SPEC §9, IP-01 … IP-14; source T1).

Four parts, each pure: plain facts in, results out; nothing reads the clock, the database or the
settings.

* ``screen(application)`` checks an admission application against T1 第十二条/第十三条 and
  returns findings (rule, code, severity, Chinese explanation with the numbers) and a verdict.
  ``check_step`` guards the admission workflow of 第十四条 … 第二十四条 (IP-08).
* ``recompute_land`` (IP-09) and ``timeline`` / ``due_on`` (IP-09 … IP-13) supervise the land of
  a project after the contract: 第二十二条, 第二十五条, 第二十七条.
* ``check_controls`` (IP-13) checks the construction control indicators of 第二十七条 against
  configurable limits; the defaults come from the national standard 《工业项目建设用地控制指标》
  (国土资发〔2008〕24号), because the source only says "执行国家的控制性标准".
* ``report_status`` and ``check_prior_notice`` (IP-14): 第十六条(三) and 第十七条.

Money is integer fen. Areas in mu and m² are ``Decimal``; ratios are computed exactly with
``Fraction`` and rounded only where a number is shown or charged (each place says how).

Periods follow 《民法典》第二百零一条/第二百零二条: the day an event happens is not counted; a
period of n months or years ends on the corresponding day, or on the last day of the month when
that day does not exist (31 Jan + 1 month → 28/29 Feb; 29 Feb + 1 year → 28 Feb). The
consequence of a missed period takes effect on the day after its last day; that day is what the
timeline shows.

Readings of the source that are choices, not quotations:

* IP-04 "固定资产投资5000万元以下和用地小于50亩的项目原则不单独供地": "和" is read as *and*
  (both conditions). Under IP-03 an investment below 50,000,000 CNY on 50 mu or more is below
  1,000,000 CNY/mu anyway, so *and* only differs from *or* for a dense project (e.g. 60,000,000
  CNY on 30 mu), which keeps its own land. "以下" is read as *under*, as SPEC says (the legal
  convention of 《民法典》第一千二百五十九条 would include 50,000,000 itself). "原则" makes the
  outcome a committee decision when the applicant asks for land of its own, not a refusal.
* IP-05 "投资额度可以放宽" relaxes the investment figures (IP-03 intensity, IP-04 amount) of a
  provincial-or-higher high-tech project; it does not relax the capital of IP-02.
* IP-11: the source names a 土地闲置费 but no rate and no length for "限期". The rate is
  ``SupervisionPolicy.idle_fee_rate`` (no default: 《闲置土地处置办法》 uses 20% of the land
  price, which is national law, not this source); the deadlines are the ones written in the
  notice actually served (``IdleNotice``). The "< 1/3 built or < 25% invested" test uses the
  latest reported progress. Only suspensions without approval count, for the twelve months of
  第二十五条(四) and for the two idle years of 第二十二条 alike.
* IP-10: besides the three-month breach of 第二十五条(四), a start later than the contracted
  day is listed on its own (第二十五条(三): idle-land fee "依法", no amount here).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from gatehouse.core.errors import DomainError, InvalidInput

# -- shared helpers ------------------------------------------------------------------------------

ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later, or the month's last day if there is none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_last_day(start: date, months: int) -> date:
    """The last day of a period of ``months`` counted from the event on ``start`` (民法典 202)."""
    return add_months(start, months)


def _after_period(start: date, months: int) -> date:
    """The first day past the period: when the consequence of a missed period takes effect."""
    return period_last_day(start, months) + ONE_DAY


def round_half_up(value: Fraction) -> int:
    """Round to an integer, halves away from zero (四舍五入)."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * math.floor(magnitude + Fraction(1, 2))


def _round_places(value: Fraction, places: int) -> Decimal:
    """Round half up to ``places`` decimals, exactly (no Decimal context involved)."""
    return Decimal(round_half_up(value * 10**places)).scaleb(-places)


def _truncate_places(value: Fraction, places: int) -> Decimal:
    """Cut to ``places`` decimals towards zero: a shown figure never crosses a threshold."""
    return Decimal(math.trunc(value * 10**places)).scaleb(-places)


def yuan(fen: int) -> str:
    """Fen as yuan with thousands separators: ``123456789`` → ``1,234,567.89元``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}元"


def _yuan_fraction(fen: Fraction) -> str:
    """A fen amount that may have a fraction, truncated to the fen for display."""
    return yuan(int(_truncate_places(fen, 0)))


def _percent(ratio: Fraction) -> str:
    return f"{_truncate_places(ratio * 100, 2)}%"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _mu(value: Decimal) -> str:
    return f"{value.normalize():f}亩"


class Severity(StrEnum):
    """How much a finding weighs."""

    BLOCK = "block"  # the review cannot go on until it is fixed (a missing document)
    REFUSE = "refuse"  # a rule says no
    RELAXABLE = "relaxable"  # a rule says no, but the source lets the committee relax it
    FLAG = "flag"  # a concern the committee must look at
    INFO = "info"  # a computed figure or an outcome, for the record


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    code: str
    severity: Severity
    message: str


# == IP-01 … IP-07: admission screening ===========================================================


class Document(StrEnum):
    """The five application documents of 第十三条 (IP-07)."""

    APPLICATION = "application"  # 入园申请书或投资总额承诺书
    FEASIBILITY = "feasibility"  # 项目建议书和可行性研究报告
    LICENCE_AND_ID = "licence_and_id"  # 营业执照原件及复印件及投资人身份证明文件
    CREDIT_PROOF = "credit_proof"  # 银行资信证明或有效资产证明
    PRIOR_APPROVAL = "prior_approval"  # 前置审批项目批准文件或生产经营许可证


DOCUMENT_LABELS: dict[Document, str] = {
    Document.APPLICATION: "入园申请书或投资总额承诺书",
    Document.FEASIBILITY: "项目建议书和可行性研究报告",
    Document.LICENCE_AND_ID: "企业营业执照原件及复印件及投资人身份证明文件",
    Document.CREDIT_PROOF: "银行提供的资信证明或有效资产证明",
    Document.PRIOR_APPROVAL: "有效的前置审批项目批准文件或生产经营许可证",
}


class Criterion(StrEnum):
    """The general admission criteria of 第十二条(一)…(五) (IP-01), as assessed by a clerk."""

    INDUSTRIAL_POLICY = "industrial_policy"  # 国家产业政策和行业准入标准
    LOCAL_PLAN = "local_plan"  # 市、区产业发展规划
    ENVIRONMENT_SAFETY = "environment_safety"  # 环境保护和安全生产要求
    FUNDING = "funding"  # 资金保障，资金来源明确


CRITERION_LABELS: dict[Criterion, str] = {
    Criterion.INDUSTRIAL_POLICY: "不符合国家产业政策和行业准入标准",
    Criterion.LOCAL_PLAN: "不符合市、区产业发展规划",
    Criterion.ENVIRONMENT_SAFETY: "不符合环境保护和安全生产要求",
    Criterion.FUNDING: "无相应资金保障或资金来源不明确",
}


class Verdict(StrEnum):
    BLOCKED = "blocked"  # a document is missing: the review cannot proceed (IP-07)
    REFUSED = "refused"
    NEEDS_DECISION = "needs_decision"  # the park committee must decide (relaxation, flags)
    PASSES = "passes"


class LandSupply(StrEnum):
    OWN_LAND = "own_land"  # 单独供地
    STANDARD_FACTORY = "standard_factory"  # 进驻标准化工业厂房 (IP-04)


# T1 第九条: the sub-parks and their focus, as seed data for a site (keys are sector labels).
SUB_PARK_FOCUS: dict[str, frozenset[str]] = {
    "富硒食品园": frozenset({"富硒食品"}),
    "现代物流园": frozenset({"现代物流", "物流相关加工"}),
    "综合产业园": frozenset({"电子加工", "电器加工", "农副产品加工"}),
    "新型材料园": frozenset({"新型材料"}),
    "汽车产业城": frozenset({"汽车零配件加工", "汽车整装", "机械加工制造"}),
}


@dataclass(frozen=True, slots=True)
class Application:
    """What an admission application says, as plain values."""

    registered_capital_fen: int
    paid_in_capital_fen: int
    fixed_investment_fen: int  # fixed-asset investment, land acquisition cost excluded
    land_mu: Decimal  # land asked for
    sector: str
    documents: frozenset[Document]
    sub_park: str = ""
    focus_sectors: frozenset[str] = frozenset()  # the sub-park's focus; empty: not checked
    special_sector: bool = False  # 特殊行业 (IP-03 lower intensity)
    high_tech: bool = False  # provincial-or-higher high-tech project (IP-05)
    high_pollution: bool = False
    high_energy: bool = False
    low_output: bool = False
    banned_process: bool = False  # process or equipment banned or phased out by the state
    unmet_criteria: frozenset[Criterion] = frozenset()  # IP-01 criteria found unmet
    requests_own_land: bool = True


@dataclass(frozen=True, slots=True)
class AdmissionPolicy:
    """The thresholds of 第十二条(六), in fen; a park may configure its own."""

    min_capital_fen: int = 1_000_000_000  # 1000万元
    min_intensity_fen_per_mu: int = 100_000_000  # 100万元/亩
    min_intensity_special_fen_per_mu: int = 80_000_000  # 80万元/亩
    standard_factory_investment_fen: int = 5_000_000_000  # 5000万元
    standard_factory_mu: Decimal = Decimal(50)


@dataclass(frozen=True, slots=True)
class Screening:
    verdict: Verdict
    findings: tuple[Finding, ...]
    land_supply: LandSupply
    intensity_fen_per_mu: Fraction  # exact; shown truncated to the fen

    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    def finding(self, code: str) -> Finding | None:
        return next((f for f in self.findings if f.code == code), None)


def screen(application: Application, policy: AdmissionPolicy | None = None) -> Screening:
    """Check an application against IP-01 … IP-07; every failing rule yields a finding.

    Unlike the gate, screening does not stop at the first failure: the committee sees every
    finding at once. The verdict is the worst of them: a missing document blocks the review,
    any refusal refuses, a relaxable or flagged finding needs the committee's decision.
    """
    policy = policy or AdmissionPolicy()
    app = application
    if app.land_mu <= 0:
        raise InvalidInput("land.mu_not_positive", "用地面积必须大于0亩", {"land_mu": app.land_mu})
    for name in ("registered_capital_fen", "paid_in_capital_fen", "fixed_investment_fen"):
        if getattr(app, name) < 0:
            raise InvalidInput("land.negative_amount", "金额不能为负数", {"field": name})

    findings: list[Finding] = []
    findings += _documents(app)
    findings += _criteria(app)
    findings += _capital(app, policy)
    intensity = Fraction(app.fixed_investment_fen) / Fraction(app.land_mu)
    findings += _intensity(app, policy, intensity)
    supply, supply_findings = _land_supply(app, policy)
    findings += supply_findings
    findings += _banned_profile(app)
    return Screening(_verdict(findings), tuple(findings), supply, intensity)


def _verdict(findings: Iterable[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if Severity.BLOCK in severities:
        return Verdict.BLOCKED
    if Severity.REFUSE in severities:
        return Verdict.REFUSED
    if severities & {Severity.RELAXABLE, Severity.FLAG}:
        return Verdict.NEEDS_DECISION
    return Verdict.PASSES


def _documents(app: Application) -> list[Finding]:  # rule IP-07
    return [
        Finding(
            "IP-07",
            f"documents.missing.{doc.value}",
            Severity.BLOCK,
            f"缺少申请材料：{DOCUMENT_LABELS[doc]}；材料不全，不能进入入园评审",
        )
        for doc in Document
        if doc not in app.documents
    ]


def _criteria(app: Application) -> list[Finding]:  # rule IP-01
    findings = [
        Finding("IP-01", f"criteria.{c.value}", Severity.REFUSE, f"{CRITERION_LABELS[c]}，不得入园")
        for c in Criterion
        if c in app.unmet_criteria
    ]
    if app.focus_sectors and app.sector not in app.focus_sectors:
        park = app.sub_park or "所选园区"
        focus = "、".join(sorted(app.focus_sectors))
        findings.append(
            Finding(
                "IP-01",
                "sector.outside_focus",
                Severity.FLAG,
                f"项目行业“{app.sector}”不在{park}的重点发展方向（{focus}）内，"
                "是否符合工业园区产业发展规划须由园区管委会研究",
            )
        )
    return findings


def _capital(app: Application, policy: AdmissionPolicy) -> list[Finding]:  # rule IP-02
    findings = []
    for code, label, amount in (
        ("capital.registered_too_low", "注册资本", app.registered_capital_fen),
        ("capital.paid_in_too_low", "实收资本", app.paid_in_capital_fen),
    ):
        if amount < policy.min_capital_fen:
            findings.append(
                Finding(
                    "IP-02",
                    code,
                    Severity.REFUSE,
                    f"{label}{yuan(amount)}，低于入园要求的{yuan(policy.min_capital_fen)}",
                )
            )
    return findings


def _intensity(
    app: Application, policy: AdmissionPolicy, intensity: Fraction
) -> list[Finding]:  # rules IP-03, IP-05
    if app.special_sector:
        minimum, kind = policy.min_intensity_special_fen_per_mu, "特殊行业"
    else:
        minimum, kind = policy.min_intensity_fen_per_mu, "一般行业"
    computed = (
        f"投资强度 = 固定资产投资{yuan(app.fixed_investment_fen)} ÷ {_mu(app.land_mu)}"
        f" = {_yuan_fraction(intensity)}/亩"
    )
    if intensity >= minimum:
        return [
            Finding(
                "IP-03",
                "intensity.ok",
                Severity.INFO,
                f"{computed}，达到{kind}{yuan(minimum)}/亩的要求（不含征地费用）",
            )
        ]
    if app.high_tech:
        return [
            Finding(
                "IP-05",
                "intensity.relaxable",
                Severity.RELAXABLE,
                f"{computed}，低于{kind}{yuan(minimum)}/亩；省级以上高新技术项目投资额度"
                "可以放宽，须由园区管委会决定",
            )
        ]
    return [
        Finding(
            "IP-03",
            "intensity.too_low",
            Severity.REFUSE,
            f"{computed}，低于{kind}{yuan(minimum)}/亩的要求（不含征地费用）",
        )
    ]


def _land_supply(
    app: Application, policy: AdmissionPolicy
) -> tuple[LandSupply, list[Finding]]:  # rules IP-04, IP-05
    small = (
        app.fixed_investment_fen < policy.standard_factory_investment_fen
        and app.land_mu < policy.standard_factory_mu
    )
    if not small:
        return LandSupply.OWN_LAND, []
    facts = (
        f"固定资产投资{yuan(app.fixed_investment_fen)}（低于"
        f"{yuan(policy.standard_factory_investment_fen)}）且用地{_mu(app.land_mu)}（小于"
        f"{_mu(policy.standard_factory_mu)}）"
    )
    if not app.requests_own_land:
        message = f"{facts}：原则上不单独供地，进驻标准化工业厂房"
        return LandSupply.STANDARD_FACTORY, [
            Finding("IP-04", "land.standard_factory", Severity.INFO, message)
        ]
    if app.high_tech:
        message = (
            f"{facts}：原则上不单独供地；省级以上高新技术项目投资额度可以放宽，"
            "是否单独供地须由园区管委会决定"
        )
        return LandSupply.STANDARD_FACTORY, [
            Finding("IP-05", "land.own_land_relaxable", Severity.RELAXABLE, message)
        ]
    message = f"{facts}：原则上不单独供地，应进驻标准化工业厂房；申请单独供地须由园区管委会决定"
    return LandSupply.STANDARD_FACTORY, [
        Finding("IP-04", "land.own_land_requested", Severity.RELAXABLE, message)
    ]


def _banned_profile(app: Application) -> list[Finding]:  # rule IP-06
    profile = (
        ("profile.high_pollution", app.high_pollution, "高污染企业不得入园"),
        ("profile.high_energy", app.high_energy, "高耗能企业不得入园"),
        ("profile.low_output", app.low_output, "低产出企业不得入园"),
        (
            "profile.banned_process",
            app.banned_process,
            "国家明令禁止和淘汰的生产工艺及设备不得入园",
        ),
    )
    return [Finding("IP-06", code, Severity.REFUSE, text) for code, hit, text in profile if hit]


# == IP-08: the admission workflow ================================================================


class Step(StrEnum):
    APPLICATION = "application"
    FEASIBILITY_REVIEW = "feasibility_review"
    CONTRACT = "contract"
    LAND_PROCEDURES = "land_procedures"
    LAND_USE_RIGHT = "land_use_right"
    CONSTRUCTION = "construction"
    PRODUCTION = "production"


STEPS: tuple[Step, ...] = tuple(Step)

STEP_LABELS: dict[Step, str] = {
    Step.APPLICATION: "入园申请",
    Step.FEASIBILITY_REVIEW: "入园可行性评审",
    Step.CONTRACT: "签订入园项目投资建设合同书",
    Step.LAND_PROCEDURES: "用地手续（规划及用地政策审查、用地资料、勘测定界、土地征收）",
    Step.LAND_USE_RIGHT: "依法取得土地使用权",
    Step.CONSTRUCTION: "开工建设",
    Step.PRODUCTION: "投产",
}


def next_step(done: Collection[Step]) -> Step | None:
    """The first step not yet recorded, or None when the project is producing."""
    return next((s for s in STEPS if s not in done), None)


def check_step(step: Step, *, done: Collection[Step]) -> None:
    """IP-08: may ``step`` be recorded now? Raises DomainError if not.

    Every earlier step must be done. Construction before the land-use right has its own code:
    第二十四条 makes it illegal occupation of land, not a mere slip in the order.
    """
    if step in done:
        raise DomainError(
            "workflow.already_recorded",
            f"“{STEP_LABELS[step]}”已经登记，不能重复登记",
            {"step": step.value},
        )
    missing = [s for s in STEPS[: STEPS.index(step)] if s not in done]
    if not missing:
        return
    if step is Step.CONSTRUCTION and Step.LAND_USE_RIGHT in missing:
        raise DomainError(
            "workflow.construction_without_land_right",
            "未依法取得土地使用权，不得开工建设；擅自开工的，由国土部门按违法占地处理",
            {"step": step.value, "missing": [s.value for s in missing]},
        )
    raise DomainError(
        "workflow.out_of_order",
        f"须先完成“{STEP_LABELS[missing[0]]}”，才能登记“{STEP_LABELS[step]}”",
        {"step": step.value, "missing": [s.value for s in missing]},
    )


# == IP-09: the four indicators and the recomputed land ===========================================


class Indicator(StrEnum):
    INVESTMENT_AMOUNT = "investment_amount"  # 投资额度
    INVESTMENT_INTENSITY = "investment_intensity"  # 投资强度
    CONSTRUCTION_SPEED = "construction_speed"  # 建设速度
    OUTPUT_DENSITY = "output_density"  # 产出密度


_INDICATOR_ORDER: tuple[Indicator, ...] = tuple(Indicator)

INDICATOR_LABELS: dict[Indicator, str] = {
    Indicator.INVESTMENT_AMOUNT: "投资额度",
    Indicator.INVESTMENT_INTENSITY: "投资强度",
    Indicator.CONSTRUCTION_SPEED: "建设速度",
    Indicator.OUTPUT_DENSITY: "产出密度",
}


@dataclass(frozen=True, slots=True)
class IndicatorReading:
    """One indicator: the contracted standard and the reported actual, in the same unit."""

    indicator: Indicator
    standard: int | Decimal
    actual: int | Decimal


@dataclass(frozen=True, slots=True)
class IndicatorRatio:
    indicator: Indicator
    ratio: Fraction  # actual / standard, exact
    below: bool


@dataclass(frozen=True, slots=True)
class LandRecompute:
    """IP-09: the land an under-performing project keeps, and what the excess costs.

    ``allowed_mu`` = land × the lowest ratio (capped at 1), rounded half up to 0.0001 mu;
    ``excess_mu`` = land − allowed_mu, exactly; ``charge_fen`` = excess_mu × land price per mu
    × 2, rounded half up to the fen. A clerk can redo the charge from the figures shown.
    """

    ratios: tuple[IndicatorRatio, ...]
    governing: Indicator | None  # the indicator the land is recomputed at; None: all met
    ratio: Fraction
    land_mu: Decimal
    allowed_mu: Decimal
    excess_mu: Decimal
    charge_fen: int
    message: str

    @property
    def shortfall(self) -> bool:
        return self.governing is not None


def recompute_land(
    *,
    readings: Iterable[IndicatorReading],
    land_mu: Decimal,
    land_price_fen_per_mu: int,
    multiple: int = 2,
) -> LandRecompute:
    """IP-09 / 第二十五条(一): recompute the land at the lowest indicator below its standard."""
    if land_mu <= 0:
        raise InvalidInput("land.mu_not_positive", "用地面积必须大于0亩", {"land_mu": land_mu})
    if land_price_fen_per_mu < 0:
        raise InvalidInput("land.negative_amount", "土地出让价不能为负数", {})
    ratios: list[IndicatorRatio] = []
    for reading in readings:
        if any(r.indicator is reading.indicator for r in ratios):
            raise InvalidInput(
                "indicator.duplicate",
                f"指标“{INDICATOR_LABELS[reading.indicator]}”重复填报",
                {"indicator": reading.indicator.value},
            )
        if reading.standard <= 0 or reading.actual < 0:
            raise InvalidInput(
                "indicator.invalid",
                f"指标“{INDICATOR_LABELS[reading.indicator]}”的标准值须大于0，实际值不能为负数",
                {"indicator": reading.indicator.value},
            )
        ratio = Fraction(reading.actual) / Fraction(reading.standard)
        ratios.append(IndicatorRatio(reading.indicator, ratio, ratio < 1))
    ratios.sort(key=lambda r: _INDICATOR_ORDER.index(r.indicator))
    below = [r for r in ratios if r.below]
    if not below:
        message = "各项指标均达到合同约定标准，无需核减用地"
        return LandRecompute(
            tuple(ratios), None, Fraction(1), land_mu, land_mu, Decimal(0), 0, message
        )
    lowest = min(below, key=lambda r: r.ratio)  # ties: the first in the order of the source
    allowed = min(_round_places(Fraction(land_mu) * lowest.ratio, 4), land_mu)
    excess = land_mu - allowed
    charge = round_half_up(Fraction(excess) * land_price_fen_per_mu * multiple)
    label = INDICATOR_LABELS[lowest.indicator]
    several = "多项指标未达标，以最低一项" if len(below) > 1 else "该项指标未达标，以"
    message = (
        f"{several}“{label}”（达标率{_percent(lowest.ratio)}）核算用地：合同用地{_mu(land_mu)}，"
        f"核定用地{_mu(allowed)}，多余用地{_mu(excess)}；多余用地依法收回，或按土地出让价"
        f"{yuan(land_price_fen_per_mu)}/亩的{multiple}倍收取土地出让金{yuan(charge)}"
    )
    return LandRecompute(
        tuple(ratios), lowest.indicator, lowest.ratio, land_mu, allowed, excess, charge, message
    )


# == IP-10 … IP-13: the land timeline =============================================================


@dataclass(frozen=True, slots=True)
class IdleNotice:
    """The notice served under IP-11: pay the idle-land fee and resume, each by its deadline."""

    served_on: date
    pay_by: date  # last day to pay
    resume_by: date  # last day to resume construction
    paid_on: date | None = None


@dataclass(frozen=True, slots=True)
class Suspension:
    """Construction stopped from ``start`` (first idle day) to ``end`` (first day back)."""

    start: date
    end: date | None = None  # None: still suspended
    approved: bool = False  # suspended with the committee's approval (does not count)
    notice: IdleNotice | None = None


@dataclass(frozen=True, slots=True)
class Stoppage:
    """Production stopped from ``start`` to ``end`` (the day production resumed)."""

    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class CorrectionOrder:
    """IP-13: an order to correct a violation of the control indicators by ``deadline``."""

    ref: str
    issued_on: date
    deadline: date  # last day to correct
    corrected_on: date | None = None


@dataclass(frozen=True, slots=True)
class LandProject:
    """A project's land, contract and progress, as plain values."""

    land_mu: Decimal
    land_price_fen_per_mu: int
    contracted_start: date  # the day construction must start (合同约定开工日)
    planned_floor_area_m2: Decimal  # 建设总面积
    total_investment_fen: int  # 总投资额
    actual_start: date | None = None
    built_floor_area_m2: Decimal = Decimal(0)
    invested_fen: int = 0
    suspensions: tuple[Suspension, ...] = ()
    completed_on: date | None = None
    contracted_production: date | None = None  # None: due on the completion day
    production_started: date | None = None
    land_price_relief: bool = False  # 减免土地出让金
    appraised_value_fen: Mapping[int, int] = field(default_factory=dict)  # year 1, 2 → 当年评估价
    stoppages: tuple[Stoppage, ...] = ()
    indicators: tuple[IndicatorReading, ...] = ()
    indicators_checked_on: date | None = None
    corrections: tuple[CorrectionOrder, ...] = ()
    settled: frozenset[str] = frozenset()  # ``Deadline.key``s dealt with (paid, decided)


@dataclass(frozen=True, slots=True)
class SupervisionPolicy:
    idle_fee_rate: Decimal | None = None  # share of the land price; the source gives none
    multiple: int = 2  # IP-09: the excess land is charged at twice the land price


class Status(StrEnum):
    OVERDUE = "overdue"  # took effect before today and is not settled
    DUE = "due"  # takes effect today
    FUTURE = "future"  # takes effect later if nothing changes


@dataclass(frozen=True, slots=True)
class Deadline:
    day: date  # the day the consequence takes effect
    rule: str
    code: str
    message: str
    status: Status
    amount_fen: int | None = None

    @property
    def key(self) -> str:
        return deadline_key(self.rule, self.code, self.day)


def deadline_key(rule: str, code: str, day: date) -> str:
    return f"{rule}:{code}:{day.isoformat()}"


def idle_fee(project: LandProject, policy: SupervisionPolicy) -> int | None:
    """The idle-land fee: the land price × the configured rate, half up to the fen; or None."""
    if policy.idle_fee_rate is None:
        return None
    price = Fraction(project.land_mu) * project.land_price_fen_per_mu
    return round_half_up(price * Fraction(policy.idle_fee_rate))


def timeline(
    project: LandProject, today: date, *, policy: SupervisionPolicy | None = None
) -> tuple[Deadline, ...]:
    """Every deadline that applies to the project, past and coming, sorted by day.

    A deadline met in time disappears (a project that started on time has no IP-10 entry); a
    coming one is shown as it would take effect if nothing changes; one in ``project.settled``
    is left out. Status compares the day with ``today``.
    """
    policy = policy or SupervisionPolicy()
    raw: list[tuple[date, str, str, str, int | None]] = []
    raw += _start(project)
    raw += _suspensions(project, policy)
    raw += _production(project)
    raw += _indicators(project, policy)
    raw += _corrections(project)
    items = [
        Deadline(day, rule, code, text, _status(day, today), amount)
        for day, rule, code, text, amount in raw
        if deadline_key(rule, code, day) not in project.settled
    ]
    return tuple(sorted(items, key=lambda d: (d.day, d.rule, d.code)))


def due_on(
    project: LandProject, day: date, *, policy: SupervisionPolicy | None = None
) -> tuple[Deadline, ...]:
    """The deadlines taking effect on ``day``: what a daily job raises."""
    return tuple(d for d in timeline(project, day, policy=policy) if d.day == day)


def _status(day: date, today: date) -> Status:
    if day < today:
        return Status.OVERDUE
    if day == today:
        return Status.DUE
    return Status.FUTURE


_Raw = tuple[date, str, str, str, int | None]


def _start(project: LandProject) -> list[_Raw]:  # rule IP-10
    start, actual = project.contracted_start, project.actual_start
    if actual is not None and actual <= start:
        return []
    started = f"（实际开工{cn_date(actual)}）" if actual is not None else ""
    out: list[_Raw] = [
        (
            start + ONE_DAY,
            "IP-10",
            "start.late",
            f"未按合同约定开工日{cn_date(start)}开工{started}：因项目单位原因不按期开工的，"
            "依法收取土地闲置费",
            None,
        )
    ]
    breach = _after_period(start, 3)
    if actual is None or actual >= breach:
        last = period_last_day(start, 3)
        out.append(
            (
                breach,
                "IP-10",
                "start.breach",
                f"自合同约定开工日{cn_date(start)}起连续三个月（至{cn_date(last)}）未开工建设："
                "视为投资人违约，终止履行合同，收回项目用地",
                None,
            )
        )
    return out


def _merged_unapproved(suspensions: Iterable[Suspension]) -> list[Suspension]:
    """Unapproved suspensions, with touching or overlapping ones joined into one."""
    merged: list[Suspension] = []
    for s in sorted((s for s in suspensions if not s.approved), key=lambda s: s.start):
        if s.end is not None and s.end <= s.start:
            raise InvalidInput(
                "suspension.bad_period", "中止建设的结束日期须晚于开始日期", {"start": s.start}
            )
        last = merged[-1] if merged else None
        if last is not None and (last.end is None or s.start <= last.end):
            end = None if last.end is None or s.end is None else max(last.end, s.end)
            merged[-1] = Suspension(last.start, end, False, s.notice or last.notice)
        else:
            merged.append(s)
    return merged


def _suspensions(project: LandProject, policy: SupervisionPolicy) -> list[_Raw]:  # rule IP-11
    started = project.actual_start
    if started is None:
        return []
    slow = (
        project.built_floor_area_m2 * 3 < project.planned_floor_area_m2
        or project.invested_fen * 4 < project.total_investment_fen
    )
    unfinished = project.invested_fen < project.total_investment_fen
    progress = (
        f"已建面积{project.built_floor_area_m2.normalize():f}㎡/建设总面积"
        f"{project.planned_floor_area_m2.normalize():f}㎡，已投资{yuan(project.invested_fen)}/"
        f"总投资{yuan(project.total_investment_fen)}"
    )
    fee = idle_fee(project, policy)
    fee_text = (
        f"土地闲置费{yuan(fee)}" if fee is not None else "土地闲置费（费率未配置，按有关规定核定）"
    )
    out: list[_Raw] = []
    for s in _merged_unapproved(project.suspensions):
        if s.start < started:
            continue
        ongoing = f"自{cn_date(s.start)}起未经批准中止建设"
        trigger = _after_period(s.start, 12)
        if slow and (s.end is None or s.end >= trigger):
            out.append(
                (
                    trigger,
                    "IP-11",
                    "idle.fee",
                    f"{ongoing}连续满十二个月（{progress}，建设面积不足三分之一或投资不足25%）："
                    f"限期缴纳{fee_text}，并限期复工",
                    fee,
                )
            )
            notice = s.notice
            if notice is not None and (notice.paid_on is None or notice.paid_on > notice.pay_by):
                out.append(
                    (
                        notice.pay_by + ONE_DAY,
                        "IP-11",
                        "idle.fee_unpaid",
                        f"逾期（缴纳期限{cn_date(notice.pay_by)}）未缴纳土地闲置费：依法收回土地使用权，"
                        "注销土地使用证件",
                        fee,
                    )
                )
            if notice is not None and (s.end is None or s.end > notice.resume_by):
                out.append(
                    (
                        notice.resume_by + ONE_DAY,
                        "IP-11",
                        "idle.not_resumed",
                        f"逾期（复工期限{cn_date(notice.resume_by)}）未复工建设：依法收回土地使用权，"
                        "注销土地使用证件",
                        None,
                    )
                )
        two_years = _after_period(s.start, 24)
        if unfinished and (s.end is None or s.end >= two_years):
            out.append(
                (
                    two_years,
                    "IP-11",
                    "idle.two_years",
                    f"{ongoing}，未完成投资额，土地闲置满二年：依法收回土地使用权",
                    None,
                )
            )
    return out


def _production(project: LandProject) -> list[_Raw]:  # rule IP-12
    return _relief(project) + _stoppages(project)


def _relief(project: LandProject) -> list[_Raw]:  # rule IP-12
    """Land-price relief, completed, not producing: 50%, then 100%, then reclaim.

    ``due`` is the contracted production day (or the completion day when the contract names
    none); producing on ``due`` is on time. Year 1 starts the day after; year n+1 the day after
    the n-th anniversary of ``due``. A charge is half up to the fen of that year's appraisal.
    """
    completed, producing = project.completed_on, project.production_started
    if not project.land_price_relief or completed is None:
        return []
    due = project.contracted_production or completed
    out: list[_Raw] = []
    steps = (
        (1, Fraction(1, 2), "已竣工而未按期投产", "50%"),
        (2, Fraction(1), "第二年仍未投产", "100%"),
    )
    for year, share, what, label in steps:
        day = add_months(due, 12 * (year - 1)) + ONE_DAY
        if producing is not None and producing < day:
            return out
        value = project.appraised_value_fen.get(year)
        amount = None if value is None else round_half_up(value * share)
        valued = "当年评估价待评估" if value is None else f"当年评估价{yuan(value)}"
        out.append(
            (
                day,
                "IP-12",
                f"relief.year{year}",
                f"减免土地出让金的项目{what}（应投产日{cn_date(due)}）：按该宗土地当年评估价的"
                f"{label}补缴土地出让金（{valued}）",
                amount,
            )
        )
    day = add_months(due, 24) + ONE_DAY
    if producing is None or producing >= day:
        out.append(
            (
                day,
                "IP-12",
                "relief.reclaim",
                f"减免土地出让金的项目第三年仍不投产（应投产日{cn_date(due)}）：收回土地使用权，"
                "建筑物等不动产评估作价拍卖，动产部分由项目投资者自行处理",
                None,
            )
        )
    return out


def _stoppages(project: LandProject) -> list[_Raw]:  # rule IP-12
    out: list[_Raw] = []
    for stop in project.stoppages:
        if stop.end is not None and stop.end <= stop.start:
            raise InvalidInput(
                "stoppage.bad_period", "停产的结束日期须晚于开始日期", {"start": stop.start}
            )
        day = _after_period(stop.start, 6)
        if stop.end is None or stop.end >= day:
            last = period_last_day(stop.start, 6)
            out.append(
                (
                    day,
                    "IP-12",
                    "stoppage.not_resumed",
                    f"自{cn_date(stop.start)}停产，六个月内（至{cn_date(last)}）未恢复生产："
                    "由园区管委会组织中介机构拍卖处理，并依法收取土地闲置费和建设用地有偿使用费",
                    None,
                )
            )
    return out


def _indicators(project: LandProject, policy: SupervisionPolicy) -> list[_Raw]:  # rule IP-09
    if project.indicators_checked_on is None or not project.indicators:
        return []
    result = recompute_land(
        readings=project.indicators,
        land_mu=project.land_mu,
        land_price_fen_per_mu=project.land_price_fen_per_mu,
        multiple=policy.multiple,
    )
    if not result.shortfall:
        return []
    day = project.indicators_checked_on
    return [(day, "IP-09", "indicators.shortfall", result.message, result.charge_fen)]


def _corrections(project: LandProject) -> list[_Raw]:  # rule IP-13
    return [
        (
            order.deadline + ONE_DAY,
            "IP-13",
            "control.demolition",
            f"违反建设控制指标（{order.ref}），改正期限{cn_date(order.deadline)}，逾期未改正："
            "强制拆除建筑物或构筑物，法律后果由项目单位自行负担",
            None,
        )
        for order in project.corrections
        if order.corrected_on is None or order.corrected_on > order.deadline
    ]


# == IP-13: construction control indicators =======================================================


class NonProductiveUse(StrEnum):
    """Uses forbidden on industrial land (第二十七条, 第二十三条 second of that number)."""

    HOUSING = "housing"  # 住宅
    HOTEL = "hotel"  # 宾馆
    GUESTHOUSE = "guesthouse"  # 招待所
    TRAINING_CENTRE = "training_centre"  # 培训中心
    DWELLING_STYLE_FACTORY = "dwelling_style_factory"  # 民房式的厂房


USE_LABELS: dict[NonProductiveUse, str] = {
    NonProductiveUse.HOUSING: "住宅",
    NonProductiveUse.HOTEL: "宾馆",
    NonProductiveUse.GUESTHOUSE: "招待所",
    NonProductiveUse.TRAINING_CENTRE: "培训中心",
    NonProductiveUse.DWELLING_STYLE_FACTORY: "民房式的厂房",
}

# Minimum plot ratio by industry (GB/T 4754-2002 two-digit code), table 2 of
# 《工业项目建设用地控制指标》(国土资发〔2008〕24号). A park may configure its own table.
PLOT_RATIO_MIN_2008: dict[str, Decimal] = {
    "13": Decimal("1.0"),  # 农副食品加工业
    "14": Decimal("1.0"),  # 食品制造业
    "15": Decimal("1.0"),  # 饮料制造业
    "16": Decimal("1.0"),  # 烟草制品业
    "17": Decimal("0.8"),  # 纺织业
    "18": Decimal("1.0"),  # 纺织服装、鞋、帽制造业
    "19": Decimal("1.0"),  # 皮革、毛皮、羽毛(绒)及其制品业
    "20": Decimal("0.8"),  # 木材加工及木、竹、藤、棕、草制品业
    "21": Decimal("0.8"),  # 家具制造业
    "22": Decimal("0.8"),  # 造纸及纸制品业
    "23": Decimal("0.8"),  # 印刷业和记录媒介的复制
    "24": Decimal("1.0"),  # 文教体育用品制造业
    "25": Decimal("0.5"),  # 石油加工、炼焦及核燃料加工业
    "26": Decimal("0.6"),  # 化学原料及化学制品制造业
    "27": Decimal("0.7"),  # 医药制造业
    "28": Decimal("0.8"),  # 化学纤维制造业
    "29": Decimal("0.8"),  # 橡胶制品业
    "30": Decimal("1.0"),  # 塑料制品业
    "31": Decimal("0.7"),  # 非金属矿物制品业
    "32": Decimal("0.6"),  # 黑色金属冶炼及压延加工业
    "33": Decimal("0.6"),  # 有色金属冶炼及压延加工业
    "34": Decimal("0.7"),  # 金属制品业
    "35": Decimal("0.7"),  # 通用设备制造业
    "36": Decimal("0.7"),  # 专用设备制造业
    "37": Decimal("0.7"),  # 交通运输设备制造业
    "39": Decimal("0.7"),  # 电气机械及器材制造业
    "40": Decimal("1.0"),  # 通信设备、计算机及其他电子设备制造业
    "41": Decimal("1.0"),  # 仪器仪表及文化、办公用机械制造业
    "42": Decimal("1.0"),  # 工艺品及其他制造业
    "43": Decimal("0.7"),  # 废弃资源和废旧材料回收加工业
}


@dataclass(frozen=True, slots=True)
class ControlLimits:
    """Control values; defaults from 国土资发〔2008〕24号.

    Building coverage ≥ 30% (the 2023 revision of the standard raised it to 40%: set
    ``min_building_coverage=Decimal("0.40")`` where that applies); admin and living facilities
    ≤ 7% of the land; green ratio ≤ 20% (only where the process needs green space at all).
    """

    min_plot_ratio: Mapping[str, Decimal] = field(default_factory=lambda: PLOT_RATIO_MIN_2008)
    min_building_coverage: Decimal = Decimal("0.30")
    max_admin_share: Decimal = Decimal("0.07")
    max_green_ratio: Decimal = Decimal("0.20")


@dataclass(frozen=True, slots=True)
class SitePlan:
    """The figures of a plant's site plan, in m².

    ``floor_area_m2`` is the floor area counted for the plot ratio (storeys over 8 m counted
    twice, as the standard says); ``footprint_m2`` covers buildings, structures and open yards.
    """

    sector_code: str  # GB/T 4754 two-digit code, e.g. "36"
    land_area_m2: Decimal
    floor_area_m2: Decimal
    footprint_m2: Decimal
    green_area_m2: Decimal
    admin_living_area_m2: Decimal
    uses: frozenset[NonProductiveUse] = frozenset()


_CORRECT = "，须限期改正；逾期不改正或整改不到位的，强制拆除建筑物或构筑物"


def check_controls(plan: SitePlan, limits: ControlLimits | None = None) -> tuple[Finding, ...]:
    """IP-13: every control indicator missed and every forbidden use, as findings."""
    limits = limits or ControlLimits()
    if plan.land_area_m2 <= 0:
        raise InvalidInput("land.area_not_positive", "总用地面积必须大于0", {})
    land = Fraction(plan.land_area_m2)
    findings: list[Finding] = []
    plot = Fraction(plan.floor_area_m2) / land
    minimum = limits.min_plot_ratio.get(plan.sector_code)
    if minimum is None:
        findings.append(
            Finding(
                "IP-13",
                "control.plot_ratio_unknown",
                Severity.FLAG,
                f"行业代码{plan.sector_code}未配置容积率下限，"
                f"容积率{_truncate_places(plot, 2)}未能核验",
            )
        )
    elif plot < Fraction(minimum):
        findings.append(
            Finding(
                "IP-13",
                "control.plot_ratio_low",
                Severity.REFUSE,
                f"容积率{_truncate_places(plot, 2)}，低于该行业下限{minimum}{_CORRECT}",
            )
        )
    admin = "行政办公及生活服务设施用地比例"
    ratios = (
        ("control.coverage_low", "建筑系数", plan.footprint_m2, limits.min_building_coverage, True),
        ("control.admin_high", admin, plan.admin_living_area_m2, limits.max_admin_share, False),
        ("control.green_high", "绿地率", plan.green_area_m2, limits.max_green_ratio, False),
    )
    for code, label, area, limit, is_minimum in ratios:
        share = Fraction(area) / land
        bad = share < Fraction(limit) if is_minimum else share > Fraction(limit)
        if bad:
            word = "低于下限" if is_minimum else "超过上限"
            findings.append(
                Finding(
                    "IP-13",
                    code,
                    Severity.REFUSE,
                    f"{label}{_percent(share)}，{word}{_percent(Fraction(limit))}{_CORRECT}",
                )
            )
    for use in NonProductiveUse:
        if use in plan.uses:
            findings.append(
                Finding(
                    "IP-13",
                    f"use.{use.value}",
                    Severity.REFUSE,
                    f"工业用地范围内不得建造{USE_LABELS[use]}{_CORRECT}",
                )
            )
    return tuple(findings)


# == IP-14: statistical reports and prior notice ==================================================


class ReportPeriod(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


_PERIOD_MONTHS = {ReportPeriod.MONTHLY: 1, ReportPeriod.QUARTERLY: 3, ReportPeriod.ANNUAL: 12}
_PERIOD_LABELS = {
    ReportPeriod.MONTHLY: "月报",
    ReportPeriod.QUARTERLY: "季报",
    ReportPeriod.ANNUAL: "年报",
}


@dataclass(frozen=True, slots=True)
class ReportSchedule:
    """A statistical report is due on ``due_day`` of the ``months_after``-th month after its
    period (1: the next month), or that month's last day if it is shorter. The source only says
    "按时填报"; the schedule is whatever the committee or the statistics office sets."""

    period: ReportPeriod
    due_day: int
    months_after: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.due_day <= 31 or self.months_after < 1:
            raise InvalidInput("report.bad_schedule", "报送期限设置无效", {"due_day": self.due_day})


class ReportStatus(StrEnum):
    FILED = "filed"  # on or before the due day
    FILED_LATE = "filed_late"
    OVERDUE = "overdue"  # not filed, due day passed
    DUE = "due"  # not filed, due today
    PENDING = "pending"  # not filed, due later


@dataclass(frozen=True, slots=True)
class ReportDue:
    period_start: date
    period_end: date  # last day of the period
    due: date
    filed_on: date | None
    status: ReportStatus
    message: str

    @property
    def overdue(self) -> bool:
        return self.status in (ReportStatus.OVERDUE, ReportStatus.FILED_LATE)


def report_due_date(schedule: ReportSchedule, period_start: date) -> date:
    months = _PERIOD_MONTHS[schedule.period]
    first_of_due_month = add_months(period_start.replace(day=1), months + schedule.months_after - 1)
    last = calendar.monthrange(first_of_due_month.year, first_of_due_month.month)[1]
    return first_of_due_month.replace(day=min(schedule.due_day, last))


def _period_start_containing(period: ReportPeriod, day: date) -> date:
    months = _PERIOD_MONTHS[period]
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def report_status(
    schedule: ReportSchedule, *, since: date, today: date, filed: Mapping[date, date]
) -> tuple[ReportDue, ...]:
    """IP-14: each report from the period containing ``since`` to the last period ended
    before ``today``, with its due day and status. ``filed`` maps period start → filing day."""
    months = _PERIOD_MONTHS[schedule.period]
    label = _PERIOD_LABELS[schedule.period]
    out: list[ReportDue] = []
    start = _period_start_containing(schedule.period, since)
    while True:
        end = add_months(start, months) - ONE_DAY
        if end >= today:
            break
        due = report_due_date(schedule, start)
        filed_on = filed.get(start)
        name = f"{cn_date(start)}至{cn_date(end)}的{label}"
        if filed_on is not None and filed_on <= due:
            status, text = ReportStatus.FILED, f"{name}已按时报送"
        elif filed_on is not None:
            status = ReportStatus.FILED_LATE
            text = f"{name}应于{cn_date(due)}前报送，{cn_date(filed_on)}逾期报送"
        elif due < today:
            status, text = ReportStatus.OVERDUE, f"{name}应于{cn_date(due)}前报送，已逾期未报"
        elif due == today:
            status, text = ReportStatus.DUE, f"{name}今日（{cn_date(due)}）到期，请按时报送"
        else:
            status, text = ReportStatus.PENDING, f"{name}应于{cn_date(due)}前报送"
        out.append(ReportDue(start, end, due, filed_on, status, text))
        start = add_months(start, months)
    return tuple(out)


class CorporateChange(StrEnum):
    MERGER = "merger"  # 合并
    SPLIT = "split"  # 分立
    DEREGISTRATION = "deregistration"  # 注销


_CHANGE_LABELS = {
    CorporateChange.MERGER: "合并",
    CorporateChange.SPLIT: "分立",
    CorporateChange.DEREGISTRATION: "注销",
}


def check_prior_notice(
    *,
    change: CorporateChange,
    decided_on: date,
    notified_on: date | None,
    written: bool = True,
) -> Finding | None:
    """IP-14 / 第十七条: a merger, split or deregistration is notified in writing to the park
    committee *before the decision is made*; the notice must be dated before the decision day
    (a notice on the same day cannot be shown to have come first). None when in order."""
    what = _CHANGE_LABELS[change]
    if notified_on is None:
        return Finding(
            "IP-14",
            "notice.missing",
            Severity.FLAG,
            f"企业{what}未事先书面告知园区管委会（决定日期{cn_date(decided_on)}）",
        )
    if not written:
        return Finding(
            "IP-14",
            "notice.not_written",
            Severity.FLAG,
            f"企业{what}的告知不是书面形式；应以书面形式告知园区管委会",
        )
    if notified_on >= decided_on:
        return Finding(
            "IP-14",
            "notice.late",
            Severity.FLAG,
            f"企业{what}的书面告知日期{cn_date(notified_on)}不早于决定日期{cn_date(decided_on)}；"
            "应在作出决定前告知园区管委会",
        )
    return None
