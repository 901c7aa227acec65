"""Tests for gatehouse.core.rating: stars, checklist scoring, rectification, credit, tendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import InvalidInput
from gatehouse.core.rating import (
    SEED_CHECKLIST,
    Assessment,
    Band,
    Checklist,
    ChecklistItem,
    CompanyFacts,
    Confirmation,
    ItemStatus,
    Method,
    OwnerArrears,
    RectificationItem,
    SelectionFacts,
    Stage,
    StarScale,
    WarningPeriod,
    assess,
    ban_last_day,
    blacklist_from,
    check_selection,
    item_status,
    may_tender,
    overdue_in_period,
    overdue_items,
    owner_credit_record,
    rate,
)

D = Decimal
FULL = {item.key: item.weight for item in SEED_CHECKLIST.items}


# == GV-01: stars =================================================================================


@pytest.mark.parametrize(
    ("score", "band", "stars"),
    [
        pytest.param("0", Band.RECTIFY, 0, id="0"),
        pytest.param("59.99", Band.RECTIFY, 0, id="59.99"),
        pytest.param("60", Band.NO_STAR, 0, id="60"),
        pytest.param("69.99", Band.NO_STAR, 0, id="69.99"),
        pytest.param("70", Band.ONE_STAR, 1, id="70"),
        pytest.param("79", Band.ONE_STAR, 1, id="79"),
        pytest.param("79.99", Band.ONE_STAR, 1, id="79.99"),
        pytest.param("80", Band.TWO_STARS, 2, id="80"),
        pytest.param("89.5", Band.TWO_STARS, 2, id="89.5"),
        pytest.param("90", Band.THREE_STARS, 3, id="90"),
        pytest.param("100", Band.THREE_STARS, 3, id="100"),
    ],
)
def test_star_boundaries(score: str, band: Band, stars: int) -> None:
    # rule GV-01: 70–79 one star, 80–89 two, ≥ 90 three, 60–69 none, < 60 rectify
    rating = rate(D(score))
    assert rating.band is band
    assert rating.stars == stars
    assert rating.rectify is (band is Band.RECTIFY)
    assert rating.message.startswith(f"年度考核得分{D(score).normalize():f}分")


@pytest.mark.parametrize(
    ("score", "text"),
    [
        pytest.param("95", "年度考核得分95分：评为三星级物业项目", id="three"),
        pytest.param("85.5", "年度考核得分85.5分：评为二星级物业项目", id="two"),
        pytest.param("72", "年度考核得分72分：评为一星级物业项目", id="one"),
        pytest.param("65", "年度考核得分65分：未达到星级标准", id="none"),
        pytest.param(
            "55",
            "年度考核得分55分，低于60分：限期整改；整改不到位的纳入黑名单，限制承接小区物业服务项目，"
            "未消除不良记录的，禁止参与新的物业服务招投标活动",
            id="rectify",
        ),
    ],
)
def test_star_messages(score: str, text: str) -> None:
    # rule GV-01
    assert rate(D(score)).message == text


def test_inclusive_reading_of_60_is_configurable() -> None:
    # rule GV-01: a site reading "60分以下" as including 60 moves the pass mark
    scale = StarScale(pass_mark=D("60.01"))
    assert rate(D(60), scale).band is Band.RECTIFY
    assert rate(D(60)).band is Band.NO_STAR
    with pytest.raises(InvalidInput):
        StarScale(one=D(95))


@given(
    a=st.decimals(min_value=0, max_value=100, places=2),
    b=st.decimals(min_value=0, max_value=100, places=2),
)
def test_stars_never_decrease(a: Decimal, b: Decimal) -> None:
    # rule GV-01: a higher score never earns fewer stars, nor falls into rectification
    low, high = sorted((a, b))
    assert rate(low).stars <= rate(high).stars
    assert not (rate(high).rectify and not rate(low).rectify)


# == GV-01 / GV-05: checklist and assessment ======================================================


def test_seed_checklist() -> None:
    # rule GV-05: the T6 standards are on the list and the weights make 100
    assert sum(i.weight for i in SEED_CHECKLIST.items) == 100
    titles = " ".join(i.title for i in SEED_CHECKLIST.items)
    for phrase in (
        "24小时值班",
        "巡逻记录",
        "水电小修不过夜",
        "回访",
        "公开收费项目",
        "着装统一",
        "环境干净整洁",
    ):
        assert phrase in titles


def test_assess_full_marks() -> None:
    # rule GV-01
    result = assess(Assessment(FULL))
    assert (result.subtotal, result.deduction, result.total) == (D(100), D(0), D(100))
    assert result.rating.band is Band.THREE_STARS


def test_assess_caps_items_and_deducts_overdue() -> None:
    # rules GV-01, GV-04: duty 5 of 10 (−5), repairs 20 counted as its weight 15 (±0),
    # complaints 12.5 of 15 (−2.5): 100 − 7.5 = 92.5; three overdue items × 2 = 6: 86.5
    scores = dict(FULL, duty_24h=D(5), repairs=D(20), complaints=D("12.5"))
    result = assess(Assessment(scores, overdue_items=3))
    repairs = next(i for i in result.items if i.key == "repairs")
    assert (repairs.given, repairs.counted) == (D(20), D(15))
    assert result.subtotal == D("92.5")
    assert result.deduction == D(6)
    assert result.total == D("86.5")
    assert result.rating.band is Band.TWO_STARS
    assert result.rating.message == "年度考核得分86.5分：评为二星级物业项目（含逾期未整改3项扣6分）"


def test_assess_deduction_crosses_a_boundary() -> None:
    # rules GV-01, GV-04: 91 − 2 × 1 = 89: the overdue item costs the third star
    scores = dict(FULL, complaints=D(6))
    assert assess(Assessment(scores)).rating.stars == 3
    assert assess(Assessment(scores, overdue_items=1)).rating.stars == 2


def test_assess_never_below_zero() -> None:
    # rule GV-01
    zero = {k: D(0) for k in FULL}
    result = assess(Assessment(zero, overdue_items=5))
    assert result.total == 0
    assert result.rating.band is Band.RECTIFY


@pytest.mark.parametrize(
    ("scores", "overdue", "code", "text"),
    [
        pytest.param({k: v for k, v in FULL.items() if k != "patrol"}, 0, "assessment.items_mismatch", "未评分项目 patrol", id="missing"),
        pytest.param(dict(FULL, bonus=D(1)), 0, "assessment.items_mismatch", "清单外项目 bonus", id="unknown"),
        pytest.param(dict(FULL, patrol=D(-1)), 0, "assessment.negative_score", "得分不能为负数", id="negative"),
        pytest.param(FULL, -1, "assessment.bad_overdue", "逾期整改项数不能为负数", id="negative-overdue"),
    ],
)  # fmt: skip
def test_assess_rejects(scores: dict[str, Decimal], overdue: int, code: str, text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        assess(Assessment(scores, overdue))
    assert err.value.code == code
    assert text in err.value.message


def test_checklist_validation() -> None:
    # rule GV-01: a configured checklist must make exactly 100 points
    item = ChecklistItem("a", "甲", D(60))
    with pytest.raises(InvalidInput) as err:
        Checklist((item,))
    assert err.value.code == "checklist.total_not_100"
    assert "各项分值合计为60分，应为100分" in err.value.message
    with pytest.raises(InvalidInput) as err:
        Checklist((item, replace(item, weight=D(40))))
    assert err.value.code == "checklist.duplicate_key"
    custom = Checklist((item, ChecklistItem("b", "乙", D(40))), overdue_deduction=D("0.5"))
    result = assess(Assessment({"a": D(60), "b": D(30)}, overdue_items=4), custom)
    assert result.total == D(88)


@given(
    given_scores=st.lists(
        st.decimals(min_value=0, max_value=30, places=1),
        min_size=len(FULL),
        max_size=len(FULL),
    ),
    overdue=st.integers(0, 60),
)
def test_assess_properties(given_scores: list[Decimal], overdue: int) -> None:
    # rules GV-01, GV-04: the total stays within 0 … 100, and an overdue item never helps
    scores = dict(zip(FULL, given_scores, strict=True))
    result = assess(Assessment(scores, overdue))
    assert 0 <= result.total <= 100
    assert all(i.counted <= i.weight for i in result.items)
    assert result.total <= assess(Assessment(scores, max(overdue - 1, 0))).total


@pytest.mark.parametrize(
    ("rectified", "listed"),
    [
        pytest.param(date(2026, 6, 30), None, id="on-the-deadline"),
        pytest.param(date(2026, 7, 1), date(2026, 7, 1), id="a-day-late"),
        pytest.param(None, date(2026, 7, 1), id="never"),
    ],
)
def test_blacklist_after_failed_rectification(rectified: date | None, listed: date | None) -> None:
    # rule GV-01: under 60, rectify by 2026-06-30, else blacklisted from the day after
    assert blacklist_from(deadline=date(2026, 6, 30), rectified_on=rectified) == listed


# == GV-04: rectification =========================================================================

ITEMS = (
    RectificationItem("A", date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 10), "垃圾未清运"),
    RectificationItem("B", date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 12), "路灯损坏"),
    RectificationItem("C", date(2026, 3, 1), date(2026, 3, 10), None, "雨污水管道堵塞"),
    RectificationItem("D", date(2026, 3, 5), date(2026, 3, 31), None, "牛皮癣"),
    RectificationItem("E", date(2025, 12, 1), date(2025, 12, 20), None, "绿地损坏"),
)


@pytest.mark.parametrize(
    ("on", "statuses"),
    [
        pytest.param(date(2026, 3, 10), "ROOOX", id="deadline-day"),
        pytest.param(date(2026, 3, 11), "RXXOX", id="day-after"),
        pytest.param(date(2026, 3, 12), "RLXOX", id="late-fix-known"),
        pytest.param(date(2026, 4, 1), "RLXXX", id="all-past"),
    ],
)
def test_item_status(on: date, statuses: str) -> None:
    # rule GV-04: items A … E; R rectified in time, L rectified late, O open, X overdue.
    # B is fixed on 03-12: before that day it is still overdue, from it on "rectified late"
    letters = {
        ItemStatus.RECTIFIED: "R",
        ItemStatus.RECTIFIED_LATE: "L",
        ItemStatus.OPEN: "O",
        ItemStatus.OVERDUE: "X",
    }
    assert "".join(letters[item_status(i, on)] for i in ITEMS) == statuses


def test_overdue_items_and_rating_count() -> None:
    # rule GV-04: on 2026-04-01 B (late), C, D and E are on the record; only B, C, D had their
    # deadline in the 2026 assessment year
    assert [i.ref for i in overdue_items(ITEMS, date(2026, 4, 1))] == ["B", "C", "D", "E"]
    assert [i.ref for i in overdue_items(ITEMS, date(2026, 3, 10))] == ["E"]
    count = overdue_in_period(
        ITEMS, start=date(2026, 1, 1), end=date(2026, 12, 31), on=date(2026, 12, 31)
    )
    assert count == 3


# == GV-02 / GV-04: tenders and credit ============================================================


@pytest.mark.parametrize(
    ("recorded", "last"),
    [
        pytest.param(date(2021, 3, 10), date(2026, 3, 10), id="plain"),
        pytest.param(date(2024, 2, 29), date(2029, 2, 28), id="leap-day"),
        pytest.param(date(2023, 2, 28), date(2028, 2, 28), id="into-leap-year"),
    ],
)
def test_ban_last_day(recorded: date, last: date) -> None:
    # rule GV-02: five years, ending on the corresponding day (or the month's last day)
    assert ban_last_day(recorded) == last
    company = CompanyFacts(dishonest_on=(recorded,))
    barred = may_tender(company, last)
    assert not barred.allowed
    assert barred.reasons[0].code == "tender.dishonest_ban"
    assert (
        f"五年内（至{last.year}年{last.month}月{last.day}日）禁止参与物业项目竞标"
        in barred.reasons[0].message
    )
    assert may_tender(company, last + timedelta(days=1)).allowed


@pytest.mark.parametrize(
    ("company", "on", "codes"),
    [
        pytest.param(CompanyFacts(), date(2026, 5, 1), [], id="clean"),
        pytest.param(CompanyFacts(blacklisted_on=date(2025, 1, 10)), date(2026, 5, 1), ["tender.blacklisted"], id="blacklisted"),
        pytest.param(CompanyFacts(blacklisted_on=date(2025, 1, 10), blacklist_cleared_on=date(2026, 5, 1)), date(2026, 5, 1), [], id="cleared"),
        pytest.param(CompanyFacts(blacklisted_on=date(2026, 6, 1)), date(2026, 5, 1), [], id="listed-later"),
        pytest.param(CompanyFacts(warnings=(WarningPeriod(date(2026, 4, 1), date(2026, 6, 30)),)), date(2026, 6, 30), ["tender.warning"], id="warning-last-day"),
        pytest.param(CompanyFacts(warnings=(WarningPeriod(date(2026, 4, 1), date(2026, 6, 30)),)), date(2026, 7, 1), [], id="warning-over"),
        pytest.param(
            CompanyFacts(blacklisted_on=date(2025, 1, 10), dishonest_on=(date(2024, 1, 1),), warnings=(WarningPeriod(date(2026, 4, 1), date(2026, 6, 30)),)),
            date(2026, 5, 1), ["tender.blacklisted", "tender.dishonest_ban", "tender.warning"], id="every-reason",
        ),
    ],
)  # fmt: skip
def test_may_tender(company: CompanyFacts, on: date, codes: list[str]) -> None:
    # rules GV-01 (blacklist), GV-02 (five-year ban), GV-04 (warning)
    result = may_tender(company, on)
    assert result.allowed is (not codes)
    assert [r.code for r in result.reasons] == codes
    rules = {
        "tender.blacklisted": "GV-01",
        "tender.dishonest_ban": "GV-02",
        "tender.warning": "GV-04",
    }
    assert [r.rule for r in result.reasons] == [rules[c] for c in codes]


def test_may_tender_messages() -> None:
    # rules GV-01, GV-04
    company = CompanyFacts(
        blacklisted_on=date(2025, 1, 10),
        warnings=(WarningPeriod(date(2026, 4, 1), date(2026, 6, 30)),),
    )
    blacklisted, warned = may_tender(company, date(2026, 5, 1)).reasons
    assert blacklisted.message == (
        "自2025年1月10日列入黑名单，未消除不良记录，禁止参与新的物业服务招投标活动"
    )
    assert "警示期间禁止参与物业管理招投标" in warned.message
    assert "（2026年4月1日至2026年6月30日）" in warned.message


def test_rectification_period_restricts_without_barring() -> None:
    # rule GV-01: in a rectification period the company is restricted, not barred from tenders
    result = may_tender(CompanyFacts(rectifying_until=date(2026, 6, 30)), date(2026, 6, 30))
    assert result.allowed
    (note,) = result.notes
    assert note.code == "tender.rectifying"
    assert note.message == "处于整改期内（至2026年6月30日），限制承接小区物业服务项目"
    assert (
        may_tender(CompanyFacts(rectifying_until=date(2026, 6, 30)), date(2026, 7, 1)).notes == ()
    )


@given(recorded=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_ban_is_five_years(recorded: date) -> None:
    # rule GV-02: barred on the day recorded and on the last day, free the day after
    last = ban_last_day(recorded)
    assert 5 * 365 + 1 <= (last - recorded).days <= 5 * 366
    company = CompanyFacts(dishonest_on=(recorded,))
    assert not may_tender(company, recorded).allowed
    assert not may_tender(company, last).allowed
    assert may_tender(company, last + timedelta(days=1)).allowed


@pytest.mark.parametrize(
    ("arrears", "text"),
    [
        pytest.param(
            OwnerArrears(120_000, Confirmation.JUDGMENT, date(2026, 3, 1)),
            "经司法判决确认（2026年3月1日）后仍欠缴物业费1,200.00元：按照个人信用信息管理有关规定录入个人信用档案",
            id="judgment",
        ),
        pytest.param(
            OwnerArrears(5_050, Confirmation.ARBITRATION, date(2026, 3, 1)),
            "经仲裁裁决确认（2026年3月1日）后仍欠缴物业费50.50元",
            id="arbitration",
        ),
        pytest.param(OwnerArrears(0, Confirmation.JUDGMENT, date(2026, 3, 1)), None, id="paid"),
        pytest.param(OwnerArrears(120_000), None, id="not-confirmed"),
        pytest.param(OwnerArrears(120_000, Confirmation.JUDGMENT, date(2026, 3, 2)), None, id="confirmed-later"),
    ],
)  # fmt: skip
def test_owner_credit_record(arrears: OwnerArrears, text: str | None) -> None:
    # rule GV-02: an owner owing after an award or judgment goes on the credit record
    record = owner_credit_record(arrears, on=date(2026, 3, 1))
    if text is None:
        assert record is None
        return
    assert record is not None
    assert (record.rule, record.code) == ("GV-02", "owner.credit_record")
    assert text in record.message


# == GV-03: choosing a company ====================================================================

P, R = Stage.PRELIMINARY, Stage.REPLACEMENT
TENDER, AGREEMENT, DIRECT = Method.TENDER, Method.AGREEMENT, Method.DIRECT

# fmt: off
SELECTION = [
    ("tender", SelectionFacts(TENDER, bidders=3), True, "selection.tender", "通过招投标方式选聘（投标人3个）"),
    ("tender-too-few", SelectionFacts(TENDER, bidders=2), False, "selection.too_few_bidders", "投标人2个，少于3个；经区房管局批准，可以采用协议方式选聘"),
    ("replacement-too-few", SelectionFacts(TENDER, bidders=2, stage=R), False, "selection.too_few_bidders", "应当重新招标"),
    ("direct", SelectionFacts(DIRECT), False, "selection.direct_forbidden", "禁止房地产开发商直接指定物业服务企业"),
    ("direct-replacement", SelectionFacts(DIRECT, stage=R), False, "selection.must_tender", "更换物业服务企业的，应当通过招投标方式选聘"),
    ("agreement-few-approved", SelectionFacts(AGREEMENT, bidders=2, bureau_approved=True), True, "selection.agreement_approved", "经区房管局批准，采用协议方式选聘"),
    ("agreement-small-approved", SelectionFacts(AGREEMENT, bidders=5, small_estate=True, bureau_approved=True), True, "selection.agreement_approved", "协议方式"),
    ("agreement-unapproved", SelectionFacts(AGREEMENT, bidders=1), False, "selection.agreement_needs_approval", "须经区房管局批准方可采用协议方式选聘"),
    ("agreement-not-eligible", SelectionFacts(AGREEMENT, bidders=3, bureau_approved=True), False, "selection.agreement_not_allowed", "投标人3个（不少于3个）且住宅规模不属较小，应当通过招投标方式选聘"),
    ("agreement-replacement", SelectionFacts(AGREEMENT, bidders=1, stage=R, bureau_approved=True), False, "selection.must_tender", "应当通过招投标方式选聘"),
    ("unqualified", SelectionFacts(TENDER, bidders=4, qualified=False), False, "selection.unqualified", "具有相应资质"),
    ("incumbent-unconsulted", SelectionFacts(TENDER, bidders=4, stage=R, incumbent_bids=True), False, "selection.incumbent_not_consulted", "应事先征求社区居委会、派出所、区市场监管局、区房管局的意见"),
    ("incumbent-consulted", SelectionFacts(TENDER, bidders=4, stage=R, incumbent_bids=True, incumbent_consulted=True), True, "selection.tender", "招投标"),
]
# fmt: on


@pytest.mark.parametrize(
    ("facts", "allowed", "code", "text"), [pytest.param(*row[1:], id=row[0]) for row in SELECTION]
)
def test_selection(facts: SelectionFacts, allowed: bool, code: str, text: str) -> None:
    # rule GV-03
    result = check_selection(facts)
    assert result.rule == "GV-03"
    assert result.allowed is allowed
    assert result.code == code
    assert text in result.message
