"""Guard-operations demo for the community (东湖花园, issue 5): a roster of day and night shifts
covering every post from this week's Monday (or yesterday) to six days ahead with one gap
tomorrow afternoon (yesterday's on a Sunday, so this week's grid always shows it), a leader on
duty round the clock,
a night-patrol route whose last night missed one checkpoint, one open anomaly, keys, a cleaning
rota and an emergency plan.

Deterministic for a given ``now`` and idempotent: once the patrol route exists nothing is added.
The shift workers are users without a usable password (they are not demo logins).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.models import Membership, Role
from gatehouse.guard.duties.services import rota_set
from gatehouse.guard.incidents.services import anomaly_report
from gatehouse.guard.keys.services import key_add
from gatehouse.guard.models import (
    EmergencyPlan,
    EmergencyStep,
    LeaderDuty,
    PatrolRoute,
    RouteStop,
    Shift,
)
from gatehouse.guard.patrol.services import patrol_scan, tag_code
from gatehouse.guard.shared import guard_name
from gatehouse.sites.models import Checkpoint, Post, PostKind, Site

DONGHU = "donghu"
ROUTE = "夜间巡更（重点部位）"
ROUTE_CHECKPOINTS = ("cp01", "cp04", "cp05", "cp06", "cp07", "cp08")
MISSED = "cp06"  # 燃气调压站, round 2, last night
ROSTER_DAYS = 8  # yesterday and the next six days, and this week's earlier days
GAP_POST = "西门非机动车道岗"
NAMES = (
    "陈建华", "刘志强", "张国庆", "李海涛", "王立新", "赵永刚", "孙德明", "周文军", "吴长青",
    "郑宏伟", "冯建军", "何玉林", "许卫东", "杨春生", "黄建国", "朱宝林", "马德胜", "胡振华",
    "郭新民", "林志远", "罗国栋", "高永福", "梁红军", "宋德才", "唐光明", "韩成林",
)  # fmt: skip
ROLE_OF = {
    PostKind.GATE: Role.GUARD,
    PostKind.GARAGE: Role.GUARD,
    PostKind.PATROL: Role.PATROL,
    PostKind.MONITORING: Role.MONITORING,
    PostKind.FRONT_DESK: Role.FRONT_DESK,
}


def load_guard_demo(*, now: datetime) -> dict[str, int]:
    """Load the community's guard demo; returns ``{"donghu": rows}`` when it wrote."""
    site = Site.objects.filter(code=DONGHU).first()
    if site is None or PatrolRoute.objects.filter(site=site, name=ROUTE).exists():
        return {}
    if not Checkpoint.objects.filter(site=site, code__in=ROUTE_CHECKPOINTS).exists():
        return {}
    with transaction.atomic():
        count = _Demo(site, now).build()
    return {DONGHU: count}


class _Demo:
    def __init__(self, site: Site, now: datetime) -> None:
        self.site = site
        self.now = now
        self.today = timezone.localtime(now).date()
        self.tz = timezone.get_current_timezone()
        users = get_user_model().objects
        self.logins = {u.username: u for u in users.filter(username__in=self._login_names())}
        self.count = 0

    @staticmethod
    def _login_names() -> tuple[str, ...]:
        return ("guard_east", "guard_west", "patrol", "monitor", "manager", "desk", "admin")

    def at(self, day_offset: int, hour: int, minute: int = 0) -> datetime:
        day = self.today + timedelta(days=day_offset)
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(
            hours=hour, minutes=minute
        )

    def roster_days(self) -> range:
        """Day offsets rostered: this week's Monday (or yesterday, if earlier) to six days on."""
        return range(min(-1, -self.today.weekday()), ROSTER_DAYS - 1)

    def night_days(self) -> range:
        """Nights rostered: from the one before the first day, which covers its early hours."""
        days = self.roster_days()
        return range(days.start - 1, days.stop)

    def gap_day(self) -> int:
        """Tomorrow, unless tomorrow is next week (today a Sunday): then yesterday."""
        return 1 if self.today.weekday() < 6 else -1

    def build(self) -> int:
        self.roster()
        self.leaders()
        self.patrol()
        self.anomaly()
        self.keys_rota_plan()
        return self.count

    # -- the roster: day (08-20) and night (20-08) teams cover every post's headcount --------

    def _worker(self, index: int, role: str) -> Any:
        User = get_user_model()
        username = f"duty{index + 1:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, first_name=NAMES[index])
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self.count += 1
        Membership.objects.get_or_create(user=user, site=self.site, role=role)
        return user

    def roster(self) -> None:
        posts = list(Post.objects.filter(site=self.site).order_by("pk"))
        day_team: list[tuple[Post, Any]] = []
        night_team: list[tuple[Post, Any]] = []
        index = 0
        for post in posts:
            role = ROLE_OF.get(PostKind(post.kind), Role.GUARD)
            for _seat in range(post.headcount):
                for team in (day_team, night_team):
                    if team is night_team and not post.round_the_clock:
                        continue
                    if index < len(NAMES):
                        team.append((post, self._worker(index, role)))
                        index += 1
        self._put_logins(day_team, night_team)
        shifts = []
        for offset in self.roster_days():
            for post, guard in day_team:
                start, end = self.at(offset, 8), self.at(offset, 20)
                if not post.round_the_clock:
                    start = self.at(offset, post.staffed_from.hour)
                    end = self.at(offset, post.staffed_until.hour)
                if (
                    offset == self.gap_day()
                    and post.name == GAP_POST
                    and guard == day_team_first(day_team, GAP_POST)
                ):
                    end = self.at(offset, 14)  # the gap: 西门 short 14:00–20:00
                shifts.append(Shift(site=self.site, post=post, guard=guard, start=start, end=end))
        for offset in self.night_days():
            for post, guard in night_team:
                shifts.append(
                    Shift(
                        site=self.site,
                        post=post,
                        guard=guard,
                        start=self.at(offset, 20),
                        end=self.at(offset + 1, 8),
                    )
                )
        Shift.objects.bulk_create(shifts)
        self.count += len(shifts)

    def _put_logins(self, day_team: list, night_team: list) -> None:
        """The demo logins take their seats: the gate guards by day, the patrol by night."""
        wanted = {
            "guard_east": ("东门非机动车道岗", day_team),
            "guard_west": (GAP_POST, night_team),
            "patrol": ("户外巡逻岗", night_team),
            "monitor": ("监控中心岗", day_team),
        }
        for username, (post_name, team) in wanted.items():
            user = self.logins.get(username)
            if user is None:
                continue
            for i, (post, _guard) in enumerate(team):
                if post.name == post_name:
                    team[i] = (post, user)
                    break

    def leaders(self) -> None:
        names = ("王经理", "李主管")
        duties = [
            LeaderDuty(
                site=self.site,
                leader=self.logins.get("manager") if i % 2 == 0 else None,
                leader_name=names[i % 2],
                phone="0571-8888600" + str(i % 2),
                start=self.at(offset, 8),
                end=self.at(offset + 1, 8),
            )
            for i, offset in enumerate(self.night_days())
        ]
        LeaderDuty.objects.bulk_create(duties)
        self.count += len(duties)

    # -- the patrol: three rounds last night, 燃气调压站 missed in round 2 --------------------

    def patrol(self) -> None:
        route = PatrolRoute.objects.create(
            site=self.site,
            name=ROUTE,
            first_round=time(22, 0),
            rounds=3,
            every_minutes=120,
            grace_minutes=15,
        )
        checkpoints = {
            c.code: c for c in Checkpoint.objects.filter(site=self.site, code__in=ROUTE_CHECKPOINTS)
        }
        for i, code in enumerate(ROUTE_CHECKPOINTS):
            if code in checkpoints:
                RouteStop.objects.create(route=route, checkpoint=checkpoints[code], order=i)
        patrol = self.logins.get("patrol") or self._worker(0, Role.PATROL)
        # last night: the night whose rounds are all over (its last round closes at 04:00)
        last = -1 if timezone.localtime(self.now).hour >= 5 else -2
        for round_no in range(3):
            for i, code in enumerate(ROUTE_CHECKPOINTS):
                if code not in checkpoints or (round_no == 1 and code == MISSED):
                    continue
                when = self.at(last, 22 + 2 * round_no, 8 + 9 * i)
                if round_no == 2 and i == len(ROUTE_CHECKPOINTS) - 1:
                    when = self.at(last, 28, 5)  # the last one late (its window closed 04:00)
                patrol_scan(
                    route=route,
                    actor=patrol,
                    recorded_by=self.logins.get("admin"),
                    code=tag_code(checkpoints[code]),
                    note="正常" if code != "cp07" else "消防通道有电动车停放，已劝离",
                    now=when,
                )
                self.count += 1

    def anomaly(self) -> None:
        reporter = self.logins.get("monitor") or self.logins.get("admin")
        if reporter is None:
            return
        anomaly_report(
            site=self.site,
            actor=reporter,
            recorded_by=self.logins.get("admin"),
            kind="suspicious_vehicle",
            place="地下车库东区",
            description="一辆无牌面包车在车库内来回行驶，已通知巡逻岗跟踪",
            camera="B1-东-03",
            now=self.now - timedelta(minutes=20),
        )
        self.count += 1

    def keys_rota_plan(self) -> None:
        guard = self.logins.get("guard_east")
        actor = self.logins.get("admin") or guard
        if guard is None or actor is None:
            return
        holder = guard_name(guard)
        for label, door in (
            ("东门岗亭钥匙", "东门岗亭"),
            ("配电房钥匙", "地下车库B1配电房"),
            ("物业仓库钥匙", "6栋架空层物业仓库"),
        ):
            key_add(
                site=self.site,
                actor=actor,
                label=label,
                door=door,
                holder=holder,
                now=self.at(-1, 8),
            )
            self.count += 1
        west = self.logins.get("guard_west")
        rota = [g for g in (guard, west) if g is not None]
        rota_set(
            site=self.site, actor=actor, guards=rota, first_day=self.at(-1, 0).date(), now=self.now
        )
        plan = EmergencyPlan.objects.create(site=self.site, name="火灾应急预案")
        for order, (who, minutes) in enumerate(
            (("监控中心值班长", 2), ("项目经理", 5), ("公司分管领导", 10))
        ):
            EmergencyStep.objects.create(plan=plan, order=order, who=who, minutes=minutes)
        self.count += 2


def day_team_first(team: list[tuple[Post, Any]], post_name: str) -> Any:
    return next(guard for post, guard in team if post.name == post_name)
