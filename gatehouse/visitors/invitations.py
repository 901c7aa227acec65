"""Invitations (VI-02): a host pre-registers a visitor for a time window; the visitor shows a
signed QR at the gate and the guard only checks identity.

Booking and revoking live here; admitting is the gate's: ``gate_decide`` with
``Entrant.INVITED`` judges the window and consumes one use with a conditional UPDATE, so a
single-use QR admits once even when two lanes scan it at the same moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import segno
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_mobile
from gatehouse.core.masking import mask_phone
from gatehouse.core.text import clean_text
from gatehouse.devices.sync import sync_code
from gatehouse.people.models import HouseMembership, Person
from gatehouse.people.services import clean_name
from gatehouse.privacy import seal
from gatehouse.sites.models import House, Site
from gatehouse.visitors import tokens
from gatehouse.visitors.models import Invitation
from gatehouse.visitors.selectors import free_terminal_code
from gatehouse.visitors.services import find_house, house_owner

MAX_WINDOW = timedelta(days=7)
MAX_USES = 20

# Status of an invitation as its host sees it.
STATUS_LABELS = {
    "upcoming": _("未开始"),
    "valid": _("有效"),
    "used": _("已用完"),
    "expired": _("已过期"),
    "revoked": _("已撤销"),
    "unconfirmed": _("待老师确认"),
}


def _audit_view(inv: Invitation) -> dict[str, Any] | None:
    data = snapshot(inv)
    if data is not None:
        data.pop("token", None)  # the QR's secret half stays out of the trail
    return data


def _home_of(host: Person) -> House | None:
    link = HouseMembership.objects.filter(person=host).select_related("house").order_by("pk")
    first = link.first()
    return first.house if first is not None else None


@transaction.atomic
def invitation_create(
    *,
    host: Person,
    actor: Actor,
    visitor_name: str,
    visitor_phone: str = "",
    purpose: str = "",
    window_start: datetime,
    window_end: datetime,
    max_uses: int | None,
    now: datetime,
    house: House | None = None,
    booked_by: Person | None = None,
    pupil: Person | None = None,
) -> Invitation:
    """Book an invitation for ``host``'s visitor. ``max_uses`` 1 is single use; None is any
    number of entries within the window. ``booked_by``: a parent booking a pick-up or visit at
    a campus (T3-02): the invitation then waits for ``host`` (the teacher) to confirm it."""
    if not host.is_active:
        raise DomainError("invitation.host_inactive", "该住户档案已停用，不能预约访客")
    name = clean_name(visitor_name)
    phone = parse_mobile(visitor_phone) if (visitor_phone or "").strip() else ""
    purpose = clean_text(purpose, 200)
    if window_end <= window_start:
        raise InvalidInput(
            "invitation.window_order", "结束时间必须晚于开始时间", {"field": "window_end"}
        )
    if window_end <= now:
        raise InvalidInput(
            "invitation.window_past", "预约时段已经过去，请重新选择时间", {"field": "window_end"}
        )
    if window_end - window_start > MAX_WINDOW:
        raise InvalidInput(
            "invitation.window_too_long", "预约时段不能超过7天", {"field": "window_end"}
        )
    if max_uses is not None and not 1 <= max_uses <= MAX_USES:
        raise InvalidInput(
            "invitation.max_uses", "可用次数应在 1 至 20 之间", {"field": "max_uses"}
        )
    if house is None:
        house = _home_of(host)
    if house is not None and house.site_id != host.site_id:
        raise InvalidInput("invitation.house", "房屋不属于本场所", {"field": "house"})
    inv = Invitation(
        site_id=host.site_id,
        host=host,
        house=house,
        token=tokens.new_token(),
        terminal_code=free_terminal_code(host.site_id),
        visitor_name=name,
        purpose=purpose,
        window_start=window_start,
        window_end=window_end,
        max_uses=max_uses,
        created_at=now,
        booked_by=booked_by,
        pupil=pupil,
        needs_confirmation=booked_by is not None,
    )
    if phone:
        inv.visitor_phone_cipher = seal("phone", phone).cipher
        inv.visitor_phone_masked = mask_phone(phone)
    inv.save()
    audit_record(action="invitation.create", obj=inv, actor=actor, after=_audit_view(inv), at=now)
    if not inv.needs_confirmation:
        sync_code(inv, now, reason="访客邀请")
    return inv


@transaction.atomic
def invitation_confirm(
    *, invitation: Invitation, host: Person, actor: Actor, now: datetime
) -> Invitation:
    """T3-02: the host (the teacher) confirms a parent's booking; only then does it admit."""
    inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if inv.host_id != host.pk:
        raise DomainError("invitation.not_host", "只有被预约的老师可以确认")
    if inv.revoked_at is not None:
        raise DomainError("invitation.revoked", "该预约已经撤销")
    if not inv.needs_confirmation or inv.confirmed_at is not None:
        raise DomainError("invitation.confirmed", "该预约已经确认")
    if inv.window_end <= now:
        raise DomainError("invitation.window_past", "预约时段已经过去，不能再确认")
    before = _audit_view(inv)
    inv.confirmed_at = now
    inv.save(update_fields=["confirmed_at"])
    audit_record(
        action="invitation.confirm",
        obj=inv,
        actor=actor,
        before=before,
        after=_audit_view(inv),
        at=now,
    )
    sync_code(inv, now, reason="老师确认家长预约")
    return inv


@transaction.atomic
def invitation_create_for_house(
    *,
    site: Site,
    house_number: str,
    actor: Actor,
    visitor_name: str,
    visitor_phone: str = "",
    purpose: str = "",
    window_start: datetime,
    window_end: datetime,
    max_uses: int | None,
    now: datetime,
) -> Invitation:
    """The front desk books on behalf of a house: the owner (else a tenant) is the host."""
    house = find_house(site, house_number)
    host = house_owner(house)
    if host is None:
        raise DomainError(
            "invitation.no_host", "该房屋没有登记业主或住户，不能预约", {"field": "house"}
        )
    return invitation_create(
        host=host,
        actor=actor,
        visitor_name=visitor_name,
        visitor_phone=visitor_phone,
        purpose=purpose,
        window_start=window_start,
        window_end=window_end,
        max_uses=max_uses,
        now=now,
        house=house,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Actor, now: datetime) -> Invitation:
    inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if inv.revoked_at is not None:
        raise DomainError("invitation.revoked", "该邀请已经撤销")
    before = _audit_view(inv)
    inv.revoked_at = now
    inv.save(update_fields=["revoked_at"])
    sync_code(inv, now, reason="撤销访客邀请")
    audit_record(
        action="invitation.revoke",
        obj=inv,
        actor=actor,
        before=before,
        after=_audit_view(inv),
        at=now,
    )
    return inv


def invitation_status(inv: Invitation, now: datetime) -> str:
    """``upcoming`` / ``valid`` / ``used`` / ``expired`` / ``revoked`` (see STATUS_LABELS)."""
    if inv.revoked_at is not None:
        return "revoked"
    if inv.needs_confirmation and inv.confirmed_at is None and now < inv.window_end:
        return "unconfirmed"
    if inv.max_uses is not None and inv.uses >= inv.max_uses:
        return "used"
    if now >= inv.window_end:
        return "expired"
    if now < inv.window_start:
        return "upcoming"
    return "valid"


def invitation_qr(invitation: Invitation) -> str:
    """The signed payload the visitor shows; it stops verifying when the window ends."""
    return tokens.qr_payload("inv", invitation.token, expires=invitation.window_end)


def qr_svg(payload: str) -> str:
    """An inline ``<svg>`` of ``payload`` (no file written)."""
    return segno.make(payload, error="m", micro=False).svg_inline(
        scale=6, border=2, dark="#000", light="#fff", svgclass="qr-svg", omitsize=True
    )


def with_status(rows: list[Invitation], now: Any) -> list[Invitation]:
    """Annotate each invitation with its status code and label for the lists."""
    for inv in rows:
        inv.status_code = invitation_status(inv, now)  # type: ignore[attr-defined]
        inv.status_label = STATUS_LABELS[inv.status_code]  # type: ignore[attr-defined]
    return rows


# -- reads ---------------------------------------------------------------------------------------


def invitations_of(host: Person) -> QuerySet[Invitation]:
    return Invitation.objects.filter(host=host, site_id=host.site_id).order_by("-created_at")


def invitations_at(site: Site) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(site=site)
        .select_related("host", "house")
        .order_by("-created_at", "-pk")
    )
