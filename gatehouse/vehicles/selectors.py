"""Reading the vehicle records, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from gatehouse.registers.cells import register_rows
from gatehouse.sites.models import Site
from gatehouse.vehicles.models import VehicleVisit


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
