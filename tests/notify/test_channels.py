"""Each channel against the local provider simulator: the request is signed as the provider
checks it, and success, rate limiting and permanent errors land in the message's state
(issue 16 §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.core import notify as core
from gatehouse.notify import delivery, services
from gatehouse.notify.models import Channel, ChannelKind, Message, MessageKind, SmsTemplate
from tests.conftest import NOW
from tests.notify import simulator as sim_
from tests.notify.simulator import Running

pytestmark = pytest.mark.django_db

GROUPS = {
    ChannelKind.WECOM: (sim_.WECOM_KEY, ""),
    ChannelKind.DINGTALK: (sim_.DING_TOKEN, sim_.DING_SECRET),
    ChannelKind.FEISHU: (sim_.FEISHU_HOOK, sim_.FEISHU_SECRET),
}


def channel(site, kind, base, *, token="", secret="", kinds=(MessageKind.ALARM,), **extra):
    made = Channel.objects.create(
        site=site, kind=kind, name=f"{kind}-群", message_kinds=list(kinds), endpoint=base, **extra
    )
    return services.channel_secrets_set(channel=made, token=token, secret=secret)


def alarm(site, text="黑名单人员张三（13800138000）在东门被拦截", names=("张三",)):
    return services.send(
        site=site,
        kind=MessageKind.ALARM,
        text=text,
        now=NOW,
        ref="event:1",
        audience=NoticeAudience.MONITORING,
        private=names,
    )


def only(kind) -> Message:
    return Message.objects.get(channel_kind=kind)


@pytest.mark.parametrize("kind", list(GROUPS))
def test_a_group_robot_gets_the_masked_text_signed_and_the_message_is_sent(site_a, kind):
    with Running() as sim:
        token, secret = GROUPS[kind]
        channel(site_a, kind, sim.base, token=token, secret=secret)
        alarm(site_a)
        done = delivery.deliver_due(now=NOW)
    assert done.sent == 2 and done.failed == 0  # the group and the console notice
    (seen,) = sim.seen
    assert seen.provider == kind and seen.signed
    body = seen.json()
    content = body.get("text", {}).get("content") or body.get("content", {}).get("text")
    assert "张*" in content and "138****8000" in content
    assert "张三" not in content and "13800138000" not in content
    message = only(kind)
    assert message.state == "sent" and message.attempts == 1 and message.sent_at == NOW


@pytest.mark.parametrize("kind", list(GROUPS))
def test_a_rate_limit_reply_is_retried_later_then_sent(site_a, kind):
    with Running() as sim:
        token, secret = GROUPS[kind]
        channel(site_a, kind, sim.base, token=token, secret=secret)
        alarm(site_a)
        sim.answers.extend(["limit"])
        delivery.deliver_due(now=NOW)
        message = only(kind)
        assert message.state == "queued" and message.attempts == 1
        assert message.next_attempt_at == NOW + core.RATE_LIMIT_WAIT
        assert message.last_error
        # Not due before its time; sent when it is.
        assert delivery.deliver_due(now=NOW + timedelta(seconds=30)).sent == 0
        later = NOW + core.RATE_LIMIT_WAIT
        assert delivery.deliver_due(now=later).sent == 1
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2 and message.sent_at == later


@pytest.mark.parametrize("kind", list(GROUPS))
def test_a_permanent_error_fails_the_message_with_its_reason(site_a, kind):
    with Running() as sim:
        token, secret = GROUPS[kind]
        channel(site_a, kind, sim.base, token=token, secret=secret)
        alarm(site_a)
        sim.answers.extend(["error"])
        done = delivery.deliver_due(now=NOW)
    message = only(kind)
    assert done.failed == 1
    assert message.state == "failed" and message.attempts == 1 and message.next_attempt_at is None
    assert message.last_error.split()[0] in ("40008", "300001", "19001")


@pytest.mark.parametrize("kind", [ChannelKind.DINGTALK, ChannelKind.FEISHU])
def test_a_wrong_signing_secret_is_refused_by_the_provider_and_fails(site_a, kind):
    with Running() as sim:
        token, _ = GROUPS[kind]
        channel(site_a, kind, sim.base, token=token, secret="SECnot-the-right-one")
        alarm(site_a)
        delivery.deliver_due(now=NOW)
    assert sim.seen[0].signed is False
    assert only(kind).state == "failed"


def _sms_channel(site, kind, base):
    if kind == ChannelKind.ALIYUN_SMS:
        made = channel(
            site,
            kind,
            base,
            token="",
            secret=sim_.ALI_SECRET,
            kinds=(MessageKind.MAIL_ARRIVED,),
            account=sim_.ALI_ID,
            sign_name="东湖花园",
        )
    else:
        made = channel(
            site,
            kind,
            base,
            token="",
            secret=sim_.TC_SECRET,
            kinds=(MessageKind.MAIL_ARRIVED,),
            account=sim_.TC_ID,
            app_id=sim_.TC_APP,
            sign_name="东湖花园",
            region="ap-guangzhou",
        )
    SmsTemplate.objects.create(
        channel=made, message_kind=MessageKind.MAIL_ARRIVED, code="SMS_1001", params="count,kind"
    )
    return made


def _mail_for(person):
    return services.send(
        site=person.site,
        kind=MessageKind.MAIL_ARRIVED,
        text="您有2件信件在门岗，请领取",
        now=NOW,
        ref="mail:1",
        person=person,
        params={"count": "2", "kind": "信件"},
    )


@pytest.mark.parametrize("kind", [ChannelKind.ALIYUN_SMS, ChannelKind.TENCENT_SMS])
def test_an_sms_goes_to_the_persons_own_mobile_with_the_template(resident_a, kind):
    with Running() as sim:
        _sms_channel(resident_a.site, kind, sim.base)
        _mail_for(resident_a)
        done = delivery.deliver_due(now=NOW)
    assert done.sent == 2
    (seen,) = sim.seen
    assert seen.signed, "the simulator could not verify the signature"
    if kind == ChannelKind.ALIYUN_SMS:
        form = seen.form()
        assert form["PhoneNumbers"] == "13800138000"
        assert form["TemplateCode"] == "SMS_1001" and form["SignName"] == "东湖花园"
        assert form["Version"] == "2017-05-25" and form["Timestamp"] == "2026-11-24T01:30:00Z"
        import json

        assert json.loads(form["TemplateParam"]) == {"count": "2", "kind": "信件"}
        provider_id = "900619746936498440^0"
    else:
        body = seen.json()
        assert body["PhoneNumberSet"] == ["+8613800138000"]
        assert body["TemplateParamSet"] == ["2", "信件"] and body["SmsSdkAppId"] == sim_.TC_APP
        assert seen.headers["x-tc-version"] == "2021-01-11"
        provider_id = "2645:1234"
    message = only(kind)
    assert message.state == "sent" and message.provider_id == provider_id
    assert message.recipient_masked == "张* 138****8000"
    assert "13800138000" not in message.recipient_cipher  # stored encrypted


@pytest.mark.parametrize("kind", [ChannelKind.ALIYUN_SMS, ChannelKind.TENCENT_SMS])
def test_sms_rate_limit_is_retried_and_a_permanent_error_fails(resident_a, kind):
    with Running() as sim:
        _sms_channel(resident_a.site, kind, sim.base)
        _mail_for(resident_a)
        sim.answers.extend(["limit", "error"])
        delivery.deliver_due(now=NOW)
        message = only(kind)
        assert message.state == "queued" and message.next_attempt_at == NOW + core.RATE_LIMIT_WAIT
        delivery.deliver_due(now=NOW + core.RATE_LIMIT_WAIT)
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == 2
    assert "MOBILE_NUMBER_ILLEGAL" in message.last_error or "Template" in message.last_error


def test_an_sms_channel_without_a_template_for_the_kind_fails_with_that_reason(resident_a):
    made = channel(
        resident_a.site,
        ChannelKind.ALIYUN_SMS,
        "http://127.0.0.1:9",
        secret="x",
        kinds=(MessageKind.MAIL_ARRIVED,),
        account="id",
    )
    assert made.pk
    _mail_for(resident_a)
    delivery.deliver_due(now=NOW)
    message = only(ChannelKind.ALIYUN_SMS)
    assert message.state == "failed" and "短信模板" in message.last_error


def test_an_unreachable_provider_is_retried_with_backoff(site_a):
    channel(site_a, ChannelKind.WECOM, "http://127.0.0.1:9", token=sim_.WECOM_KEY)
    alarm(site_a)
    delivery.deliver_due(now=NOW)
    message = only(ChannelKind.WECOM)
    assert message.state == "queued" and message.attempts == 1
    assert message.next_attempt_at == NOW + core.BACKOFF_FIRST
    assert message.last_error.startswith("网络错误")


def test_without_any_channel_the_console_and_the_log_carry_the_message(site_a, caplog):
    alarm(site_a)
    with caplog.at_level("INFO", logger="gatehouse.notify"):
        done = delivery.deliver_due(now=NOW)
    assert done.sent == 2
    assert set(Message.objects.values_list("channel_kind", "state")) == {
        ("console", "sent"),
        ("log", "sent"),
    }
    notice = Notice.objects.get(site=site_a, audience="monitoring")
    assert notice.kind == "alarm" and notice.object_ref == "event:1"
    assert "张*" in caplog.text and "张三" not in caplog.text  # the log gets the masked text


def test_the_secrets_are_stored_encrypted_and_shown_masked(site_a):
    made = channel(site_a, ChannelKind.DINGTALK, "", token=sim_.DING_TOKEN, secret=sim_.DING_SECRET)
    made.refresh_from_db()
    assert sim_.DING_SECRET not in made.secret_cipher and sim_.DING_TOKEN not in made.token_cipher
    assert made.secret_hint == "****0001" and made.token_hint == "****0001"


def test_a_message_is_queued_once_for_the_same_record(site_a):
    assert len(alarm(site_a)) == 2
    assert alarm(site_a) == []
    assert Message.objects.count() == 2


@pytest.mark.parametrize("kind", [ChannelKind.ALIYUN_SMS, ChannelKind.TENCENT_SMS])
def test_an_sms_signed_with_a_wrong_secret_is_refused_and_fails(resident_a, kind):
    with Running() as sim:
        made = _sms_channel(resident_a.site, kind, sim.base)
        services.channel_secrets_set(channel=made, token=None, secret="not-the-secret")
        _mail_for(resident_a)
        delivery.deliver_due(now=NOW)
    assert sim.seen[0].signed is False
    message = only(kind)
    assert message.state == "failed"
    assert "Signature" in message.last_error
