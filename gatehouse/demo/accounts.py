"""The demo logins (one per role, printed by ``manage.py demo_logins``) and the accounts behind
them: the ``admin`` superuser, created first as the actor of every demo audit row, then a user and
its site memberships per login, linked to its person in the plan where there is one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gatehouse.accounts.actor import Actor
from gatehouse.accounts.models import Membership, Role
from gatehouse.audit.services import audited_update
from gatehouse.demo.sites import CAMPUS, DONGHU, WULI, SitePlan
from gatehouse.people.models import Person
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Site

DEMO_PASSWORD = "gatehouse-demo"  # printed by `manage.py demo_logins`; a demo, not a secret
DEMO_URL = "http://127.0.0.1:8000/"


# =============================================================================================
# Demo logins
# =============================================================================================


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # a Role value, or "" for the superuser
    sites: tuple[str, ...]
    role_en: str
    try_zh: str
    try_en: str
    staff: bool = False
    superuser: bool = False
    display_name: str = ""  # for accounts without a Person record

    @property
    def role_zh(self) -> str:
        return str(Role(self.role).label) if self.role else "超级管理员"


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin",
        "",
        (),
        "Superuser",
        "后台 /admin/：全部场所与审计记录",
        "/admin/: every site and the audit trail",
        staff=True,
        superuser=True,
        display_name="系统管理员",
    ),
    DemoLogin(
        "guard_east",
        Role.GUARD,
        (DONGHU,),
        "Gate guard",
        "门岗首页：东门刷卡与车牌核验",
        "Gate home: cards and plates, east gate",
    ),
    DemoLogin(
        "guard_west",
        Role.GUARD,
        (DONGHU,),
        "Gate guard",
        "门岗首页：西门出入核验",
        "Gate home: checks at the west gate",
    ),
    DemoLogin(
        "desk",
        Role.FRONT_DESK,
        (DONGHU,),
        "Front desk",
        "访客确认、忘带卡核实",
        "Confirm visitors and forgotten cards",
        staff=True,
    ),
    DemoLogin(
        "monitor",
        Role.MONITORING,
        (DONGHU,),
        "Monitoring centre",
        "实时事件与告警",
        "Live events and alerts",
    ),
    DemoLogin(
        "patrol",
        Role.PATROL,
        (DONGHU,),
        "Patrol",
        "13个巡更点与巡查记录",
        "13 checkpoints and round reports",
    ),
    DemoLogin(
        "manager",
        Role.SECURITY_MANAGER,
        (DONGHU,),
        "Security manager",
        "岗位定员、人员与凭证、审计记录",
        "Posts, people, credentials, audit",
        staff=True,
    ),
    DemoLogin(
        "resident",
        Role.RESIDENT,
        (DONGHU,),
        "Resident",
        "我的房屋3-2-1201、门禁卡与车辆",
        "My flat 3-2-1201, my cards and car",
    ),
    DemoLogin(
        "grid",
        Role.GRID_OFFICER,
        (DONGHU,),
        "Grid officer",
        "我的网格（3–4栋）：居家监测人员与提醒",
        "My grid (buildings 3–4): home monitoring and alerts",
        display_name="王芳",
    ),
    DemoLogin(
        "repairman",
        Role.MAINTENANCE,
        (DONGHU,),
        "Maintenance worker",
        "我的维修工单：开始维修、完工拍照",
        "My repair orders: start, finish with photos",
        display_name="刘建军",
    ),
    DemoLogin(
        "juweihui",
        Role.RESIDENTS_COMMITTEE,
        (DONGHU,),
        "Residents' committee",
        "整治工作方案与倒排进度表：查看并提出指导意见",
        "The campaign plan and its schedule: read and comment",
        display_name="张丽",
    ),
    DemoLogin(
        "yeweihui",
        Role.OWNERS_COMMITTEE,
        (DONGHU,),
        "Owners' committee",
        "整治工作方案：监督进度，提出意见",
        "The campaign plan: follow its progress and comment",
        display_name="陈国平",
    ),
    DemoLogin(
        "park_guard",
        Role.GUARD,
        (WULI,),
        "Gate guard",
        "门岗首页：主大门工牌与车辆核验",
        "Gate home: badges and vehicles, main gate",
    ),
    DemoLogin(
        "park_manager",
        Role.SECURITY_MANAGER,
        (WULI,),
        "Security manager",
        "园区岗位、企业员工与车辆",
        "Posts, tenant staff and vehicles",
        staff=True,
    ),
    DemoLogin(
        "committee",
        Role.PARK_COMMITTEE,
        (WULI,),
        "Park committee",
        "五个分园与13家入驻企业",
        "Five sub-parks and 13 enterprises",
        staff=True,
        display_name="周建国",
    ),
    DemoLogin(
        "association",
        Role.INDUSTRY_ASSOCIATION,
        (DONGHU, WULI),
        "Industry association",
        "两个项目的概况",
        "Overview of both sites",
        display_name="郑丽华",
    ),
    DemoLogin(
        "school_guard",
        Role.GUARD,
        (CAMPUS,),
        "Campus gate guard",
        "东湖中学南校门：今日预约接送、学生凭请假条离校",
        "东湖中学 south gate: today's pick-ups, students leaving with a pass",
    ),
    DemoLogin(
        "school_manager",
        Role.SECURITY_MANAGER,
        (CAMPUS,),
        "Campus security manager",
        "东湖中学：师生、班级与宿舍、门岗记录",
        "东湖中学: staff, students, classes, dormitories, gate records",
        staff=True,
    ),
    DemoLogin(
        "teacher",
        Role.TEACHER,
        (CAMPUS,),
        "Class teacher",
        "初二（1）班班主任：确认家长预约、开具请假条",
        "Class teacher of 初二(1): confirm parents' bookings, issue leave passes",
    ),
    DemoLogin(
        "parent",
        Role.PARENT,
        (CAMPUS,),
        "Parent",
        "预约接孩子（初二（1）班），经班主任确认后入校",
        "Book a pick-up (初二(1)), admitted once the teacher confirms",
    ),
    DemoLogin(
        "counsellor",
        Role.COUNSELLOR,
        (CAMPUS,),
        "School counsellor",
        "心理健康排查：查看受限情况（留痕）、添加跟进措施",
        "Mental-health screenings: read restricted notes (audited), add follow-ups",
        display_name="林静",
    ),
    DemoLogin(
        "deyu",
        Role.SCHOOL_SAFETY,
        (CAMPUS,),
        "Moral-education & safety head",
        "矛盾纠纷与重点人员排查，会同派出所的专项行动",
        "Disputes and key personnel, campaigns with the police",
        display_name="何志强",
    ),
)


class SharedPassword:
    """One PBKDF2 hash of the demo password, computed only if some account is new (a hash takes
    about 0.4 s; a dozen of them would be most of a re-run)."""

    def __init__(self) -> None:
        self._hash = ""

    def __str__(self) -> str:
        if not self._hash:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


def ensure_admin(password: SharedPassword) -> tuple[Any, bool]:
    """The ``admin`` superuser, created first: it is the actor of every demo audit row."""
    user_model = get_user_model()
    admin = user_model.objects.filter(username="admin").first()
    if admin is not None:
        return admin, False
    admin = user_model(username="admin", is_staff=True, is_superuser=True, first_name="系统管理员")
    admin.password = str(password)
    admin.save()
    return admin, True


def ensure_logins(
    plans: Iterable[SitePlan], password: SharedPassword, actor: Actor, now: datetime
) -> int:
    user_model = get_user_model()
    sites = {s.code: s for s in Site.objects.filter(code__in=[DONGHU, WULI, CAMPUS])}
    people: dict[str, Person] = {}
    for plan in plans:
        for username, id_number in plan.logins.items():
            found = Person.objects.filter(
                site=sites[plan.code], id_number_hash=lookup_hash("id", id_number)
            ).first()
            if found is not None:
                people[username] = found
    users = {
        u.username: u
        for u in user_model.objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    }
    have_roles = set(
        Membership.objects.filter(user__in=users.values()).values_list(
            "user__username", "site__code", "role"
        )
    )
    created = 0
    for login in DEMO_LOGINS:
        user = users.get(login.username)
        person = people.get(login.username)
        if user is None:
            user = user_model(
                username=login.username,
                is_staff=login.staff,
                is_superuser=login.superuser,
                first_name=person.name if person is not None else login.display_name,
            )
            user.password = str(password)
            user.save()
            created += 1
        for code in login.sites:
            if (login.username, code, login.role) not in have_roles:
                Membership.objects.create(user=user, site=sites[code], role=login.role)
        if (
            person is not None
            and person.user_id is None
            and not Person.objects.filter(user=user).exists()
        ):
            audited_update(person, action="person.link_user", actor=actor, at=now, user=user)
    return created
