"""Reads of the epidemic pages: the grid tree, a grid officer's houses and cases, the case
register, the alerts. No writes here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from gatehouse.accounts.actor import RequestUser, signed_in
from gatehouse.accounts.models import Membership, Role
from gatehouse.epidemic.models import (
    EpidemicAlert,
    Grid,
    GridBuilding,
    HealthReport,
    ReturneeCase,
    ScreeningVisit,
)
from gatehouse.people.models import Person
from gatehouse.sites.models import Building, House, Site


def grids(site: Site) -> list[Grid]:
    """The site's grids, street first, then community, then building, by name."""
    order = {"street": 0, "community": 1, "building": 2}
    found = list(
        Grid.objects.filter(site=site)
        .select_related("officer", "parent")
        .prefetch_related("checks", "building_links__building")
    )
    found.sort(key=lambda g: (order.get(g.level, 9), g.name))
    return found


def grid_at(site: Site, pk: int) -> Grid | None:
    return Grid.objects.filter(site=site, pk=pk).select_related("officer", "parent").first()


def buildings(site: Site) -> list[Building]:
    return list(Building.objects.filter(site=site).order_by("code"))


def assignments(site: Site) -> dict[int, int]:
    """building id → its grid's id."""
    return dict(GridBuilding.objects.filter(grid__site=site).values_list("building_id", "grid_id"))


def officers(site: Site) -> list[tuple[int, str]]:
    """(user id, name) of the users holding the grid officer role at ``site``."""
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(site=site, role=Role.GRID_OFFICER).values("user_id"),
        is_active=True,
    )
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users.order_by("username")]


def grid_of_house(house: House) -> Grid | None:
    link = (
        GridBuilding.objects.filter(building_id=house.unit.building_id)
        .select_related("grid__officer")
        .first()
    )
    return link.grid if link is not None else None


def officer_grids(user: RequestUser, site: Site) -> list[Grid]:
    if not signed_in(user):
        return []
    return list(Grid.objects.filter(site=site, officer=user).order_by("name"))


def building_ids_of(grid_list: list[Grid]) -> list[int]:
    return list(
        GridBuilding.objects.filter(grid__in=grid_list).values_list("building_id", flat=True)
    )


def houses_in(building_ids: list[int]) -> QuerySet[House]:
    return (
        House.objects.filter(unit__building_id__in=building_ids)
        .select_related("unit__building")
        .order_by("number")
    )


def cases(
    site: Site, *, status: str = "", building_ids: list[int] | None = None
) -> QuerySet[ReturneeCase]:
    """The case register, newest arrival first; ``status`` open/closed; ``building_ids`` limits
    it to a grid officer's buildings."""
    found = ReturneeCase.objects.filter(site=site).select_related(
        "person", "house", "opened_by", "closed_by"
    )
    if status == "open":
        found = found.filter(closed_at__isnull=True)
    elif status == "closed":
        found = found.filter(closed_at__isnull=False)
    if building_ids is not None:
        found = found.filter(house__unit__building_id__in=building_ids)
    return found.order_by("-arrived_on", "-pk")


def case_at(site: Site, pk: int) -> ReturneeCase | None:
    return (
        ReturneeCase.objects.filter(site=site, pk=pk)
        .select_related("person", "house__unit__building", "opened_by", "closed_by")
        .first()
    )


def open_case_of(person: Person) -> ReturneeCase | None:
    return ReturneeCase.objects.filter(person=person, closed_at__isnull=True).first()


def open_alerts(site: Site, *, building_ids: list[int] | None = None) -> QuerySet[EpidemicAlert]:
    found = EpidemicAlert.objects.filter(site=site, handled_at__isnull=True).select_related(
        "case__person", "report__person", "grid"
    )
    if building_ids is not None:
        found = found.filter(
            Q(case__house__unit__building_id__in=building_ids)
            | Q(report__house__unit__building_id__in=building_ids)
        )
    return found.order_by("-raised_at")


def alert_at(site: Site, pk: int) -> EpidemicAlert | None:
    return EpidemicAlert.objects.filter(site=site, pk=pk).first()


def reports_of(person: Person) -> QuerySet[HealthReport]:
    return HealthReport.objects.filter(person=person).order_by("-reported_at")


def screenings_to_follow(site: Site, building_ids: list[int]) -> QuerySet[ScreeningVisit]:
    """The door-to-door visits of these buildings still waiting for their follow-up."""
    return (
        ScreeningVisit.objects.filter(
            site=site, follow_up="pending", house__unit__building_id__in=building_ids
        )
        .select_related("house")
        .order_by("visited_at")
    )
