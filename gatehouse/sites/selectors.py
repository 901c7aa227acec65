"""Reads of the site model (SPEC §1)."""

from __future__ import annotations

from django.db.models import Prefetch

from gatehouse.sites.models import Gate, Lane, ParkingSpace, Site, Zone


def site_layout(site_id: int) -> Site:
    """A site with its zones and its gates with their lanes, in code order."""
    lanes = Lane.objects.order_by("code")
    gates = Gate.objects.order_by("code").prefetch_related(Prefetch("lanes", queryset=lanes))
    return Site.objects.prefetch_related(
        Prefetch("zones", queryset=Zone.objects.order_by("code")),
        Prefetch("gates", queryset=gates),
    ).get(pk=site_id)


def facility_counts(site: Site) -> dict[str, int]:
    """How many garages, spaces, buildings, houses, checkpoints and posts the site has."""
    return {
        "garages": site.garages.count(),
        "parking_spaces": ParkingSpace.objects.filter(garage__site=site).count(),
        "buildings": site.buildings.count(),
        "houses": site.houses.count(),
        "checkpoints": site.checkpoints.count(),
        "posts": site.posts.count(),
    }
