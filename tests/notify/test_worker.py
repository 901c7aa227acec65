"""Delivery as background work: the device worker's every round and ``manage.py send_messages``
deliver what is due; the admin's test message goes at once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from gatehouse.notify import services
from gatehouse.notify.models import Channel, ChannelKind, Message, MessageKind
from tests.conftest import NOW
from tests.notify import simulator as sim_
from tests.notify.simulator import Running

pytestmark = pytest.mark.django_db


def _queued(site):
    return services.send(
        site=site, kind=MessageKind.ALARM, text="设备离线：东门", now=NOW, audience="monitoring"
    )


def test_send_messages_delivers_what_is_due(site_a):
    _queued(site_a)
    out = io.StringIO()
    call_command("send_messages", stdout=out)
    assert "sent 2, retrying 0, failed 0" in out.getvalue()
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


def test_every_round_of_the_device_worker_delivers_messages(site_a):
    _queued(site_a)
    out = io.StringIO()
    call_command("device_worker", "--once", stdout=out)
    assert "messages sent 2" in out.getvalue()
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


def test_the_admin_sends_a_test_message_through_a_channel_at_once(client, superuser, site_a):
    with Running() as sim:
        channel = services.channel_secrets_set(
            channel=Channel.objects.create(
                site=site_a, kind=ChannelKind.WECOM, name="安保群", endpoint=sim.base
            ),
            token=sim_.WECOM_KEY,
            secret=None,
        )
        client.force_login(superuser)
        response = client.post(
            reverse("admin:notify_channel_changelist"),
            {"action": "send_test_message", "_selected_action": [channel.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "测试消息已发送" in response.content.decode()
    (seen,) = sim.seen
    assert seen.signed and "测试消息" in seen.json()["text"]["content"]
    message = Message.objects.get()
    assert (message.kind, message.state, message.channel) == ("test", "sent", channel)


def test_a_test_sms_needs_the_managers_own_mobile(client, superuser, site_a):
    channel = Channel.objects.create(site=site_a, kind=ChannelKind.TENCENT_SMS, name="短信")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:notify_channel_changelist"),
        {"action": "send_test_message", "_selected_action": [channel.pk]},
        follow=True,
    )
    assert "测试短信发送到您本人的手机号" in response.content.decode()
    assert not Message.objects.exists()
