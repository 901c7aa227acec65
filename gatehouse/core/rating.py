"""Property-service governance: star rating, credit file, tendering, rectification (SPEC §10).

Sources: T5 (考评奖惩机制, 信用管理机制, 准入制度) and T6 (the rectification campaign and its
service standards). Pure: the caller hands in facts and the day; nothing reads the clock or
the database.

* GV-01 / GV-05: ``assess`` scores an assessment against a weighted ``Checklist`` (seeded from
  the T6 standards, 100 points) and ``rate`` turns a score into stars: 70–79 one star, 80–89
  two, 90 and above three, 60–69 none, under 60 rectify by a deadline (then ``blacklist_from``).
  Scores are ``Decimal``; a band runs from its lower bound up to, not including, the next one
  (79.99 is one star). SPEC reads "60分以下" as *under 60*; the legal convention of 《民法典》
  第一千二百五十九条 ("以下" includes the number) would put 60 itself in the rectify band: the
  bounds are ``StarScale`` values so a site can follow either reading.
* GV-02: ``ban_last_day`` and ``may_tender`` (a dishonest company is barred for five years);
  ``owner_credit_record`` for an owner still owing fees after arbitration or a judgment.
* GV-03: ``check_selection`` checks how a property-service company is chosen.
* GV-04: ``item_status`` / ``overdue_items`` / ``overdue_in_period`` follow rectification
  notices; overdue items are deducted in the annual assessment and a warning bars tenders.

Periods follow 《民法典》第二百零一条/第二百零二条: the day of the event is not counted and a period
in years ends on the corresponding day, or the month's last day when there is none, so a ban
recorded on 29 Feb 2024 lasts to 28 Feb 2029 inclusive.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from gatehouse.core.errors import InvalidInput

ONE_DAY = timedelta(days=1)
BAN_YEARS = 5


def add_years(day: date, years: int) -> date:
    """The corresponding day ``years`` later; 29 Feb becomes 28 Feb in a common year."""
    year = day.year + years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}分"


def _yuan(fen: int) -> str:
    whole, cents = divmod(fen, 100)
    return f"{whole:,}.{cents:02d}元"


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    code: str
    message: str


# == GV-01 / GV-05: the checklist and the stars ===================================================


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    title: str
    weight: Decimal  # the most points the item can earn
    rule: str = "GV-05"


@dataclass(frozen=True, slots=True)
class Checklist:
    """A quantified checklist (考核清单): item weights sum to 100.

    ``overdue_deduction`` is taken off the total for each rectification item that went overdue
    (GV-04). The source says overdue items count in the annual rating but names no figure; the
    default of 2 points is ours.
    """

    items: tuple[ChecklistItem, ...]
    overdue_deduction: Decimal = Decimal(2)

    def __post_init__(self) -> None:
        keys = [i.key for i in self.items]
        if len(set(keys)) != len(keys):
            raise InvalidInput("checklist.duplicate_key", "考核清单的项目编号重复", {"keys": keys})
        if any(i.weight <= 0 for i in self.items):
            raise InvalidInput("checklist.bad_weight", "考核项目的分值必须大于0", {})
        total = sum((i.weight for i in self.items), Decimal(0))
        if total != 100:
            raise InvalidInput(
                "checklist.total_not_100",
                f"考核清单各项分值合计为{_points(total)}，应为100分",
                {"total": str(total)},
            )
        if self.overdue_deduction < 0:
            raise InvalidInput("checklist.bad_deduction", "逾期整改扣分不能为负数", {})


# The T6 standards (专项整治 1–7) and T5's 投诉处理, weighted by us; a site may configure its own.
SEED_CHECKLIST = Checklist(
    (
        ChecklistItem("duty_24h", "建立24小时值班制度，值班人员在位，值班记录完整", Decimal(10)),
        ChecklistItem("patrol", "建立巡逻制度，巡逻记录完整", Decimal(10)),
        ChecklistItem("repairs", "报修及时，水电小修不过夜", Decimal(15)),
        ChecklistItem("complaints", "投诉及时处理并回访", Decimal(15)),
        ChecklistItem(
            "fees_published", "公开收费项目、收费标准、服务等级标准和办事制度", Decimal(10)
        ),
        ChecklistItem("staff_conduct", "着装统一，持证上岗，挂牌服务，文明用语", Decimal(10)),
        ChecklistItem("environment", "环境干净整洁，无“牛皮癣”，雨污水管道畅通", Decimal(10)),
        ChecklistItem("greenery", "绿化修剪、除草，无毁绿现象", Decimal(5)),
        ChecklistItem("parking", "各类车辆停放有序", Decimal(5)),
        ChecklistItem("info_board", "设立公共信息服务栏，宣传栏有创建宣传内容", Decimal(5)),
        ChecklistItem("rules", "管理机制完善，规章制度健全", Decimal(5), "GV-01"),
    )
)


class Band(StrEnum):
    THREE_STARS = "three_stars"
    TWO_STARS = "two_stars"
    ONE_STAR = "one_star"
    NO_STAR = "no_star"  # 60 up to 70: no star, nothing more
    RECTIFY = "rectify"  # under 60: rectify by a deadline, else blacklist


@dataclass(frozen=True, slots=True)
class StarScale:
    """Lower bounds of the bands (GV-01, T5 考评奖惩机制)."""

    one: Decimal = Decimal(70)
    two: Decimal = Decimal(80)
    three: Decimal = Decimal(90)
    pass_mark: Decimal = Decimal(60)  # under it: rectify

    def __post_init__(self) -> None:
        if not self.pass_mark <= self.one <= self.two <= self.three:
            raise InvalidInput("rating.bad_scale", "星级分数线必须由低到高排列", {})


@dataclass(frozen=True, slots=True)
class Rating:
    score: Decimal
    band: Band
    stars: int
    message: str

    @property
    def rectify(self) -> bool:
        return self.band is Band.RECTIFY


_BANDS = {
    Band.THREE_STARS: (3, "评为三星级物业项目"),
    Band.TWO_STARS: (2, "评为二星级物业项目"),
    Band.ONE_STAR: (1, "评为一星级物业项目"),
    Band.NO_STAR: (0, "未达到星级标准"),
    Band.RECTIFY: (
        0,
        "限期整改；整改不到位的纳入黑名单，限制承接小区物业服务项目，"
        "未消除不良记录的，禁止参与新的物业服务招投标活动",
    ),
}


def rate(score: Decimal, scale: StarScale | None = None) -> Rating:
    """GV-01: the band of a score."""
    scale = scale or StarScale()
    if score >= scale.three:
        band = Band.THREE_STARS
    elif score >= scale.two:
        band = Band.TWO_STARS
    elif score >= scale.one:
        band = Band.ONE_STAR
    elif score >= scale.pass_mark:
        band = Band.NO_STAR
    else:
        band = Band.RECTIFY
    stars, text = _BANDS[band]
    below = f"，低于{_points(scale.pass_mark)}" if band is Band.RECTIFY else ""
    return Rating(score, band, stars, f"年度考核得分{_points(score)}{below}：{text}")


@dataclass(frozen=True, slots=True)
class Assessment:
    """One year's assessment: points given per checklist item, and overdue rectification items."""

    scores: Mapping[str, Decimal]
    overdue_items: int = 0


@dataclass(frozen=True, slots=True)
class ItemScore:
    key: str
    given: Decimal
    counted: Decimal  # ``given`` capped at the item's weight
    weight: Decimal


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    items: tuple[ItemScore, ...]
    subtotal: Decimal
    deduction: Decimal
    total: Decimal  # subtotal − deduction, never below 0
    rating: Rating


def assess(
    assessment: Assessment,
    checklist: Checklist = SEED_CHECKLIST,
    scale: StarScale | None = None,
) -> AssessmentResult:
    """GV-01: score every checklist item (capped at its weight), deduct overdue items, rate.

    Every item must be scored, and only checklist items: a missing or unknown key is an input
    error, not a silent zero.
    """
    weights = {i.key: i for i in checklist.items}
    unknown = sorted(set(assessment.scores) - set(weights))
    missing = [k for k in weights if k not in assessment.scores]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"清单外项目 {'、'.join(unknown)}")
        if missing:
            parts.append(f"未评分项目 {'、'.join(missing)}")
        raise InvalidInput(
            "assessment.items_mismatch",
            f"考核评分与考核清单不一致：{'；'.join(parts)}",
            {"unknown": unknown, "missing": missing},
        )
    if assessment.overdue_items < 0:
        raise InvalidInput("assessment.bad_overdue", "逾期整改项数不能为负数", {})
    items = []
    for item in checklist.items:
        given = assessment.scores[item.key]
        if given < 0:
            raise InvalidInput(
                "assessment.negative_score", f"“{item.title}”的得分不能为负数", {"key": item.key}
            )
        items.append(ItemScore(item.key, given, min(given, item.weight), item.weight))
    subtotal = sum((i.counted for i in items), Decimal(0))
    deduction = checklist.overdue_deduction * assessment.overdue_items
    total = max(subtotal - deduction, Decimal(0))
    rating = rate(total, scale)
    if deduction:
        rating = Rating(
            rating.score,
            rating.band,
            rating.stars,
            f"{rating.message}（含逾期未整改{assessment.overdue_items}项扣{_points(deduction)}）",
        )
    return AssessmentResult(tuple(items), subtotal, deduction, total, rating)


def blacklist_from(*, deadline: date, rectified_on: date | None) -> date | None:
    """GV-01: a project under 60 that is not rectified by ``deadline`` is blacklisted the day
    after; None when it was rectified in time."""
    if rectified_on is not None and rectified_on <= deadline:
        return None
    return deadline + ONE_DAY


# == GV-04: rectification notices =================================================================


@dataclass(frozen=True, slots=True)
class RectificationItem:
    """A finding of an inspection with the deadline of its rectification notice."""

    ref: str
    found_on: date
    deadline: date  # last day to rectify
    rectified_on: date | None = None
    finding: str = ""


class ItemStatus(StrEnum):
    OPEN = "open"  # not rectified, deadline not passed
    RECTIFIED = "rectified"  # in time
    RECTIFIED_LATE = "rectified_late"  # after the deadline: on the record all the same
    OVERDUE = "overdue"  # deadline passed, not rectified


def item_status(item: RectificationItem, on: date) -> ItemStatus:
    """The item as known on ``on`` (a rectification dated later is not yet known)."""
    done = item.rectified_on if item.rectified_on is not None and item.rectified_on <= on else None
    if done is not None:
        return ItemStatus.RECTIFIED if done <= item.deadline else ItemStatus.RECTIFIED_LATE
    return ItemStatus.OVERDUE if on > item.deadline else ItemStatus.OPEN


_ON_RECORD = frozenset({ItemStatus.OVERDUE, ItemStatus.RECTIFIED_LATE})


def overdue_items(items: Iterable[RectificationItem], on: date) -> tuple[RectificationItem, ...]:
    """GV-04: the items that went past their deadline unrectified (``限期整改仍不到位``), as of
    ``on``; rectified late or still open, they go on the record."""
    return tuple(i for i in items if item_status(i, on) in _ON_RECORD)


def overdue_in_period(
    items: Iterable[RectificationItem], *, start: date, end: date, on: date
) -> int:
    """GV-04: how many items with a deadline in ``start`` … ``end`` (inclusive) count against
    the annual rating, as known on ``on``."""
    return sum(1 for i in overdue_items(items, on) if start <= i.deadline <= end)


# == GV-02 / GV-04: credit file and tenders =======================================================


@dataclass(frozen=True, slots=True)
class WarningPeriod:
    """A warning from a rectification campaign (警示), ``start`` … ``end`` inclusive."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    blacklisted_on: date | None = None  # GV-01: not rectified after a score under 60
    blacklist_cleared_on: date | None = None  # the bad record removed (消除不良记录)
    dishonest_on: tuple[date, ...] = ()  # GV-02: dishonesty entered in the credit file
    warnings: tuple[WarningPeriod, ...] = ()  # GV-04
    rectifying_until: date | None = None  # in a rectification period (整改期内) up to this day


@dataclass(frozen=True, slots=True)
class TenderEligibility:
    allowed: bool
    reasons: tuple[Reason, ...]  # why not; empty when allowed
    notes: tuple[Reason, ...] = ()  # restrictions that do not bar a tender


def ban_last_day(recorded_on: date, years: int = BAN_YEARS) -> date:
    """GV-02: the last day of the tender ban for dishonesty recorded on ``recorded_on``."""
    return add_years(recorded_on, years)


def may_tender(company: CompanyFacts, on: date) -> TenderEligibility:
    """May the company take part in a property-service tender on ``on``? Every reason is given."""
    reasons: list[Reason] = []
    listed = company.blacklisted_on
    cleared = company.blacklist_cleared_on
    if listed is not None and listed <= on and (cleared is None or cleared > on):
        reasons.append(
            Reason(
                "GV-01",
                "tender.blacklisted",
                f"自{cn_date(listed)}列入黑名单，未消除不良记录，禁止参与新的物业服务招投标活动",
            )
        )
    for recorded in sorted(company.dishonest_on):
        last = ban_last_day(recorded)
        if recorded <= on <= last:
            reasons.append(
                Reason(
                    "GV-02",
                    "tender.dishonest_ban",
                    f"{cn_date(recorded)}列入失信记录，五年内（至{cn_date(last)}）禁止参与物业项目竞标",
                )
            )
    for warning in company.warnings:
        if warning.start <= on <= warning.end:
            reasons.append(
                Reason(
                    "GV-04",
                    "tender.warning",
                    f"整治期间限期整改不到位受到警示（{cn_date(warning.start)}至"
                    f"{cn_date(warning.end)}），警示期间禁止参与物业管理招投标",
                )
            )
    notes = []
    if company.rectifying_until is not None and on <= company.rectifying_until:
        notes.append(
            Reason(
                "GV-01",
                "tender.rectifying",
                f"处于整改期内（至{cn_date(company.rectifying_until)}），限制承接小区物业服务项目",
            )
        )
    return TenderEligibility(not reasons, tuple(reasons), tuple(notes))


class Confirmation(StrEnum):
    ARBITRATION = "arbitration"  # 仲裁裁决
    JUDGMENT = "judgment"  # 司法判决


_CONFIRMATION_LABELS = {Confirmation.ARBITRATION: "仲裁裁决", Confirmation.JUDGMENT: "司法判决"}


@dataclass(frozen=True, slots=True)
class OwnerArrears:
    arrears_fen: int  # still owing
    confirmed_by: Confirmation | None = None
    confirmed_on: date | None = None


def owner_credit_record(arrears: OwnerArrears, *, on: date) -> Reason | None:
    """GV-02: an owner who still owes fees after an award or judgment confirmed the debt goes on
    the personal credit record; None when that is not (yet) the case."""
    how, when = arrears.confirmed_by, arrears.confirmed_on
    if arrears.arrears_fen <= 0 or how is None or when is None or when > on:
        return None
    return Reason(
        "GV-02",
        "owner.credit_record",
        f"经{_CONFIRMATION_LABELS[how]}确认（{cn_date(when)}）后仍欠缴物业费"
        f"{_yuan(arrears.arrears_fen)}：按照个人信用信息管理有关规定录入个人信用档案",
    )


# == GV-03: choosing a property-service company ===================================================


class Method(StrEnum):
    TENDER = "tender"  # 招投标
    AGREEMENT = "agreement"  # 协议方式
    DIRECT = "direct"  # 直接指定


class Stage(StrEnum):
    PRELIMINARY = "preliminary"  # 前期物业: chosen by the developer (建设单位)
    REPLACEMENT = "replacement"  # after the preliminary contract or once owners have a committee


@dataclass(frozen=True, slots=True)
class SelectionFacts:
    method: Method
    bidders: int = 0
    stage: Stage = Stage.PRELIMINARY
    small_estate: bool = False  # 住宅规模较小
    bureau_approved: bool = False  # 区房管局批准
    qualified: bool = True  # the chosen company holds the qualification required
    incumbent_bids: bool = False  # the preliminary company bids for the replacement
    incumbent_consulted: bool = False  # 居委会、派出所、市场监管局、房管局 consulted beforehand


@dataclass(frozen=True, slots=True)
class SelectionCheck:
    allowed: bool
    code: str
    message: str
    rule: str = "GV-03"


def _no(code: str, message: str) -> SelectionCheck:
    return SelectionCheck(False, code, message)


def check_selection(facts: SelectionFacts) -> SelectionCheck:
    """GV-03 (T5 准入制度): tender by default; an agreement only for a preliminary contract with
    fewer than 3 bidders or a small estate, and only with the housing bureau's approval; never
    direct designation."""
    if facts.bidders < 0:
        raise InvalidInput("selection.bad_bidders", "投标人数不能为负数", {})
    if not facts.qualified:
        return _no("selection.unqualified", "应当选聘具有相应资质的物业服务企业")
    if facts.method is Method.DIRECT:
        if facts.stage is Stage.PRELIMINARY:
            return _no("selection.direct_forbidden", "禁止房地产开发商直接指定物业服务企业")
        return _no("selection.must_tender", "更换物业服务企业的，应当通过招投标方式选聘")
    few = facts.bidders < 3
    if facts.method is Method.AGREEMENT:
        if facts.stage is Stage.REPLACEMENT:
            return _no("selection.must_tender", "更换物业服务企业的，应当通过招投标方式选聘")
        if not (few or facts.small_estate):
            return _no(
                "selection.agreement_not_allowed",
                f"投标人{facts.bidders}个（不少于3个）且住宅规模不属较小，应当通过招投标方式选聘",
            )
        if not facts.bureau_approved:
            return _no(
                "selection.agreement_needs_approval",
                "投标人少于3个或住宅规模较小，须经区房管局批准方可采用协议方式选聘",
            )
        return SelectionCheck(
            True, "selection.agreement_approved", "经区房管局批准，采用协议方式选聘"
        )
    if few:
        fallback = (
            "；经区房管局批准，可以采用协议方式选聘"
            if facts.stage is Stage.PRELIMINARY
            else "；应当重新招标"
        )
        return _no("selection.too_few_bidders", f"投标人{facts.bidders}个，少于3个{fallback}")
    if facts.incumbent_bids and not facts.incumbent_consulted:
        return _no(
            "selection.incumbent_not_consulted",
            "前期物业服务企业参与投标，应事先征求社区居委会、派出所、区市场监管局、区房管局的意见",
        )
    return SelectionCheck(
        True, "selection.tender", f"通过招投标方式选聘（投标人{facts.bidders}个）"
    )
