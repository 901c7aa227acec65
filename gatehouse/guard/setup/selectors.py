"""Reads of the manager's set-up pages: one route or plan of the site, the site's settings."""

from __future__ import annotations

from gatehouse.core.guard_setup import StepSpec
from gatehouse.guard.models import EmergencyPlan, GuardSettings, PatrolRoute
from gatehouse.guard.shared import settings_for
from gatehouse.sites.models import Site


def route_of(site: Site, pk: int) -> PatrolRoute | None:
    return PatrolRoute.objects.filter(site=site, pk=pk).first()


def stop_places(route: PatrolRoute) -> dict[int, int]:
    """Each checkpoint on the route → its place (1, 2, …)."""
    ids = route.stops.order_by("order").values_list("checkpoint_id", flat=True)
    return {cp: place for place, cp in enumerate(ids, start=1)}


def plan_of(site: Site, pk: int) -> EmergencyPlan | None:
    return EmergencyPlan.objects.filter(site=site, pk=pk).first()


def chain_of(plan: EmergencyPlan) -> list[StepSpec]:
    return [StepSpec(s.who, s.minutes, s.phone) for s in plan.steps.order_by("order")]


def settings_of(site: Site) -> GuardSettings:
    """The site's settings, or the defaults (unsaved) where it has none."""
    return settings_for(site)
