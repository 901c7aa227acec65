"""The screenings part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖中学
(seed template T3) the counsellor follows an isolated student's mental-health case with one
follow-up overdue, the 德育安保主任 has mediated a dispute between two students (closed) and
screens a canteen worker whose health certificate runs out soon; with 东湖派出所 the school runs
a knife-collection campaign and a fall-prevention one (人防/物防/技防) with findings, one overdue.

Everything goes through the real services, relative to the load date (a case opened ten days
before it, so its follow-up due three days before it is overdue). Idempotent: a campus that has
a case or a campaign keeps them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.demo.sites import CAMPUS
from gatehouse.people.models import Person, PersonKind
from gatehouse.screenings import services
from gatehouse.screenings.models import Campaign, ScreeningCase
from gatehouse.sites.models import Site

DAY = timedelta(days=1)
COUNSELLOR = ("counsellor",)
SAFETY = ("school_safety",)


def _cases(site: Site, counsellor: object, safety: object, now: datetime) -> int:
    students = list(Person.objects.filter(site=site, kind=PersonKind.STUDENT).order_by("pk")[:3])
    cook = Person.objects.filter(site=site, note="食堂员工").order_by("pk").first()
    if len(students) < 3 or cook is None:
        return 0
    opened = now - 10 * DAY
    lonely = services.case_open(
        site=site,
        actor=counsellor,  # type: ignore[arg-type]
        roles=COUNSELLOR,
        subject=students[0],
        kind="mental_health",
        risk="high",
        findings="心理普查量表得分偏高；近一月独来独往，午饭常一个人吃，自述“没人愿意和我玩”。",
        isolated=True,
        now=opened,
    )
    talk = services.followup_add(
        case=lonely,
        actor=counsellor,  # type: ignore[arg-type]
        roles=COUNSELLOR,
        action="每周一次个别心理辅导",
        due_on=timezone.localdate(opened + 3 * DAY),
        care=True,
        now=opened,
    )
    services.followup_done(
        followup=talk,
        actor=counsellor,  # type: ignore[arg-type]
        roles=COUNSELLOR,
        done_on=timezone.localdate(opened + 3 * DAY),
        now=opened + 3 * DAY,
    )
    services.followup_add(  # left open: overdue three days on the load date
        case=lonely,
        actor=counsellor,  # type: ignore[arg-type]
        roles=COUNSELLOR,
        action="约家长面谈，商定家校共育关爱措施",
        due_on=timezone.localdate(now - 3 * DAY),
        care=True,
        now=opened,
    )
    services.followup_add(
        case=lonely,
        actor=counsellor,  # type: ignore[arg-type]
        roles=COUNSELLOR,
        action="班主任安排同伴结对，每周反馈一次",
        due_on=timezone.localdate(now + 4 * DAY),
        care=True,
        now=opened,
    )
    quarrel = services.case_open(
        site=site,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        subject=students[1],
        kind="dispute",
        risk="medium",
        findings="课间在篮球场发生推搡，无人受伤。",
        parties=f"{students[1].name}、{students[2].name}",
        cause="争抢篮球场地，言语冲突后互相推搡",
        mediation="德育处会同两位班主任当面调解，双方互相道歉并签字确认；通知双方家长。",
        now=opened,
    )
    visit = services.followup_add(
        case=quarrel,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        action="一周后回访两名学生相处情况",
        due_on=timezone.localdate(opened + 7 * DAY),
        now=opened,
    )
    services.followup_done(
        followup=visit,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        done_on=timezone.localdate(opened + 7 * DAY),
        now=opened + 7 * DAY,
    )
    services.case_close(
        case=quarrel,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        reason="回访双方相处正常，纠纷化解",
        now=opened + 7 * DAY,
    )
    canteen = services.case_open(
        site=site,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        subject=cook,
        kind="key_personnel",
        risk="low",
        findings="背景审查无违法犯罪记录；工作表现良好；健康证即将到期。",
        post="canteen",
        health_cert_until=timezone.localdate(now + 12 * DAY),
        now=now - DAY,
    )
    services.followup_add(
        case=canteen,
        actor=safety,  # type: ignore[arg-type]
        roles=SAFETY,
        action="督促到疾控中心复检，换发健康证",
        due_on=timezone.localdate(now + 10 * DAY),
        now=now - DAY,
    )
    return 3


def _campaigns(site: Site, safety: object, now: datetime) -> int:
    start = now - 7 * DAY
    knives = services.campaign_create(
        site=site,
        actor=safety,  # type: ignore[arg-type]
        kind="knives",
        title="收缴管制刀具专项行动",
        partner="东湖派出所",
        starts_on=timezone.localdate(start),
        ends_on=timezone.localdate(now + 7 * DAY),
        places=[("初二（1）班", ""), ("初二（2）班", ""), ("男生宿舍", ""), ("女生宿舍", "")],
        now=start,
    )
    places = list(knives.places.all())
    for place, note in zip(
        places[:2], ("未发现管制刀具", "收缴弹簧刀1把，已移交派出所"), strict=True
    ):
        services.place_inspect(place=place, actor=safety, note=note, now=start + DAY)  # type: ignore[arg-type]
    falls = services.campaign_create(
        site=site,
        actor=safety,  # type: ignore[arg-type]
        kind="falls",
        title="重点部位防坠楼专项检查",
        partner="东湖派出所",
        starts_on=timezone.localdate(start),
        ends_on=timezone.localdate(now + 14 * DAY),
        places=[
            ("教学楼各楼层值班老师巡查", "people"),
            ("教学楼顶层走廊护栏、窗户限位器", "physical"),
            ("宿舍楼天台门", "physical"),
            ("天台及楼梯间监控", "technical"),
        ],
        now=start,
    )
    for place in list(falls.places.all())[1:3]:
        services.place_inspect(place=place, actor=safety, note="已检查", now=start + DAY)  # type: ignore[arg-type]
    services.campaign_finding(  # overdue on the load date
        campaign=falls,
        actor=safety,  # type: ignore[arg-type]
        place="dormitory",
        description="宿舍楼天台门锁损坏，未上锁",
        owner="后勤处 陈主任",
        deadline=timezone.localdate(start + 3 * DAY),
        now=start + DAY,
    )
    services.campaign_finding(
        campaign=falls,
        actor=safety,  # type: ignore[arg-type]
        place="other",
        description="教学楼四层两扇窗户限位器缺失",
        owner="后勤处 陈主任",
        deadline=timezone.localdate(now + 5 * DAY),
        now=start + DAY,
    )
    return 2


@transaction.atomic
def load_screenings_demo(*, now: datetime) -> dict[str, int]:
    # one query when loaded already: the cases are made before the campaigns, in one transaction
    if ScreeningCase.objects.filter(site__code=CAMPUS).exists():
        return {}
    site = Site.objects.filter(code=CAMPUS).first()
    if site is None or Campaign.objects.filter(site=site).exists():
        return {}
    users = get_user_model().objects.in_bulk(["counsellor", "deyu"], field_name="username")
    counsellor, safety = users.get("counsellor"), users.get("deyu")
    if counsellor is None or safety is None:
        return {}
    made = _cases(site, counsellor, safety, now) + _campaigns(site, safety, now)
    return {CAMPUS: made}
