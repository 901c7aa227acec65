"""The messages page (通知消息) for the security manager: states, filters, masked recipients,
and the retry of a failed message; the admin's channel form keeps secrets write-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.notify import delivery, services
from gatehouse.notify.models import Channel, ChannelKind, Message, MessageKind
from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _messages(site, resident):
    services.send(
        site=site,
        kind=MessageKind.MAIL_ARRIVED,
        text="您有1件信件在门岗，请领取",
        now=NOW,
        ref="mail:1",
        person=resident,
    )
    Channel.objects.create(
        site=site,
        kind=ChannelKind.WECOM,
        name="安保群",
        message_kinds=[MessageKind.ALARM],
        endpoint="http://127.0.0.1:9",
    )
    services.send(site=site, kind=MessageKind.ALARM, text="设备离线：东门", now=NOW, ref="d:1")
    failed = Message.objects.get(channel_kind="wecom")
    Message.objects.filter(pk=failed.pk).update(
        state="failed", attempts=8, last_error="40008 invalid message type"
    )
    delivery.deliver_due(now=NOW)
    failed.refresh_from_db()
    return failed


def test_the_manager_sees_each_message_with_its_state_and_a_masked_recipient(
    client, manager_a, resident_a
):
    failed = _messages(resident_a.site, resident_a)
    client.force_login(manager_a)
    response = client.get(reverse("notify:messages"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-state="sent"') == 2 and html.count('data-state="failed"') == 1
    assert "张* 138****8000" in html and "13800138000" not in html and "张伟" not in html
    assert "40008 invalid message type" in html
    assert reverse("notify:retry", args=[failed.pk]) in html
    only_failed = client.get(reverse("notify:messages"), {"state": "failed"}).content.decode()
    assert f'data-testid="message-{failed.pk}"' in only_failed
    assert 'data-state="sent"' not in only_failed
    by_channel = client.get(reverse("notify:messages"), {"channel_kind": "console"})
    assert by_channel.content.decode().count("data-state=") == 1
    # an unknown filter value is ignored, not an error
    assert client.get(reverse("notify:messages"), {"state": "nonsense"}).status_code == 200


def test_a_failed_message_is_queued_again_by_the_retry_action(client, manager_a, resident_a):
    failed = _messages(resident_a.site, resident_a)
    client.force_login(manager_a)
    response = client.post(reverse("notify:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("queued", 0)
    entry = AuditEntry.objects.get(action="notify.message.retry")
    assert entry.actor == manager_a and entry.before["last_error"] == "40008 invalid message type"
    # only a failed message: a second retry is refused and changes nothing
    again = client.post(reverse("notify:retry", args=[failed.pk]))
    assert again.status_code == 422
    failed.refresh_from_db()
    assert failed.state == "queued"


def test_the_page_is_the_managers_and_of_their_own_site(client, guard_a, manager_b, resident_a):
    failed = _messages(resident_a.site, resident_a)
    client.force_login(guard_a)
    assert client.get(reverse("notify:messages")).status_code == 403
    client.force_login(manager_b)
    html = client.get(reverse("notify:messages")).content.decode()
    assert "data-state=" not in html
    assert client.post(reverse("notify:retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_the_admin_stores_channel_secrets_encrypted_and_never_shows_them(client, superuser, site_a):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:notify_channel_add"),
        {
            "site": site_a.pk,
            "kind": "dingtalk",
            "name": "值班群",
            "enabled": "on",
            "message_kinds": ["alarm", "anomaly.escalated"],
            "endpoint": "",
            "token": "ding-token-abcdef",
            "secret": "SECsecret-abcdef-1234",
            "templates-TOTAL_FORMS": "0",
            "templates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get()
    assert channel.message_kinds == ["alarm", "anomaly.escalated"]
    assert channel.secret_hint == "****1234" and "SECsecret" not in channel.secret_cipher
    page = client.get(reverse("admin:notify_channel_change", args=[channel.pk])).content.decode()
    assert "SECsecret-abcdef-1234" not in page and "ding-token-abcdef" not in page
    assert "****1234" in page


def test_the_page_is_paged_and_its_links_keep_the_filters(client, manager_a, site_a):
    from datetime import timedelta

    from gatehouse.notify.selectors import PAGE_SIZE

    def message(i: int, state: str, kind: str) -> Message:
        return Message(
            site=site_a,
            channel_kind=kind,
            kind=MessageKind.ALARM,
            text=f"告警{i:03d}",
            dedupe=f"t:{i}",
            state=state,
            created_at=NOW - timedelta(minutes=i),
        )

    # failed group-robot messages (every third) among sent console ones
    Message.objects.bulk_create(
        message(i, *(("failed", "wecom") if i % 3 == 0 else ("sent", "console")))
        for i in range(3 * PAGE_SIZE + 3)
    )
    failed = [i for i in range(3 * PAGE_SIZE + 3) if i % 3 == 0]  # PAGE_SIZE + 1 of them
    client.force_login(manager_a)
    url = reverse("notify:messages")

    first = client.get(url).content.decode()
    assert first.count("data-state=") == PAGE_SIZE and "告警000" in first
    assert "第 1 / 4 页" in first
    assert "page=2" in first

    chosen = {"state": "failed", "channel_kind": "wecom"}
    one = client.get(url, chosen).content.decode()
    assert one.count('data-state="failed"') == PAGE_SIZE and 'data-state="sent"' not in one
    assert "第 1 / 2 页" in one
    # the next page's link keeps both filters
    assert "state=failed&amp;channel_kind=wecom&amp;page=2" in one
    two = client.get(url, {**chosen, "page": 2}).content.decode()
    assert two.count('data-state="failed"') == 1 and 'data-state="sent"' not in two
    assert f"告警{failed[-1]:03d}" in two and f"告警{failed[0]:03d}" not in two
    assert "第 2 / 2 页" in two and "state=failed&amp;channel_kind=wecom&amp;page=1" in two
    # a page past the end shows the last one
    assert client.get(url, {**chosen, "page": 9}).content.decode().count("data-state=") == 1
    # the counts are the site's, whatever the page
    sent = 3 * PAGE_SIZE + 3 - len(failed)
    assert f"发送失败：{len(failed)}" in two and f"已发送：{sent}" in two
