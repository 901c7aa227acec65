"""The repair rules (SPEC GV-05 小修不过夜): due times by category and time of filing, overdue,
the order's steps and the return visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gatehouse.core import repairs as core
from gatehouse.core.errors import DomainError, InvalidInput

SH = core.SHANGHAI


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def test_gv05_water_filed_by_day_is_due_the_same_night():
    # rule GV-05: a small water repair filed at 09:30 is due by 23:59 the same day
    due = core.due(core.Category.WATER, at(24, 9, 30))
    assert due.at == at(24, 23, 59)
    assert (due.reason, due.rule) == ("repair.same_day", "GV-05")
    assert "不过夜" in due.message


def test_gv05_electricity_filed_late_is_due_the_next_morning():
    # rule GV-05: filed at 18:00 or later, the next day at noon
    due = core.due(core.Category.ELECTRIC, at(24, 18, 0))
    assert due.at == at(25, 12, 0)
    assert due.reason == "repair.next_morning"
    just_before = core.due(core.Category.ELECTRIC, at(24, 17, 59))
    assert just_before.at == at(24, 23, 59) and just_before.reason == "repair.same_day"


def test_gv05_the_day_is_shanghais_not_utcs():
    # rule GV-05: 01:00 Shanghai is the previous day in UTC; the repair is due that Shanghai day
    filed = at(25, 1, 0).astimezone(UTC)
    assert filed.day == 24
    assert core.due(core.Category.WATER, filed).at == at(25, 23, 59)


def test_gv05_other_repairs_have_three_days():
    due = core.due(core.Category.DOOR, at(24, 9, 30))
    assert due.at == at(27, 9, 30) and due.reason == "repair.general"
    assert core.due(core.Category.PUBLIC, at(24, 22, 0)).at == at(27, 22, 0)


def test_gv05_overdue_only_when_unfinished_past_due():
    due = at(24, 23, 59)
    assert not core.overdue(due, None, due)
    assert core.overdue(due, None, due + timedelta(minutes=1))
    assert not core.overdue(due, at(24, 20), at(25, 9))
    assert core.late(due, at(25, 8), at(25, 9)) and not core.late(due, at(24, 20), at(25, 9))


def test_the_steps_in_order_and_out_of_turn_refused():
    state = core.State.FILED
    for step, expected in [
        ("dispatch", core.State.DISPATCHED),
        ("start", core.State.STARTED),
        ("finish", core.State.DONE),
        ("reopen", core.State.DISPATCHED),
        ("start", core.State.STARTED),
        ("finish", core.State.DONE),
        ("confirm", core.State.CONFIRMED),
        ("visit", core.State.VISITED),
    ]:
        state = core.next_state(state, step)
        assert state is expected
    with pytest.raises(DomainError) as refused:
        core.next_state(core.State.FILED, "finish")
    assert refused.value.code == "repair.state" and "待派单" in refused.value.message
    with pytest.raises(DomainError):
        core.next_state(core.State.STARTED, "dispatch")


def test_bad_category_description_and_visit():
    with pytest.raises(InvalidInput) as bad:
        core.category_of("gas")
    assert bad.value.code == "repair.category"
    with pytest.raises(InvalidInput) as short:
        core.check_description("  漏 ")
    assert short.value.code == "repair.description"
    with pytest.raises(InvalidInput) as why:
        core.check_visit(1, "")
    assert why.value.code == "repair.note"
    assert core.check_visit("3", "") == (core.Satisfaction.SATISFIED, "")
    with pytest.raises(InvalidInput):
        core.check_visit(7, "")
