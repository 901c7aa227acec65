"""Reads of guard absence from the booth (SPEC S-09: the gate closed or a named cover)."""

from __future__ import annotations

from typing import Any

from gatehouse.core import guard as core
from gatehouse.guard.models import BoothAbsence
from gatehouse.guard.shared import guard_name
from gatehouse.sites.models import Site


def core_absence(a: BoothAbsence) -> core.Absence:
    return core.Absence(guard_name(a.guard), a.left_at, a.back_at, a.gate_closed, a.cover or None)


def open_absence(site: Site, guard: Any) -> BoothAbsence | None:
    """The guard's absence not yet closed by a return, if any."""
    return BoothAbsence.objects.filter(site=site, guard=guard, back_at__isnull=True).first()


def recent_absences(site: Site, limit: int = 30) -> list[BoothAbsence]:
    found = BoothAbsence.objects.filter(site=site).select_related("guard").order_by("-left_at")
    return list(found[:limit])


def absence_of(site: Site, pk: Any, guard: Any) -> BoothAbsence | None:
    return BoothAbsence.objects.filter(site=site, pk=pk, guard=guard).first()
