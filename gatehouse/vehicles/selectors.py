"""Reading the vehicle records, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from gatehouse.registers.cells import window
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
    qs = window(VehicleVisit.objects.filter(site=site), "registered_at", date_from, date_to)
    if q:
        qs = qs.filter(
            Q(driver__icontains=q)
            | Q(company__icontains=q)
            | Q(purpose__icontains=q)
            | Q(destination__icontains=q)
            | Q(description__icontains=q)
        )
    if plate:
        qs = qs.filter(plate__icontains=plate)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("registered_by").order_by("-registered_at", "-pk")
