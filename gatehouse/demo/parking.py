"""The parking part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖花园 a
posted tariff, vehicle passes on owned garage spaces (one reissued, one returned), two space
leases (one due for renewal within ten days) and four days of temporary-parking payments, so the
daily income report has something to show. Everything goes through the real services, so every
ledger row and audit entry is one the system itself would write.

Deterministic for a given ``now`` (fixed seeds, rows picked in a fixed order) and idempotent: a
site that already has a tariff plan is left alone (one query). All or nothing: one transaction.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.core.lease import DevicePrice
from gatehouse.core.ledger import SHANGHAI, PaymentMethod
from gatehouse.core.tariff import VehicleClass, exit_payment_postings, fee_for_class
from gatehouse.demo.traffic import paper_copy
from gatehouse.parking import selectors, services
from gatehouse.parking.models import TariffPlan, VehiclePass
from gatehouse.people.models import PersonKind, Vehicle
from gatehouse.sites.models import ParkingSpace, ParkingSpaceKind, Site

DEMO_SITE = "donghu"
#: 东湖花园's posted tariff: 30 free minutes, ¥3 per hour, ¥2 per night hour, ¥25 a day; staff
#: free in the garage (V-04 site policy); delivery vehicles one free hour (PK-02).
DEMO_TABLE: dict[str, object] = {
    "default": {
        "price": 300,
        "period_minutes": 60,
        "free_minutes": 30,
        "night": {"start": "22:00", "end": "07:00", "price": 200, "period_minutes": 60},
        "cap": 2500,
    },
    "classes": {
        "delivery": {
            "price": 300,
            "period_minutes": 60,
            "free_minutes": 60,
            "free_mode": "deducted",
            "cap": 2500,
        },
        "staff": {"price": 0},
    },
}
DEMO_PASS_PRICE = DevicePrice(deposit=20000, card_fee=2000, reissue_fee=3000)
PASSES = 6
#: The copies each pass application files (V-10, T7 第一条 提供复印件备案).
COPIES = ("id_card", "driving_licence", "vehicle_licence", "insurance")
DAYS_OF_TRAFFIC = 4


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _at(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def load_parking_demo(*, now: datetime) -> dict[str, int]:
    """Load the parking demo at 东湖花园: ``{site code: records made}``, empty when nothing was
    (the site is missing or already has its tariff)."""
    if TariffPlan.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None:
        return {}
    with transaction.atomic():
        return {site.code: _load(site, now)}


def _load(site: Site, now: datetime) -> int:
    admin, desk = _user("admin"), _user("desk")
    today = timezone.localdate(now)
    made = 0
    services.tariff_plan_create(
        site=site,
        actor=admin,
        table=DEMO_TABLE,
        pass_price=DEMO_PASS_PRICE,
        note="东湖花园停车收费公示（物价备案）",
        now=now - timedelta(days=60),
    )
    made += 1

    owned = list(
        ParkingSpace.objects.filter(garage__site=site, kind=ParkingSpaceKind.OWNED).order_by(
            "number"
        )
    )
    leased = list(
        ParkingSpace.objects.filter(garage__site=site, kind=ParkingSpaceKind.LEASED).order_by(
            "number"
        )
    )
    cars = list(
        Vehicle.objects.filter(site=site, owner__kind=PersonKind.OWNER, owner__is_active=True)
        .select_related("owner")
        .order_by("plate")
    )
    holders_seen: set[int] = set()
    passes: list[VehiclePass] = []
    for car in cars:
        if len(passes) == PASSES or len(passes) >= len(owned):
            break
        if car.owner_id in holders_seen:
            continue
        holders_seen.add(car.owner_id)
        issued_on = today - timedelta(
            days=DAYS_OF_TRAFFIC - 1 - len(passes) % (DAYS_OF_TRAFFIC - 1)
        )
        passes.append(
            services.pass_issue(
                site=site,
                actor=desk,
                holder=car.owner,
                plate=car.plate,
                kind="owner",
                method=(PaymentMethod.CASH, PaymentMethod.QR)[len(passes) % 2].value,
                space=owned[len(passes)],
                id_checked=True,
                vehicle_licence_checked=True,
                driving_licence_checked=True,
                insurance_checked=True,
                insurance_valid_until=today + timedelta(days=200 + 30 * len(passes)),
                environmental_label=True,
                documents={kind: paper_copy(kind) for kind in COPIES},
                now=_at(issued_on, 9, 15 + 5 * len(passes)),
            )
        )
        made += 1
    if len(passes) >= 2:
        services.pass_reissue(
            vehicle_pass=passes[0],
            actor=desk,
            cause="lost",
            method=PaymentMethod.QR.value,
            now=_at(today - timedelta(days=1), 10, 20),
        )
        services.pass_return(
            vehicle_pass=passes[1],
            actor=desk,
            method=PaymentMethod.CASH.value,
            now=_at(today - timedelta(days=1), 16, 40),
        )
        made += 2

    lessees = [c.owner for c in cars if c.owner_id not in holders_seen][:2]
    if len(lessees) == 2 and len(leased) >= 2:
        # due for renewal in ten days: signed a year ago, ends with the housing lease
        start = today - timedelta(days=355)
        services.lease_create(
            site=site,
            actor=desk,
            space=leased[0],
            holder=lessees[0],
            house_ref="房屋租赁合同 DH-ZL-2025-031",
            start=start,
            end=today + timedelta(days=10),
            monthly_fee_fen=30000,
            method=PaymentMethod.CARD.value,
            now=_at(start, 10),
        )
        start = today - timedelta(days=2)
        services.lease_create(
            site=site,
            actor=desk,
            space=leased[1],
            holder=lessees[1],
            house_ref="房屋租赁合同 DH-ZL-2026-112",
            start=start,
            end=start + timedelta(days=364),
            monthly_fee_fen=30000,
            method=PaymentMethod.QR.value,
            now=_at(start, 14, 30),
        )
        made += 2

    made += _temporary_parking(site, desk, today, now)
    return made


def _temporary_parking(site: Site, actor: Actor, today: Any, now: datetime) -> int:
    """Temporary cars paying at the garage exit (V-07) over the last days, priced by the posted
    tariff and posted with the core's exit postings, as the vehicle gate will."""
    rng = random.Random(f"parking-{site.code}")
    methods = (PaymentMethod.CASH, PaymentMethod.QR, PaymentMethod.QR, PaymentMethod.CARD)
    classes = (VehicleClass.TEMPORARY,) * 4 + (VehicleClass.VISITOR, VehicleClass.DELIVERY)
    made = 0
    for back in range(DAYS_OF_TRAFFIC - 1, -1, -1):
        day = today - timedelta(days=back)
        for n in range(rng.randint(6, 10)):
            entered = _at(day, 7) + timedelta(minutes=rng.randint(0, 11 * 60))
            left = entered + timedelta(minutes=rng.randint(20, 9 * 60))
            if left > now:
                continue
            vehicle_class = classes[rng.randrange(len(classes))]
            table = selectors.tariff_table(site, at=left)
            charge = fee_for_class(table, vehicle_class, entered_at=entered, left_at=left)
            plate = f"鄂A{rng.randint(10000, 99999)}"
            txn = exit_payment_postings(
                charge, party=plate, method=methods[rng.randrange(len(methods))], at=left
            )
            if txn is None:
                continue
            services.ledger_post(site=site, txn=txn, actor=actor, ref=f"demo-exit:{day:%m%d}-{n}")
            made += 1
    return made
