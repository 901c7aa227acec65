"""Writes of guard absence from the booth (SPEC S-09: the gate closed or a named cover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import snapshot
from gatehouse.core import guard as core
from gatehouse.core.access import shift_change_windows
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.absence.selectors import core_absence
from gatehouse.guard.models import BoothAbsence
from gatehouse.guard.writes import write_audit
from gatehouse.sites.models import Site


def commute_windows(site: Site) -> tuple[tuple[time, time], ...]:
    """The staff's commute (T2 2), from the site's working hours ± its commute minutes."""
    return shift_change_windows(site.work_starts, site.work_ends, site.commute_minutes)


@dataclass(frozen=True)
class AbsenceResult:
    absence: BoothAbsence
    findings: tuple[core.Finding, ...]


@transaction.atomic
def absence_leave(
    *,
    site: Site,
    actor: Actor,
    reason: str,
    gate_closed: bool,
    cover: str = "",
    now: datetime,
) -> AbsenceResult:
    """S-09: the guard leaves the booth for a moment. Refused unless the gate is closed or a
    named cover looks after it (``absence.unattended``); leaving during the staff's commute is
    recorded with its finding (T2 2: 严禁), for the spot check."""
    reason = clean_text(reason, 200)
    if not reason:
        raise InvalidInput("absence.reason", "请填写离开事由", {"field": "reason"})
    if BoothAbsence.objects.filter(guard=actor, back_at__isnull=True).exists():
        raise DomainError("absence.open", "您已登记离开，尚未登记返回")
    absence = BoothAbsence(
        site=site,
        guard=actor,
        left_at=now,
        gate_closed=gate_closed,
        cover=clean_text(cover, 50),
        reason=reason,
        recorded_by=actor,
    )
    windows = commute_windows(site)
    found = core.check_absence(absence=core_absence(absence), now=now, commute=windows)
    if any(f.kind is core.FindingKind.BOOTH_UNATTENDED for f in found):
        raise DomainError(
            "absence.unattended", "临时离开门卫室时，要么关上大门，要么请人临时照看并写明姓名"
        )
    absence.findings = [f.message for f in found]
    absence.save()
    write_audit("guard.absence.leave", absence, actor, now)
    return AbsenceResult(absence, found)


@transaction.atomic
def absence_return(*, absence: BoothAbsence, actor: Actor, now: datetime) -> AbsenceResult:
    a = BoothAbsence.objects.select_for_update().get(pk=absence.pk)
    if a.back_at is not None:
        raise DomainError("absence.closed", "已经登记过返回")
    before = snapshot(a)
    a.back_at = now
    found = core.check_absence(absence=core_absence(a), now=now, commute=commute_windows(a.site))
    a.findings = [f.message for f in found]
    a.save(update_fields=["back_at", "findings"])
    write_audit("guard.absence.return", a, actor, now, before)
    return AbsenceResult(a, found)
