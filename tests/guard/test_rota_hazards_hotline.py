"""Part 4 of issue 5: the cleaning rota (S-07), hazard inspections (S-11), the hotline (S-12)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.guard import FixState, TicketStep
from gatehouse.guard.duties.selectors import core_hazard, core_ticket, ticket_policy
from gatehouse.guard.duties.services import (
    cleaning_done,
    hazard_fix,
    hazard_record,
    rota_set,
    ticket_open,
    ticket_step,
)
from gatehouse.guard.models import CleaningDone, HazardFinding, Ticket

from .conftest import NIGHT, at

pytestmark = pytest.mark.django_db


def test_s07_the_rota_turns_daily_and_only_the_guard_on_duty_marks_it_done(
    site_a, manager_a, guard_a, guard2_a
):
    # rule S-07: 门卫日常卫生轮流表
    rota_set(site=site_a, actor=manager_a, guards=[guard_a, guard2_a], first_day=NIGHT, now=at(8))
    with pytest.raises(DomainError) as exc:
        cleaning_done(site=site_a, actor=guard2_a, day=NIGHT, now=at(9))
    assert exc.value.code == "cleaning.not_yours"
    done = cleaning_done(site=site_a, actor=guard_a, day=NIGHT, now=at(9))
    assert done.guard == guard_a
    tomorrow = NIGHT + timedelta(days=1)
    assert cleaning_done(site=site_a, actor=guard2_a, day=tomorrow, now=at(9, day=1))
    with pytest.raises(DomainError) as exc:
        cleaning_done(site=site_a, actor=guard_a, day=NIGHT, now=at(10))
    assert exc.value.code == "cleaning.done"
    assert CleaningDone.objects.count() == 2


def test_s07_the_rota_refuses_repeats_and_strangers(site_a, manager_a, guard_a, guard_b):
    with pytest.raises(InvalidInput) as exc:
        rota_set(site=site_a, actor=manager_a, guards=[], first_day=NIGHT, now=at(8))
    assert exc.value.code == "rota.empty"
    with pytest.raises(InvalidInput):
        rota_set(
            site=site_a, actor=manager_a, guards=[guard_a, guard_a], first_day=NIGHT, now=at(8)
        )
    with pytest.raises(DomainError) as exc:
        rota_set(site=site_a, actor=manager_a, guards=[guard_b], first_day=NIGHT, now=at(8))
    assert exc.value.code == "rota.not_staff"


def test_the_cleaning_page(client, site_a, manager_a, guard_a, guard2_a):
    client.force_login(manager_a)
    url = reverse("guard:cleaning")
    assert client.post(url, {"guards": [guard_a.pk], "first_day": "bad"}).status_code == 422
    assert client.post(url, {"guards": [guard_a.pk], "first_day": "2026-01-01"}).status_code == 302
    client.force_login(guard_a)
    assert "guard_a" in client.get(url).content.decode()
    assert client.post(url, {"guards": [guard_a.pk], "first_day": "2026-01-01"}).status_code == 404


def test_s11_hazards_have_owners_deadlines_and_are_overdue_after_them(site_a, manager_a):
    # rule S-11
    gas = hazard_record(
        site=site_a,
        actor=manager_a,
        place="gas",
        description="燃气软管老化",
        owner="食堂负责人",
        found_on=date(2026, 11, 20),
        deadline=date(2026, 11, 22),
        now=at(9),
    )
    c = core_hazard(gas)
    from gatehouse.core.guard import days_overdue, hazard_state

    assert hazard_state(c, today=NIGHT) is FixState.OVERDUE and days_overdue(c, today=NIGHT) == 2
    state = hazard_fix(finding=gas, actor=manager_a, fixed_on=NIGHT, note="已更换", now=at(10))
    assert state is FixState.FIXED_LATE
    with pytest.raises(InvalidInput) as exc:
        hazard_record(
            site=site_a,
            actor=manager_a,
            place="fire_exit",
            description="消防通道堆物",
            owner="宿管",
            found_on=NIGHT,
            deadline=NIGHT - timedelta(days=1),
            now=at(9),
        )
    assert exc.value.code == "hazard.deadline"
    assert HazardFinding.objects.count() == 1


def test_the_hazards_page(client, site_a, manager_a, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("guard:hazards")).status_code == 403
    client.force_login(manager_a)
    form = {
        "place": "dormitory",
        "description": "宿舍私拉电线",
        "owner": "宿管张",
        "found_on": "2026-11-01",
        "deadline": "2026-11-03",
    }
    assert client.post(reverse("guard:hazards"), form).status_code == 302
    assert "逾期" in client.get(reverse("guard:hazards")).content.decode()


def test_s12_a_ticket_is_answered_followed_up_closed_and_visited_back_in_order(site_a, monitor_a):
    # rule S-12
    t = ticket_open(
        site=site_a,
        actor=monitor_a,
        kind="complaint",
        caller="张先生",
        phone="138 0013 8000",
        subject="夜间噪音",
        now=at(9),
    )
    assert t.phone_masked == "138****8000"
    with pytest.raises(DomainError) as exc:
        ticket_step(ticket=t, actor=monitor_a, step="follow_up", text="已处理", now=at(9))
    assert exc.value.code == "ticket.order"
    ticket_step(ticket=t, actor=monitor_a, step="answer", text="已记录", now=at(9, 45))
    t.refresh_from_db()
    alerts = core_ticket(t)
    from gatehouse.core.guard import ticket_alerts

    (late,) = ticket_alerts(alerts, policy=ticket_policy(site_a), now=at(10))
    assert late.step is TicketStep.ANSWER and late.message.startswith("答复超时完成")
    for step, text, when in (
        ("follow_up", "已提醒施工方", at(11)),
        ("close", "", at(12)),
        ("visit_back", "住户满意", at(9, day=2)),
    ):
        ticket_step(ticket=t, actor=monitor_a, step=step, text=text, now=when)
    t.refresh_from_db()
    assert t.visited_back_at == at(9, day=2) and t.visit_back == "住户满意"
    with pytest.raises(InvalidInput) as exc:
        ticket_open(
            site=site_a,
            actor=monitor_a,
            kind="call",
            caller="李",
            phone="12345",
            subject="x",
            now=at(9),
        )
    assert exc.value.code.startswith("phone.")


def test_the_hotline_page(client, site_a, monitor_a, desk_a, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("guard:hotline")).status_code == 403
    client.force_login(desk_a)
    form = {"kind": "call", "caller": "王女士", "phone": "", "subject": "咨询停车"}
    assert client.post(reverse("guard:hotline"), form).status_code == 302
    t = Ticket.objects.get()
    client.post(reverse("guard:ticket_step", args=[t.pk]), {"step": "answer", "text": "已告知"})
    t.refresh_from_db()
    assert t.answer == "已告知"
