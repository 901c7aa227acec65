"""The console's navigation: which features each role uses, and where each one lives.

A feature whose page exists names its URL (``url_name``); the others lead to a placeholder page
that says so, until the issue that builds them replaces the entry with a real URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gatehouse.accounts.models import Role


@dataclass(frozen=True)
class Feature:
    slug: str
    title: str | Promise
    summary: str | Promise
    url_name: str | None = None  # None: not built yet, served by the placeholder page
    external: str | None = None  # a fixed path outside the console (the admin)

    @property
    def built(self) -> bool:
        return self.url_name is not None or self.external is not None

    @property
    def url(self) -> str:
        if self.external:
            return self.external
        if self.url_name:
            return reverse(self.url_name)
        return reverse("console:placeholder", args=[self.slug])


_FEATURES = [
    # 门岗
    Feature(
        "pass",
        _("扫码/刷卡放行"),
        _("读卡、扫码或识别车牌后由系统判定放行或拒绝，并记录每一次通行。"),
        "booth:index",
    ),
    Feature(
        "visitor-register",
        _("访客登记"),
        _("登记来客姓名、证件、事由和被访人，征得同意后放行。"),
        "booth:index",
    ),
    Feature(
        "on-site",
        _("在场人员"),
        _("当前仍在园区内的访客和外来车辆，以及逾时未离开的提醒。"),
        "registers:on_site",
    ),
    Feature(
        "mail", _("邮件报刊登记"), _("登记外来信件、报刊和包裹，通知收件人领取。"), "booth:mail"
    ),
    Feature(
        "staff-out",
        _("员工中途外出"),
        _("登记上班期间外出员工的离开时间、返回时间、事由和批准人。"),
        "booth:staff_out",
    ),
    Feature(
        "registers",
        _("登记表"),
        _("来客、员工中途外出、信件报刊登记表和通行事件记录的查询与导出。"),
        "registers:index",
    ),
    Feature(
        "mode",
        _("管理模式"),
        _("常态、加强管控、疫情封闭的切换和防控参数。"),
        "modes:index",
    ),
    Feature(
        "people",
        _("人员查询"),
        _("按姓名、房号、证件号后四位或车牌查找本场所登记的人员。"),
        "console:people",
    ),
    # 客服前台
    Feature(
        "pending",
        _("待确认请求"),
        _("门岗提交的忘带卡、亲友来访等请求，由前台联系业主确认。"),
        "desk:queue",
    ),
    Feature(
        "visitor-booking",
        _("访客预约"),
        _("替业主或企业预约来访，生成有时效的访客二维码。"),
        "desk:invite",
    ),
    Feature(
        "passes",
        _("出入证"),
        _("签发、撤销和打印装修出入证、介绍信和临时出入证。"),
        "passes:list",
    ),
    Feature("release-slip", _("放行条"), _("开具物品放行条，门岗凭条核实放行。")),
    Feature(
        "import",
        _("批量导入"),
        _("从 Excel 表格批量导入住户、凭证和车辆，全部成功或全部不写入。"),
        "console:import_people",
    ),
    # 监控中心
    Feature(
        "live-events",
        _("实时事件"),
        _("各出入口的通行、拒绝和告警事件实时滚动显示。"),
        "registers:events",
    ),
    Feature("anomalies", _("异常情况"), _("记录异常情况并归档相关录像，上报领导。")),
    Feature("dispatch", _("巡逻调度"), _("向巡逻人员派发任务并跟踪处理结果。")),
    # 巡逻
    Feature("rounds", _("巡更"), _("按巡更路线逐点打卡，漏巡和迟到自动标记。")),
    Feature("report", _("上报情况"), _("现场发现的问题拍照上报监控中心。")),
    # 安保主管
    Feature("roster", _("排班"), _("按岗位定员排班，缺岗时段一目了然。")),
    Feature("handover", _("交接班"), _("交接班记录：遗留事项、钥匙和装备，双方签字。")),
    Feature("spot-check", _("抽查"), _("每周抽查考勤和各类登记表，记录违规、通报和罚款。")),
    Feature(
        "admin", _("后台管理"), _("维护场所、人员、凭证、设备等基础资料。"), external="/admin/"
    ),
    # 业主/住户
    Feature("invite", _("邀请访客"), _("为来访亲友生成有时效的访客二维码。"), "resident:invite"),
    Feature(
        "my-requests",
        _("待我确认"),
        _("门岗登记的来访请求，由我同意或拒绝。"),
        "resident:requests",
    ),
    Feature(
        "my-visitors",
        _("我的访客"),
        _("查看和确认来访请求，以及历史来访记录。"),
        "resident:visitors",
    ),
    Feature(
        "my-credentials",
        _("我的凭证"),
        _("本人名下的门禁卡、停车卡、车牌等凭证及其状态。"),
        "console:my_credentials",
    ),
    # 园区管委会
    Feature("admission", _("入园申请"), _("企业入园申请的受理、审查和审批。")),
    Feature("land", _("项目监管"), _("入园项目的用地、投资强度和建设进度监管。")),
    Feature("enterprises", _("企业名录"), _("园区入驻企业名录及其所在分区和行业。")),
    # 物业行业协会
    Feature("rating", _("项目评级"), _("物业服务项目的星级评定。")),
    Feature("credit", _("信用档案"), _("物业服务企业的信用记录。")),
    Feature("rectification", _("整改"), _("整改通知、期限和复查结果。")),
]
FEATURES: dict[str, Feature] = {f.slug: f for f in _FEATURES}

ROLE_NAV: dict[str, tuple[str, ...]] = {
    Role.GUARD: (
        "pass",
        "visitor-register",
        "on-site",
        "mail",
        "staff-out",
        "registers",
        "people",
        "mode",
    ),
    Role.FRONT_DESK: (
        "pending",
        "visitor-booking",
        "passes",
        "release-slip",
        "registers",
        "people",
        "import",
        "mode",
    ),
    Role.MONITORING: ("live-events", "on-site", "anomalies", "dispatch", "registers", "mode"),
    Role.PATROL: ("rounds", "report"),
    Role.SECURITY_MANAGER: (
        "mode",
        "pending",
        "passes",
        "registers",
        "roster",
        "handover",
        "spot-check",
        "people",
        "import",
        "admin",
    ),
    Role.RESIDENT: ("invite", "my-requests", "my-visitors", "my-credentials"),
    Role.PARK_COMMITTEE: ("admission", "land", "enterprises"),
    Role.INDUSTRY_ASSOCIATION: ("rating", "credit", "rectification"),
}
# The order in which a user's roles are listed (and their navigation sections shown).
ROLE_ORDER: tuple[str, ...] = tuple(ROLE_NAV)


def ordered_roles(roles: Iterable[str]) -> list[str]:
    held = set(roles)
    return [r for r in ROLE_ORDER if r in held]


def role_label(role: str) -> str:
    return str(Role(role).label)


@dataclass(frozen=True)
class NavSection:
    role: str
    label: str
    features: list[Feature]


def sections_for(roles: Iterable[str]) -> list[NavSection]:
    """One section per role held, in the fixed role order, each with that role's features."""
    return [
        NavSection(role, role_label(role), [FEATURES[s] for s in ROLE_NAV[role]])
        for role in ordered_roles(roles)
    ]


def features_for(roles: Iterable[str]) -> list[Feature]:
    """The features of all ``roles``, each once, in the order of first appearance."""
    seen: dict[str, Feature] = {}
    for role in ordered_roles(roles):
        for slug in ROLE_NAV[role]:
            seen.setdefault(slug, FEATURES[slug])
    return list(seen.values())
