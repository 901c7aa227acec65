"""索证索票 (seed T3 "严把食品运输、索证…关口"): the canteen accepts a delivery only from a supplier
whose certificates are on file and valid on the delivery day (rule T3-04); the guards living on
campus (T3·9): a bed is not given twice, a check's finding has a deadline. Pure, no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gatehouse.core import campus as rules
from gatehouse.core.campus import Certificate

SHANGHAI = rules.SHANGHAI
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
TODAY = date(2026, 11, 24)
DAY = timedelta(days=1)

LICENCE = Certificate("business_licence", "420111000123456", None, supplier=1, ref=1)
FOOD = Certificate("food_licence", "JY1420111", TODAY + 100 * DAY, supplier=1, ref=2)
HEALTH = Certificate("health", "鄂健0817", TODAY + 20 * DAY, supplier=1, ref=3)


def _refusal(certs, checked=None, day=TODAY, supplier=1):
    return rules.delivery_refusal(
        supplier=supplier,
        certificates=certs,
        checked=list(certs) if checked is None else checked,
        delivered_on=day,
        now=NOW,
    )


def test_a_supplier_with_both_licences_valid_on_the_day_may_deliver():
    # rule T3-04
    assert _refusal([LICENCE, FOOD, HEALTH]) is None
    assert rules.supplier_refusal([LICENCE, FOOD], day=TODAY) is None


@pytest.mark.parametrize(
    ("held", "code", "words"),
    [
        ([FOOD], "supply.certificate_missing", "营业执照"),
        ([LICENCE, HEALTH], "supply.certificate_missing", "食品经营/生产许可证"),
    ],
)
def test_a_missing_licence_refuses_the_delivery(held, code, words):
    # rule T3-04
    refused = _refusal(held)
    assert refused is not None
    assert refused[0] == code and words in refused[1] and "不得验收" in refused[1]
    assert refused[2] == "supplier"


def test_a_licence_expired_on_the_delivery_day_refuses_it_and_the_last_day_still_counts():
    # rule T3-04
    ends = Certificate("food_licence", "SC101", TODAY - DAY, supplier=1)
    code, message, field = _refusal([LICENCE, ends])
    assert code == "supply.certificate_expired" and field == "supplier"
    assert "SC101" in message and "2026-11-23" in message and "到期" in message
    # a delivery on the licence's last day was acceptable
    assert _refusal([LICENCE, ends], day=TODAY - DAY) is None
    # a renewed licence beside the expired one is enough
    renewed = Certificate("food_licence", "SC102", TODAY + 300 * DAY, supplier=1)
    assert rules.supplier_refusal([LICENCE, ends, renewed], day=TODAY) is None


def test_each_certificate_checked_must_be_the_suppliers_and_valid_on_the_day():
    # rule T3-04
    assert _refusal([LICENCE, FOOD], checked=[])[0] == "supply.nothing_checked"
    other = Certificate("health", "X1", TODAY + 10 * DAY, supplier=2)
    assert _refusal([LICENCE, FOOD], checked=[LICENCE, other])[0] == "supply.not_suppliers"
    stale = Certificate("inspection", "动检93", TODAY - 2 * DAY, supplier=1)
    code, message, field = _refusal([LICENCE, FOOD, stale], checked=[stale])
    assert code == "supply.checked_expired" and "动检93" in message and field == "certificates"


def test_a_delivery_dated_tomorrow_is_refused():
    # rule T3-04
    assert _refusal([LICENCE, FOOD], day=TODAY + DAY)[0] == "supply.delivery_future"
    # the day is Shanghai's: 00:30 on the 25th there is still the 24th in UTC
    late = datetime(2026, 11, 25, 0, 30, tzinfo=SHANGHAI)
    assert rules.local_day(late) == date(2026, 11, 25)


def test_a_certificate_ending_within_30_days_is_flagged():
    # rule T3-04
    assert rules.cert_state(HEALTH, today=TODAY) == rules.EXPIRING
    assert rules.cert_state(FOOD, today=TODAY) == rules.VALID
    assert rules.cert_state(LICENCE, today=TODAY) == rules.VALID  # 长期
    edge = Certificate("health", "H", TODAY + 30 * DAY)
    assert rules.cert_state(edge, today=TODAY) == rules.EXPIRING
    assert rules.cert_state(edge, today=TODAY - DAY) == rules.VALID
    assert rules.cert_state(edge, today=TODAY + 31 * DAY) == rules.EXPIRED


def test_only_a_business_licence_may_be_open_ended():
    assert rules.certificate_problem(kind="business_licence", number="1", valid_until=None) is None
    assert rules.certificate_problem(kind="food_licence", number="1", valid_until=None)[0] == (
        "supply.valid_until"
    )
    assert rules.certificate_problem(kind="x", number="1", valid_until=TODAY)[0] == (
        "supply.certificate_kind"
    )
    assert rules.certificate_problem(kind="health", number="", valid_until=TODAY)[0] == (
        "supply.certificate_number"
    )


def test_a_bed_is_not_given_twice_for_overlapping_days():
    taken = [(TODAY - 60 * DAY, None)]
    assert rules.lodging_problem(start=TODAY, end=None, taken=taken)[0] == "lodging.bed_taken"
    moved_out = [(TODAY - 60 * DAY, TODAY - DAY)]
    assert rules.lodging_problem(start=TODAY, end=None, taken=moved_out) is None
    assert rules.lodging_problem(start=TODAY, end=TODAY - DAY, taken=[])[0] == "lodging.order"


def test_a_finding_needs_a_deadline_and_an_open_one_past_it_is_overdue():
    assert rules.check_problem(checked_on=TODAY, has_findings=False, deadline=None, now=NOW) is None
    assert (
        rules.check_problem(checked_on=TODAY, has_findings=True, deadline=None, now=NOW)[0]
        == "guard_check.deadline"
    )
    assert (
        rules.check_problem(checked_on=TODAY + DAY, has_findings=False, deadline=None, now=NOW)[0]
        == "guard_check.future"
    )
    assert rules.check_overdue(deadline=TODAY - DAY, closed_on=None, today=TODAY)
    assert not rules.check_overdue(deadline=TODAY, closed_on=None, today=TODAY)
    assert not rules.check_overdue(deadline=TODAY - DAY, closed_on=TODAY, today=TODAY)
