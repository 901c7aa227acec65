"""Reads of the screenings app: a site's cases and campaigns (never their restricted text alone:
what a user may read of a case is decided by :mod:`gatehouse.screenings.services`)."""

from __future__ import annotations

from django.db.models import QuerySet

from gatehouse.guard.models import HazardFinding
from gatehouse.people.models import Person
from gatehouse.screenings.models import Campaign, Kind, ScreeningCase
from gatehouse.sites.models import Site


def cases_at(site: Site, kind: str = "") -> QuerySet[ScreeningCase]:
    qs = (
        ScreeningCase.objects.filter(site=site)
        .select_related("subject")
        .prefetch_related("followups")
        .order_by("closed_at", "-opened_on", "-pk")
    )
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def subjects_at(site: Site) -> QuerySet[Person]:
    return Person.objects.filter(site=site, is_active=True).order_by("kind", "name")


def campaigns_at(site: Site) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(site=site)
        .prefetch_related("places", "findings")
        .order_by("-starts_on", "-pk")
    )


def findings_of(campaign: Campaign) -> QuerySet[HazardFinding]:
    return HazardFinding.objects.filter(campaign=campaign).order_by("fixed_on", "deadline", "pk")
