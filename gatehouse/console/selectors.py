"""Reads for the console pages, always scoped to one site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from gatehouse.people.models import (
    Credential,
    CredentialKind,
    CredentialStatus,
    Enterprise,
    HouseMembership,
    Person,
    Vehicle,
)
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


def search_people(site: Site, query: dict[str, Any]) -> QuerySet[Person]:
    """People of ``site`` matching every given criterion (name, house, id_last4, plate)."""
    people = Person.objects.filter(site=site)
    if query.get("name"):
        people = people.filter(name__icontains=query["name"])
    if query.get("house"):
        links = HouseMembership.objects.filter(
            house__site=site, house__number__icontains=query["house"]
        )
        people = people.filter(pk__in=links.values("person_id"))
    if query.get("id_last4"):
        people = people.filter(id_number_last4=query["id_last4"])
    if query.get("plate"):
        owners = Vehicle.objects.filter(site=site, plate__icontains=query["plate"])
        holders = Credential.objects.filter(
            site=site,
            kind=CredentialKind.PLATE,
            number__icontains=query["plate"],
            person__isnull=False,
        )
        people = people.filter(
            Q(pk__in=owners.values("owner_id")) | Q(pk__in=holders.values("person_id"))
        )
    return (
        people.select_related("enterprise")
        .prefetch_related(
            Prefetch(
                "house_links",
                queryset=HouseMembership.objects.select_related("house").order_by("house__number"),
            ),
            Prefetch("vehicles", queryset=Vehicle.objects.order_by("plate")),
        )
        .order_by("name", "pk")
    )


def person_at(site: Site, pk: int) -> Person | None:
    return (
        Person.objects.filter(site=site, pk=pk)
        .select_related("enterprise")
        .prefetch_related(
            Prefetch(
                "house_links",
                queryset=HouseMembership.objects.select_related("house").order_by("house__number"),
            ),
            Prefetch("vehicles", queryset=Vehicle.objects.order_by("plate")),
        )
        .first()
    )


def credentials_of(person: Person) -> QuerySet[Credential]:
    """The person's own credentials and those of their vehicles, at the person's site."""
    return (
        Credential.objects.filter(site_id=person.site_id)
        .filter(Q(person=person) | Q(vehicle__owner=person))
        .select_related("vehicle")
        .order_by("status", "kind", "-valid_from", "pk")
    )


def resident_record(user: Any, site: Site) -> Person | None:
    """The person record linked to ``user`` at ``site`` (None when there is none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    pk = Person.objects.filter(user=user, site=site).values_list("pk", flat=True).first()
    return person_at(site, pk) if pk is not None else None
