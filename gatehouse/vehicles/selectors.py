"""Reading the vehicle records, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from gatehouse.registers.cells import register_rows
from gatehouse.sites.models import Site
from gatehouse.vehicles.models import ParkingSession, SessionStatus, VehicleVisit


def vehicle_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    plate: str = "",
    status: str = "",
) -> QuerySet[VehicleVisit]:
    """Rows of 外来车辆进出登记表 registered between the dates, newest first (V-03, V-09)."""
    return register_rows(
        VehicleVisit.objects.filter(site=site),
        "registered_at",
        date_from,
        date_to,
        q=q,
        search=(
            "driver__icontains",
            "company__icontains",
            "purpose__icontains",
            "destination__icontains",
            "description__icontains",
        ),
        where={"plate__icontains": plate, "status": status},
        related=("registered_by",),
    )


#: The booth's list of cars inside shows this many, newest entry first.
INSIDE_PAGE = 30


def cars_inside(site: Site, limit: int = INSIDE_PAGE) -> QuerySet[ParkingSession]:
    """The open stays of ``site`` (the cars inside now), newest entry first, the first
    ``limit`` (the booth's side panel)."""
    return (
        ParkingSession.objects.filter(site=site, status=SessionStatus.OPEN)
        .select_related("garage")
        .order_by("-entered_at")[:limit]
    )


def cars_inside_count(site: Site) -> int:
    """How many cars are inside ``site`` now (its open stays, garages and ground)."""
    return ParkingSession.objects.filter(site=site, status=SessionStatus.OPEN).count()


def session_anomalies(site: Site, limit: int = 10) -> QuerySet[ParkingSession]:
    """The latest stays paired with an anomaly (an exit without entry, a second entry)."""
    return ParkingSession.objects.filter(site=site).exclude(anomaly="").order_by("-pk")[:limit]
