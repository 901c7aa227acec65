"""Reading the vehicle records, always scoped to one site, ordered explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.registers.cells import register_rows
from gatehouse.sites.models import Lane, Site
from gatehouse.vehicles.models import ParkingSession, PlateCapture, SessionStatus, VehicleVisit


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


#: The dwell alerts the booth lists (V-03, V-11): a taxi not gone, a delivery over its hour, a
#: visitor vehicle still inside at the leave-by time (过夜).
DWELL_KINDS = ("dwell.visitor_overnight", "dwell.taxi", "dwell.delivery")


def dwell_alerts(site: Site, limit: int = 10) -> list[Notice]:
    """The dwell alerts not yet handled whose vehicle is still inside, newest first (the
    booth's side panel); an alert ends with the stay it was raised for."""
    notices = list(
        Notice.objects.filter(site=site, kind__in=DWELL_KINDS, acknowledged_at__isnull=True)
        .exclude(object_ref="")
        .order_by("-created_at", "-pk")[:100]
    )
    refs = {n.object_ref.partition(":")[2] for n in notices}
    inside = set(
        ParkingSession.objects.filter(
            site=site, status=SessionStatus.OPEN, pk__in=[int(r) for r in refs if r.isdigit()]
        ).values_list("pk", flat=True)
    )
    kept = [n for n in notices if n.object_ref.partition(":")[2] in {str(i) for i in inside}]
    return kept[:limit]


def session_anomalies(site: Site, limit: int = 10) -> QuerySet[ParkingSession]:
    """The latest stays paired with an anomaly (an exit without entry, a second entry)."""
    return ParkingSession.objects.filter(site=site).exclude(anomaly="").order_by("-pk")[:limit]


def lane_latest(site: Site, lane: Lane) -> AccessEvent | None:
    """The current decision at ``lane``: its newest passage (by when it happened, so a result
    a camera buffered and sent late does not push aside the car at the barrier now)."""
    return AccessEvent.objects.filter(site=site, lane=lane).order_by("-at", "-pk").first()


@dataclass(frozen=True)
class Snapshot:
    """The camera's capture of one passage, its pictures left unread; ``kept``: its snapshot
    picture is still stored (not purged, not absent from the push)."""

    capture: PlateCapture
    kept: bool

    @property
    def taken_at(self) -> datetime:
        return self.capture.seen_at or self.capture.received_at


def snapshot_of(site: Site, event: AccessEvent) -> Snapshot | None:
    """The camera's capture of ``event``; None for a decision no camera made."""
    capture = (
        PlateCapture.objects.filter(site=site, event=event)
        .defer("picture", "picture_small")
        .first()
    )
    if capture is None:
        return None
    kept = (
        capture.picture_purged_at is None
        and PlateCapture.objects.filter(pk=capture.pk).exclude(picture=b"").exists()
    )
    return Snapshot(capture, kept)


def capture_picture(site: Site, pk: int) -> bytes | None:
    """The snapshot of ``site``'s capture ``pk``; None when there is none, it was purged or
    the capture is another site's."""
    row = (
        PlateCapture.objects.filter(site=site, pk=pk, picture_purged_at__isnull=True)
        .values_list("picture", flat=True)
        .first()
    )
    raw = bytes(row) if row is not None else b""
    return raw or None
