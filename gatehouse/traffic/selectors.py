"""Reading the parking-violation register, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from gatehouse.registers.cells import register_rows
from gatehouse.sites.models import Site
from gatehouse.traffic.models import Violation, ViolationPhoto, ViolationStep


def violation_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    plate: str = "",
    kind: str = "",
    step: str = "",
    status: str = "",
) -> QuerySet[Violation]:
    """Rows of 车辆违规登记表 reported between the dates, newest first, with their steps."""
    rows = register_rows(
        Violation.objects.filter(site=site),
        "reported_at",
        date_from,
        date_to,
        q=q,
        search=("place__icontains", "note__icontains", "party__icontains"),
        where={
            "plate__icontains": plate,
            "kind": kind,
            "required_step": int(step) if step else None,
            "handled_at__isnull": {"open": True, "handled": False}.get(status),
        },
        related=("reported_by",),
    )
    return rows.prefetch_related(
        Prefetch("steps", ViolationStep.objects.select_related("by").order_by("step"))
    )


def violation_at(site: Site, pk: int) -> Violation | None:
    return Violation.objects.filter(site=site, pk=pk).select_related("reported_by").first()


def steps_of(violation: Violation) -> list[ViolationStep]:
    return list(violation.steps.select_related("by", "outcome_by").order_by("step"))


def photos_of(violation: Violation) -> list[ViolationPhoto]:
    return list(violation.photos.order_by("pk"))


def photo_at(site: Site, violation_pk: int, pk: int) -> ViolationPhoto | None:
    return ViolationPhoto.objects.filter(
        violation__site=site, violation_id=violation_pk, pk=pk
    ).first()


def plate_history(site: Site, plate: str, limit: int = 10) -> list[Violation]:
    """The plate's violations at the site, newest first (the repeat offender's record)."""
    return list(
        Violation.objects.filter(site=site, plate=plate).order_by("-reported_at", "-pk")[:limit]
    )
