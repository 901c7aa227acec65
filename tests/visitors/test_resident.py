"""Resident self-service under /my/ (issue 3 item 5): answering requests, invitations, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.accounts.models import Membership
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant, Outcome
from gatehouse.people import services as people
from gatehouse.sites.models import House
from gatehouse.visitors import invitations, services
from gatehouse.visitors.models import GateRequest, Invitation, RequestStatus, VisitStatus
from tests.conftest import ID_LI, NOW

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def neighbour_user(site_a, house_a, manager_a):
    """李娜 of 3-2-1202, another resident of site A, with her login."""
    house = House.objects.create(site=site_a, unit=house_a.unit, number="3-2-1202", room="1202")
    person = people.person_create(
        site=site_a, actor=manager_a, name="李娜", kind="owner", id_number=ID_LI, now=NOW
    )
    people.house_link(person=person, house=house, relation="owner", actor=manager_a)
    user = get_user_model().objects.create_user(username="lina", password="pass-1234")
    Membership.objects.create(user=user, site=site_a, role="resident")
    person.user = user
    person.save(update_fields=["user"])
    return user


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


def _invite_data(**kw):
    data = {
        "visitor_name": "钱七",
        "visitor_phone": "13912345678",
        "date": "2026-11-24",
        "start_time": "09:00",
        "end_time": "18:00",
        "uses": "single",
    }
    data.update(kw)
    return data


# -- requests addressed to me (VI-01) ------------------------------------------------------------


def test_host_approves_from_my_requests(
    client, clock, resident_user_a, resident_a, guard_a, walk_in_a
):
    # rule VI-01
    flow = _visitor(guard_a, walk_in_a)
    req = flow.request
    client.force_login(resident_user_a)
    page = client.get(reverse("resident:requests"))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="request-{req.pk}"' in body
    assert f'data-testid="approve-{req.pk}"' in body and f'data-testid="refuse-{req.pk}"' in body
    assert 'hx-trigger="every 5s' in body and "王*" in body and "王五" not in body
    response = client.post(reverse("resident:answer", args=[req.pk]), {"answer": "grant"}, **HX)
    assert response.status_code == 200
    assert f'data-testid="request-{req.pk}"' not in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.GRANTED and req.answered_via == "host"
    assert req.answered_by == resident_user_a
    assert AuditEntry.objects.filter(action="request.answer", actor=resident_user_a).exists()
    admitted = services.request_resolve(request=req, actor=guard_a, now=NOW + timedelta(minutes=1))
    assert admitted.decision.outcome is Outcome.ALLOW
    assert admitted.decision.reason == "visitor.consented"
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.INSIDE
    assert AccessEvent.objects.filter(visit=flow.visit, outcome="allow").count() == 1


def test_host_refuses_from_my_requests(
    client, clock, resident_user_a, resident_a, guard_a, walk_in_a
):
    # rule VI-01
    flow = _visitor(guard_a, walk_in_a)
    client.force_login(resident_user_a)
    response = client.post(reverse("resident:answer", args=[flow.request.pk]), {"answer": "refuse"})
    assert response.status_code == 302
    flow.request.refresh_from_db()
    assert flow.request.status == RequestStatus.REFUSED
    refused = services.request_resolve(
        request=flow.request, actor=guard_a, now=NOW + timedelta(minutes=1)
    )
    assert refused.decision.reason == "visitor.refused"
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.REFUSED


def test_poll_shows_a_new_request_without_reload(
    client, clock, resident_user_a, resident_a, guard_a, walk_in_a
):
    client.force_login(resident_user_a)
    empty = client.get(reverse("resident:requests"), **HX).content.decode()
    assert (
        empty.lstrip().startswith('<div id="my-requests"') and 'data-testid="no-requests"' in empty
    )
    req = _visitor(guard_a, walk_in_a).request
    polled = client.get(reverse("resident:requests"), **HX).content.decode()
    assert f'data-testid="request-{req.pk}"' in polled and "<html" not in polled


def test_host_answer_after_deadline_is_expired(
    client, clock, resident_user_a, resident_a, guard_a, walk_in_a
):
    # rule VI-01
    flow = _visitor(guard_a, walk_in_a)
    client.force_login(resident_user_a)
    clock.move_to(NOW + timedelta(minutes=10))
    response = client.post(
        reverse("resident:answer", args=[flow.request.pk]), {"answer": "grant"}, **HX
    )
    assert response.status_code == 400
    assert 'data-code="request.expired"' in response.content.decode()
    flow.request.refresh_from_db()
    assert flow.request.status == RequestStatus.EXPIRED
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.filter(visit=flow.visit, outcome="refuse").count() == 1


def test_another_resident_cannot_answer(
    client, clock, resident_a, neighbour_user, guard_a, walk_in_a
):
    req = _visitor(guard_a, walk_in_a).request
    client.force_login(neighbour_user)
    assert f"request-{req.pk}" not in client.get(reverse("resident:requests")).content.decode()
    response = client.post(reverse("resident:answer", args=[req.pk]), {"answer": "grant"})
    assert response.status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING


def test_staff_without_resident_role_is_forbidden(client, desk_a, guard_a, manager_a):
    for user in (desk_a, guard_a, manager_a):
        client.force_login(user)
        for name in ("resident:requests", "resident:invite", "resident:visitors"):
            assert client.get(reverse(name)).status_code == 403


def test_resident_without_record_is_told(client, site_a):
    user = get_user_model().objects.create_user(username="nobody", password="pass-1234")
    Membership.objects.create(user=user, site=site_a, role="resident")
    client.force_login(user)
    response = client.get(reverse("resident:requests"))
    assert response.status_code == 200 and "尚未关联住户档案" in response.content.decode()


# -- invitations (VI-02) -------------------------------------------------------------------------


def test_resident_invites_sees_qr_and_revokes(client, clock, resident_user_a, resident_a):
    # rule VI-02
    client.force_login(resident_user_a)
    assert client.get(reverse("resident:invite")).status_code == 200
    response = client.post(reverse("resident:invite"), _invite_data(uses="multi", max_uses="3"))
    inv = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resident:invitation", args=[inv.pk])
    assert inv.host == resident_a and inv.max_uses == 3
    assert inv.visitor_phone_masked == "139****5678"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "有效" in page and "撤销" in page
    assert 'data-testid="terminal-qr"' in page and page.count("<svg") == 2
    listing = client.get(reverse("resident:invitations")).content.decode()
    assert f'data-testid="invitation-{inv.pk}"' in listing and "有效" in listing
    assert client.post(reverse("resident:revoke", args=[inv.pk])).status_code == 302
    inv.refresh_from_db()
    assert inv.revoked_at == NOW
    listing = client.get(reverse("resident:invitations")).content.decode()
    assert "已撤销" in listing


def test_invitation_list_statuses(client, clock, resident_user_a, resident_a, walk_in_a):
    client.force_login(resident_user_a)
    base = {"host": resident_a, "actor": resident_user_a, "now": NOW, "visitor_phone": ""}
    upcoming = invitations.invitation_create(
        visitor_name="甲",
        window_start=NOW + timedelta(hours=1),
        window_end=NOW + timedelta(hours=2),
        max_uses=1,
        **base,
    )
    used = invitations.invitation_create(
        visitor_name="乙",
        window_start=NOW - timedelta(hours=1),
        window_end=NOW + timedelta(hours=2),
        max_uses=1,
        **base,
    )
    from gatehouse.gate.decide import gate_decide
    from gatehouse.gate.facts import GateInput

    gate_decide(GateInput(lane=walk_in_a, entrant=Entrant.INVITED, invitation=used), now=NOW)
    clock.move_to(NOW + timedelta(minutes=1))
    listing = client.get(reverse("resident:invitations")).content.decode()
    assert "未开始" in listing and "已用完" in listing
    clock.move_to(NOW + timedelta(hours=3))
    listing = client.get(reverse("resident:invitations")).content.decode()
    assert "已过期" in listing
    page = client.get(reverse("resident:invitation", args=[upcoming.pk])).content.decode()
    assert "<svg" not in page


def test_invite_errors_are_shown_and_nothing_written(client, clock, resident_user_a, resident_a):
    client.force_login(resident_user_a)
    response = client.post(reverse("resident:invite"), _invite_data(end_time="08:00"))
    assert response.status_code == 400
    assert "结束时间必须晚于开始时间" in response.content.decode()
    response = client.post(reverse("resident:invite"), _invite_data(visitor_phone="123"))
    assert response.status_code == 400
    response = client.post(reverse("resident:invite"), _invite_data(date="2026-11-23"))
    assert response.status_code == 400
    assert "预约时段已经过去" in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_residents_invitation_is_404(
    client, clock, resident_user_a, resident_a, neighbour_user
):
    inv = invitations.invitation_create(
        host=resident_a,
        actor=resident_user_a,
        visitor_name="钱七",
        window_start=NOW,
        window_end=NOW + timedelta(hours=1),
        max_uses=1,
        now=NOW,
    )
    client.force_login(neighbour_user)
    assert client.get(reverse("resident:invitation", args=[inv.pk])).status_code == 404
    assert client.post(reverse("resident:revoke", args=[inv.pk])).status_code == 404
    inv.refresh_from_db()
    assert inv.revoked_at is None
    assert (
        f"invitation-{inv.pk}" not in client.get(reverse("resident:invitations")).content.decode()
    )


# -- history and notices -------------------------------------------------------------------------


def test_my_visitors_and_notices(
    client, clock, resident_user_a, resident_a, guard_a, walk_in_a, walk_out_a, neighbour_user
):
    flow = _visitor(guard_a, walk_in_a)
    services.request_answer(
        request=flow.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    services.request_resolve(request=flow.request, actor=guard_a, now=NOW + timedelta(minutes=1))
    flow.visit.refresh_from_db()
    services.visit_leave(
        visit=flow.visit, lane=walk_out_a, actor=guard_a, now=NOW + timedelta(hours=1)
    )
    client.force_login(resident_user_a)
    body = client.get(reverse("resident:visitors")).content.decode()
    assert f'data-testid="visit-{flow.visit.pk}"' in body
    assert "王*" in body and "王五" not in body and "送文件" in body
    assert "11-24 09:31" in body and "11-24 10:30" in body and "已离开" in body

    notice = Notice.objects.create(
        site=resident_a.site,
        audience="person",
        person=resident_a,
        kind="mail.waiting",
        message="您有挂号信1件，请到门岗领取",
        created_at=NOW,
    )
    body = client.get(reverse("resident:notices")).content.decode()
    assert notice.message in body and "标记已读" in body
    client.force_login(neighbour_user)
    assert client.post(reverse("resident:notice_read", args=[notice.pk])).status_code == 404
    client.force_login(resident_user_a)
    assert client.post(reverse("resident:notice_read", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at == NOW and notice.acknowledged_by == resident_user_a
    assert "标记已读" not in client.get(reverse("resident:notices")).content.decode()


def test_home_counts_pending(client, clock, resident_user_a, resident_a, guard_a, walk_in_a):
    _visitor(guard_a, walk_in_a)
    client.force_login(resident_user_a)
    body = client.get(reverse("resident:home")).content.decode()
    assert 'class="badge">1<' in body and reverse("resident:invite") in body
    assert GateRequest.objects.filter(host=resident_a).count() == 1
