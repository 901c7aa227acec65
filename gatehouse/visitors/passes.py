"""Passes issued by the service centre (SPEC P-06, P-09): decoration passes (装修出入证),
introduction letters for tours (介绍信/联系函) and temporary passes (临时出入证).

A pass has a number per kind and year (``ZX-2026-0001``), unique per site, and a random token
the gate reads from its signed QR (``tokens.qr_payload("pas", …)``). The gate judges a pass
through ``gate_decide`` like every other decision; this module issues, revokes and lists them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_id_number
from gatehouse.core.masking import mask_id_number
from gatehouse.core.text import clean_text as _clean
from gatehouse.devices.sync import sync_code
from gatehouse.people.services import clean_name
from gatehouse.privacy import seal
from gatehouse.sites.models import Site
from gatehouse.visitors import tokens
from gatehouse.visitors.models import Pass, PassKindChoice
from gatehouse.visitors.selectors import free_terminal_code
from gatehouse.visitors.services import find_house

PREFIXES: dict[str, str] = {
    PassKindChoice.DECORATION: "ZX",
    PassKindChoice.INTRO_LETTER: "JS",
    PassKindChoice.TEMPORARY: "LS",
}
MAX_DAYS: dict[str, int] = {
    PassKindChoice.DECORATION: 180,
    PassKindChoice.INTRO_LETTER: 30,
    PassKindChoice.TEMPORARY: 30,
}


class PassStatus:
    ACTIVE = "active"  # 有效 (including not yet started)
    EXPIRED = "expired"  # 已过期
    REVOKED = "revoked"  # 已撤销

    values = ("active", "expired", "revoked")


def pass_status(p: Pass, now: datetime) -> str:
    if p.revoked_at is not None:
        return PassStatus.REVOKED
    if now >= p.valid_until:
        return PassStatus.EXPIRED
    return PassStatus.ACTIVE


def _next_number(site: Site, kind: str, year: int) -> str:
    prefix = f"{PREFIXES[kind]}-{year}-"
    taken = Pass.objects.filter(site=site, number__startswith=prefix).values_list(
        "number", flat=True
    )
    highest = 0
    for number in taken:
        tail = number[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


@transaction.atomic
def pass_issue(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    holder_name: str,
    valid_from: datetime,
    valid_until: datetime,
    now: datetime,
    id_number: str = "",
    company: str = "",
    house_number: str = "",
    host_text: str = "",
    purpose: str = "",
) -> Pass:
    """Issue a pass with the next number of its kind and year at ``site``."""
    if kind not in PREFIXES:
        raise InvalidInput("pass.kind", "出入证类型不正确", {"field": "kind"})
    name = clean_name(holder_name)
    if valid_from is None or valid_until is None:
        raise InvalidInput("pass.window", "请填写生效时间和失效时间", {"field": "valid_from"})
    if valid_until <= valid_from:
        raise InvalidInput("pass.window", "失效时间必须晚于生效时间", {"field": "valid_until"})
    if valid_until <= now:
        raise InvalidInput("pass.window_past", "失效时间已过，不能签发", {"field": "valid_until"})
    limit = MAX_DAYS[kind]
    if valid_until - valid_from > timedelta(days=limit):
        raise InvalidInput(
            "pass.window_too_long",
            f"{PassKindChoice(kind).label}的有效期不能超过{limit}天",
            {"field": "valid_until", "max_days": limit},
        )
    house = None
    house_number = (house_number or "").strip()
    if kind == PassKindChoice.DECORATION:
        if not house_number:
            raise InvalidInput(
                "pass.house_required", "装修出入证须填写施工房号", {"field": "house_number"}
            )
        house = find_house(site, house_number)
    elif house_number:
        house = find_house(site, house_number)
    host_text = _clean(host_text, 100)
    if kind == PassKindChoice.INTRO_LETTER and not host_text:
        raise InvalidInput(
            "pass.host_required", "介绍信须填写接待部门/联系人", {"field": "host_text"}
        )
    p = Pass(
        site=site,
        kind=kind,
        token=tokens.new_token(),
        terminal_code=free_terminal_code(site.pk),
        holder_name=name,
        company=_clean(company, 100),
        house=house,
        host_text=host_text,
        purpose=_clean(purpose, 200),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_at=now,
        issued_by=actor_or_none(actor),
    )
    if (id_number or "").strip():
        canonical = parse_id_number(id_number, today=timezone.localdate(now))
        sealed = seal("id", canonical)
        p.id_number_cipher, p.id_number_hash = sealed.cipher, sealed.digest
        p.id_number_masked = mask_id_number(canonical)
    year = timezone.localtime(now).year
    for attempt in (1, 2):
        p.number = _next_number(site, kind, year)
        try:
            with transaction.atomic():  # a savepoint: a lost race rolls back only the insert
                p.save(force_insert=True)
            break
        except IntegrityError:
            p.pk = None
            if attempt == 2:
                raise DomainError("pass.number_busy", "证号分配冲突，请重试") from None
    audit_record(action="pass.issue", obj=p, actor=actor, after=snapshot(p), at=now)
    sync_code(p, now, reason="签发出入证")
    return p


@transaction.atomic
def pass_revoke(*, pass_: Pass, actor: Actor, reason: str, now: datetime) -> Pass:
    p = Pass.objects.select_for_update().get(pk=pass_.pk)
    reason = _clean(reason, 200)
    if len(reason) < 2:
        raise InvalidInput("pass.revoke_reason", "请填写撤销原因（至少2个字）", {"field": "reason"})
    if p.revoked_at is not None:
        raise DomainError("pass.already_revoked", "该出入证已经撤销")
    before = snapshot(p)
    p.revoked_at = now
    p.revoke_reason = reason
    p.save(update_fields=["revoked_at", "revoke_reason"])
    sync_code(p, now, reason="撤销出入证")
    audit_record(action="pass.revoke", obj=p, actor=actor, before=before, after=snapshot(p), at=now)
    pass_.revoked_at, pass_.revoke_reason = p.revoked_at, p.revoke_reason
    return p


def pass_qr(pass_: Pass) -> str:
    """The signed payload printed as the pass's QR; it expires with the pass."""
    return tokens.qr_payload("pas", pass_.token, expires=pass_.valid_until)


# -- reading --------------------------------------------------------------------------------------


def pass_at(site: Site, pk: int) -> Pass | None:
    return (
        Pass.objects.filter(site=site, pk=pk).select_related("house", "issued_by", "site").first()
    )


def search_passes(
    site: Site, *, now: datetime, kind: str = "", status: str = "", q: str = ""
) -> QuerySet[Pass]:
    rows = Pass.objects.filter(site=site).select_related("house", "issued_by")
    if kind:
        rows = rows.filter(kind=kind)
    if status == PassStatus.REVOKED:
        rows = rows.filter(revoked_at__isnull=False)
    elif status == PassStatus.EXPIRED:
        rows = rows.filter(revoked_at__isnull=True, valid_until__lte=now)
    elif status == PassStatus.ACTIVE:
        rows = rows.filter(revoked_at__isnull=True, valid_until__gt=now)
    q = _clean(q)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(holder_name__icontains=q))
    return rows.order_by("-issued_at", "-pk")
