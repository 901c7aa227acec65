"""The front desk (issue 3 item 4): the queue, answering, expiry, and booking invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant, Outcome
from gatehouse.sites.models import Gate, Lane
from gatehouse.visitors import services
from gatehouse.visitors.models import GateRequest, Invitation, RequestStatus, VisitStatus
from tests.conftest import ID_LI, NOW

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _relative(guard, lane, at=NOW, name="王芳"):
    return services.visit_register(
        lane=lane,
        actor=guard,
        kind=Entrant.RELATIVE,
        name=name,
        purpose="探亲",
        house_number="3-2-1201",
        now=at,
    )


def _visitor(guard, lane, at=NOW):
    return services.visit_register(
        lane=lane,
        actor=guard,
        kind=Entrant.VISITOR,
        name="王五",
        purpose="送文件",
        id_number=ID_LI,
        house_number="3-2-1201",
        now=at,
    )


def _other_site_request(site_b):
    gate = Gate.objects.create(site=site_b, code="main", name="大门")
    lane = Lane.objects.create(
        gate=gate, code="in", name="大门进", kind="non_motor", direction="in"
    )
    return GateRequest.objects.create(
        site=site_b,
        kind="host_consent",
        entrant="visitor",
        reason="visitor.await_consent",
        message="来客已登记，等待被访人同意",
        lane=lane,
        direction="in",
        summary="来客：赵*（西岭园区秘密请求）",
        created_at=NOW,
        deadline=NOW + timedelta(minutes=10),
    )


def _answer(client, req, answer="grant", **extra):
    data = {"answer": answer, **{k: v for k, v in extra.items() if k != "headers"}}
    return client.post(reverse("desk:answer", args=[req.pk]), data, **extra.get("headers", {}))


# -- the queue -----------------------------------------------------------------------------------


def test_queue_lists_only_this_sites_pending_requests_oldest_first(
    client, clock, desk_a, guard_a, walk_in_a, resident_a, site_b
):
    older = _relative(guard_a, walk_in_a, at=NOW - timedelta(minutes=4)).request
    newer = _visitor(guard_a, walk_in_a, at=NOW - timedelta(minutes=1)).request
    answered = _relative(guard_a, walk_in_a, at=NOW - timedelta(minutes=2), name="李四").request
    services.request_answer(
        request=answered, actor=desk_a, granted=False, via="desk", now=NOW - timedelta(minutes=1)
    )
    foreign = _other_site_request(site_b)
    client.force_login(desk_a)
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="request-{older.pk}"' in body
    assert f'data-testid="request-{newer.pk}"' in body
    assert body.index(f"request-{older.pk}") < body.index(f"request-{newer.pk}")
    assert f'data-testid="request-{answered.pk}"' not in body  # answered: not pending
    assert foreign.summary not in body and f"request-{foreign.pk}" not in body
    # the host's masked name and phone for the desk to call; the time waited; the countdown
    assert "张*" in body and "138****8000" in body and "张伟" not in body
    assert "3-2-1201" in body
    assert "4 分钟" in body and "6:00" in body
    # the recent section shows who answered how
    assert "最近处理" in body and answered.summary in body and "desk_a" in body
    assert 'hx-trigger="every 5s' in body


def test_queue_poll_returns_the_fragment(client, clock, desk_a, guard_a, walk_in_a, resident_a):
    req = _relative(guard_a, walk_in_a).request
    client.force_login(desk_a)
    response = client.get(reverse("desk:queue"), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="desk-queue"') and "<html" not in body
    assert f'data-testid="request-{req.pk}"' in body


def test_queue_needs_desk_or_manager(client, guard_a, resident_user_a, manager_a):
    for user in (guard_a, resident_user_a):
        client.force_login(user)
        assert client.get(reverse("desk:queue")).status_code == 403
    client.force_login(manager_a)
    assert client.get(reverse("desk:queue")).status_code == 200


# -- answering -----------------------------------------------------------------------------------


def test_desk_grants_relative_then_admitted(client, clock, desk_a, guard_a, walk_in_a, resident_a):
    # rule P-05
    flow = _relative(guard_a, walk_in_a)
    assert flow.decision.reason == "relative.await_consent"
    client.force_login(desk_a)
    response = _answer(client, flow.request, note="已电话联系业主")
    assert response.status_code == 302
    req = GateRequest.objects.get(pk=flow.request.pk)
    assert req.status == RequestStatus.GRANTED
    assert req.answered_via == "desk" and req.answered_by == desk_a and req.answered_at == NOW
    assert req.answer_note == "已电话联系业主"
    entry = AuditEntry.objects.get(action="request.answer", object_id=str(req.pk))
    assert entry.actor == desk_a and entry.after["status"] == "granted"
    # the guard acts on the answer: admitted, and the register row shows it
    admitted = services.request_resolve(request=req, actor=guard_a, now=NOW + timedelta(minutes=1))
    assert admitted.decision.outcome is Outcome.ALLOW
    assert admitted.decision.reason == "relative.consented"
    admitted.visit.refresh_from_db()
    assert admitted.visit.status == VisitStatus.INSIDE
    assert AccessEvent.objects.filter(visit=admitted.visit, outcome="allow").count() == 1


def test_desk_refuses_relative_then_refused(client, clock, desk_a, guard_a, walk_in_a, resident_a):
    # rule P-05
    flow = _relative(guard_a, walk_in_a)
    client.force_login(desk_a)
    response = _answer(client, flow.request, "refuse", headers=HX)
    assert response.status_code == 200
    assert "已拒绝" in response.content.decode()
    req = GateRequest.objects.get(pk=flow.request.pk)
    assert req.status == RequestStatus.REFUSED and req.answered_via == "desk"
    refused = services.request_resolve(request=req, actor=guard_a, now=NOW + timedelta(minutes=1))
    assert refused.decision.reason == "relative.refused"
    refused.visit.refresh_from_db()
    assert refused.visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.filter(visit=refused.visit, outcome="refuse").count() == 1


def test_answer_after_deadline_is_expired_and_visit_refused(
    client, clock, desk_a, guard_a, walk_in_a, resident_a
):
    # rule VI-01
    flow = _visitor(guard_a, walk_in_a)
    client.force_login(desk_a)
    clock.move_to(NOW + timedelta(minutes=10, seconds=1))
    response = _answer(client, flow.request, headers=HX)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-code="request.expired"' in body and "请求已超时" in body
    req = GateRequest.objects.get(pk=flow.request.pk)
    assert req.status == RequestStatus.EXPIRED and req.answered_via == "system"
    assert req.answered_by is None and req.closed_at is not None
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.REFUSED
    event = AccessEvent.objects.filter(visit=flow.visit).order_by("-pk").first()
    assert event.outcome == "refuse" and event.reason == "visitor.refused"
    assert event.rule == "VI-01"


def test_timeout_follows_the_sites_setting(
    client, clock, site_a, desk_a, guard_a, walk_in_a, resident_a
):
    # rule VI-01
    site_a.request_timeout_minutes = 3
    site_a.save(update_fields=["request_timeout_minutes"])
    walk_in_a.gate.site.refresh_from_db()
    flow = _visitor(guard_a, walk_in_a)
    assert flow.request.deadline == NOW + timedelta(minutes=3)
    client.force_login(desk_a)
    clock.move_to(NOW + timedelta(minutes=2, seconds=59))
    client.get(reverse("desk:queue"))
    assert GateRequest.objects.get(pk=flow.request.pk).status == RequestStatus.PENDING
    clock.move_to(NOW + timedelta(minutes=3))
    body = client.get(reverse("desk:queue")).content.decode()  # the load expires it
    req = GateRequest.objects.get(pk=flow.request.pk)
    assert req.status == RequestStatus.EXPIRED
    assert f'data-testid="request-{req.pk}"' not in body and "超时未答复" in body
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.filter(visit=flow.visit, outcome="refuse").count() == 1


def test_answered_twice_is_refused_with_message(
    client, clock, desk_a, guard_a, walk_in_a, resident_a
):
    req = _relative(guard_a, walk_in_a).request
    client.force_login(desk_a)
    _answer(client, req)
    response = _answer(client, req, "refuse", headers=HX)
    assert response.status_code == 400
    assert "该请求已经处理过了" in response.content.decode()
    assert GateRequest.objects.get(pk=req.pk).status == RequestStatus.GRANTED


def test_other_sites_request_is_404(client, clock, desk_a, site_b):
    foreign = _other_site_request(site_b)
    client.force_login(desk_a)
    assert _answer(client, foreign).status_code == 404
    assert GateRequest.objects.get(pk=foreign.pk).status == RequestStatus.PENDING


def test_elderly_host_away(client, clock, desk_a, guard_a, walk_in_a, resident_a):
    # rule P-07
    flow = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.ELDERLY,
        name="刘奶奶",
        purpose="看望儿子",
        house_number="3-2-1201",
        now=NOW,
    )
    client.force_login(desk_a)
    body = client.get(reverse("desk:queue")).content.decode()
    assert "被访人不在家" in body
    _answer(client, flow.request, host_away="1")
    req = GateRequest.objects.get(pk=flow.request.pk)
    assert req.status == RequestStatus.GRANTED and req.host_home is False
    waiting = services.request_resolve(request=req, actor=guard_a, now=NOW + timedelta(minutes=1))
    assert waiting.decision.reason == "elderly.host_away"


def test_approval_requests_are_for_a_manager(
    client, clock, desk_a, manager_a, guard_a, walk_in_a, resident_a
):
    # rule P-10
    req = GateRequest.objects.create(
        site=walk_in_a.gate.site,
        kind="approval",
        entrant="staff_no_badge",
        reason="staff.no_badge",
        message="未带工牌：等待主管审批",
        lane=walk_in_a,
        direction="in",
        person=resident_a,
        summary="未带工牌：张*",
        created_at=NOW,
        deadline=NOW + timedelta(minutes=10),
    )
    client.force_login(desk_a)
    assert "该请求需要安保主管审批" in client.get(reverse("desk:queue")).content.decode()
    assert _answer(client, req).status_code == 403
    assert GateRequest.objects.get(pk=req.pk).status == RequestStatus.PENDING
    client.force_login(manager_a)
    assert _answer(client, req).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.GRANTED and req.answered_via == "manager"
    assert req.answered_by == manager_a


# -- booking an invitation for a resident (VI-02) ------------------------------------------------


def _booking(**kw):
    data = {
        "house": "3-2-1201",
        "visitor_name": "钱七",
        "visitor_phone": "",
        "purpose": "维修",
        "date": "2026-11-24",
        "start_time": "10:00",
        "end_time": "12:00",
        "uses": "single",
    }
    data.update(kw)
    return data


def test_desk_books_invitation_for_house_owner(client, clock, desk_a, resident_a, house_a):
    # rule VI-02
    client.force_login(desk_a)
    assert client.get(reverse("desk:invite")).status_code == 200
    response = client.post(reverse("desk:invite"), _booking())
    inv = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:invitation", args=[inv.pk])
    assert inv.host == resident_a and inv.house == house_a and inv.max_uses == 1
    assert inv.visitor_name == "钱七" and inv.purpose == "维修"
    assert inv.window_start.isoformat() == "2026-11-24T02:00:00+00:00"
    assert AuditEntry.objects.filter(action="invitation.create", actor=desk_a).exists()
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "钱七" in page and "未开始" in page


def test_desk_booking_errors_are_shown(client, clock, desk_a, resident_a):
    client.force_login(desk_a)
    response = client.post(reverse("desk:invite"), _booking(house="9-9-9999"))
    assert response.status_code == 400
    assert "本小区没有这个房号" in response.content.decode()
    response = client.post(reverse("desk:invite"), _booking(end_time="09:00"))
    assert response.status_code == 400
    assert "结束时间必须晚于开始时间" in response.content.decode()
    assert not Invitation.objects.exists()


def test_desk_revokes_invitation(client, clock, desk_a, resident_a, house_a):
    client.force_login(desk_a)
    client.post(reverse("desk:invite"), _booking(uses="multi"))
    inv = Invitation.objects.get()
    assert inv.max_uses is None
    response = client.post(reverse("desk:revoke", args=[inv.pk]))
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.revoked_at == NOW
    page = client.get(reverse("desk:invitation", args=[inv.pk])).content.decode()
    assert "已撤销" in page and "<svg" not in page


# -- the cron command ----------------------------------------------------------------------------


def test_expire_requests_command(capsys, clock, guard_a, walk_in_a, resident_a):
    # rule VI-01
    flow = _visitor(guard_a, walk_in_a)
    clock.move_to(NOW + timedelta(minutes=11))
    call_command("expire_requests")
    assert "expired 1 request" in capsys.readouterr().out
    flow.request.refresh_from_db()
    assert flow.request.status == RequestStatus.EXPIRED
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.filter(visit=flow.visit, outcome="refuse").exists()
    call_command("expire_requests")
    assert "expired 0 request" in capsys.readouterr().out


# -- calling the host (issue 16 §2) --------------------------------------------------------------


def test_the_desk_reveals_the_hosts_phone_to_call_and_it_is_audited(
    client, clock, desk_a, guard_a, walk_in_a, resident_a
):
    # rule P-04: the desk calls the host; the number is shown on demand, never in the queue
    req = _relative(guard_a, walk_in_a).request
    client.force_login(desk_a)
    queue = client.get(reverse("desk:queue")).content.decode()
    assert "13800138000" not in queue and f'data-testid="call-{req.pk}"' in queue
    response = client.post(reverse("desk:call", args=[req.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert 'href="tel:13800138000"' in body and "张*" in body and "张伟" not in body
    entry = AuditEntry.objects.get(action="person.reveal")
    assert entry.actor == desk_a and entry.object_id == str(resident_a.pk)
    assert entry.after == {"reason": f"前台致电确认请求 #{req.pk}", "fields": "phone"}
    assert "13800138000" not in str(entry.after)
    # without htmx the whole queue page comes back with the call panel on it
    page = client.post(reverse("desk:call", args=[req.pk])).content.decode()
    assert 'data-testid="call-panel"' in page and f'data-testid="request-{req.pk}"' in page


def test_only_a_pending_request_of_this_site_can_be_called(
    client, clock, desk_a, guard_a, walk_in_a, resident_a, site_b, resident_user_a
):
    req = _relative(guard_a, walk_in_a).request
    services.request_answer(request=req, actor=desk_a, granted=True, via="desk", now=NOW)
    foreign = _other_site_request(site_b)
    client.force_login(desk_a)
    for pk in (req.pk, foreign.pk):
        assert client.post(reverse("desk:call", args=[pk]), **HX).status_code == 404
    client.force_login(resident_user_a)
    assert client.post(reverse("desk:call", args=[req.pk]), **HX).status_code == 403
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_the_hourly_reveal_quota_holds_at_the_desk(
    client, clock, settings, desk_a, guard_a, walk_in_a, resident_a
):
    settings.GATEHOUSE_REVEALS_PER_HOUR = 1
    req = _relative(guard_a, walk_in_a).request
    client.force_login(desk_a)
    assert client.post(reverse("desk:call", args=[req.pk]), **HX).status_code == 200
    again = client.post(reverse("desk:call", args=[req.pk]), **HX)
    assert again.status_code == 422 and "上限" in again.content.decode()
    assert "13800138000" not in again.content.decode()
    assert AuditEntry.objects.filter(action="person.reveal_refused").count() == 1
