"""Campus closed management (seed template T3 篇三: "校园实施全封闭管理"), end to end through
the services and the gate: the class teacher's leave pass (rule T3-01) and parents' pick-ups by
confirmed appointment (rule T3-02). ``NOW`` is 09:30, inside the default school hours
07:40–16:30."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.campus.conftest import CARD_STUDENT
from tests.conftest import NOW

H = timedelta(hours=1)


def _issue(people, teacher_key="teacher", **kw):
    from gatehouse.campus import services

    args = {
        "teacher": people[teacher_key],
        "student": people["student"],
        "actor": people[teacher_key].user,
        "reason": "发烧，家长接去医院",
        "window_start": NOW - H,
        "window_end": NOW + 2 * H,
        "now": NOW,
    }
    return services.leave_pass_issue(**{**args, **kw})


def _out(school_lanes, at=NOW):
    from gatehouse.gate.decide import gate_read

    return gate_read(lane=school_lanes["out"], kind="card", value=CARD_STUDENT, now=at)


# -- T3-01: students leaving during school hours -------------------------------------------------


def test_student_without_a_pass_is_refused_during_school_hours(school_lanes, people):
    # rule T3-01
    from gatehouse.access.models import AccessEvent

    result = _out(school_lanes)
    assert result.decision.outcome == "refuse"
    assert result.decision.reason == "campus.no_leave_pass" and result.decision.rule == "T3-01"
    assert "请假条" in result.decision.message
    event = AccessEvent.objects.get()
    assert (event.reason, event.person_id, event.direction) == (
        "campus.no_leave_pass",
        people["student"].pk,
        "out",
    )


def test_student_with_the_class_teachers_pass_leaves_once(school_lanes, people):
    # rule T3-01
    from gatehouse.access.models import AccessEvent

    leave_pass = _issue(people)
    result = _out(school_lanes)
    assert result.decision.allowed and result.decision.reason == "campus.leave_pass"
    leave_pass.refresh_from_db()
    assert leave_pass.used_at == NOW and leave_pass.used_event_id == result.event.pk
    assert AccessEvent.objects.get(pk=result.event.pk).rule == "T3-01"
    # the pass is used: a second exit in the window is refused with the reason
    again = _out(school_lanes, NOW + timedelta(minutes=5))
    assert again.decision.reason == "campus.leave_pass_used" and not again.decision.allowed


def test_a_revoked_pass_or_one_for_later_does_not_let_out(school_lanes, people):
    # rule T3-01
    from gatehouse.campus import services

    later = _issue(people, window_start=NOW + H, window_end=NOW + 3 * H)
    assert _out(school_lanes).decision.reason == "campus.leave_pass_window"
    services.leave_pass_revoke(
        leave_pass=later, teacher=people["teacher"], actor=people["teacher"].user, now=NOW
    )
    assert _out(school_lanes, NOW + 2 * H).decision.reason == "campus.leave_pass_revoked"


def test_after_school_a_student_leaves_without_a_pass(school_lanes, people):
    # rule T3-01: the rule holds in school hours only (the site's, 07:40–16:30)
    after = NOW.replace(hour=17, minute=0)
    result = _out(school_lanes, after)
    assert result.decision.allowed and result.decision.reason == "resident.exit"


def test_only_the_class_teacher_issues_a_pass_and_bad_windows_are_refused(people):
    # rule T3-01
    from gatehouse.campus.models import LeavePass
    from gatehouse.core.errors import DomainError, InvalidInput

    with pytest.raises(DomainError) as exc:
        _issue(people, teacher_key="other_teacher")
    assert exc.value.code == "leave_pass.not_class_teacher"
    with pytest.raises(InvalidInput) as exc:
        _issue(people, window_end=NOW - 2 * H)
    assert exc.value.code == "leave_pass.window_order"
    with pytest.raises(InvalidInput) as exc:
        _issue(people, window_end=NOW + 13 * H)
    assert exc.value.code == "leave_pass.window_too_long"
    with pytest.raises(InvalidInput) as exc:
        _issue(people, reason="  ")
    assert exc.value.code == "leave_pass.reason_empty"
    assert not LeavePass.objects.exists()


# -- T3-02: parents by confirmed appointment ---------------------------------------------------


def _book(people, **kw):
    from gatehouse.campus import services

    args = {
        "parent": people["parent"],
        "student": people["student"],
        "actor": people["parent"].user,
        "window_start": NOW,
        "window_end": NOW + 2 * H,
        "now": NOW,
    }
    return services.pickup_book(**{**args, **kw})


def _admit(school_lanes, inv):
    from gatehouse.gate.decide import gate_decide
    from gatehouse.gate.facts import code_input

    return gate_decide(
        code_input(school_lanes["in"], inv, "manual"), now=NOW + timedelta(minutes=10)
    )


def test_a_booking_admits_only_once_the_class_teacher_confirms(school_lanes, people):
    # rule T3-02
    from gatehouse.visitors.invitations import invitation_confirm
    from gatehouse.visitors.models import Visit, VisitStatus

    inv = _book(people)
    assert inv.host == people["teacher"] and inv.pupil == people["student"]
    assert inv.needs_confirmation and inv.confirmed_at is None
    refused = _admit(school_lanes, inv)
    assert refused.decision.reason == "invitation.unconfirmed"
    assert refused.decision.rule == "T3-02" and "老师确认" in refused.decision.message
    invitation_confirm(
        invitation=inv, host=people["teacher"], actor=people["teacher"].user, now=NOW
    )
    inv.refresh_from_db()
    admitted = _admit(school_lanes, inv)
    assert admitted.decision.allowed and admitted.decision.reason == "invitation.valid"
    visit = Visit.objects.get(invitation=inv, status=VisitStatus.INSIDE)
    assert visit.host == people["teacher"] and visit.name == "陈母"
    inv.refresh_from_db()
    assert inv.uses == 1


def test_another_teacher_cannot_confirm_and_a_stranger_cannot_book(people):
    # rule T3-02
    from gatehouse.core.errors import DomainError, InvalidInput
    from gatehouse.people.models import Person
    from gatehouse.visitors.invitations import invitation_confirm
    from gatehouse.visitors.models import Invitation

    inv = _book(people)
    with pytest.raises(DomainError) as exc:
        invitation_confirm(invitation=inv, host=people["other_teacher"], actor=None, now=NOW)
    assert exc.value.code == "invitation.not_host"
    other = Person.objects.create(site=people["student"].site, name="路人", kind="parent")
    with pytest.raises(InvalidInput) as exc:
        _book(people, parent=other)
    assert exc.value.code == "campus.not_your_child"
    assert Invitation.objects.count() == 1


def test_a_parent_without_an_appointment_is_refused_with_the_reason(school_lanes, school_guard):
    # rule T3-02
    from gatehouse.core.access import Entrant
    from gatehouse.visitors.models import Visit, VisitStatus
    from gatehouse.visitors.services import visit_register

    result = visit_register(
        lane=school_lanes["in"],
        actor=school_guard,
        kind=Entrant.PARENT,
        name="赵父",
        purpose="接孩子",
        now=NOW,
    )
    assert result.decision.outcome == "refuse"
    assert result.decision.reason == "campus.no_appointment" and result.decision.rule == "T3-02"
    assert "无预约不得入校" in result.decision.message
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.REFUSED and visit.outcome_reason == "campus.no_appointment"
    assert result.request is None


# -- the pages ---------------------------------------------------------------------------------


def test_parent_books_teacher_confirms_guard_admits_through_the_pages(
    client, school_lanes, people, school_guard
):
    # rule T3-02
    from gatehouse.access.models import AccessEvent
    from gatehouse.visitors.models import Invitation

    client.force_login(people["parent"].user)
    page = client.get("/campus/pickups/")
    assert page.status_code == 200 and "陈小明" in page.content.decode()
    posted = client.post(
        "/campus/pickups/",
        {
            "student": people["student"].pk,
            "date": "2026-11-24",
            "start_time": "09:30",
            "end_time": "11:30",
            "purpose": "",
        },
    )
    assert posted.status_code == 302
    inv = Invitation.objects.get()
    assert inv.purpose == "接孩子（陈小明）"
    assert "待老师确认" in client.get("/campus/pickups/").content.decode()

    client.force_login(people["other_teacher"].user)
    assert client.post(f"/campus/class/bookings/{inv.pk}/confirm/").status_code == 404
    client.force_login(people["teacher"].user)
    assert f"pending-{inv.pk}" in client.get("/campus/class/").content.decode()
    assert client.post(f"/campus/class/bookings/{inv.pk}/confirm/").status_code == 302
    inv.refresh_from_db()
    assert inv.confirmed_at is not None

    client.force_login(school_guard)
    listed = client.get("/booth/appointments/")
    assert listed.status_code == 200 and "陈母" in listed.content.decode()
    admitted = client.post(f"/booth/appointments/{inv.pk}/admit/")
    assert admitted.status_code == 200
    assert AccessEvent.objects.get(reason="invitation.valid").entrant == "invited"


def test_teacher_issues_a_leave_pass_on_the_page_and_bad_input_is_400(client, people):
    # rule T3-01
    from gatehouse.campus.models import LeavePass

    client.force_login(people["teacher"].user)
    bad = client.post(
        "/campus/class/",
        {
            "student": people["student"].pk,
            "reason": "看病",
            "date": "2026-11-24",
            "start_time": "10:00",
            "end_time": "09:00",
        },
    )
    assert bad.status_code == 400 and "晚于" in bad.content.decode()
    assert not LeavePass.objects.exists()
    ok = client.post(
        "/campus/class/",
        {
            "student": people["student"].pk,
            "reason": "看病",
            "date": "2026-11-24",
            "start_time": "10:00",
            "end_time": "12:00",
        },
    )
    assert ok.status_code == 302
    assert LeavePass.objects.get().teacher == people["teacher"]
    client.force_login(people["parent"].user)
    assert client.get("/campus/class/").status_code == 403
