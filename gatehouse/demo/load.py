"""``build_demo``: the whole demo, in order — the sites, people and logins (:mod:`.sites`), then a
morning at the gates (:mod:`.activity`) and each product app's part (:mod:`.vehicles`,
:mod:`.admission`, :mod:`.governance`, :mod:`.parking`, :mod:`.guard`, :mod:`.goods`,
:mod:`.bulletin`, :mod:`.epidemic`, :mod:`.traffic`, :mod:`.park`, :mod:`.repairs`,
:mod:`.campus`). Every part writes through the product's services and adds only what is missing,
so a re-run changes nothing."""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record
from gatehouse.demo.accounts import SharedPassword, ensure_admin, ensure_logins
from gatehouse.demo.activity import build_activity
from gatehouse.demo.admission import build_admission_demo
from gatehouse.demo.bulletin import load_bulletin_demo
from gatehouse.demo.campus import load_campus_demo
from gatehouse.demo.epidemic import load_epidemic_demo
from gatehouse.demo.goods import load_goods_demo
from gatehouse.demo.governance import build_governance_demo
from gatehouse.demo.guard import load_guard_demo
from gatehouse.demo.park import load_park_demo
from gatehouse.demo.parking import load_parking_demo
from gatehouse.demo.people import ensure_blacklist, ensure_enterprises, ensure_people
from gatehouse.demo.repairs import load_repairs_demo
from gatehouse.demo.screenings import load_screenings_demo
from gatehouse.demo.sites import (
    CAMPUS,
    FULL_SCALE,
    DemoReport,
    SitePlan,
    SiteReport,
    demo_plans,
    ensure_layout,
    ensure_site,
)
from gatehouse.demo.traffic import load_traffic_demo
from gatehouse.demo.vehicles import build_vehicle_demo


def apply_site(plan: SitePlan, actor: Actor, now: datetime) -> SiteReport:
    report = SiteReport(plan.code, plan.name)
    today = timezone.localdate(now)
    site = ensure_site(plan, report)
    ensure_layout(site, plan, report)
    ensure_enterprises(site, plan, actor, now, report)
    ensure_people(site, plan, actor, now, today, report)
    ensure_blacklist(site, plan, actor, now, report)
    if report.created:
        audit_record(action="demo.load", obj=site, actor=actor, after=dict(report.created), at=now)
    return report


def build_demo(*, scale: float = FULL_SCALE, now: datetime | None = None) -> DemoReport:
    """Load the demo, or add what is missing from it; safe to run any number of times."""
    if not 0 < scale <= FULL_SCALE:
        raise ValueError("scale must be in (0, 1]")
    started = clock.perf_counter()
    now = now or timezone.now()
    password = SharedPassword()
    with transaction.atomic():
        admin, admin_created = ensure_admin(password)
    plans = demo_plans(scale)
    reports = []
    for plan in plans:
        with transaction.atomic():
            reports.append(apply_site(plan, admin, now))
    with transaction.atomic():
        users_created = ensure_logins(plans, password, admin, now)
    for code, n in build_activity(now=now).items():
        for report in reports:
            if report.code == code:
                report.add("gate_activity", n)
    for code, n in build_vehicle_demo(now=now).items():
        for report in reports:
            if report.code == code:
                report.add("vehicle_activity", n)
    campus_plan = next(p for p in plans if p.code == CAMPUS)
    # The site-spanning parts, in order (a later part may build on an earlier one's rows); each
    # answers what it made per site code.
    parts: tuple[tuple[str, Callable[[], Mapping[str, int]]], ...] = (
        ("入园与用地 admission", lambda: build_admission_demo(now=now)),
        ("物业监管 governance", lambda: build_governance_demo(now=now)),
        ("停车收费 parking", lambda: load_parking_demo(now=now)),
        ("安保值勤 guard", lambda: load_guard_demo(now=now)),
        ("物品出入 goods", lambda: load_goods_demo(now=now)),
        ("公告栏 bulletin", lambda: load_bulletin_demo(now=now)),
        ("疫情防控 epidemic", lambda: load_epidemic_demo(now=now)),
        ("车辆违规与大件物品 traffic", lambda: load_traffic_demo(now=now)),
        ("园区安保设置 park", lambda: load_park_demo(now=now)),
        ("报修工单 repairs", lambda: load_repairs_demo(now=now)),
        ("校园 campus", lambda: load_campus_demo(now=now, guardians=campus_plan.guardians)),
        ("排查与专项行动 screenings", lambda: load_screenings_demo(now=now)),
    )
    for what, load in parts:
        made = load()
        for report in reports:
            report.add(what, made.get(report.code, 0))
    return DemoReport(reports, users_created + admin_created, clock.perf_counter() - started)
