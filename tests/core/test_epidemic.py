"""The pure rules of epidemic management (SPEC M-03, M-04): grid levels and the "五有一网格"
checklist, the returnee's arrival test, the 14 days, the tests every 7 days, missed reports,
closing, and health reports. Every call is handed its ``today`` or ``now``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core import epidemic as e
from gatehouse.core.errors import DomainError, InvalidInput

SH = ZoneInfo("Asia/Shanghai")
ARRIVED = date(2026, 11, 24)
D = timedelta(days=1)


def code_of(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


# -- M-04: grids ---------------------------------------------------------------------------------


def test_grid_levels_street_community_building():
    # rule M-04
    assert e.check_parent("street", None) is e.GridLevel.STREET
    assert e.check_parent("community", "street") is e.GridLevel.COMMUNITY
    assert e.check_parent("building", "community") is e.GridLevel.BUILDING
    assert code_of(lambda: e.check_parent("street", "street")) == "grid.parent"
    assert code_of(lambda: e.check_parent("community", None)) == "grid.parent"
    assert code_of(lambda: e.check_parent("building", "street")) == "grid.parent"
    assert code_of(lambda: e.check_parent("district", None)) == "grid.level"


def test_only_building_grids_take_buildings_and_gaps_are_listed():
    # rule M-04
    e.check_assignable("building")
    assert code_of(lambda: e.check_assignable("community")) == "grid.not_building"
    assert e.unassigned([1, 2, 3], {1: 10, 3: 11}) == [2]


def test_five_haves_and_the_grid_officer():
    # rule M-04
    assert e.five_haves_missing({"guide", "rules"}, has_officer=False) == [
        "supplies",
        "medical",
        "isolation",
        "officer",
    ]
    assert e.five_haves_missing([h.value for h in e.FiveHaves], has_officer=True) == []


# -- M-03: arrival -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test_on", "result", "code"),
    [
        (None, None, "epidemic.test_missing"),
        (ARRIVED - 1 * D, None, "epidemic.test_missing"),
        (ARRIVED - 7 * D, "negative", "epidemic.test_stale"),  # 8 days counting the arrival
        (ARRIVED + 1 * D, "negative", "epidemic.test_after_arrival"),
        (ARRIVED - 1 * D, "positive", "epidemic.test_positive"),
        (ARRIVED - 1 * D, "unknown", "epidemic.test_result"),
    ],
)
def test_arrival_needs_a_negative_test_within_7_days(test_on, result, code):
    # rule M-03: not cleared for home monitoring, with the reason's code
    today = ARRIVED + D
    assert (
        code_of(
            lambda: e.check_arrival(
                arrived_on=ARRIVED, test_on=test_on, test_result=result, today=today
            )
        )
        == code
    )


def test_arrival_test_boundaries():
    # rule M-03: the arrival day and the 6 days before it make the 7 days
    for back in (0, 6):
        e.check_arrival(
            arrived_on=ARRIVED, test_on=ARRIVED - back * D, test_result="negative", today=ARRIVED
        )
    with pytest.raises(InvalidInput) as info:
        e.check_arrival(
            arrived_on=ARRIVED + D, test_on=ARRIVED, test_result="negative", today=ARRIVED
        )
    assert info.value.code == "epidemic.arrival_future"
    with pytest.raises(InvalidInput) as info:
        e.check_arrival(
            arrived_on=ARRIVED, test_on=ARRIVED, test_result="negative", today=ARRIVED + 14 * D
        )
    assert info.value.code == "epidemic.arrival_too_old"


def test_monitoring_is_14_days_counting_the_arrival_day():
    # rule M-03
    ends = e.monitoring_ends(ARRIVED)
    assert ends == datetime(2026, 12, 8, 0, 0, tzinfo=SH)
    assert e.last_day(ARRIVED) == date(2026, 12, 7)
    facts = e.CaseFacts(arrived_on=ARRIVED)
    assert e.stage(facts, ends - timedelta(seconds=1)) is e.CaseStage.MONITORING
    assert e.stage(facts, ends) is e.CaseStage.DUE_TO_CLOSE
    assert e.day_number(ARRIVED, ARRIVED) == 1


def test_a_test_every_7_days():
    # rule M-03: due on day 7 and day 14, each counting from the day after the previous one
    first, second = e.test_schedule(ARRIVED)
    assert (first.window_from, first.due_on) == (date(2026, 11, 25), date(2026, 11, 30))
    assert (second.window_from, second.due_on) == (date(2026, 12, 1), date(2026, 12, 7))
    tests = [e.TestFacts(date(2026, 11, 30), "negative")]
    assert e.overdue_tests(ARRIVED, tests, date(2026, 12, 1)) == []
    assert e.overdue_tests(ARRIVED, [], date(2026, 11, 30)) == []  # due today: not yet overdue
    assert [t.number for t in e.overdue_tests(ARRIVED, [], date(2026, 12, 1))] == [1]
    # a test on day 8 belongs to the second week; the first stays missed
    late = [e.TestFacts(date(2026, 12, 1), "negative")]
    assert [t.number for t in e.overdue_tests(ARRIVED, late, date(2026, 12, 8))] == [1]


def test_missed_daily_reports_raise_once_per_run():
    # rule M-03: day 2 on; a day missed once it has ended; one alert per run of misses
    reported = {date(2026, 11, 25), date(2026, 11, 28)}
    missed = e.missed_report_days(ARRIVED, reported, date(2026, 11, 30))
    assert missed == [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 29)]
    assert e.missed_episodes(missed) == [date(2026, 11, 26), date(2026, 11, 29)]
    assert e.missed_report_days(ARRIVED, set(), ARRIVED + D) == []  # day 1 is the arrival


def test_due_alerts_name_each_episode():
    # rule M-03
    facts = e.CaseFacts(arrived_on=ARRIVED, reported=frozenset({ARRIVED + D}))
    alerts = e.due_alerts(facts, date(2026, 12, 1))
    assert [(a.kind, a.key) for a in alerts] == [
        (e.AlertKind.TEST_OVERDUE, "test:1"),
        (e.AlertKind.REPORT_MISSED, "report:20261126"),
    ]
    assert "第1次核酸检测已逾期" in alerts[0].message
    assert e.due_alerts(e.CaseFacts(arrived_on=ARRIVED, closed=True), date(2026, 12, 1)) == []


def test_closing_a_case():
    # rule M-03: completed only when the 14 days are over with both tests negative
    ends = e.monitoring_ends(ARRIVED)
    negatives = (
        e.TestFacts(date(2026, 11, 30), "negative"),
        e.TestFacts(date(2026, 12, 7), "negative"),
    )
    done = e.CaseFacts(arrived_on=ARRIVED, tests=negatives)

    def close(facts, reason, note="", now=ends):
        return e.check_close(case=facts, reason=reason, note=note, now=now)

    assert close(done, "completed") is e.CloseReason.COMPLETED
    assert code_of(lambda: close(done, "completed", now=ends - D)) == "epidemic.not_finished"
    one = e.CaseFacts(arrived_on=ARRIVED, tests=negatives[:1])
    assert code_of(lambda: close(one, "completed")) == "epidemic.test_missing_at_close"
    positive = e.CaseFacts(
        arrived_on=ARRIVED, tests=(negatives[0], e.TestFacts(date(2026, 12, 6), "positive"))
    )
    assert code_of(lambda: close(positive, "completed")) == "epidemic.positive_at_close"
    assert close(one, "transferred", now=ends - 5 * D) is e.CloseReason.TRANSFERRED
    assert code_of(lambda: close(one, "other")) == "epidemic.note_required"
    assert close(one, "other", "随子女迁往外地") is e.CloseReason.OTHER
    assert code_of(lambda: close(one, "")) == "epidemic.close_reason"
    closed = e.CaseFacts(arrived_on=ARRIVED, closed=True)
    assert code_of(lambda: close(closed, "left")) == "epidemic.closed"


# -- health reports ------------------------------------------------------------------------------


def test_health_report_judgement():
    ok = e.ReportFacts(temperature=Decimal("36.6"))
    assert e.judge_report(ok) == []
    hot = e.ReportFacts(temperature=Decimal("37.3"), fever=True, cough=True)
    assert e.judge_report(hot) == ["体温37.3℃", "咳嗽"]
    went = e.ReportFacts(temperature=None, travel=True, travel_place="武汉")
    assert e.judge_report(went) == ["14天内到过武汉"]
    with pytest.raises(InvalidInput) as info:
        e.judge_report(e.ReportFacts(temperature=None, travel=True))
    assert info.value.code == "report.travel_place"


@pytest.mark.parametrize(
    ("raw", "value"), [("36.5", Decimal("36.5")), (" 37.26℃", Decimal("37.3")), ("", None)]
)
def test_temperature_parsing(raw, value):
    assert e.parse_temperature(raw, required=False) == value


@pytest.mark.parametrize("raw", ["abc", "20", "45", "NaN", "Infinity"])
def test_temperature_refused(raw):
    with pytest.raises(InvalidInput) as info:
        e.parse_temperature(raw, required=False)
    assert info.value.code == "report.temperature"
    with pytest.raises(InvalidInput) as info:
        e.parse_temperature("", required=True)
    assert info.value.code == "report.temperature_missing"


@pytest.mark.parametrize("days, refused", [(0, False), (-3, False), (1, True)])
def test_ledger_dates_are_today_or_earlier(days, refused):
    today = date(2026, 11, 24)
    day = today + timedelta(days=days)
    issue = {"item": "医用口罩", "quantity": 20, "issued_to": "志愿者", "issued_on": day}
    waste = {
        "weight": Decimal("3.5"),
        "bags": 2,
        "collector": "王师傅",
        "transporter": "赵师傅",
        "signed_by": "赵建国",
        "collected_on": day,
    }
    for check, args, field in (
        (e.check_issue, issue, "issued_on"),
        (e.check_waste, waste, "collected_on"),
    ):
        if refused:
            with pytest.raises(InvalidInput) as caught:
                check(**args, today=today)
            assert (caught.value.code, caught.value.details["field"]) == ("ledger.future", field)
            assert "不能晚于今天" in caught.value.message
        else:
            check(**args, today=today)
