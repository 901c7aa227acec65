"""The industrial park's guard demo (五里工业园区, issue 17 §6), made as the community's is
(:mod:`.guard`, :mod:`.parking`): the keys of the gatehouse and the key locations, the
gatehouse's cleaning rota, two emergency plans with their reporting chains (a chemical leak at
the 危化品仓库, a fire), the park's posted parking tariff, two patrol routes over the park's
checkpoints and the park's own guard settings (stricter than the defaults: a chemical park).

Idempotent: once the night route exists nothing is added (one query on a re-run). The second
gatehouse guard is a user without a usable password (not a demo login), as the community's
shift workers are.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.models import Membership, Role
from gatehouse.core.lease import DevicePrice
from gatehouse.guard.duties.services import rota_set
from gatehouse.guard.keys.services import key_add
from gatehouse.guard.models import (
    EmergencyPlan,
    EmergencyStep,
    GuardSettings,
    PatrolRoute,
    RouteStop,
)
from gatehouse.guard.shared import guard_name
from gatehouse.parking import services as parking_services
from gatehouse.sites.models import Checkpoint, Site

WULI = "wuli"
NIGHT_ROUTE = "夜间巡更（危化品与能源部位）"
ROUTES = (
    (NIGHT_ROUTE, time(21, 0), 4, 120, ("cp04", "cp09", "cp10", "cp05", "cp06", "cp07")),
    ("白班巡查（生产区与宿舍）", time(9, 0), 2, 240, ("cp03", "cp11", "cp12", "cp08", "cp07")),
)
KEYS = (
    ("主大门岗亭钥匙", "主大门岗亭"),
    ("危化品仓库钥匙（甲）", "新型材料园危化品仓库，双人双锁之一"),
    ("园区变电站钥匙", "新型材料园西侧35kV变电站"),
    ("冷库钥匙", "现代物流园3号库"),
)
PLANS = (
    (
        "危化品泄漏应急预案",
        (
            ("监控中心值班长", 2, "0710-3326110"),
            ("园区安保主管", 5, "0710-3326100"),
            ("园区管委会安全办", 10, "0710-3326001"),
            ("企业安全负责人", 10, ""),
        ),
    ),
    (
        "火灾应急预案",
        (
            ("监控中心值班长", 2, "0710-3326110"),
            ("园区安保主管", 5, "0710-3326100"),
            ("园区管委会分管领导", 10, "0710-3326002"),
        ),
    ),
)
#: The park's tariff: trucks and visitors by the hour, the tenants' staff free (V-04).
PARK_TABLE: dict[str, object] = {
    "default": {"price": 500, "period_minutes": 60, "free_minutes": 30, "cap": 3000},
    "classes": {
        "delivery": {
            "price": 500,
            "period_minutes": 60,
            "free_minutes": 120,
            "free_mode": "deducted",
            "cap": 3000,
        },
        "staff": {"price": 0},
    },
}
PARK_PASS_PRICE = DevicePrice(deposit=10000, card_fee=2000, reissue_fee=3000)


def load_park_demo(*, now: datetime) -> dict[str, int]:
    """Load the park's guard demo: ``{"wuli": rows made}``, empty when nothing was."""
    if PatrolRoute.objects.filter(site__code=WULI, name=NIGHT_ROUTE).exists():  # a re-run
        return {}
    site = Site.objects.filter(code=WULI).first()
    users = get_user_model().objects
    admin = users.filter(username="admin").first()
    guard = users.filter(username="park_guard").first()
    if site is None or admin is None or guard is None:
        return {}
    with transaction.atomic():
        return {WULI: _load(site, now, admin, guard)}


def _second_guard(site: Site) -> Any:
    user_model = get_user_model()
    user = user_model.objects.filter(username="parkduty01").first()
    if user is None:
        user = user_model.objects.create_user(username="parkduty01", first_name="韩卫国")
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, site=site, role=Role.GUARD)
    return user


def _load(site: Site, now: datetime, admin: Any, guard: Any) -> int:
    made = 0
    GuardSettings.objects.update_or_create(
        site=site,
        defaults={
            "early_minutes": 15,
            "ack_critical_minutes": 1,
            "ack_high_minutes": 3,
            "answer_within_minutes": 20,
            "fine_fen": 10000,
            "repeat_within_days": 90,
        },
    )
    made += 1
    checkpoints = {c.code: c for c in Checkpoint.objects.filter(site=site)}
    for name, first, rounds, every, codes in ROUTES:
        route = PatrolRoute.objects.create(
            site=site,
            name=name,
            first_round=first,
            rounds=rounds,
            every_minutes=every,
            grace_minutes=15,
        )
        RouteStop.objects.bulk_create(
            RouteStop(route=route, checkpoint=checkpoints[code], order=i)
            for i, code in enumerate(codes)
            if code in checkpoints
        )
        made += 1
    yesterday = timezone.localtime(now) - timedelta(days=1)
    holder = guard_name(guard)
    for label, door in KEYS:
        key_add(site=site, actor=admin, label=label, door=door, holder=holder, now=yesterday)
        made += 1
    rota_set(
        site=site,
        actor=admin,
        guards=[guard, _second_guard(site)],
        first_day=yesterday.date(),
        now=now,
    )
    made += 1
    for name, chain in PLANS:
        plan = EmergencyPlan.objects.create(site=site, name=name)
        EmergencyStep.objects.bulk_create(
            EmergencyStep(plan=plan, order=i, who=who, minutes=minutes, phone=phone)
            for i, (who, minutes, phone) in enumerate(chain)
        )
        made += 1
    parking_services.tariff_plan_create(
        site=site,
        actor=admin,
        table=PARK_TABLE,
        pass_price=PARK_PASS_PRICE,
        note="五里工业园区停车收费标准（园区管委会备案）",
        now=now - timedelta(days=30),
    )
    return made + 1
