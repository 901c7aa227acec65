"""Part 5 of issue 5: the weekly spot check of the registers (S-10), the manager's confirmation,
the penalty ladder (a notice first, a fine for a repeat) and the ledger."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.errors import DomainError
from gatehouse.guard.duties.selectors import ledger
from gatehouse.guard.duties.services import finding_confirm, finding_dismiss, spot_check_run
from gatehouse.guard.handover.services import handover_record
from gatehouse.guard.models import FindingStatus, Penalty, Shift, SpotFinding
from gatehouse.guard.patrol.services import patrol_scan, tag_code

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(site_a, guard_a, guard2_a, patrol_a, manager_a, resident_user_a, walk_in_a, lanes_a, route,
         patrol_post):  # fmt: skip
    """A week with one of each violation:
    - guard_a let a visitor in on Monday and never recorded the time out (VI-03 → S-10);
    - guard_a let an employee out mid-shift on Monday with no return (P-12);
    - 赵六 never signed Monday's handover and arrived 5 minutes late (S-03);
    - patrol_a, on the patrol post on Monday night, scanned only the garage in round 1 (S-04).
    """
    from gatehouse.people import services as people
    from gatehouse.visitors import services as visitors
    from tests.registers.conftest import admit_visitor

    monday = at(9, day=-1)
    admit_visitor(guard=guard_a, host_user=resident_user_a, lane=walk_in_a, at=monday)
    worker = people.person_create(
        site=site_a, actor=manager_a, name="刘洋", kind="employee", now=monday
    )
    visitors.staff_exit_register(
        lane=lanes_a["east/walk-out"],
        actor=guard_a,
        person=worker,
        reason="银行",
        approver="陈主任",
        now=at(10, day=-1),
    )
    handover_record(
        site=site_a,
        actor=guard_a,
        incoming=guard2_a,
        shift_start=at(8, day=-1),
        arrived_at=at(7, 55, day=-1),
        now=at(8, day=-1),
    )
    Shift.objects.create(
        site=site_a, post=patrol_post, guard=patrol_a, start=at(20, day=-1), end=at(8)
    )
    garage = route.stops.order_by("order").first().checkpoint
    patrol_scan(route=route, actor=patrol_a, code=tag_code(garage), now=at(22, 5, day=-1))


def test_s10_the_weekly_spot_check_lists_the_findings_per_guard(site_a, week):
    # rule S-10: findings per guard, from the registers (visitors, mid-shift exits, handovers,
    # patrols); rule S-03, S-04, P-12, VI-03 name where each comes from
    _check, fresh = spot_check_run(site=site_a, as_of=at(9))
    found = list(SpotFinding.objects.order_by("guard_name", "at", "kind"))
    assert fresh == len(found) == 7
    assert [(f.guard_name, f.kind, f.rule) for f in found] == [
        ("guard_a", "visitor_no_time_out", "VI-03"),
        ("guard_a", "midshift_no_return", "P-12"),
        ("patrol_a", "checkpoint_missed", "S-04"),
        ("patrol_a", "checkpoint_missed", "S-04"),
        ("patrol_a", "checkpoint_missed", "S-04"),
        ("赵六", "late_arrival", "S-03"),
        ("赵六", "handover_unsigned", "S-03"),
    ]
    assert found[0].guard.username == "guard_a" and found[0].status == FindingStatus.OPEN
    assert (
        found[2].message
        == "2026年11月23日 23:00 patrol_a：巡查漏检巡查点（夜间巡更 第1轮 cp-canteen）"
    )
    assert found[1].ref.startswith("外出#") and "刘*" in found[1].ref


def test_s10_the_command_is_idempotent(site_a, week):
    out = io.StringIO()
    call_command("spot_check", "--at", at(9).isoformat(), stdout=out)
    call_command("spot_check", "--at", at(9, 5).isoformat(), stdout=out)
    assert "filed 7 new finding(s)" in out.getvalue() and "filed 0 new finding(s)" in out.getvalue()
    assert SpotFinding.objects.count() == 7


def test_s10_a_first_violation_is_a_notice_a_repeat_is_fined(site_a, manager_a, week):
    # rule S-10: 如违规出公告，第二次出现同样问题罚款
    spot_check_run(site=site_a, as_of=at(9))
    missed = list(SpotFinding.objects.filter(kind="checkpoint_missed").order_by("at", "pk"))
    first = finding_confirm(finding=missed[0], actor=manager_a, now=at(10))
    assert (first.kind, first.amount_fen, first.repeat_of) == ("notice", 0, None)
    assert first.message == "patrol_a：巡查漏检巡查点，首次违规，出公告"
    assert first.notice.audience == "guard" and first.notice.message.startswith("通报：")
    with pytest.raises(DomainError) as exc:
        finding_confirm(finding=missed[0], actor=manager_a, now=at(10))
    assert exc.value.code == "finding.decided"
    # round 2 closed at midnight: a violation of the same kind on a later day is a repeat
    assert missed[1].at == at(0) and missed[1].guard_name == "patrol_a"
    fine = finding_confirm(finding=missed[1], actor=manager_a, now=at(10, 1))
    assert (fine.kind, fine.amount_fen) == ("fine", 5000)
    assert (
        fine.message
        == "patrol_a：巡查漏检巡查点，第二次出现同样问题（上次2026年11月23日），罚款50.00元"
    )
    assert Notice.objects.filter(kind="spotcheck.fine").count() == 1

    dismissed = SpotFinding.objects.filter(guard_name="赵六").first()
    finding_dismiss(finding=dismissed, actor=manager_a, now=at(11))
    book = {r["guard"]: r for r in ledger(site_a)}
    assert (book["patrol_a"]["notices"], book["patrol_a"]["fines"]) == (1, 1)
    assert book["patrol_a"]["total"] == "50.00" and "赵六" not in book
    assert Penalty.objects.count() == 2


def test_the_spot_check_pages_are_the_managers(client, site_a, manager_a, guard_a, manager_b, week):
    client.force_login(guard_a)
    assert client.get(reverse("guard:spot_checks")).status_code == 403
    client.force_login(manager_a)
    assert client.post(reverse("guard:spot_checks")).status_code == 302
    html = client.get(reverse("guard:spot_checks")).content.decode()
    assert "巡查漏检巡查点" in html and "来客离开未注明离开时间" in html
    f = SpotFinding.objects.filter(kind="visitor_no_time_out").get()
    client.force_login(manager_b)
    assert client.post(reverse("guard:finding_decide", args=[f.pk])).status_code == 404
    client.force_login(manager_a)
    client.post(reverse("guard:finding_decide", args=[f.pk]), {"action": "confirm"})
    html = client.get(reverse("guard:ledger")).content.decode()
    assert "guard_a" in html and "首次违规，出公告" in html


def test_a_finding_of_last_week_is_not_filed_again_next_week(site_a, week):
    spot_check_run(site=site_a, as_of=at(9))
    _check, fresh = spot_check_run(site=site_a, as_of=at(9) + timedelta(days=3))
    assert fresh == 0
