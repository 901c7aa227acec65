"""外来信件报刊登记表 (VI-04): mail and newspapers logged at the gate, the recipient told, and
the hand-out recorded."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text as _clean
from gatehouse.notify import messages as notify_messages
from gatehouse.people.models import Person
from gatehouse.people.services import clean_name
from gatehouse.sites.models import Site
from gatehouse.visitors.models import MailItem, MailKind

MAX_COUNT = 999


def match_recipient(site: Site, name: str, unit: str) -> Person | None:
    """The one active person of ``site`` called ``name`` living at house ``unit`` or working at
    enterprise ``unit``; None when nobody or more than one person matches."""
    if not unit:
        return None
    found = list(
        Person.objects.filter(site=site, name=name, is_active=True)
        .filter(Q(house_links__house__number=unit.replace(" ", "")) | Q(enterprise__name=unit))
        .distinct()[:2]
    )
    return found[0] if len(found) == 1 else None


@transaction.atomic
def mail_log(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    recipient_name: str,
    recipient_unit: str,
    sender: str,
    count: int,
    now: datetime,
    recipient: Person | None = None,
) -> MailItem:
    """Log mail received at the gate. A registered recipient (given, or found by name at the
    house/unit) is told to collect it with a notice."""
    if kind not in MailKind.values:
        raise InvalidInput("mail.kind", "请选择信件类别", {"field": "kind"})
    name = clean_name(recipient_name)
    unit = _clean(recipient_unit, 100)
    try:
        count = int(count)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("mail.count", "件数应为 1 至 999 的整数", {"field": "count"}) from exc
    if not 1 <= count <= MAX_COUNT:
        raise InvalidInput("mail.count", "件数应为 1 至 999 的整数", {"field": "count"})
    if recipient is not None and recipient.site_id != site.pk:
        raise InvalidInput("mail.recipient", "收件人不属于本场所", {"field": "recipient"})
    if recipient is None:
        recipient = match_recipient(site, name, unit)
    item = MailItem.objects.create(
        site=site,
        kind=kind,
        sender=_clean(sender, 100),
        recipient_name=name,
        recipient=recipient,
        recipient_unit=unit,
        count=count,
        received_at=now,
        received_by=actor_or_none(actor),
    )
    if recipient is not None:
        label = MailKind(kind).label
        Notice.objects.create(
            site=site,
            audience=NoticeAudience.PERSON,
            person=recipient,
            kind="mail.arrived",
            message=f"您有{count}件{label}在门岗，请领取",
            object_ref=f"mail:{item.pk}",
            created_at=now,
        )
        item.notified_at = now
        item.save(update_fields=["notified_at"])
        notify_messages.mail_arrived(item=item, text=f"您有{count}件{label}在门岗，请领取", now=now)
    audit_record(action="mail.log", obj=item, actor=actor, after=snapshot(item), at=now)
    return item


@transaction.atomic
def mail_hand_out(*, item: MailItem, actor: Actor, handed_to: str, now: datetime) -> MailItem:
    """Record who collected the mail; the recipient's notice is marked handled."""
    locked = MailItem.objects.select_for_update().get(pk=item.pk)
    if locked.handed_at is not None:
        raise DomainError("mail.handed_out", "该邮件已经领取过了")
    who = _clean(handed_to, 50)
    if not who:
        raise InvalidInput("mail.handed_to", "请填写领取人姓名", {"field": "handed_to"})
    before = snapshot(locked)
    locked.handed_at = now
    locked.handed_to = who
    locked.save(update_fields=["handed_at", "handed_to"])
    Notice.objects.filter(
        site_id=locked.site_id, object_ref=f"mail:{locked.pk}", acknowledged_at__isnull=True
    ).update(acknowledged_at=now, acknowledged_by=actor_or_none(actor))
    audit_record(
        action="mail.hand_out",
        obj=locked,
        actor=actor,
        before=before,
        after=snapshot(locked),
        at=now,
    )
    return locked
