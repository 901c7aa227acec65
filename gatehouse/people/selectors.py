"""Reads of people, always within one site: the console and the API ask the same questions here."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from gatehouse.core.errors import DomainError
from gatehouse.core.ids import parse_id_number, parse_mobile
from gatehouse.people.models import Credential, CredentialKind, HouseMembership, Person, Vehicle
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import House, Site


def with_details(people: QuerySet[Person]) -> QuerySet[Person]:
    """``people`` with their enterprise, houses and vehicles loaded in a fixed order."""
    links = HouseMembership.objects.select_related("house").order_by("house__number")
    return people.select_related("enterprise").prefetch_related(
        Prefetch("house_links", queryset=links),
        Prefetch("vehicles", queryset=Vehicle.objects.order_by("plate")),
    )


def search_people(
    site: Site,
    *,
    today: date,
    q: str = "",
    name: str = "",
    house: str = "",
    id_last4: str = "",
    plate: str = "",
    kind: str | None = None,
) -> QuerySet[Person]:
    """People of ``site`` matching every criterion given.

    ``q`` is one free box: part of a name, an exact house number, or a whole mobile or ID number
    (found by its keyed hash, never by the clear value). The other criteria are the guard's
    structured search: part of a name or house number, the last four of the ID, part of a plate.
    """
    people = Person.objects.filter(site=site)
    if q := q.strip():
        cond = Q(name__icontains=q) | Q(house_links__house__number=q)
        with suppress(DomainError):
            cond |= Q(phone_hash=lookup_hash("phone", parse_mobile(q)))
        with suppress(DomainError):
            cond |= Q(id_number_hash=lookup_hash("id", parse_id_number(q, today=today)))
        people = people.filter(pk__in=Person.objects.filter(cond, site=site).values("pk"))
    if name:
        people = people.filter(name__icontains=name)
    if house:
        links = HouseMembership.objects.filter(house__site=site, house__number__icontains=house)
        people = people.filter(pk__in=links.values("person_id"))
    if id_last4:
        people = people.filter(id_number_last4=id_last4.upper())
    if plate:
        owners = Vehicle.objects.filter(site=site, plate__icontains=plate)
        holders = Credential.objects.filter(
            site=site, kind=CredentialKind.PLATE, number__icontains=plate, person__isnull=False
        )
        people = people.filter(
            Q(pk__in=owners.values("owner_id")) | Q(pk__in=holders.values("person_id"))
        )
    if kind:
        people = people.filter(kind=kind)
    return with_details(people).order_by("name", "pk")


def person_at(site: Site, pk: int) -> Person | None:
    return with_details(Person.objects.filter(site=site, pk=pk)).first()


def credentials_of(person: Person) -> QuerySet[Credential]:
    """The person's own credentials and those of their vehicles, at the person's site."""
    return (
        Credential.objects.filter(site_id=person.site_id)
        .filter(Q(person=person) | Q(vehicle__owner=person))
        .select_related("vehicle")
        .order_by("status", "kind", "-valid_from", "pk")
    )


def person_visible(pk: int, site_ids: set[int]) -> Person | None:
    """A person with houses and credentials, if at one of ``site_ids``."""
    return with_details(Person.objects.filter(pk=pk, site_id__in=site_ids)).first()


def house_numbered(site: Site, number: str) -> House | None:
    return House.objects.filter(site=site, number=number.strip()).first()


def credential_visible(pk: int, site_ids: set[int]) -> Credential | None:
    """A credential (with its vehicle), if at one of ``site_ids``."""
    found = Credential.objects.select_related("vehicle").filter(pk=pk, site_id__in=site_ids)
    return found.first()
