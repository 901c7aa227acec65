"""Reads for the console pages, always scoped to one site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from gatehouse.accounts.actor import RequestUser, signed_in
from gatehouse.people.models import (
    Credential,
    CredentialStatus,
    Enterprise,
    Person,
    Vehicle,
)
from gatehouse.people.selectors import person_at
from gatehouse.sites.models import Gate, House, Lane, Site


@dataclass(frozen=True)
class SiteStats:
    people: int
    active_credentials: int
    vehicles: int
    houses: int
    enterprises: int
    gates: int
    lanes: int


def _in_force(now: datetime) -> Q:
    return Q(status=CredentialStatus.ACTIVE, valid_from__lte=now) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def site_stats(site: Site, *, now: datetime) -> SiteStats:
    return SiteStats(
        people=Person.objects.filter(site=site, is_active=True).count(),
        active_credentials=Credential.objects.filter(_in_force(now), site=site).count(),
        vehicles=Vehicle.objects.filter(site=site).count(),
        houses=House.objects.filter(site=site).count(),
        enterprises=Enterprise.objects.filter(site=site, is_active=True).count(),
        gates=Gate.objects.filter(site=site).count(),
        lanes=Lane.objects.filter(gate__site=site).count(),
    )


def resident_record(user: RequestUser, site: Site) -> Person | None:
    """The person record linked to ``user`` at ``site`` (None when there is none)."""
    if not signed_in(user):
        return None
    pk = Person.objects.filter(user=user, site=site).values_list("pk", flat=True).first()
    return person_at(site, pk) if pk is not None else None
