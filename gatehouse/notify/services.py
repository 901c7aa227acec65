"""Sending a message (issue 16 §4): :func:`send` is what the places where something happens
call. It writes one :class:`Message` per channel and recipient, queued; the worker delivers
them (:mod:`gatehouse.notify.delivery`). Writing is all it does, inside the caller's
transaction, so a decision that is rolled back sends nothing.

Who receives what:

* the console channel (always): a ``Notice`` to the person or the audience named; where the
  place already wrote that notice, the message points at it and adds none;
* the log channel: when the site has configured no channel for the kind (the demo, tests);
* each group robot carrying the kind: one message to the group, its text masked
  (:func:`gatehouse.core.notify.mask_text`: the names in ``private``, any mobile or ID number);
* each SMS channel carrying the kind: to the person's own mobile (their own data may be in it),
  or, for staff kinds, to the leaders on duty.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name, mask_phone
from gatehouse.core.notify import mask_text
from gatehouse.notify.models import (
    GROUP_KINDS,
    SMS_KINDS,
    Channel,
    ChannelKind,
    Message,
    MessageKind,
    MessageState,
)
from gatehouse.people.models import Person
from gatehouse.privacy import lookup_hash, seal, unseal
from gatehouse.sites.models import Site

#: Kinds addressed to staff: their SMS goes to the leaders on duty.
STAFF_KINDS = frozenset({MessageKind.ALARM, MessageKind.ANOMALY_ESCALATED})

#: ``(site, now) -> [(name, mobile)]`` of the leaders on duty; filled in by the app's ready().
LEADER_LOOKUP: list[Callable[[Site, datetime], list[tuple[str, str]]]] = []


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _queue(
    *,
    site: Site,
    kind: str,
    channel_kind: str,
    channel: Channel | None,
    text: str,
    ref: str,
    now: datetime,
    key: str,
    person: Person | None = None,
    audience: str = "",
    recipient: str = "",
    recipient_masked: str = "",
    params: Mapping[str, str] | None = None,
    notice_kind: str = "",
) -> Message | None:
    """One message, once: a second call for the same kind, record, channel and recipient
    (a job run twice, an alarm raised again) adds nothing."""
    via = channel.pk if channel is not None else channel_kind
    dedupe = f"{site.pk}:{kind}:{ref or now.isoformat()}:{via}:{key}"
    if len(dedupe) > 200:
        dedupe = dedupe[:150] + _digest(dedupe)
    if Message.objects.filter(dedupe=dedupe).exists():
        return None
    try:
        with transaction.atomic():
            return Message.objects.create(
                site=site,
                channel=channel,
                channel_kind=channel_kind,
                kind=kind,
                person=person,
                audience=audience,
                recipient_masked=recipient_masked[:60],
                recipient_cipher=seal("notify", recipient).cipher if recipient else "",
                text=text[:500],
                params=dict(params or {}),
                notice_kind=notice_kind[:40],
                ref=ref[:80],
                dedupe=dedupe,
                state=MessageState.QUEUED,
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:  # the same message written at the same moment by another worker
        return None


def _person_phone(person: Person) -> str:
    return unseal(person.phone_cipher) if person.phone_cipher else ""


def send(
    *,
    site: Site,
    kind: str,
    text: str,
    now: datetime,
    ref: str = "",
    person: Person | None = None,
    audience: str = "",
    notice_kind: str = "",
    private: Iterable[str] = (),
    params: Mapping[str, str] | None = None,
    group_text: str | None = None,
) -> list[Message]:
    """Queue ``text`` about ``kind`` for everyone it concerns at ``site`` (see the module).
    ``ref`` names the record it is about (``visit:12``); ``person`` the one it is for, else
    ``audience`` (a ``NoticeAudience``); ``private`` the names a group may not read;
    ``params`` the SMS template's values (``text`` is always among them); ``group_text`` what
    staff groups and the log get instead of ``text`` (masked all the same), e.g. without a
    link that answers on the person's behalf."""
    channels = [c for c in Channel.objects.filter(site=site, enabled=True) if c.carries(kind)]
    sms_params = {"text": text, **dict(params or {})}
    group_text = mask_text(text if group_text is None else group_text, private)
    made: list[Message] = []

    def add(**fields: Any) -> None:  # one message of this kind, about ref, at now
        message = _queue(site=site, kind=kind, ref=ref, now=now, **fields)
        if message is not None:
            made.append(message)

    if person is not None or audience:
        add(
            channel_kind=ChannelKind.CONSOLE,
            channel=None,
            text=text,
            key=f"p{person.pk}" if person is not None else audience,
            person=person,
            audience=audience,
            recipient_masked=_mask_person(person) if person is not None else audience,
            notice_kind=notice_kind or kind,
        )
    if not channels:
        add(
            channel_kind=ChannelKind.LOG,
            channel=None,
            text=group_text,
            key="log",
            recipient_masked="log",
        )
    for channel in channels:
        if channel.kind in GROUP_KINDS or channel.kind == ChannelKind.LOG:
            add(
                channel_kind=channel.kind,
                channel=channel,
                text=group_text,
                key="group",
                recipient_masked=channel.name,
            )
        elif channel.kind == ChannelKind.CONSOLE:
            continue  # the console notice is written above for every message with a reader
        elif channel.kind in SMS_KINDS:
            for name, phone, who in _sms_recipients(site, kind, person, now):
                add(
                    channel_kind=channel.kind,
                    channel=channel,
                    text=text if who is not None else group_text,
                    key=lookup_hash("notify", phone)[:24],  # keyed: no phone in clear
                    person=who,
                    recipient=phone,
                    recipient_masked=f"{name} {mask_phone(phone)}",
                    params=sms_params if who else {**sms_params, "text": group_text},
                )
    return made


def _mask_person(person: Person) -> str:
    return f"{mask_name(person.name)} {person.phone_masked}".strip()


def _sms_recipients(
    site: Site, kind: str, person: Person | None, now: datetime
) -> list[tuple[str, str, Person | None]]:
    """(masked name, mobile, the person when the SMS is their own) for an SMS of ``kind``."""
    if person is not None:
        phone = _person_phone(person)
        return [(mask_name(person.name), phone, person)] if phone else []
    if kind in STAFF_KINDS:
        found: list[tuple[str, str, Person | None]] = []
        for lookup in LEADER_LOOKUP:
            found += [(mask_name(name), phone, None) for name, phone in lookup(site, now)]
        return found
    return []


@transaction.atomic
def retry(*, message: Message, actor: Actor, now: datetime) -> Message:
    """Put a failed message back in the queue, to be tried at once (the console's retry),
    audited with the error it failed with."""
    updated = Message.objects.filter(pk=message.pk, state=MessageState.FAILED).update(
        state=MessageState.QUEUED, next_attempt_at=now, attempts=0
    )
    if not updated:
        raise DomainError("notify.not_failed", "只有发送失败的消息可以重发")
    failed_with = message.last_error
    message.refresh_from_db()
    audit_record(
        action="notify.message.retry",
        obj=message,
        actor=actor,
        before={"state": "failed", "last_error": failed_with},
        after={"state": message.state},
        at=now,
    )
    return message


# -- channels: their secrets and a test --------------------------------------------------------


def _hint(value: str) -> str:
    return "****" + value[-4:] if len(value) >= 8 else "****"


def channel_secrets_set(*, channel: Channel, token: str | None, secret: str | None) -> Channel:
    """Store a channel's webhook token / key and its signing secret encrypted, with a masked
    hint to recognise them; ``None`` keeps the stored one, ``""`` clears it."""
    fields: list[str] = []
    if token is not None:
        channel.token_cipher = seal("notify", token).cipher if token else ""
        channel.token_hint = _hint(token) if token else ""
        fields += ["token_cipher", "token_hint"]
    if secret is not None:
        channel.secret_cipher = seal("notify", secret).cipher if secret else ""
        channel.secret_hint = _hint(secret) if secret else ""
        fields += ["secret_cipher", "secret_hint"]
    if fields:
        channel.save(update_fields=fields)
    return channel


def send_test(*, channel: Channel, now: datetime, person: Person | None = None) -> Message:
    """A test message through ``channel`` alone (an SMS channel sends it to ``person``, the
    manager's own mobile). Queued like any other; the admin delivers it at once."""
    text = f"【{channel.site.name}】门岗系统测试消息：渠道“{channel.name}”已接通。"
    recipient, masked = "", channel.name
    if channel.kind in SMS_KINDS:
        phone = _person_phone(person) if person is not None else ""
        if not phone:
            raise DomainError(
                "notify.test_phone", "测试短信发送到您本人的手机号：请先在人员档案中登记"
            )
        recipient, masked = phone, mask_phone(phone)
    return Message.objects.create(
        site=channel.site,
        channel=channel,
        channel_kind=channel.kind,
        kind=MessageKind.TEST,
        person=person if recipient else None,
        audience="monitoring" if channel.kind == ChannelKind.CONSOLE else "",
        recipient_masked=masked,
        recipient_cipher=seal("notify", recipient).cipher if recipient else "",
        text=text,
        params={"text": text},
        ref=f"test:{channel.pk}",
        dedupe=f"test:{channel.pk}:{now.isoformat()}:{_digest(str(now.timestamp()))}",
        next_attempt_at=now,
        created_at=now,
    )
