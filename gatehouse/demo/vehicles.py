"""The demo's vehicle gate, made through the real services: plate cameras on 东湖花园's garage
entrance, charging started, cars parked overnight and this morning, one that paid and left, a
water-delivery van on the ground, a taxi that has not left (a dwell alert); at 五里工业园区 a goods
truck for the warehouse. Runs once per site: a site with parking sessions is left alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.core import vehicle as core
from gatehouse.devices.adapters import vzenith
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.sites.models import Lane, Site
from gatehouse.vehicles import services
from gatehouse.vehicles.cameras import camera_push
from gatehouse.vehicles.models import ParkingSession, VehicleSettings

TEMPORARY = ["鄂A3K721", "鄂AD62819", "湘B58E31", "鄂A9P002", "赣C71520"]


def _lane(site: Site, gate: str, lane: str) -> Lane | None:
    return (
        Lane.objects.filter(gate__site=site, gate__code=gate, code=lane)
        .select_related("gate__site", "garage")
        .first()
    )


def _decide(lane: Lane, at: datetime, guard: Any = None, **kw: Any) -> services.VehicleResult:
    return services.vehicle_decide(services.VehicleInput(lane=lane, **kw), now=at, guard=guard)


def build_vehicle_demo(*, now: datetime) -> dict[str, int]:
    made: dict[str, int] = {}
    guard = get_user_model().objects.filter(username="guard_east").first()
    donghu = Site.objects.filter(code="donghu").first()
    if donghu is not None and not ParkingSession.objects.filter(site=donghu).exists():
        with transaction.atomic():
            made["donghu"] = _donghu(donghu, now, guard)
    wuli = Site.objects.filter(code="wuli").first()
    if wuli is not None and not ParkingSession.objects.filter(site=wuli).exists():
        with transaction.atomic():
            made["wuli"] = _wuli(wuli, now)
    return made


def _donghu(site: Site, now: datetime, guard: Any) -> int:
    VehicleSettings.objects.get_or_create(site=site, defaults={"charging_started": True})
    garage_in = _lane(site, "garage-1", "garage-in")
    garage_out = _lane(site, "garage-1", "garage-out")
    ground_in = _lane(site, "east", "motor-in")
    if garage_in is None or garage_out is None or ground_in is None:
        return 0
    cameras = [
        Device.objects.get_or_create(
            site=site,
            lane=lane,
            kind=DeviceKind.PLATE_CAMERA,
            defaults={"name": name, "vendor": "vzenith"},
        )[0]
        for lane, name in ((garage_in, "车库1号入口车牌相机"), (garage_out, "车库1号出口车牌相机"))
    ]
    made = 0
    # The entries come through the entrance camera's push, as results it buffered and sent late,
    # so each is judged at the time it was seen (the path `manage.py simulate_camera` drives).
    for i, plate in enumerate(TEMPORARY):
        seen = now - timedelta(hours=14 - 3 * i)
        body = vzenith.push(f"demo-{cameras[0].pk}", plate, 1000 + i, seen, offline=True)
        camera_push(device=cameras[0], body=body, now=now)
        made += 1
    # One car paid at the booth this morning and left.
    left_at = now - timedelta(hours=1)
    session = services.open_session(site, TEMPORARY[0])
    if session is not None and guard is not None:
        services.session_pay(
            session=session, lane=garage_out, method="qr", guard=guard, now=left_at
        )
        _decide(garage_out, left_at + timedelta(minutes=3), plate=TEMPORARY[0])
        made += 1
    _decide(
        ground_in,
        now - timedelta(minutes=40),
        guard=guard,
        plate="鄂A6W553",
        kind=core.VehicleKind.DELIVERY,
        errand=core.Errand.WATER,
        verified=True,
        register={"driver": "刘师傅", "company": "农夫山泉配送", "destination": "7-1-502"},
    )
    _decide(
        ground_in,
        now - timedelta(minutes=25),
        guard=guard,
        plate="鄂AT1838",
        kind=core.VehicleKind.TAXI,
    )
    services.dwell_scan(site=site, now=now)
    return made + 2


def _wuli(site: Site, now: datetime) -> int:
    truck_in = _lane(site, "logistics", "truck-in")
    if truck_in is None:
        return 0
    _decide(
        truck_in,
        now - timedelta(hours=1),
        plate="鄂H28M61",
        kind=core.VehicleKind.DELIVERY,
        errand=core.Errand.GOODS,
        body=core.Body.TRUCK,
        verified=True,
        register={"driver": "周师傅", "company": "顺丰速运", "destination": "仓储部"},
    )
    return 1
