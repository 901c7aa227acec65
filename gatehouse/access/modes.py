"""A site's management mode and the gate policy numbers (SPEC §8 M-01, M-02).

Switching between normal, tightened and epidemic mode is a security manager's decision, recorded
with who and why (``ModeChange``) and audited. The gate reads ``Site.mode`` on every decision
(``gate.facts.gate_policy_of``/``load_facts``), so the switch takes effect at the next person.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gatehouse.access.models import ModeChange
from gatehouse.accounts.actor import Actor
from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import roles_at
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.devices.sync import sync_site
from gatehouse.sites.models import Site, SiteMode

FEVER_MIN = Decimal("36.0")
FEVER_MAX = Decimal("39.0")
TIMEOUT_MIN, TIMEOUT_MAX = 1, 120
VISIT_MINUTES_MAX = 24 * 60
POLICY_FIELDS = (
    "fever_threshold",
    "request_timeout_minutes",
    "visitor_closing_time",
    "anti_passback",
    "visit_minutes",
)


def may_manage(actor: Actor, site: Site) -> bool:
    """Only a security manager of ``site`` (or a superuser) changes its mode and policy."""
    return Role.SECURITY_MANAGER in roles_at(actor, site)


def _require_manager(actor: Actor, site: Site) -> None:
    if not may_manage(actor, site):
        raise PermissionDenied("只有本场所的安保主管可以切换管理模式或修改防控参数")


def _locked(site: Site) -> Site:
    return Site.objects.select_for_update().get(pk=site.pk)


@transaction.atomic
def mode_switch(
    *, site: Site, actor: Actor, to_mode: str, reason: str, now: datetime
) -> ModeChange:
    """M-01: switch the site's mode; the change is recorded with who, when and why."""
    _require_manager(actor, site)
    if to_mode not in SiteMode.values:
        raise InvalidInput("mode.unknown", "管理模式不正确", {"field": "to_mode"})
    reason = clean_text(reason)
    if len(reason) < 2:
        raise InvalidInput(
            "mode.reason_required", "请填写切换原因（至少2个字）", {"field": "reason"}
        )
    if len(reason) > 200:
        raise InvalidInput("mode.reason_too_long", "切换原因不能超过200个字", {"field": "reason"})
    locked = _locked(site)
    if locked.mode == to_mode:
        raise DomainError(
            "mode.unchanged",
            f"当前已是“{SiteMode(to_mode).label}”模式，无需切换",
            {"mode": to_mode},
        )
    before = snapshot(locked)
    from_mode = locked.mode
    locked.mode = to_mode
    locked.save(update_fields=["mode"])
    change = ModeChange.objects.create(
        site=locked, from_mode=from_mode, to_mode=to_mode, reason=reason, by=actor, at=now
    )
    audit_record(
        action="site.mode_switch",
        obj=locked,
        actor=actor,
        before={"mode": before["mode"] if before else from_mode},
        after={"mode": to_mode, "reason": reason, "mode_change": change.pk},
        at=now,
    )
    site.mode = to_mode
    # Tightened and epidemic modes close entrances (M-01, M-02): the terminals' lists follow.
    sync_site(locked, now, reason="管理模式切换")
    return change


def _threshold(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            "policy.fever_threshold", "体温阈值格式不正确，例如 37.3", {"field": "fever_threshold"}
        ) from exc
    if not FEVER_MIN <= value <= FEVER_MAX:
        raise InvalidInput(
            "policy.fever_threshold",
            f"体温阈值应在 {FEVER_MIN} 至 {FEVER_MAX} ℃ 之间",
            {"field": "fever_threshold"},
        )
    return value


@transaction.atomic
def site_policy_update(
    *,
    site: Site,
    actor: Actor,
    fever_threshold: Decimal | str,
    request_timeout_minutes: int,
    visitor_closing_time: time,
    anti_passback: bool,
    visit_minutes: int | None,
    now: datetime,
) -> Site:
    """M-02's numbers (fever threshold) and the gate policy the rules leave to the site."""
    _require_manager(actor, site)
    threshold = _threshold(fever_threshold)
    if not isinstance(request_timeout_minutes, int) or not (
        TIMEOUT_MIN <= request_timeout_minutes <= TIMEOUT_MAX
    ):
        raise InvalidInput(
            "policy.request_timeout",
            f"确认请求超时应在 {TIMEOUT_MIN} 至 {TIMEOUT_MAX} 分钟之间",
            {"field": "request_timeout_minutes"},
        )
    if not isinstance(visitor_closing_time, time):
        raise InvalidInput(
            "policy.closing_time",
            "访客离场时间格式不正确，例如 22:00",
            {"field": "visitor_closing_time"},
        )
    if visit_minutes is not None and not (1 <= visit_minutes <= VISIT_MINUTES_MAX):
        raise InvalidInput(
            "policy.visit_minutes",
            f"来访限时应在 1 至 {VISIT_MINUTES_MAX} 分钟之间，或留空表示不限时",
            {"field": "visit_minutes"},
        )
    locked = _locked(site)
    before = {k: v for k, v in (snapshot(locked) or {}).items() if k in POLICY_FIELDS}
    changes = {
        "fever_threshold": threshold,
        "request_timeout_minutes": request_timeout_minutes,
        "visitor_closing_time": visitor_closing_time,
        "anti_passback": bool(anti_passback),
        "visit_minutes": visit_minutes,
    }
    for name, value in changes.items():
        setattr(locked, name, value)
        setattr(site, name, value)
    locked.save(update_fields=list(changes))
    after = {k: v for k, v in (snapshot(locked) or {}).items() if k in POLICY_FIELDS}
    audit_record(
        action="site.policy_update", obj=locked, actor=actor, before=before, after=after, at=now
    )
    return locked


def mode_history(site: Site, limit: int = 50) -> list[ModeChange]:
    return list(
        ModeChange.objects.filter(site=site).select_related("by").order_by("-at", "-pk")[:limit]
    )


def designated_gates(site: Site) -> list[Any]:
    """The gates that stay open in tightened and epidemic mode."""
    from gatehouse.sites.models import Gate

    return list(Gate.objects.filter(site=site, open_when_tightened=True).order_by("code"))
