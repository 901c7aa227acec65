"""What a Hikvision terminal's list can say of the rules issue 17 added, against the simulated
terminal: a returnee under home monitoring is held on an exit terminal only from the end of the
monitoring (M-03: the terminal keeps them in and lets them out after, by itself); a campus's
student is not held on an exit terminal at all (T3-01: school hours and a pass used once are
not what a list with one validity window and the all-day plan can say)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gatehouse.devices.adapters.hikvision import isapi
from gatehouse.devices.models import CommandKind
from tests.campus.conftest import CARD_STUDENT
from tests.conftest import NOW, SHANGHAI
from tests.devices.test_hikvision import (
    CARD_AT_TERMINAL,
    PASSWORD,
    Clock,
    deliver,
    make_terminal,
    queued,
)
from tests.epidemic.conftest import open_case


@pytest.fixture
def hik():
    """The simulated terminal (its clock at NOW)."""
    from gatehouse.devices.adapters.hikvision.simulator import Terminal

    terminal = Terminal(password=PASSWORD, clock=Clock(NOW)).start()
    yield terminal
    terminal.stop()


def test_a_monitored_returnee_leaves_by_the_exit_terminal_only_after_the_monitoring(
    site_a, lanes_a, manager_a, hik, card_a, resident_a, grids_a
):
    # rule M-03: the exit terminal's window starts when the monitoring ends; the entry
    # terminal keeps the card's own window
    from gatehouse.devices.adapters.hikvision.simulator import Terminal
    from gatehouse.epidemic import services

    exit_ = make_terminal(site_a, lanes_a["east/walk-out"], manager_a, hik, "东门出口终端")
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as entry_sim:
        make_terminal(site_a, lanes_a["east/walk-in"], manager_a, entry_sim, "东门入口终端")
        from gatehouse.devices import sync

        sync.sync_site(site_a, NOW)
        deliver()
        assert hik.swipe(CARD_AT_TERMINAL, push=False).passed
        case = open_case(site_a, manager_a)
        [command] = queued(exit_)  # the case reaches the exit terminal in its transaction
        assert command.kind == CommandKind.PERSON_SYNC
        deliver()
        ends = datetime(2026, 12, 8, tzinfo=SHANGHAI)
        valid = hik.store.users[str(resident_a.pk)]["Valid"]
        assert valid["beginTime"] == isapi.local_time(ends)
        assert not hik.swipe(CARD_AT_TERMINAL, push=False).passed  # kept in
        assert entry_sim.swipe(CARD_AT_TERMINAL, push=False).passed  # coming home is not refused
        hik.clock.at = ends + timedelta(minutes=1)
        assert hik.swipe(CARD_AT_TERMINAL, push=False).passed  # out after, with no new sync
        # the case closed early: the exit opens at once
        hik.clock.at = NOW + timedelta(days=1)
        services.case_close(
            case=case, actor=manager_a, now=NOW + timedelta(days=1), reason="left", note=""
        )
        deliver(NOW + timedelta(days=1))
        assert hik.swipe(CARD_AT_TERMINAL, push=False).passed
        valid = hik.store.users[str(resident_a.pk)]["Valid"]
        assert valid["beginTime"] == isapi.local_time(card_a.valid_from)


def test_a_student_is_not_held_on_a_campus_exit_terminal(
    school, school_lanes, school_manager, people, hik
):
    # rule T3-01: whatever the hour of the sync, the exit terminal does not let a student out
    # by itself; the entrance terminal holds them
    from gatehouse.devices import sync
    from gatehouse.devices.adapters.hikvision.simulator import Terminal

    student = people["student"]
    card = f"{int(CARD_STUDENT, 16):010d}"
    make_terminal(school, school_lanes["out"], school_manager, hik, "南校门出口终端")
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as entry_sim:
        make_terminal(school, school_lanes["in"], school_manager, entry_sim, "南校门入口终端")
        for hour in (9, 18):  # in school hours and after
            sync.sync_site(school, NOW.replace(hour=hour), reason="测试")
            deliver(NOW.replace(hour=hour))
            assert str(student.pk) not in hik.store.users
            assert not hik.swipe(card, push=False).passed
            assert str(student.pk) in entry_sim.store.users
        # a teacher (not a student) is held on the exit terminal as before
        teacher = people["teacher"]
        from gatehouse.people import services as people_services

        people_services.credential_issue(
            site=school,
            person=teacher,
            kind="staff_badge",
            number="7E0C0001",
            valid_from=NOW - timedelta(days=30),
            actor=school_manager,
            now=NOW,
        )
        deliver()
        assert str(teacher.pk) in hik.store.users
