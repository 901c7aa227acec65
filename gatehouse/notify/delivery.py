"""Delivering queued messages (issue 16 §4): :func:`deliver_due`, handed ``now``, is called by
every pass of ``manage.py device_worker`` and by ``manage.py send_messages`` (cron).

A due message is claimed (state ``sending``, with a lease: a worker that dies mid-send leaves it
to be taken again after :data:`LEASE`), sent through its channel, and recorded: sent with the
provider's id, queued again with a back-off (rate limited, passing fault), or failed with its
reason (a permanent error, or :data:`gatehouse.core.notify.MAX_ATTEMPTS` tries)."""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.core import notify as core
from gatehouse.notify.models import Channel, ChannelKind, Message, MessageState, SmsTemplate
from gatehouse.privacy import unseal

log = logging.getLogger("gatehouse.notify")

LEASE = timedelta(minutes=5)
TIMEOUT = 10.0
BATCH = 50

Transport = Callable[[core.Request], tuple[int, bytes]]


def http_post(request: core.Request) -> tuple[int, bytes]:
    """Send ``request``; an HTTP error status is returned with its body, not raised."""
    if not request.url.startswith(("https://", "http://")):
        raise OSError(f"not an HTTP address: {request.url[:40]}")
    req = urllib.request.Request(  # noqa: S310 (checked above: http or https only)
        request.url, data=request.body, headers=request.headers, method=request.method
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)


def _claim(now: datetime, limit: int) -> list[Message]:
    due = Q(state=MessageState.QUEUED, next_attempt_at__lte=now) | Q(
        state=MessageState.SENDING, next_attempt_at__lte=now
    )
    ids = list(
        Message.objects.filter(due)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed: list[Message] = []
    for pk in ids:
        # One conditional update per message: of two workers, one wins it.
        won = (
            Message.objects.filter(pk=pk)
            .filter(due)
            .update(state=MessageState.SENDING, next_attempt_at=now + LEASE)
        )
        if won:
            claimed.append(Message.objects.select_related("channel", "person", "site").get(pk=pk))
    return claimed


def deliver_due(
    *, now: datetime, transport: Transport = http_post, limit: int = BATCH
) -> Delivered:
    """Send every message due at ``now`` (at most ``limit``), each recorded on its own."""
    done = Delivered()
    for message in _claim(now, limit):
        try:
            reply = attempt(message, now=now, transport=transport)
        except Exception as exc:  # a bug or an unexpected answer must not stop the others
            log.exception("message %s", message.pk)
            reply = core.Reply(core.Outcome.RETRY, error=f"{type(exc).__name__}: {exc}")
        state = record(message, reply, now=now)
        if state == MessageState.SENT:
            done.sent += 1
        elif state == MessageState.FAILED:
            done.failed += 1
            done.errors.append(f"message {message.pk}: {reply.error}")
        else:
            done.retrying += 1
    return done


@transaction.atomic
def record(message: Message, reply: core.Reply, *, now: datetime) -> str:
    attempts = message.attempts + 1
    state, next_at = core.after_reply(reply, attempts, now)
    Message.objects.filter(pk=message.pk).update(
        state=state,
        attempts=attempts,
        next_attempt_at=next_at,
        last_error=reply.error[:300],
        provider_id=reply.provider_id[:80] or message.provider_id,
        sent_at=now if state == MessageState.SENT else None,
    )
    message.refresh_from_db()
    return state


def attempt(message: Message, *, now: datetime, transport: Transport) -> core.Reply:
    """One attempt at ``message`` through its channel."""
    kind = message.channel_kind
    if kind == ChannelKind.CONSOLE:
        return _console(message)
    if kind == ChannelKind.LOG:
        log.info("[%s] %s: %s", message.site_id, message.kind, message.text)
        return core.Reply(core.Outcome.SENT, provider_id=f"log:{message.pk}")
    channel = message.channel
    if channel is None:
        return core.Reply(core.Outcome.FAIL, error="渠道已删除")
    if not channel.enabled:
        return core.Reply(core.Outcome.FAIL, error="渠道已停用")
    request = build_request(message, channel, now=now)
    if isinstance(request, core.Reply):
        return request
    try:
        status, body = transport(request)
    except (OSError, TimeoutError) as exc:  # network down, refused, timed out: try later
        return core.Reply(core.Outcome.RETRY, error=f"网络错误：{exc}"[:300])
    return PARSERS[kind](status, body)


PARSERS: dict[str, Callable[[int, bytes], core.Reply]] = {
    ChannelKind.WECOM: core.wecom_parse,
    ChannelKind.DINGTALK: core.dingtalk_parse,
    ChannelKind.FEISHU: core.feishu_parse,
    ChannelKind.ALIYUN_SMS: core.aliyun_parse,
    ChannelKind.TENCENT_SMS: core.tencent_parse,
}


def build_request(
    message: Message, channel: Channel, *, now: datetime
) -> core.Request | core.Reply:
    token = unseal(channel.token_cipher)
    secret = unseal(channel.secret_cipher)
    base = channel.endpoint
    if channel.kind == ChannelKind.WECOM:
        return core.wecom_request(base=base, key=token, text=message.text)
    if channel.kind == ChannelKind.DINGTALK:
        return core.dingtalk_request(
            base=base, access_token=token, secret=secret, text=message.text, now=now
        )
    if channel.kind == ChannelKind.FEISHU:
        return core.feishu_request(base=base, hook=token, secret=secret, text=message.text, now=now)
    template = SmsTemplate.objects.filter(channel=channel, message_kind=message.kind).first()
    if template is None:
        return core.Reply(core.Outcome.FAIL, error=f"渠道未配置“{message.kind}”的短信模板")
    values = message.params or {"text": message.text}
    names = template.param_names() or ["text"]
    sms = core.SmsText(template.code, {n: str(values.get(n, "")) for n in names})
    phone = unseal(message.recipient_cipher)
    if channel.kind == ChannelKind.ALIYUN_SMS:
        return core.aliyun_request(
            base=base,
            access_key_id=channel.account,
            secret=secret,
            phone=phone,
            sign_name=channel.sign_name,
            sms=sms,
            now=now,
            nonce=secrets.token_hex(16),
            region=channel.region,
        )
    return core.tencent_request(
        base=base,
        secret_id=channel.account,
        secret_key=secret,
        app_id=channel.app_id,
        sign_name=channel.sign_name,
        phone=phone,
        sms=sms,
        now=now,
        region=channel.region,
    )


def _console(message: Message) -> core.Reply:
    """The console's own notice: the one the place already wrote for this record, else a new
    one to the person or the audience."""
    audience = NoticeAudience.PERSON if message.person_id else message.audience
    if audience not in NoticeAudience.values:
        return core.Reply(core.Outcome.FAIL, error=f"未知的通知对象：{audience}")
    found = Notice.objects.filter(
        site_id=message.site_id, kind=message.notice_kind or message.kind, audience=audience
    )
    if message.person_id:
        found = found.filter(person_id=message.person_id)
    existing = found.filter(object_ref=message.ref).first() if message.ref else None
    if existing is None:
        existing = Notice.objects.create(
            site_id=message.site_id,
            audience=audience,
            person_id=message.person_id,
            kind=(message.notice_kind or message.kind)[:40],
            message=message.text[:300],
            object_ref=message.ref[:60],
            created_at=message.created_at,
        )
    return core.Reply(core.Outcome.SENT, provider_id=f"notice:{existing.pk}")
