"""Reads of the notice board: a site's notices by category and status, one notice of a site,
and the board a resident sees now (the rule itself is the core's)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from gatehouse.bulletin.models import Notice
from gatehouse.core.bulletin import Status, visible
from gatehouse.people.models import HouseMembership, Person
from gatehouse.sites.models import Site


def notices_at(site: Site) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(site=site)
        .select_related("author", "withdrawn_by")
        .prefetch_related("buildings")
    )


def notice_at(site: Site, pk: int) -> Notice | None:
    return notices_at(site).filter(pk=pk).first()


def _current(now: datetime) -> Q:
    return Q(withdrawn_at__isnull=True, publish_from__lte=now) & (
        Q(until__isnull=True) | Q(until__gt=now)
    )


STATUS_FILTERS = {
    Status.CURRENT: _current,
    Status.SCHEDULED: lambda now: Q(withdrawn_at__isnull=True, publish_from__gt=now),
    Status.EXPIRED: lambda now: Q(withdrawn_at__isnull=True, until__lte=now),
    Status.WITHDRAWN: lambda now: Q(withdrawn_at__isnull=False),
}


def search(site: Site, *, now: datetime, category: str = "", status: str = "") -> QuerySet[Notice]:
    """A site's notices, newest first, of ``category`` and ``status`` when given."""
    found = notices_at(site)
    if category:
        found = found.filter(category=category)
    if status in STATUS_FILTERS:
        found = found.filter(STATUS_FILTERS[Status(status)](now))
    return found.order_by("-pinned", "-publish_from", "-pk")


def buildings_of(person: Person) -> frozenset[int]:
    """The buildings of the houses a resident is linked to (owner, family or tenant)."""
    return frozenset(
        HouseMembership.objects.filter(person=person, house__site_id=person.site_id).values_list(
            "house__unit__building_id", flat=True
        )
    )


def board(site: Site, buildings: Iterable[int], now: datetime) -> list[Notice]:
    """The notices a resident of ``buildings`` sees at ``now``, pinned first, then the newest."""
    candidates = {n.pk: n for n in notices_at(site).filter(_current(now))}
    facts = [n.facts(frozenset(b.pk for b in n.buildings.all())) for n in candidates.values()]
    return [candidates[f.key] for f in visible(facts, now, buildings)]
