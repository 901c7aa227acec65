"""Part 1 of issue 5: posts and the roster (S-01), the leader on duty (S-02), handovers (S-03),
keys (S-08) and absences from the booth (S-09), through the services and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError
from gatehouse.guard.absence.services import absence_leave, absence_return
from gatehouse.guard.handover.selectors import handover_row
from gatehouse.guard.handover.services import handover_record, handover_sign
from gatehouse.guard.keys.selectors import key_custody
from gatehouse.guard.keys.services import key_hand
from gatehouse.guard.models import BoothAbsence, Handover, KeyHandoff, Shift
from gatehouse.guard.roster.selectors import roster_view
from gatehouse.guard.roster.services import leader_duty_add, requirement_add, shift_add
from tests.conftest import NOW

from .conftest import at

pytestmark = pytest.mark.django_db


# == S-01: staffing and the roster ===============================================================


def test_s01_a_gap_tomorrow_is_shown_before_it_happens(site_a, manager_a, guard_a, gate_post):
    # rule S-01: the gate post needs 2 round the clock; only one guard is rostered 08-20
    shift_add(
        site=site_a,
        actor=manager_a,
        post=gate_post,
        guard=guard_a,
        start=at(8, day=1),
        end=at(20, day=1),
        now=NOW,
    )
    view = roster_view(site_a, at(0, day=1), at(0, day=2))
    gaps = [(g["gap"].start, g["gap"].end, g["gap"].required, g["gap"].rostered) for g in view.gaps]
    assert gaps == [(at(0, day=1), at(8, day=1), 2, 0), (at(8, day=1), at(20, day=1), 2, 1),
                    (at(20, day=1), at(0, day=2), 2, 0)]  # fmt: skip
    assert view.gaps[1]["message"] == "东门岗 2026年11月25日 08:00–20:00 缺1人（需2人，已排1人）"
    assert AuditEntry.objects.filter(action="guard.shift.add").count() == 1


def test_s01_an_explicit_requirement_replaces_the_posts_own_headcount(
    site_a, manager_a, guard_a, guard2_a, gate_post
):
    # rule S-01: 1 guard by day, 2 at night; two guards 08-20 leave the night short
    for hours in ((8, 20), (20, 24)):
        requirement_add(
            site=site_a,
            actor=manager_a,
            post=gate_post,
            headcount=1 if hours == (8, 20) else 2,
            from_hour=hours[0],
            to_hour=hours[1],
            now=NOW,
        )
    for g in (guard_a, guard2_a):
        shift_add(
            site=site_a, actor=manager_a, post=gate_post, guard=g, start=at(8), end=at(20), now=NOW
        )
    view = roster_view(site_a, at(8), at(24))
    assert [(g["gap"].start, g["gap"].required, g["gap"].rostered) for g in view.gaps] == [
        (at(20), 2, 0)
    ]


def test_s01_a_guard_cannot_be_rostered_twice_at_once(site_a, manager_a, guard_a, gate_post):
    # rule S-01: roster_conflicts
    shift_add(
        site=site_a,
        actor=manager_a,
        post=gate_post,
        guard=guard_a,
        start=at(8),
        end=at(20),
        now=NOW,
    )
    with pytest.raises(DomainError) as exc:
        shift_add(
            site=site_a,
            actor=manager_a,
            post=gate_post,
            guard=guard_a,
            start=at(19),
            end=at(23),
            now=NOW,
        )
    assert exc.value.code == "roster.conflict"
    assert "11-24 08:00–11-24 20:00" in exc.value.message
    assert Shift.objects.count() == 1


def test_s01_only_staff_of_the_site_are_rostered(site_a, manager_a, guard_b, gate_post):
    with pytest.raises(DomainError) as exc:
        shift_add(
            site=site_a,
            actor=manager_a,
            post=gate_post,
            guard=guard_b,
            start=at(8),
            end=at(9),
            now=NOW,
        )
    assert exc.value.code == "roster.not_staff"


def test_s02_hours_without_a_named_leader_are_listed(site_a, manager_a):
    # rule S-02: 24-hour duty with a named leader; 08-20 covered, the night is not
    leader_duty_add(
        site=site_a, actor=manager_a, leader_name="王校长", start=at(8), end=at(20), now=NOW
    )
    view = roster_view(site_a, at(0), at(24))
    assert [(g.start, g.end) for g in view.leader_gaps] == [(at(0), at(8)), (at(20), at(24))]
    with pytest.raises(DomainError) as exc:
        leader_duty_add(
            site=site_a, actor=manager_a, leader_name=" ", start=at(8), end=at(20), now=NOW
        )
    assert exc.value.code == "duty.leader"


def test_the_roster_page_is_the_managers(client, site_a, manager_a, guard_a, manager_b, gate_post):
    client.force_login(guard_a)
    assert client.get(reverse("guard:roster")).status_code == 403
    client.force_login(manager_a)
    html = client.get(reverse("guard:roster")).content.decode()
    assert "东门岗" in html and "缺2人" in html
    response = client.post(
        reverse("guard:roster"),
        {
            "action": "shift",
            "post": gate_post.pk,
            "guard": guard_a.pk,
            "start": "2026-11-25T08:00",
            "end": "2026-11-25T07:00",
        },
    )
    assert response.status_code == 422 and "结束时间必须晚于开始时间" in response.content.decode()
    assert not Shift.objects.exists()
    shift = shift_add(
        site=site_a, actor=manager_a, post=gate_post, guard=guard_a, start=at(8), end=at(9), now=NOW
    )
    client.force_login(manager_b)
    assert client.post(reverse("guard:shift_delete", args=[shift.pk])).status_code == 404


# == S-03 / S-08: handover and keys ==============================================================


def test_s03_a_late_arrival_is_recorded_and_the_incoming_guard_signs_later(
    site_a, guard_a, guard2_a, keys_a
):
    # rule S-03: due 10 minutes before the shift; 07:58 for 08:00 is 8 minutes late
    result = handover_record(
        site=site_a,
        actor=guard_a,
        incoming=guard2_a,
        shift_start=at(8),
        arrived_at=at(7, 58),
        open_matters="3栋快递未取\n",
        keys=keys_a,
        equipment="对讲机2台",
        now=at(8, 1),
    )
    h = result.handover
    assert (result.arrival.on_time, result.arrival.minutes_late) == (False, 8)
    assert result.check.unsigned_by == ("赵六",) and not result.check.complete
    assert h.problems == ["赵六未签字", "迟到8分钟（应于07:50前到岗交接）"]
    assert (h.open_matters, h.keys, h.equipment) == (["3栋快递未取"], ["东门钥匙", "仓库钥匙"], ["对讲机2台"])  # fmt: skip
    # rule S-08: the keys pass to the incoming guard
    custody = key_custody(site_a, at(8, 2))
    assert custody.held_by("赵六") == ("东门钥匙", "仓库钥匙") and custody.held_by("guard_a") == ()
    row = handover_row(h)
    assert row.cells[3] == "赵六" and row.cells[5] == "迟到8分钟" and row.cells[11] == "未签字"

    signed = handover_sign(handover=h, actor=guard2_a, now=at(8, 5))
    assert signed.check.signed and signed.handover.problems == ["迟到8分钟（应于07:50前到岗交接）"]
    with pytest.raises(DomainError) as exc:
        handover_sign(handover=h, actor=guard2_a, now=at(8, 6))
    assert exc.value.code == "handover.sign"


def test_s03_an_open_matter_may_not_be_dropped(site_a, guard_a, guard2_a):
    # rule S-03: the matter received at the previous handover must be closed or carried on
    handover_record(
        site=site_a,
        actor=guard_a,
        incoming=guard2_a,
        shift_start=at(8),
        arrived_at=at(7, 45),
        open_matters=["3栋快递未取"],
        incoming_signed=True,
        now=at(8),
    )
    with pytest.raises(DomainError) as exc:
        handover_record(
            site=site_a,
            actor=guard2_a,
            incoming=guard_a,
            shift_start=at(20),
            arrived_at=at(19, 45),
            now=at(20),
        )
    assert exc.value.code == "handover.incomplete"
    assert "未交接的未了事项：3栋快递未取" in exc.value.message
    assert Handover.objects.count() == 1
    done = handover_record(
        site=site_a,
        actor=guard2_a,
        incoming=guard_a,
        shift_start=at(20),
        arrived_at=at(19, 45),
        resolved=["3栋快递未取"],
        incoming_signed=True,
        now=at(20),
    )
    assert done.check.complete and done.arrival.on_time and done.handover.problems == []


def test_s08_a_key_the_outgoing_guard_holds_must_be_handed_over(site_a, guard_a, guard2_a, keys_a):
    # rule S-08
    with pytest.raises(DomainError) as exc:
        handover_record(
            site=site_a,
            actor=guard_a,
            incoming=guard2_a,
            shift_start=at(8),
            arrived_at=at(7, 45),
            keys=keys_a[:1],
            now=at(8),
        )
    assert exc.value.code == "handover.incomplete"
    assert exc.value.details["keys"] == ["仓库钥匙"]
    assert not KeyHandoff.objects.filter(handover__isnull=False).exists()


def test_s08_a_key_handed_by_someone_who_does_not_hold_it_is_flagged(site_a, guard_a, keys_a):
    # rule S-08: key_custody's irregular events
    ok = key_hand(key=keys_a[0], actor=guard_a, to_holder="钥匙柜", now=at(9))
    assert not ok.irregular and ok.handoff.from_holder == "guard_a"
    odd = key_hand(
        key=keys_a[0], actor=guard_a, to_holder="赵六", from_holder="guard_a", now=at(10)
    )
    assert odd.irregular
    lost = key_hand(key=keys_a[1], actor=guard_a, to_holder="", now=at(11))
    custody = key_custody(site_a, at(12))
    assert (
        custody.holders == {"东门钥匙": "赵六", "仓库钥匙": None} and lost.handoff.to_holder == ""
    )
    assert custody.unheld == ("仓库钥匙",)


def test_the_handover_page_signs_with_the_incoming_password(client, site_a, guard_a, guard2_a):
    client.force_login(guard_a)
    url = reverse("guard:handover")
    form = {
        "incoming": guard2_a.pk,
        "shift_start": "2026-11-24T08:00",
        "arrived_at": "2026-11-24T07:40",
        "open_matters": "",
        "equipment": "对讲机",
        "incoming_password": "wrong",
    }
    response = client.post(url, form)
    assert response.status_code == 422 and "接班人密码不正确" in response.content.decode()
    assert not Handover.objects.exists()
    response = client.post(url, {**form, "incoming_password": "pass-1234"})
    assert response.status_code == 302
    h = Handover.objects.get()
    assert h.incoming_signed_at is not None and h.outgoing_signed_at is not None
    # the register, and its export
    html = client.get(reverse("guard:handover_register")).content.decode()
    assert "交接班记录表" in html and "赵六" in html and "对讲机" in html
    export = client.get(reverse("guard:handover_register") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    # signed already with the password: signing again is refused on the page, nothing written
    client.force_login(guard2_a)
    signed_at = h.incoming_signed_at
    again = client.post(reverse("guard:handover_sign", args=[h.pk]))
    assert again.status_code == 422 and "已经签过字" in again.content.decode()
    h.refresh_from_db()
    assert h.incoming_signed_at == signed_at


def test_the_handover_page_is_not_for_the_patrol(client, patrol_a):
    client.force_login(patrol_a)
    assert client.get(reverse("guard:handover")).status_code == 403


# == S-09: absence from the booth ================================================================


def test_s09_leaving_needs_a_closed_gate_or_a_named_cover(site_a, guard_a):
    # rule S-09
    with pytest.raises(DomainError) as exc:
        absence_leave(
            site=site_a, actor=guard_a, reason="上厕所", gate_closed=False, cover=" ", now=at(10)
        )
    assert exc.value.code == "absence.unattended"
    assert not BoothAbsence.objects.exists()
    result = absence_leave(
        site=site_a,
        actor=guard_a,
        reason="上厕所",
        gate_closed=False,
        cover="行政部小李",
        now=at(10),
    )
    assert result.findings == () and result.absence.findings == []
    back = absence_return(absence=result.absence, actor=guard_a, now=at(10, 5))
    assert back.absence.back_at == at(10, 5) and back.findings == ()


def test_s09_leaving_during_the_commute_is_recorded_as_a_violation(site_a, guard_a):
    # rule S-09 (T2 2): work starts 08:30, the commute is 08:00–09:00
    result = absence_leave(
        site=site_a, actor=guard_a, reason="取快递", gate_closed=True, now=at(8, 40)
    )
    assert [f.kind.value for f in result.findings] == ["left_at_commute"]
    assert result.absence.findings == ["2026年11月24日 08:40 guard_a：员工上下班时间段离开门卫室（08:00–09:00）"]  # fmt: skip
    with pytest.raises(DomainError) as exc:
        absence_leave(site=site_a, actor=guard_a, reason="又走", gate_closed=True, now=at(8, 41))
    assert exc.value.code == "absence.open"


def test_the_absence_page(client, site_a, guard_a, guard_b):
    client.force_login(guard_a)
    url = reverse("guard:absence")
    response = client.post(url, {"reason": "巡查", "cover": ""})
    assert response.status_code == 422 and "要么关上大门" in response.content.decode()
    assert client.post(url, {"reason": "巡查", "gate_closed": "on"}).status_code == 302
    a = BoothAbsence.objects.get()
    client.force_login(guard_b)
    assert client.post(reverse("guard:absence_back", args=[a.pk])).status_code == 404
    client.force_login(guard_a)
    assert client.post(reverse("guard:absence_back", args=[a.pk])).status_code == 302
    a.refresh_from_db()
    assert a.back_at is not None and a.back_at - a.left_at < timedelta(minutes=1)
