"""Writes of the rectification notices (限期整改通知书, GV-04; issue 17 §3): issue one to a property
company, a house or an enterprise of the site; mark it delivered; close it at the check.

Keyword-only, given ``now``, one transaction each with its audit entry; every rule is the
core's (``core.rectification``). Bad input raises ``InvalidInput`` with ``details["field"]``
naming the form field, and nothing is written. The number (``整改-2026-0001``) is the next of
the site's year; two desks issuing at once: the unique constraint decides and the loser takes
the next number once (as passes do, ``visitors.passes``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import rectification
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import require_text
from gatehouse.governance import notice_selectors, selectors
from gatehouse.governance.models import RectificationItem, RectificationNotice
from gatehouse.people.models import Enterprise
from gatehouse.sites.models import House, Site


def _recipient(
    site: Site,
    kind: str,
    *,
    company_id: int | None,
    house_number: str,
    enterprise_id: int | None,
    item: RectificationItem | None,
) -> tuple[dict[str, object], str]:
    """The recipient's foreign key and its name as printed, or ``InvalidInput``."""
    if kind == rectification.Recipient.COMPANY:
        if item is not None:
            company = item.inspection.project.company
        else:
            company = selectors.companies_at(site).filter(pk=company_id).first()
        if company is None:
            raise InvalidInput(
                "notice.company", "请选择在本场所服务的物业服务企业", {"field": "company"}
            )
        return {"company": company}, company.name
    if item is not None:
        raise InvalidInput(
            "notice.item_company", "督查发现的整改事项，通知书下达给物业服务企业", {"field": "kind"}
        )
    if kind == rectification.Recipient.HOUSE:
        text = "".join((house_number or "").split())
        house = House.objects.filter(site=site, number=text).first() if text else None
        if house is None:
            raise InvalidInput(
                "notice.house", "本场所没有这个房号，请核对（例如 3-2-1201）", {"field": "house"}
            )
        return {"house": house}, f"{house.number} 业主/住户"
    if kind == rectification.Recipient.ENTERPRISE:
        enterprise = Enterprise.objects.filter(site=site, pk=enterprise_id or 0).first()
        if enterprise is None:
            raise InvalidInput("notice.enterprise", "请选择本场所的企业", {"field": "enterprise"})
        return {"enterprise": enterprise}, enterprise.name
    raise InvalidInput("notice.kind", "请选择受文对象类型", {"field": "kind"})


@transaction.atomic
def notice_issue(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    kind: str,
    finding: str,
    items: str,
    basis: str,
    deadline: date | None,
    issuer: str,
    company_id: int | None = None,
    house_number: str = "",
    enterprise_id: int | None = None,
    item: RectificationItem | None = None,
) -> RectificationNotice:
    """GV-04: issue a numbered notice for a finding (``item``, an inspection's, when it came
    from one) with its items, basis and deadline."""
    if item is not None and item.inspection.campaign.site_id != site.pk:
        raise InvalidInput("notice.item", "整改事项不在本场所", {"field": "item"})
    today = timezone.localdate(now)
    content = rectification.check_issue(
        finding=finding, items=items, basis=basis, deadline=deadline, today=today
    )
    fk, name = _recipient(
        site,
        kind,
        company_id=company_id,
        house_number=house_number,
        enterprise_id=enterprise_id,
        item=item,
    )
    notice = RectificationNotice(
        site=site,
        recipient_kind=kind,
        recipient=name,
        item=item,
        finding=content.finding,
        items="\n".join(content.items),
        basis=content.basis,
        deadline=content.deadline,
        issuer=require_text(issuer, field="issuer", label="发出单位", max_length=200),
        issued_at=now,
        issued_by=actor_or_none(actor),
        **fk,
    )
    year = timezone.localtime(now).year
    for attempt in (1, 2):
        notice.number = rectification.next_number(notice_selectors.taken_numbers(site, year), year)
        try:
            with transaction.atomic():  # a savepoint: a lost race rolls back only the insert
                notice.save(force_insert=True)
            break
        except IntegrityError:
            notice.pk = None
            if attempt == 2:
                raise DomainError("notice.number_busy", "通知书编号分配冲突，请重试") from None
    audit_record(
        action="governance.notice.issue",
        obj=notice,
        actor=actor,
        site=site,
        after=snapshot(notice),
        at=now,
    )
    return notice


def _locked(notice: RectificationNotice) -> RectificationNotice:
    return RectificationNotice.objects.select_for_update().get(pk=notice.pk)


@transaction.atomic
def notice_deliver(
    *,
    notice: RectificationNotice,
    actor: Actor,
    now: datetime,
    delivered_at: datetime | None,
    receiver: str,
    method: str,
) -> RectificationNotice:
    """GV-04: the notice handed over — when, to whom (who signed the receipt), how."""
    found = _locked(notice)
    if delivered_at is None:
        raise InvalidInput("notice.delivered_at_empty", "请填写送达时间", {"field": "delivered_at"})
    if method not in set(rectification.Delivery):
        raise InvalidInput("notice.method", "请选择送达方式", {"field": "method"})
    name = rectification.check_delivery(
        notice_selectors.facts(found), delivered_at=delivered_at, receiver=receiver, now=now
    )
    before = snapshot(found)
    found.delivered_at = delivered_at
    found.delivered_to = name
    found.delivery_method = method
    found.delivery_by = actor_or_none(actor)
    found.save(update_fields=["delivered_at", "delivered_to", "delivery_method", "delivery_by"])
    audit_record(
        action="governance.notice.deliver",
        obj=found,
        actor=actor,
        site=found.site,
        before=before,
        after=snapshot(found),
        at=now,
    )
    return found


@transaction.atomic
def notice_close(
    *,
    notice: RectificationNotice,
    actor: Actor,
    now: datetime,
    checked_on: date | None,
    result: str,
    note: str = "",
) -> RectificationNotice:
    """GV-04: the check (复查) — rectified, or (from the deadline on) not rectified. A notice of
    an inspection's item found rectified marks the item rectified on that day too."""
    found = _locked(notice)
    if checked_on is None:
        raise InvalidInput("notice.checked_on_empty", "请填写复查日期", {"field": "checked_on"})
    if result not in set(rectification.Result):
        raise InvalidInput("notice.result", "请选择复查结果", {"field": "result"})
    facts = notice_selectors.facts(found)
    delivered_on = (
        timezone.localdate(found.delivered_at) if found.delivered_at is not None else checked_on
    )
    rectification.check_close(
        facts,
        checked_on=checked_on,
        result=rectification.Result(result),
        today=timezone.localdate(now),
        delivered_on=delivered_on,
    )
    before = snapshot(found)
    found.checked_on = checked_on
    found.result = result
    found.check_note = require_text(
        note, field="note", label="复查情况", max_length=300, required=False
    )
    found.checked_by = actor_or_none(actor)
    found.closed_at = now
    found.save(update_fields=["checked_on", "result", "check_note", "checked_by", "closed_at"])
    audit_record(
        action="governance.notice.close",
        obj=found,
        actor=actor,
        site=found.site,
        before=before,
        after=snapshot(found),
        at=now,
    )
    item = found.item
    if (
        item is not None
        and result == rectification.Result.RECTIFIED
        and item.rectified_on is None
        and checked_on >= item.inspection.inspected_on
    ):
        item_before = snapshot(item)
        item.rectified_on = checked_on
        item.save(update_fields=["rectified_on"])
        audit_record(
            action="governance.item.rectified",
            obj=item,
            actor=actor,
            site=found.site,
            before=item_before,
            after=snapshot(item),
            at=now,
        )
    return found
