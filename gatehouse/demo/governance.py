"""The property-service governance demo at 东湖花园, made through the real services.

The community's property company (the site's operator) and its project; last year's annual
assessment scored on the checklist, signed by the four parties and final (two stars), and
this year's scored today and awaiting their opinions; this year's rectification campaign with
one item rectified in time, one overdue (and the warning that bars the company from tenders
while it lasts) and one still open with its daily follow-ups, and the rectification notices
(限期整改通知书) at each stage — rectified, not rectified, being rectified, overdue, just issued
to an owner; the 2019 tender that chose the
company, with a rival since entered in the credit file for dishonesty; and two owners'
arrears, one confirmed by a judgment (on the personal credit record). Dates count back from
the load day.

Runs once: a site that already has a property project is left alone (one query on a re-run).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.governance import district, notices, plans, referrals, services
from gatehouse.governance.models import (
    Campaign,
    Party,
    PropertyCompany,
    PropertyProject,
    RectificationPlan,
)
from gatehouse.sites.models import House, Site

DONGHU = "donghu"
WAN = 1_000_000  # fen in 1万元

# Points per checklist item of the seed checklist: 84 in all (two stars).
_POINTS = {
    "duty_24h": ("9", ""),
    "patrol": ("8", "夜间巡查记录有两晚缺页"),
    "repairs": ("12", "3起水电报修次日才处理"),
    "complaints": ("13", "回访记录不全"),
    "fees_published": ("10", ""),
    "staff_conduct": ("9", "个别秩序维护员未佩戴工牌"),
    "environment": ("8", "5栋北侧有“牛皮癣”小广告"),
    "greenery": ("4", ""),
    "parking": ("3", "地面车辆乱停现象较多"),
    "info_board": ("4", ""),
    "rules": ("4", ""),
}
_OPINIONS = {
    Party.TOWNSHIP: ("关山街道办事处 刘建华", "同意考核结果，望继续加强车辆停放管理。"),
    Party.COMMUNITY: ("东湖社区居委会 张丽", "物业服务总体较好，同意评为二星级。"),
    Party.POLICE: ("关山派出所 王强", "治安防范措施落实，同意。"),
    Party.OWNERS_COMMITTEE: ("东湖花园业主委员会 陈国平", "同意；报修响应速度仍需提高。"),
}


def build_governance_demo(*, now: datetime) -> dict[str, int]:
    """Load the community's governance demo; returns ``{"donghu": rows}`` when it wrote. The
    campaign plan, the referrals and the red-flag rounds (issue 17 §3) come in a second part,
    so a demo loaded before them gets them on its next run."""
    if RectificationPlan.objects.filter(campaign__site__code=DONGHU).exists():
        return {}
    site = Site.objects.filter(code=DONGHU).first()
    if site is None:
        return {}
    actor = get_user_model().objects.filter(username="admin").first()
    count = 0
    with transaction.atomic():
        if not PropertyProject.objects.filter(site=site).exists():
            count += _Community(site, actor, now).build()
        count += _PlanDemo(site, actor, now).build()
    return {DONGHU: count}


class _Community:
    def __init__(self, site: Site, actor: Actor, now: datetime) -> None:
        self.site = site
        self.actor = actor
        self.now = now
        self.today = timezone.localdate(now)
        self.count = 0

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def company(self, name: str, qualification: str) -> PropertyCompany:
        found = PropertyCompany.objects.filter(name=name).first()
        if found is not None:
            return found
        self.count += 1
        return services.company_create(
            site=self.site,
            actor=self.actor,
            now=self.now,
            name=name,
            qualification=qualification,
        )

    def build(self) -> int:
        ours = self.company(self.site.operator or "武汉楚天物业服务有限公司", "物业服务一级")
        rival = self.company("武汉江城佳园物业管理有限公司", "物业服务二级")
        third = self.company("武汉汉阳兴业物业有限公司", "物业服务二级")
        fourth = self.company("湖北鸿泰物业服务有限公司", "物业服务一级")
        tender_day = min(date(2019, 6, 18), self.today)
        services.tender_record(
            site=self.site,
            actor=self.actor,
            now=self.now,
            stage="preliminary",
            method="tender",
            bidders=[ours, rival, third, fourth],
            winner=ours,
            decided_on=tender_day,
            note="前期物业服务招标，4家企业投标",
        )
        services.credit_record_add(
            company=rival,
            site=self.site,
            actor=self.actor,
            now=self.now,
            recorded_on=self.ago(700),
            reason="在其他小区擅自撤离、拒不移交物业服务用房和资料",
            source="区房管局通报",
        )
        project = services.project_create(
            site=self.site,
            actor=self.actor,
            now=self.now,
            company=ours,
            name=f"{self.site.name}物业服务项目",
            since=min(date(2019, 7, 1), self.today),
        )
        self.count += 3
        self._assessment(project)
        self._campaign(project, ours)
        self._this_year(project)
        self._arrears()
        return self.count

    def _assessment(self, project: PropertyProject) -> None:
        year = self.today.year - 1
        # scored in January, or early enough before an early-year load that the red-flag rounds
        # of the last three months (``_PlanDemo._rounds``) have a finalised score to judge
        assessed = min(date(year + 1, 1, 20), self.today - timedelta(days=91))
        assessment = services.assessment_score(
            project=project,
            actor=self.actor,
            now=self.now,
            year=year,
            assessed_on=assessed,
            points={k: Decimal(v) for k, (v, _n) in _POINTS.items()},
            notes={k: n for k, (_v, n) in _POINTS.items()},
        )
        for offset, (party, (signer, opinion)) in enumerate(_OPINIONS.items(), start=3):
            services.signoff_record(
                assessment=assessment,
                actor=self.actor,
                now=self.now,
                party=party,
                signer=signer,
                opinion=opinion,
                signed_on=min(assessed + timedelta(days=offset), self.today),
            )
        services.assessment_finalise(assessment=assessment, actor=self.actor, now=self.now)
        self.count += 6

    def _this_year(self, project: PropertyProject) -> None:
        """This year's assessment, scored today and awaiting the parties' opinions: the
        campaign's overdue item is deducted (GV-04) and the registers give their evidence."""
        points = {k: Decimal(v) for k, (v, _n) in _POINTS.items()}
        points["parking"] = Decimal(2)
        points["repairs"] = Decimal(13)
        services.assessment_score(
            project=project,
            actor=self.actor,
            now=self.now,
            year=self.today.year,
            assessed_on=self.today,
            points=points,
            notes={"parking": "消防通道占用整改逾期", "repairs": "报修响应有改善"},
        )
        self.count += 1

    def _campaign(self, project: PropertyProject, company: PropertyCompany) -> None:
        start = self.ago(60)
        campaign = services.campaign_create(
            site=self.site,
            actor=self.actor,
            now=self.now,
            title=f"{self.today.year}年封闭式小区环境综合整治",
            starts_on=start,
            ends_on=self.today + timedelta(days=60),
            leader="组长 王宝春；副组长 徐书红；成员 张明亮、张炜、姜文革及各物业公司负责人",
        )
        inspection = services.inspection_record(
            campaign=campaign,
            project=project,
            actor=self.actor,
            now=self.now,
            inspected_on=self.ago(55),
            inspectors="张明亮、姜文革",
            summary="对照“四城同创”整治指标逐项检查，发现问题3项，下达限期整改通知书",
        )
        done = services.item_issue(
            inspection=inspection,
            actor=self.actor,
            now=self.now,
            ref=f"东湖整改〔{self.today.year}〕1号",
            finding="5栋北侧墙面“牛皮癣”小广告未清理",
            standard="environment",
            deadline=self.ago(40),
        )
        services.item_rectified(
            item=done, actor=self.actor, now=self.now, rectified_on=self.ago(45)
        )
        late = services.item_issue(
            inspection=inspection,
            actor=self.actor,
            now=self.now,
            ref=f"东湖整改〔{self.today.year}〕2号",
            finding="地面机动车乱停乱放，占用消防通道（5栋—6栋）",
            standard="parking",
            deadline=self.ago(25),
        )
        services.follow_up_record(
            item=late, actor=self.actor, now=self.now, on=self.ago(30), note="已张贴告示，未见好转"
        )
        services.warning_issue(
            campaign=campaign,
            company=company,
            actor=self.actor,
            now=self.now,
            start=self.ago(20),
            end=self.today + timedelta(days=70),
        )
        open_item = services.item_issue(
            inspection=services.inspection_record(
                campaign=campaign,
                project=project,
                actor=self.actor,
                now=self.now,
                inspected_on=self.ago(5),
                inspectors="张炜",
                summary="复查：发现公共信息服务栏内容过期",
            ),
            actor=self.actor,
            now=self.now,
            ref=f"东湖整改〔{self.today.year}〕3号",
            finding="公共信息服务栏未更新创建宣传内容",
            standard="info_board",
            deadline=self.today + timedelta(days=10),
        )
        for days, note in ((2, "已联系广告公司制作新版面"), (1, "新版面制作中")):
            services.follow_up_record(
                item=open_item, actor=self.actor, now=self.now, on=self.ago(days), note=note
            )
        self.count += 10
        self._notices(done, late, open_item)

    def at(self, days: int, hour: int = 10) -> datetime:
        """``days`` before the load day at ``hour`` o'clock (Asia/Shanghai)."""
        day = self.ago(days)
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

    def _notice(
        self,
        issued: int,
        deadline: date,
        *,
        delivered: int | None = None,
        to: str = "",
        checked: tuple[int, str, str] | None = None,
        **content: Any,
    ) -> None:
        """One notice issued ``issued`` days ago, delivered ``delivered`` days ago to ``to``,
        checked ``checked`` = (days ago, result, note), each as of its own day."""
        issued_at = min(self.at(issued, 9), self.now)
        notice = notices.notice_issue(
            site=self.site, actor=self.actor, now=issued_at, deadline=deadline, **content
        )
        self.count += 1
        if delivered is None:
            return
        delivered_at = max(min(self.at(delivered, 15), self.now), issued_at)
        notice = notices.notice_deliver(
            notice=notice,
            actor=self.actor,
            now=delivered_at,
            delivered_at=delivered_at,
            receiver=to,
            method="in_person",
        )
        if checked is not None:
            days, result, note = checked
            notices.notice_close(
                notice=notice,
                actor=self.actor,
                now=max(min(self.at(days, 16), self.now), delivered_at),
                checked_on=self.ago(days),
                result=result,
                note=note,
            )

    def _notices(self, done: Any, late: Any, open_item: Any) -> None:
        """限期整改通知书 at each stage: rectified, not rectified, being rectified, overdue
        unchecked, and one just issued to an owner, not yet delivered."""
        company: dict[str, Any] = {"kind": "company", "issuer": "区物业行业协会"}
        fire = "《中华人民共和国消防法》第二十八条；《物业管理条例》第四十六条"
        self._notice(
            55,
            done.deadline,
            delivered=55,
            to="楚天物业项目经理 李军",
            checked=(45, "rectified", "小广告已清理，墙面已粉刷"),
            item=done,
            finding=done.finding,
            items="清理5栋北侧墙面小广告\n墙面重新粉刷",
            basis="《城市市容和环境卫生管理条例》第十七条；考核清单“环境卫生”",
            **company,
        )
        self._notice(
            55,
            late.deadline,
            delivered=54,
            to="楚天物业项目经理 李军",
            checked=(24, "not_rectified", "消防通道仍有车辆停放，记录档案并予以警示"),
            item=late,
            finding=late.finding,
            items="清理占用消防通道的车辆\n施划消防通道禁停标线\n安排秩序维护员巡查劝导",
            basis=fire,
            **company,
        )
        self._notice(
            5,
            open_item.deadline,
            delivered=4,
            to="楚天物业客服主管 周敏",
            item=open_item,
            finding=open_item.finding,
            items="更新公共信息服务栏创建宣传内容\n公示物业收费项目和标准",
            basis="考核清单“公共信息服务栏”；专项整治实施方案",
            **company,
        )
        houses = list(House.objects.filter(site=self.site).order_by("number")[:2])
        if len(houses) < 2:
            return
        owner: dict[str, Any] = {"kind": "house", "issuer": f"{self.site.name}物业服务中心"}
        self._notice(
            20,
            self.ago(2),
            delivered=19,
            to="业主 本人",
            house_number=houses[0].number,
            finding="楼道内堆放纸箱、旧家具，占用疏散通道",
            items="清理楼道内堆放物品",
            basis="《管理规约》第六条；《中华人民共和国消防法》第二十八条",
            **owner,
        )
        self._notice(
            1,
            self.today + timedelta(days=14),
            house_number=houses[1].number,
            finding="毁坏公共绿地种植蔬菜",
            items="清除种植物\n恢复绿地原状",
            basis="《管理规约》第八条；《物业管理条例》第五十条",
            **owner,
        )

    def _arrears(self) -> None:
        houses = list(House.objects.filter(site=self.site).order_by("number")[:2])
        numbers = [h.number for h in houses] + ["", ""]
        services.arrears_record(
            site=self.site,
            actor=self.actor,
            now=self.now,
            owner_name="孙德明",
            house_number=numbers[0],
            arrears_fen=486_000,
            confirmed_by="judgment",
            confirmed_on=self.ago(120),
            case_ref=f"（{self.today.year}）鄂0111民初1234号",
        )
        services.arrears_record(
            site=self.site,
            actor=self.actor,
            now=self.now,
            owner_name="吴秀芳",
            house_number=numbers[1],
            arrears_fen=129_600,
        )
        self.count += 2


class _PlanDemo:
    """The company's plan in this year's campaign (自查、分类、倒排进度表, reported to 住建委) with
    one task done, one overdue and one not started in time; the committees' comments; violations
    referred to 城管 and the police at every step (two overdue); and the red-flag rounds of the
    last three months: awarded, kept, then withheld while the company is under a warning."""

    def __init__(self, site: Site, actor: Actor, now: datetime) -> None:
        self.site = site
        self.actor = actor
        self.now = now
        self.today = timezone.localdate(now)
        self.count = 0

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def at(self, days: int, hour: int = 10) -> datetime:
        day = self.ago(days)
        return min(timezone.make_aware(datetime(day.year, day.month, day.day, hour)), self.now)

    def build(self) -> int:
        campaign = Campaign.objects.filter(site=self.site).order_by("-starts_on").first()
        project = PropertyProject.objects.filter(site=self.site, until__isnull=True).first()
        if campaign is not None and project is not None:
            self._plan(campaign, project)
        self._referrals()
        self._rounds()
        return self.count

    def _plan(self, campaign: Campaign, project: PropertyProject) -> None:
        plan = plans.plan_create(
            campaign=campaign, project=project, actor=self.actor, now=self.at(56)
        )
        plans.self_inspection_record(
            plan=plan,
            actor=self.actor,
            now=self.at(55),
            on=max(self.ago(55), campaign.starts_on),
            summary="对照整治指标逐项自查：环境卫生、车辆停放、公示栏、绿化和收费公示存在问题",
        )
        for category, severity, text in (
            ("sanitation", "major", "5栋、6栋北侧墙面“牛皮癣”小广告"),
            ("duty", "serious", "地面车辆乱停，占用5栋—6栋消防通道"),
            ("info_board", "minor", "公共信息服务栏内容过期，未张贴整治宣传"),
            ("greenery", "minor", "中心花园绿化带缺株、被踩踏"),
            ("fees", "minor", "收费项目和标准公示未更新"),
        ):
            plans.problem_add(
                plan=plan,
                actor=self.actor,
                now=self.at(55),
                category=category,
                severity=severity,
                description=text,
            )
        tasks = {}
        for key, phase, title, days, owner in (
            ("ads", 1, "清理墙面小广告", 10, "保洁主管 刘红"),
            ("ledger", 1, "建立问题台账、分解任务到人", 7, "项目经理 李军"),
            ("lines", 2, "施划消防通道禁停标线、张贴告示", 20, "秩序维护主管 王勇"),
            ("green", 3, "补植中心花园绿化带", 25, "绿化班长 赵四"),
            ("board", 4, "更新公共信息服务栏和收费公示", 15, "客服主管 周敏"),
            ("accept", 5, "组织验收，书面报告区住建委", 5, "项目经理 李军"),
        ):
            tasks[key] = plans.task_add(
                plan=plan,
                actor=self.actor,
                now=self.at(54),
                phase=phase,
                title=title,
                days=days,
                owner=owner,
            )
        self.count += 13
        plans.plan_report(plan=plan, actor=self.actor, now=self.at(50))
        start = max(self.ago(20), campaign.starts_on)
        plans.task_progress(
            task=tasks["ads"],
            actor=self.actor,
            now=self.now,
            started_on=start,
            finished_on=min(start + timedelta(days=8), self.today),
        )
        plans.task_progress(
            task=tasks["ledger"],
            actor=self.actor,
            now=self.now,
            started_on=max(self.ago(15), campaign.starts_on),
            finished_on=None,
        )
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=["juweihui", "yeweihui"])
        }
        for username, role, days, body in (
            (
                "juweihui",
                "residents_committee",
                48,
                "建议消防通道施划标线前先张贴告示，居委会可协助入户宣传。",
            ),
            (
                "yeweihui",
                "owners_committee",
                3,
                "业委会每周跟踪倒排进度表：禁停标线至今未开工，请物业说明原因并尽快开工。",
            ),
        ):
            user = users.get(username)
            if user is not None:
                plans.comment_add(
                    plan=plan, actor=user, role=role, now=self.at(days, 16), body=body
                )
                self.count += 1

    def _referrals(self) -> None:
        for kind, place, text, days, received, handled in (
            (
                "dogs",
                "3栋楼下",
                "业主遛大型犬不拴绳，多次劝阻无效",
                30,
                (29, "关山派出所 王强"),
                (20, "民警上门教育，业主办理犬证并承诺拴绳"),
            ),
            ("poultry", "6栋后院", "在公共绿地圈养鸡鸭，气味扰民", 6, None, None),
            ("greenery", "中心花园", "毁坏绿地种植蔬菜", 3, (2, "东湖城管中队 刘洋"), None),
            (
                "parking",
                "5栋—6栋消防通道",
                "外来车辆长期占用消防通道，物业劝离无效",
                20,
                (19, "交警大队 李明"),
                None,
            ),
        ):
            row = referrals.referral_create(
                site=self.site,
                actor=self.actor,
                now=self.at(days),
                kind=kind,
                place=place,
                description=text,
                referred_on=self.ago(days),
                attempts="物业上门劝导并书面告知",
            )
            if received is not None:
                row = referrals.referral_step(
                    referral=row,
                    actor=self.actor,
                    now=self.at(received[0]),
                    step="received",
                    on=self.ago(received[0]),
                    name=received[1],
                )
            if handled is not None:
                referrals.referral_step(
                    referral=row,
                    actor=self.actor,
                    now=self.at(handled[0]),
                    step="handled",
                    on=self.ago(handled[0]),
                    result=handled[1],
                )
            self.count += 1

    def _rounds(self) -> None:
        """Three monthly rounds among the communities the association rates."""
        association = get_user_model().objects.filter(username="association").first()
        if association is None:
            return
        sites = district.district_sites(association)
        for start, end in ((90, 61), (60, 31), (30, 1)):
            district.award_round(
                sites=sites,
                actor=association,
                now=self.at(end - 1, 9) if end > 1 else self.now,
                period_start=self.ago(start),
                period_end=self.ago(end),
            )
            self.count += 1
