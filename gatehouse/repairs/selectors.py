"""Reading repair work orders, always scoped: a site's register, a resident's own orders, a
worker's orders, one order's photos."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from gatehouse.people.models import Person
from gatehouse.registers.cells import register_rows
from gatehouse.repairs.models import OPEN_STATES, RepairOrder, RepairPhoto
from gatehouse.sites.models import Site

RELATED = ("house", "resident", "assignee", "visited_by", "dispatched_by")


def register(
    site: Site,
    now: datetime,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    category: str = "",
    state: str = "",
    worker: str = "",
    overdue: str = "",
) -> QuerySet[RepairOrder]:
    """Rows of 报修登记表 filed between the dates, newest first; ``overdue`` "1": the orders
    late now or finished late."""
    rows = register_rows(
        RepairOrder.objects.filter(site=site),
        "filed_at",
        date_from,
        date_to,
        q=q,
        search=("house__number__icontains", "description__icontains", "place__icontains"),
        where={"category": category, "state": state, "assignee__first_name__icontains": worker},
        related=RELATED,
    )
    # late at the ``now`` the page was read (the red rows), judged once by the database
    rows = rows.annotate(
        late=Case(
            When(late_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    if overdue:
        rows = rows.filter(late=True)
    return rows


def late_q(now: datetime) -> Q:
    return Q(finished_at__isnull=True, due_at__lt=now, state__in=OPEN_STATES) | Q(
        finished_at__gt=F("due_at")
    )


def order_at(site: Site, pk: int) -> RepairOrder | None:
    return RepairOrder.objects.filter(site=site, pk=pk).select_related(*RELATED).first()


def orders_of(resident: Person) -> QuerySet[RepairOrder]:
    return (
        RepairOrder.objects.filter(resident=resident, site_id=resident.site_id)
        .select_related(*RELATED)
        .order_by("-filed_at", "-pk")
    )


def work_of(site: Site, user: object) -> QuerySet[RepairOrder]:
    """A worker's orders at ``site``: the open ones by due time, then the finished ones."""
    return (
        RepairOrder.objects.filter(site=site, assignee=user)
        .select_related(*RELATED)
        .order_by("finished_at", "due_at", "-pk")
    )


def photos_of(order: RepairOrder) -> list[RepairPhoto]:
    return list(order.photos.order_by("pk"))


def photo_at(site: Site, order_pk: int, pk: int) -> RepairPhoto | None:
    return (
        RepairPhoto.objects.filter(order__site=site, order_id=order_pk, pk=pk)
        .select_related("order")
        .first()
    )
