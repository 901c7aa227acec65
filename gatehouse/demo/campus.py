"""The campus part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖中学
(seed template T3) every student's parent is linked as their guardian, and the day has a
parent's pick-up the class teacher has confirmed, the same parent's visit tomorrow still
waiting for the teacher, and a leave pass the class teacher issued for a student's hospital
visit — each through the real services, so each is audited as the system would.

Deterministic for a given ``now`` and idempotent: guardianships are added only where missing,
and a campus that already has a booking or a leave pass keeps them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.campus import selectors, services
from gatehouse.campus.models import LeavePass
from gatehouse.demo.sites import CAMPUS
from gatehouse.people.models import Guardianship, Person, PersonKind
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Site
from gatehouse.visitors.invitations import invitation_confirm
from gatehouse.visitors.models import Invitation


def _guardians(site: Site, scale_plans: list[tuple[str, str]]) -> int:
    have = set(
        Guardianship.objects.filter(parent__site=site).values_list(
            "parent__id_number_hash", "student__id_number_hash"
        )
    )
    wanted = [
        (lookup_hash("id", parent), lookup_hash("id", student)) for parent, student in scale_plans
    ]
    missing = [pair for pair in wanted if pair not in have]
    if not missing:
        return 0
    people = {
        p.id_number_hash: p
        for p in Person.objects.filter(site=site, kind__in=[PersonKind.PARENT, PersonKind.STUDENT])
    }
    links = [
        Guardianship(parent=people[a], student=people[b])
        for a, b in missing
        if a in people and b in people
    ]
    Guardianship.objects.bulk_create(links)
    return len(links)


@transaction.atomic
def load_campus_demo(*, now: datetime, guardians: list[tuple[str, str]]) -> dict[str, int]:
    """``guardians``: the campus plan's (parent, student) ID numbers."""
    site = Site.objects.filter(code=CAMPUS).first()
    if site is None:
        return {}
    made = _guardians(site, guardians)
    if (
        Invitation.objects.filter(site=site, booked_by__isnull=False).exists()
        or LeavePass.objects.filter(site=site).exists()
    ):
        return {CAMPUS: made}
    users = get_user_model().objects.in_bulk(
        ["teacher", "parent", "school_manager"], field_name="username"
    )
    parent = Person.objects.filter(site=site, user=users.get("parent")).first()
    teacher = Person.objects.filter(site=site, user=users.get("teacher")).first()
    if parent is None or teacher is None:
        return {CAMPUS: made}
    child = selectors.children_of(parent)[0]
    start = now.replace(second=0, microsecond=0)
    booking = services.pickup_book(
        parent=parent,
        student=child,
        actor=users["parent"],
        window_start=start,
        window_end=start + timedelta(hours=3),
        purpose=f"接孩子（{child.name}）看牙医",
        now=now,
    )
    invitation_confirm(invitation=booking, host=teacher, actor=users["teacher"], now=now)
    classmates = [
        s for s in selectors.students_of(selectors.classes_of_teacher(teacher)) if s != child
    ]
    # tomorrow's visit, still waiting for the class teacher
    services.pickup_book(
        parent=parent,
        student=child,
        actor=users["parent"],
        window_start=start + timedelta(days=1),
        window_end=start + timedelta(days=1, hours=1),
        purpose="送换季衣物",
        now=now,
    )
    if classmates:
        other = classmates[0]
        services.leave_pass_issue(
            teacher=teacher,
            student=other,
            actor=users["teacher"],
            reason="发烧，家长接去医院就诊",
            picked_up_by="家长",
            window_start=start,
            window_end=start + timedelta(hours=2),
            now=now,
        )
    return {CAMPUS: made + 4 + _samples(site, users.get("school_manager"), now)}


#: The canteen's samples: (days ago, meal, hour, dish, grams, disposed after 48 h).
_SAMPLES = (
    (3, "lunch", 11, "红烧鸡块", 150, True),
    (3, "lunch", 11, "清炒小白菜", 130, False),  # left: overdue, flagged on the register
    (1, "breakfast", 7, "鸡蛋灌饼", 140, False),
    (1, "lunch", 11, "番茄炒蛋", 160, False),
    (1, "lunch", 11, "米饭", 200, False),
)


def _samples(site: Site, manager: object, now: datetime) -> int:
    """留样 (T3-03): three days of the canteen's samples, one disposed on time, one overdue."""
    from django.utils import timezone

    today = timezone.localtime(now).replace(minute=30, second=0, microsecond=0)
    for days, meal, hour, dish, grams, disposed in _SAMPLES:
        kept = today.replace(hour=hour) - timedelta(days=days)
        sample = services.sample_record(
            site=site,
            actor=manager,  # type: ignore[arg-type]
            meal=meal,
            dish=dish,
            grams=grams,
            kept_at=kept,
            keeper="食堂留样员 李红",
            now=now,
        )
        if disposed:
            services.sample_dispose(
                sample=sample,
                actor=manager,
                by="食堂主管 王强",
                now=kept + timedelta(hours=49),  # type: ignore[arg-type]
            )
    return len(_SAMPLES)
