"""Closing the loop (issue 14 §3): when the desk confirms, the host consents or a manager
approves, the person is admitted and the door of the lane where they wait opens by itself, in
the same transaction; the booth shows what became of the door command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant
from gatehouse.devices import outbox
from gatehouse.devices.models import CommandKind, CommandState, DeviceCommand
from gatehouse.people import services as people
from gatehouse.visitors import services
from gatehouse.visitors.models import GateRequest, RequestStatus, VisitStatus
from tests.conftest import ID_LI, NOW

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _visitor(guard, lane):
    return services.visit_register(
        lane=lane,
        actor=guard,
        kind=Entrant.VISITOR,
        name="王五",
        purpose="送文件",
        id_number=ID_LI,
        house_number="3-2-1201",
        now=NOW,
    )


def _door_commands():
    return list(DeviceCommand.objects.filter(kind=CommandKind.DOOR_OPEN).order_by("id"))


def test_host_consent_admits_and_opens_the_door_in_one_go(
    guard_a, resident_user_a, walk_in_a, door_a, camera_a
):
    # rule VI-01: admit only with consent; the consent now opens the lane's door itself
    flow = _visitor(guard_a, walk_in_a)
    assert flow.request is not None and _door_commands() == []  # pending: nothing opens
    answered = services.request_answer(
        request=flow.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    assert answered.status == RequestStatus.GRANTED and answered.closed_at == NOW
    event = AccessEvent.objects.filter(outcome="allow").get()
    assert event.source == "system" and "被访人已同意，自动开门" in event.note
    flow.visit.refresh_from_db()
    assert flow.visit.status == VisitStatus.INSIDE and flow.visit.time_in == NOW
    # One DOOR_OPEN, to the face terminal of the lane where the visitor waits; none to the
    # camera on the motor lane.
    (command,) = _door_commands()
    assert command.device == door_a and command.state == CommandState.QUEUED
    assert command.reason == f"被访人已同意，放行（事件 #{event.pk}）"
    assert command.payload == {"request": answered.pk, "event": event.pk}
    assert command.created_by == resident_user_a
    assert not DeviceCommand.objects.filter(device=camera_a).exists()
    entry = AuditEntry.objects.get(action="device.open_for_request")
    assert entry.after["commands"] == [command.pk] and entry.after["event"] == event.pk
    assert AuditEntry.objects.filter(action="request.answer", object_id=str(answered.pk)).exists()
    # The guard has nothing left to resolve.
    with pytest.raises(Exception) as refused:
        services.request_resolve(request=answered, actor=guard_a, now=NOW)
    assert getattr(refused.value, "code", "") == "request.closed"


def test_desk_confirming_a_forgotten_card_opens_the_door(
    guard_a, desk_a, resident_a, walk_in_a, door_a
):
    # rule P-04: the front desk confirms; then admit
    flow = services.forgotten_card_check(
        lane=walk_in_a, actor=guard_a, house_number="3-2-1201", id_last4="002X", now=NOW
    )
    services.request_answer(request=flow.request, actor=desk_a, granted=True, via="desk", now=NOW)
    event = AccessEvent.objects.filter(outcome="allow").get()
    assert event.person == resident_a and event.entrant == Entrant.FORGOTTEN_CARD
    (command,) = _door_commands()
    assert command.reason == f"服务中心已确认，放行（事件 #{event.pk}）"
    assert command.created_by == desk_a


def test_manager_approval_of_staff_without_badge_opens_the_door(
    guard_a, manager_a, site_a, walk_in_a, door_a
):
    # rule P-10: exceptions need a manager's approval
    staff = people.person_create(
        site=site_a, actor=manager_a, name="刘强", kind="employee", now=NOW
    )
    flow = services.staff_without_badge(lane=walk_in_a, actor=guard_a, person=staff, now=NOW)
    assert flow.request is not None and flow.request.kind == "approval"
    services.request_answer(
        request=flow.request, actor=manager_a, granted=True, via="manager", now=NOW
    )
    event = AccessEvent.objects.filter(outcome="allow").get()
    (command,) = _door_commands()
    assert command.reason == f"主管已批准，放行（事件 #{event.pk}）"


def test_a_refusal_opens_nothing_and_leaves_the_guard_to_confirm(
    guard_a, resident_user_a, walk_in_a, door_a
):
    # rule VI-01: no consent, no admission
    flow = _visitor(guard_a, walk_in_a)
    answered = services.request_answer(
        request=flow.request, actor=resident_user_a, granted=False, via="host", now=NOW
    )
    assert answered.status == RequestStatus.REFUSED and answered.closed_at is None
    assert _door_commands() == [] and not AccessEvent.objects.filter(outcome="allow").exists()


def test_a_lane_without_a_door_device_keeps_the_guards_admit_button(
    guard_a, resident_user_a, walk_in_a
):
    # rule VI-01: without a device the guard lets the visitor in by hand, as before
    flow = _visitor(guard_a, walk_in_a)
    answered = services.request_answer(
        request=flow.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    assert answered.closed_at is None and _door_commands() == []
    result = services.request_resolve(request=answered, actor=guard_a, now=NOW)
    assert result.event.outcome == "allow" and result.event.guard == guard_a


def test_an_answer_after_the_deadline_opens_nothing(guard_a, resident_user_a, walk_in_a, door_a):
    # rule VI-01: a request not answered in time is refused
    flow = _visitor(guard_a, walk_in_a)
    late = flow.request.deadline + timedelta(seconds=1)
    with pytest.raises(Exception) as refused:
        services.request_answer(
            request=flow.request, actor=resident_user_a, granted=True, via="host", now=late
        )
    assert getattr(refused.value, "code", "") == "request.expired"
    assert _door_commands() == []


def test_the_booth_follows_the_door_command_until_it_opened(
    client, guard_a, resident_user_a, walk_in_a, door_a, terminal
):
    # rule VI-01: the guard sees that the door opened for the admitted visitor
    flow = _visitor(guard_a, walk_in_a)
    client.force_login(guard_a)
    body = client.get(reverse("booth:pending"), **HX).content.decode()
    assert "等待被访人答复" in body and "command-" not in body
    services.request_answer(
        request=flow.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    assert len(_door_commands()) == 1
    body = client.get(reverse("booth:pending"), **HX).content.decode()
    assert f'data-testid="opened-{flow.request.pk}"' in body
    assert "开门指令已排队" in body and 'data-state="queued"' in body
    outbox.deliver_due(now=lambda: NOW, drivers={"fake": terminal})
    assert terminal.applied == [(CommandKind.DOOR_OPEN, door_a.pk)]
    body = client.get(reverse("booth:pending"), **HX).content.decode()
    assert "已开门" in body and 'data-state="done"' in body


def test_the_booth_shows_a_failed_door_command_with_its_error(
    client, guard_a, resident_user_a, walk_in_a, door_a, terminal
):
    flow = _visitor(guard_a, walk_in_a)
    services.request_answer(
        request=flow.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    terminal.fail = outbox.Refused("门禁处于常闭状态")
    outbox.deliver_due(now=lambda: NOW, drivers={"fake": terminal})
    client.force_login(guard_a)
    body = client.get(reverse("booth:pending"), **HX).content.decode()
    assert "开门失败：门禁处于常闭状态" in body and 'data-state="failed"' in body
    assert GateRequest.objects.get().closed_at is not None
