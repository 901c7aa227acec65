"""The places where something happens send their message (issue 16 §4), each adding to what it
already did: a visitor waiting for the host's consent, mail at the gate, an alarm, an anomaly
escalated, a lease about to lapse, a land deadline. The consent request reaches the host on the
console channel and the host answers it from the link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.access import Entrant, Outcome
from gatehouse.devices import alarms
from gatehouse.devices.models import Device
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.guard.models import LeaderDuty
from gatehouse.notify import delivery, services
from gatehouse.notify.models import Channel, ChannelKind, Message, MessageKind, SmsTemplate
from gatehouse.people import services as people
from gatehouse.visitors import services as visitors
from gatehouse.visitors.mail import mail_log
from gatehouse.visitors.models import GateRequest, RequestStatus
from tests.admission.conftest import auto_zone, committee_b, enterprise_b, project_b  # noqa: F401
from tests.conftest import NOW
from tests.devices.conftest import door_a  # noqa: F401
from tests.guard.conftest import patrol_a  # noqa: F401
from tests.parking.conftest import garage_a, spaces_a, tenant_a  # noqa: F401

pytestmark = pytest.mark.django_db


def _sms(site, *kinds, params="text"):
    channel = services.channel_secrets_set(
        channel=Channel.objects.create(
            site=site,
            kind=ChannelKind.ALIYUN_SMS,
            name="短信",
            message_kinds=list(kinds),
            endpoint="http://127.0.0.1:9",
            account="id",
        ),
        token=None,
        secret="s",
    )
    for kind in kinds:
        SmsTemplate.objects.create(channel=channel, message_kind=kind, code="SMS_1", params=params)
    return channel


def _rows(**filters):
    return list(
        Message.objects.filter(**filters)
        .order_by("pk")
        .values_list("kind", "channel_kind", "recipient_masked", "state")
    )


def _relative(guard, lane):
    return visitors.visit_register(
        lane=lane,
        actor=guard,
        kind=Entrant.RELATIVE,
        name="王芳",
        purpose="探亲",
        house_number="3-2-1201",
        now=NOW,
    )


def test_the_host_gets_the_consent_request_on_the_console_and_answers_from_the_link(
    client, guard_a, walk_in_a, resident_a
):
    # rule P-05 / VI-01: the front desk asks the owner; admit only on consent — the owner is
    # asked by message, with a signed link that answers it
    _sms(resident_a.site, MessageKind.VISIT_CONSENT, params="name,link")
    flow = _relative(guard_a, walk_in_a)
    assert flow.decision.outcome is Outcome.PENDING and flow.request is not None
    console, sms = Message.objects.filter(kind="visit.consent").order_by("pk")
    assert (console.channel_kind, console.person, console.ref) == (
        "console",
        resident_a,
        f"request:{flow.request.pk}",
    )
    assert "王*" in console.text and "王芳" not in console.text
    assert "请在09:40前答复" in console.text  # the deadline in Shanghai time (NOW + 10 min)
    link = sms.params["link"]
    assert link.startswith("/messages/consent/") and link in console.text
    assert sms.channel_kind == "aliyun_sms" and sms.recipient_masked == "张* 138****8000"

    delivery.deliver_due(now=NOW)
    console.refresh_from_db()
    assert console.state == "sent"
    notice = Notice.objects.get(kind="visit.consent", person=resident_a)
    assert notice.audience == "person" and link in notice.message
    assert console.provider_id == f"notice:{notice.pk}"

    # The host opens the link on their phone, not logged in, and consents.
    page = client.get(link)
    assert page.status_code == 200 and "探亲" in page.content.decode()
    assert "王芳" not in page.content.decode()
    answered = client.post(link, {"answer": "grant"})
    assert answered.status_code == 200
    request = GateRequest.objects.get(pk=flow.request.pk)
    assert request.status == RequestStatus.GRANTED and request.answered_via == "host"
    # One answer: the link takes no second one, and changes nothing.
    again = client.post(link, {"answer": "refuse"})
    assert again.status_code == 409 and 'data-code="request.answered"' in again.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED


def test_the_consent_link_never_reaches_a_group_or_the_log(guard_a, walk_in_a, resident_a):
    # rule VI-01: only the host answers; a staff group carrying the kind gets no link
    Channel.objects.create(
        site=resident_a.site,
        kind=ChannelKind.WECOM,
        name="前台群",
        message_kinds=[MessageKind.VISIT_CONSENT],
    )
    _relative(guard_a, walk_in_a)
    group = Message.objects.get(kind="visit.consent", channel_kind="wecom")
    assert "/messages/consent/" not in group.text and "王*" in group.text
    assert "王芳" not in group.text


def test_a_tampered_or_foreign_consent_link_is_not_found(client, guard_a, walk_in_a, resident_a):
    # rule VI-01: only the link made for this request and its host answers it
    flow = _relative(guard_a, walk_in_a)
    link = Message.objects.get(kind="visit.consent", channel_kind="console").text.split()[-1]
    assert client.get(link).status_code == 200
    assert client.post(link[:-3] + "xyz/", {"answer": "grant"}).status_code == 404
    GateRequest.objects.filter(pk=flow.request.pk).update(host=None)
    assert client.post(link, {"answer": "grant"}).status_code == 404
    assert GateRequest.objects.get(pk=flow.request.pk).status == RequestStatus.PENDING


def test_the_host_may_still_answer_on_their_own_page(
    client, guard_a, walk_in_a, resident_a, resident_user_a
):
    # rule VI-01: the resident's requests page answers as before
    flow = _relative(guard_a, walk_in_a)
    client.force_login(resident_user_a)
    assert client.get(reverse("resident:requests")).status_code == 200
    client.post(reverse("resident:answer", args=[flow.request.pk]), {"answer": "refuse"})
    assert GateRequest.objects.get(pk=flow.request.pk).status == RequestStatus.REFUSED


def test_a_visitor_without_a_host_to_ask_sends_nothing(guard_a, walk_in_a, site_a):
    # rule P-05: no house, no host: nobody to ask by message (the desk calls)
    visitors.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.VISITOR,
        name="赵六",
        purpose="面试",
        id_number="110105199001011232",
        host_text="人事部",
        now=NOW,
    )
    assert not Message.objects.exists()


def test_mail_at_the_gate_reaches_the_resident_once_on_the_console_and_by_sms(guard_a, resident_a):
    # rule VI-04: mail is logged and the recipient told
    _sms(resident_a.site, MessageKind.MAIL_ARRIVED)
    item = mail_log(
        site=resident_a.site,
        actor=guard_a,
        kind="letter",
        recipient_name="张伟",
        recipient_unit="3-2-1201",
        sender="邮政",
        count=2,
        now=NOW,
    )
    assert _rows(kind="mail.arrived") == [
        ("mail.arrived", "console", "张* 138****8000", "queued"),
        ("mail.arrived", "aliyun_sms", "张* 138****8000", "queued"),
    ]
    delivery.deliver_due(now=NOW)
    # The mail log's own notice is the console message: no second notice.
    (notice,) = Notice.objects.filter(kind="mail.arrived")
    assert notice.object_ref == f"mail:{item.pk}"
    assert Message.objects.get(channel_kind="console").provider_id == f"notice:{notice.pk}"


def test_a_device_offline_alarms_the_leader_on_duty_by_sms_and_the_group(site_a, door_a):  # noqa: F811
    # issue 14 §3 alarm, now also to the leader on duty (S-02 带班领导) and the staff group
    _sms(site_a, MessageKind.ALARM)
    Channel.objects.create(
        site=site_a, kind=ChannelKind.WECOM, name="安保群", message_kinds=[MessageKind.ALARM]
    )
    LeaderDuty.objects.create(
        site=site_a,
        leader_name="王经理",
        phone="13700001111",
        start=NOW - timedelta(hours=1),
        end=NOW + timedelta(hours=8),
    )
    Device.objects.filter(pk=door_a.pk).update(last_seen_at=NOW - timedelta(hours=2))
    assert alarms.devices_check(now=NOW).raised == ["东门人脸终端"]
    assert _rows(kind="alarm") == [
        ("alarm", "console", "monitoring", "queued"),
        ("alarm", "aliyun_sms", "王** 137****1111", "queued"),
        ("alarm", "wecom", "安保群", "queued"),
    ]
    alarms.devices_check(now=NOW + timedelta(minutes=1))  # once per outage
    assert Message.objects.count() == 3
    delivery.deliver_due(now=NOW)
    assert Notice.objects.filter(kind="device.offline").count() == 1  # not doubled


def test_a_blacklist_hit_alarms_the_group_with_the_name_masked(
    site_a, guard_a, walk_in_a, resident_a, manager_a
):
    # rule P-11: a blacklisted person is refused and the monitoring centre told; the staff
    # group gets the alarm with the name masked
    Channel.objects.create(
        site=site_a, kind=ChannelKind.DINGTALK, name="值班群", message_kinds=[MessageKind.ALARM]
    )
    people.blacklist_add(
        site=site_a, actor=manager_a, reason="多次滋事", person=resident_a, now=NOW
    )
    result = gate_decide(
        GateInput(lane=walk_in_a, person=resident_a, presented_kind="manual"),
        now=NOW,
        guard=guard_a,
    )
    assert result.decision.reason == "blacklist.hit"
    (group,) = Message.objects.filter(kind="alarm", channel_kind="dingtalk")
    assert "张伟" not in group.text and group.ref == f"event:{result.event.pk}"
    # the gate's own notice is unchanged, and no second console notice is queued
    assert Notice.objects.filter(kind="blacklist.hit").count() == 1
    assert not Message.objects.filter(channel_kind="console").exists()


def test_an_escalated_anomaly_is_sent_to_the_leadership(site_a, patrol_a, manager_a):  # noqa: F811
    # rule S-05: escalated when nobody acknowledges in time
    from gatehouse.guard.incidents.services import anomalies_escalate
    from tests.guard.test_monitoring import report

    _sms(site_a, MessageKind.ANOMALY_ESCALATED)
    LeaderDuty.objects.create(
        site=site_a,
        leader_name="王经理",
        phone="13700001111",
        start=NOW - timedelta(hours=1),
        end=NOW + timedelta(hours=8),
    )
    report(site_a, patrol_a, when=NOW)
    assert anomalies_escalate(site=site_a, now=NOW + timedelta(minutes=10)) == 1
    rows = _rows(kind="anomaly.escalated")
    assert rows == [
        ("anomaly.escalated", "console", "monitoring", "queued"),
        ("anomaly.escalated", "aliyun_sms", "王** 137****1111", "queued"),
    ]
    delivery.deliver_due(now=NOW + timedelta(minutes=10))
    assert Notice.objects.filter(kind="anomaly.escalated").count() == 1


def test_a_lease_about_to_lapse_reminds_its_holder_once(site_a, desk_a, tenant_a, spaces_a):  # noqa: F811
    # rule PK-05: renewal is paid before the due date, else the space is given up
    from gatehouse.parking.services import lease_create, lease_renewals

    lease = lease_create(
        site=site_a,
        actor=desk_a,
        space=spaces_a[0],
        holder=tenant_a,
        house_ref="3-2-1201 租赁合同",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        monthly_fee_fen=30000,
        method="cash",
        now=NOW - timedelta(days=330),
        renewal_due=date(2026, 11, 28),
    )
    today = date(2026, 11, 24)
    lease_renewals(today=today, now=NOW)
    lease_renewals(today=today, now=NOW)  # the daily job run twice: one reminder
    assert _rows(kind="lease.lapsing") == [
        ("lease.lapsing", "console", "王*", "queued"),
        ("lease.lapsing", "log", "log", "queued"),
    ]
    message = Message.objects.get(kind="lease.lapsing", channel_kind="console")
    assert message.person == tenant_a and message.ref == f"lease:{lease.pk}:due:20261128"
    assert "2026-11-28" in message.text and "B1-001" in message.text


def test_a_lease_not_yet_due_sends_nothing(site_a, desk_a, tenant_a, spaces_a):  # noqa: F811
    # rule PK-05
    from gatehouse.parking.services import lease_create, lease_renewals

    lease_create(
        site=site_a,
        actor=desk_a,
        space=spaces_a[0],
        holder=tenant_a,
        house_ref="3-2-1201 租赁合同",
        start=date(2026, 1, 1),
        end=date(2027, 6, 30),
        monthly_fee_fen=30000,
        method="cash",
        now=NOW - timedelta(days=330),
    )
    lease_renewals(today=date(2026, 11, 24), now=NOW)
    assert not Message.objects.filter(kind="lease.lapsing").exists()


def test_a_land_deadline_goes_to_the_committee_group(project_b, committee_b, site_b):  # noqa: F811
    # rule IP-10: not started 3 months after the contracted start: breach
    from gatehouse.admission import services as admission
    from tests.admission.test_land import contracted

    Channel.objects.create(
        site=site_b, kind=ChannelKind.FEISHU, name="管委会群", message_kinds=["land.deadline"]
    )
    contracted(project_b, committee_b, contracted_start=date(2026, 8, 24))
    assert admission.land_deadlines_raise(site=site_b, now=NOW) == 1
    admission.land_deadlines_raise(site=site_b, now=NOW)
    (message,) = Message.objects.filter(kind="land.deadline")
    assert message.channel_kind == "feishu" and "IP-10" in message.text
    assert message.ref.startswith(f"land:{project_b.pk}:IP-10:")
