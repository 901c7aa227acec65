"""The rectification notice's lifecycle in the core (issue 17 §3, SPEC GV-04): numbering, issue,
delivery, the check at the deadline, overdue flags."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core import rectification as r
from gatehouse.core.errors import DomainError, InvalidInput

SH = ZoneInfo("Asia/Shanghai")
ISSUED = datetime(2026, 11, 10, 10, 0, tzinfo=SH)
DEADLINE = date(2026, 11, 20)
DELIVERED = datetime(2026, 11, 11, 15, 0, tzinfo=SH)


def facts(**kw):
    return r.NoticeFacts(issued_at=ISSUED, deadline=DEADLINE, **kw)


def test_numbers_run_per_year_and_leave_gaps():
    assert r.next_number([], 2026) == "整改-2026-0001"
    taken = ["整改-2026-0001", "整改-2026-0007", "整改-2025-0042", "ZX-2026-0099", "整改-2026-x"]
    assert r.next_number(taken, 2026) == "整改-2026-0008"
    assert r.next_number(taken, 2025) == "整改-2025-0043"
    assert r.next_number(taken, 2027) == "整改-2027-0001"


def test_issue_cleans_the_content():
    # rule GV-04: a notice names the finding, the items, the basis and a deadline
    issue = r.check_issue(
        finding="  消防通道 堆放杂物 ",
        items="清理3号楼消防通道\n\n  设置禁止堆放标识 \n",
        basis="《消防法》第二十八条",
        deadline=DEADLINE,
        today=ISSUED.date(),
    )
    assert issue.finding == "消防通道 堆放杂物"
    assert issue.items == ("清理3号楼消防通道", "设置禁止堆放标识")
    assert issue.deadline == DEADLINE


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"finding": " \u200b "}, "notice.finding_empty", "finding"),
        ({"items": "\n \n"}, "notice.items_empty", "items"),
        ({"items": "\n".join(f"第{n}项" for n in range(21))}, "notice.items_too_many", "items"),
        ({"items": "长" * 201}, "notice.item_too_long", "items"),
        ({"basis": ""}, "notice.basis_empty", "basis"),
        ({"deadline": None}, "notice.deadline_empty", "deadline"),
        ({"deadline": date(2026, 11, 10)}, "notice.deadline_not_after_issue", "deadline"),
        ({"deadline": date(2026, 11, 9)}, "notice.deadline_not_after_issue", "deadline"),
        ({"deadline": date(2027, 11, 11)}, "notice.deadline_too_far", "deadline"),
    ],
)
def test_issue_refuses_bad_content(change, code, field):
    # rule GV-04: the deadline is a limit after the day of issue
    args = {"finding": "毁绿", "items": "恢复绿地", "basis": "管理规约", "deadline": DEADLINE}
    with pytest.raises(InvalidInput) as caught:
        r.check_issue(**(args | change), today=ISSUED.date())
    assert caught.value.code == code and caught.value.details["field"] == field
    assert caught.value.message


def test_the_stages_of_a_notice():
    # rule GV-04: issued → delivered → (at the deadline) rectified or not; overdue flagged
    assert r.stage(facts(), ISSUED.date()) is r.Stage.ISSUED
    assert r.stage(facts(delivered_at=DELIVERED), DEADLINE) is r.Stage.DELIVERED
    assert r.stage(facts(delivered_at=DELIVERED), DEADLINE + timedelta(days=1)) is r.Stage.OVERDUE
    assert r.stage(facts(), DEADLINE + timedelta(days=1)) is r.Stage.OVERDUE  # never delivered
    assert r.overdue(facts(delivered_at=DELIVERED), DEADLINE + timedelta(days=1))
    assert not r.overdue(facts(delivered_at=DELIVERED), DEADLINE)
    done = facts(delivered_at=DELIVERED, checked_on=DEADLINE, result=r.Result.RECTIFIED)
    assert r.stage(done, date(2027, 1, 1)) is r.Stage.RECTIFIED and not r.overdue(
        done, date(2027, 1, 1)
    )
    failed = facts(delivered_at=DELIVERED, checked_on=DEADLINE, result=r.Result.NOT_RECTIFIED)
    assert r.stage(failed, DEADLINE) is r.Stage.NOT_RECTIFIED and r.overdue(failed, DEADLINE)


def test_delivery_once_after_issue_and_not_in_the_future():
    # rule GV-04: delivered to whom, when — once
    now = datetime(2026, 11, 12, 9, 0, tzinfo=SH)
    assert (
        r.check_delivery(facts(), delivered_at=DELIVERED, receiver=" 李经理 ", now=now) == "李经理"
    )
    cases = [
        (facts(), {"delivered_at": ISSUED - timedelta(minutes=1)}, "notice.delivered_before_issue"),
        (facts(), {"delivered_at": now + timedelta(minutes=1)}, "notice.delivered_future"),
        (facts(), {"receiver": "  "}, "notice.receiver_empty"),
        (facts(delivered_at=DELIVERED), {}, "notice.already_delivered"),
        (
            facts(delivered_at=DELIVERED, checked_on=DEADLINE, result=r.Result.RECTIFIED),
            {},
            "notice.closed",
        ),
    ]
    for notice, change, code in cases:
        args = {"delivered_at": DELIVERED, "receiver": "李经理"} | change
        with pytest.raises(DomainError) as caught:
            r.check_delivery(notice, now=now, **args)
        assert caught.value.code == code


def test_the_check_rectified_any_day_after_delivery_not_rectified_from_the_deadline():
    # rule GV-04: 限期整改仍不到位 only once the deadline is reached
    delivered = facts(delivered_at=DELIVERED)
    day = DELIVERED.date()
    r.check_close(delivered, checked_on=day, result=r.Result.RECTIFIED, today=day, delivered_on=day)
    r.check_close(
        delivered,
        checked_on=DEADLINE,
        result=r.Result.NOT_RECTIFIED,
        today=DEADLINE,
        delivered_on=day,
    )
    cases = [
        (facts(), {}, "notice.not_delivered"),
        (delivered, {"checked_on": DEADLINE + timedelta(days=1)}, "notice.checked_future"),
        (delivered, {"checked_on": day - timedelta(days=1)}, "notice.checked_before_delivery"),
        (
            delivered,
            {"checked_on": DEADLINE - timedelta(days=1), "result": r.Result.NOT_RECTIFIED},
            "notice.before_deadline",
        ),
        (
            facts(delivered_at=DELIVERED, checked_on=DEADLINE, result=r.Result.RECTIFIED),
            {},
            "notice.closed",
        ),
    ]
    for notice, change, code in cases:
        args = {"checked_on": DEADLINE, "result": r.Result.RECTIFIED} | change
        with pytest.raises(DomainError) as caught:
            r.check_close(notice, today=DEADLINE, delivered_on=day, **args)
        assert caught.value.code == code
