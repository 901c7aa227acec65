"""Reads of the epidemic pages: the grid tree, a grid officer's houses and cases, the case
register, the alerts. No writes here."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from gatehouse.accounts.actor import RequestUser, signed_in
from gatehouse.accounts.models import Membership, Role
from gatehouse.accounts.selectors import site_ids_for
from gatehouse.epidemic.models import (
    Commitment,
    EpidemicAlert,
    Grid,
    GridBuilding,
    HealthReport,
    MergedPassage,
    ReturneeCase,
    ScreeningVisit,
    UnifiedEntrance,
)
from gatehouse.people.models import Person
from gatehouse.registers.cells import register_rows
from gatehouse.sites.models import Building, Gate, House, Site, SiteMode


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


# -- unified entrances (M-05) and the property company's commitment (T8·11) ---------------------


def mergers_of(site: Site) -> list[UnifiedEntrance]:
    """The mergers ``site`` is or was a member of, the running one first, newest first."""
    return list(
        UnifiedEntrance.objects.filter(members=site)
        .select_related("created_by", "ended_by", "site")
        .prefetch_related("members", "gates__site")
        .order_by(F("ended_at").desc(nulls_first=True), "-valid_from", "-pk")
    )


def merger_at(site: Site, pk: int) -> UnifiedEntrance | None:
    """A merger ``site`` is a member of (another site's is not found)."""
    return UnifiedEntrance.objects.filter(members=site, pk=pk).first()


def managed_sites(user: RequestUser) -> list[Site]:
    """The active sites where ``user`` is a security manager: what a merger may join."""
    ids = site_ids_for(user, [Role.SECURITY_MANAGER])
    return list(Site.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def gates_of(sites: list[Site]) -> list[Gate]:
    return list(
        Gate.objects.filter(site__in=sites).select_related("site").order_by("site__name", "code")
    )


def merged_passages(
    site: Site, q: str = "", date_from: date | None = None, date_to: date | None = None
) -> QuerySet[MergedPassage]:
    """合并出入口通行记录: the site's people passing other members' unified entrances (M-05)."""
    return register_rows(
        MergedPassage.objects.filter(site=site),
        "at",
        date_from,
        date_to,
        q=q,
        search=("person__name__icontains", "merger__name__icontains"),
        related=("lane__gate", "gate_site", "person", "merger"),
    )


def commitments(site: Site) -> list[Commitment]:
    return list(
        Commitment.objects.filter(site=site)
        .select_related("created_by")
        .order_by("-valid_until", "-pk")
    )


def commitment_at(site: Site, pk: int) -> Commitment | None:
    return Commitment.objects.filter(site=site, pk=pk).first()


def current_commitment(site: Site, today: date) -> Commitment | None:
    """The commitment covering ``today``, the one running longest first."""
    return (
        Commitment.objects.filter(site=site, valid_from__lte=today, valid_until__gte=today)
        .order_by("-valid_until", "-pk")
        .first()
    )


def commitment_missing(site: Site, today: date) -> bool:
    """T8·11: the site is in epidemic mode without a commitment covering ``today`` (asked only
    in epidemic mode: the site row says so)."""
    return site.mode == SiteMode.EPIDEMIC and current_commitment(site, today) is None
