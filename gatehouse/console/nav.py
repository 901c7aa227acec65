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
    # 校园 (T3)
    Feature(
        "my-pickups",
        _("预约接送"),
        _("家长预约接孩子或来校，经班主任确认后凭证件入校；无预约不得入校。"),
        "campus:parent",
    ),
    Feature(
        "class-desk",
        _("班级接送与请假"),
        _("班主任确认家长预约、开具学生请假条；在校时间学生凭请假条离校。"),
        "campus:teacher",
    ),
    Feature(
        "food-samples",
        _("食品留样记录"),
        _("食堂每餐每个品种留样不少于125克、保存48小时后处理；超时未处理标红提醒，可导出Excel。"),
        "campus:samples",
    ),
    Feature(
        "supply-certificates",
        _("索证索票"),
        _("食堂供应商的证照和每批进货的查验、票据；证照缺失或过期不得验收，30天内到期提醒。"),
        "campus:supply",
    ),
    Feature(
        "campus-guards",
        _("驻校保安食宿"),
        _("保安公司派驻人员的住宿、就餐登记和学校的监督检查、整改销号。"),
        "campus:guards",
    ),
    Feature(
        "screenings",
        _("排查与跟进"),
        _("心理健康、矛盾纠纷、重点人员排查及跟进措施；敏感情况仅负责老师可见，查看留痕。"),
        "screenings:cases",
    ),
    Feature(
        "police-campaigns",
        _("专项行动"),
        _("会同派出所收缴管制刀具、防坠楼检查：检查部位、隐患整改期限与进度，打印工作报告。"),
        "screenings:campaigns",
    ),
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
        "vehicle-gate",
        _("车辆岗"),
        _("车牌识别或刷卡后由系统判定，送货、公务、来访车辆按规定登记，出场收取停车费。"),
        "vehicles:index",
    ),
    Feature(
        "vehicle-register",
        _("外来车辆登记"),
        _("外来车辆进出登记表：送货、公务、来访、出租车的进出时间和限停时间。"),
        "vehicles:register",
    ),
    Feature(
        "violation-report",
        _("登记车辆违规"),
        _("手机登记违规停放、超速、鸣笛、损坏设施等，拍照留证，系统给出处理意见。"),
        "traffic:violation_new",
    ),
    Feature(
        "violations",
        _("车辆违规登记表"),
        _("园区内车辆违规及劝阻、通报所在单位、报警的处理记录，累计违规自动升级。"),
        "traffic:violations",
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
    Feature("release-slip", _("放行条"), _("开具物品放行条，门岗凭条核实放行。"), "goods:slips"),
    Feature(
        "bulletin",
        _("公告栏"),
        _("发布物业公告、收费标准、活动与整治和疫情防控通知，住户手机查看，打印张贴。"),
        "bulletin:notices",
    ),
    Feature(
        "goods-gate",
        _("物品放行核验"),
        _("扫描放行条逐项核对出区物品；危险物品、装修材料进入登记。"),
        "goods:gate",
    ),
    Feature(
        "goods-register",
        _("物品登记表"),
        _("物品放行登记和危险物品、装修材料进入登记的查询与导出。"),
        "goods:registers",
    ),
    Feature(
        "my-slips",
        _("放行条申请"),
        _("搬出物品前在线申请放行条，出门出示二维码。"),
        "goods:my_slips",
    ),
    Feature(
        "parking-passes",
        _("车辆出入证"),
        _("办理、补办、收回和退还车辆出入证，一车位一证，收取押金和工本费。"),
        "parking:passes",
    ),
    Feature(
        "leases",
        _("车位租赁"),
        _("签订车位租赁、续租缴费、提前终止退款，到期未续租的车位自动释放。"),
        "parking:leases",
    ),
    Feature(
        "tariffs",
        _("收费标准"),
        _("公示的停车收费标准和出入证押金、工本费；计算临时停车费。"),
        "parking:tariffs",
    ),
    Feature(
        "income-report",
        _("日收入报表"),
        _("每日停车费、工本费、押金和退款，按类型和付款方式汇总，可导出。"),
        "parking:income",
    ),
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
    Feature(
        "anomalies",
        _("异常情况"),
        _("记录异常情况并归档相关录像，上报领导。"),
        "guard:anomalies",
    ),
    Feature("dispatch", _("巡逻调度"), _("向巡逻人员派发任务并跟踪处理结果。"), "guard:dispatch"),
    Feature(
        "devices",
        _("设备状态"),
        _("各出入口设备的在线状态、最近通信、待下发指令和离线告警设置。"),
        "devices:index",
    ),
    Feature(
        "jobs",
        _("定时任务"),
        _("各项定时任务（过期处理、告警扫描、清理等）的周期、最近运行结果，可立即运行。"),
        "jobs:jobs",
    ),
    # 安保值勤 (issue 5)
    Feature(
        "board",
        _("监控大屏"),
        _("通行事件、未结异常、巡更进度、调度和告警实时显示。"),
        "guard:board",
    ),
    Feature(
        "emergency",
        _("应急预案"),
        _("启动应急预案，按报告链逐级通知并记录每一级确认。"),
        "guard:emergency",
    ),
    Feature(
        "patrol-register",
        _("巡查记录表"),
        _("夜间安保巡查记录表：每个巡查点的打卡时间，漏检和超时标红。"),
        "guard:patrol_register",
    ),
    Feature("keys", _("钥匙"), _("每把钥匙现在由谁保管，交接和遗失记录。"), "guard:keys"),
    Feature(
        "absence",
        _("临时离岗"),
        _("临时离开门卫室：关上大门或写明照看人，登记离开和返回。"),
        "guard:absence",
    ),
    Feature("cleaning", _("卫生轮流表"), _("门卫日常卫生轮流表和每日完成情况。"), "guard:cleaning"),
    Feature(
        "patrol-routes",
        _("巡更路线"),
        _("巡更路线、巡查点和时段，打印巡查点二维码。"),
        "guard:routes",
    ),
    Feature(
        "hazards",
        _("隐患排查"),
        _("宿舍、食堂、燃气、消防通道等重点部位的隐患、责任人和整改期限。"),
        "guard:hazards",
    ),
    Feature(
        "hotline",
        _("服务热线"),
        _("24小时热线：来电和投诉登记为工单，答复、跟进和回访。"),
        "guard:hotline",
    ),
    Feature(
        "guard-settings",
        _("安保参数"),
        _("接班提前到岗、异常确认时限、热线答复与回访时限、重复违规罚款等本场所设定。"),
        "guard:settings",
    ),
    Feature("ledger", _("违规台账"), _("每名门卫的通报和罚款记录。"), "guard:ledger"),
    # 巡逻
    Feature("rounds", _("巡更"), _("按巡更路线逐点打卡，漏巡和迟到自动标记。"), "guard:patrol"),
    Feature("report", _("上报情况"), _("现场发现的问题拍照上报监控中心。"), "guard:report"),
    # 安保主管
    Feature("roster", _("排班"), _("按周查看各岗位的排班，缺岗时段标红。"), "guard:roster"),
    Feature(
        "handover",
        _("交接班"),
        _("交接班记录：遗留事项、钥匙和装备，双方签字。"),
        "guard:handover",
    ),
    Feature(
        "spot-check",
        _("抽查"),
        _("每周抽查考勤和各类登记表，记录违规、通报和罚款。"),
        "guard:spot_checks",
    ),
    Feature(
        "messages",
        _("通知消息"),
        _("短信、群机器人和系统内通知的发送状态，失败的可重新发送。"),
        "notify:messages",
    ),
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
        "my-bulletin",
        _("公告"),
        _("物业发布给本楼栋和全体住户的公告、收费标准和通知。"),
        "bulletin:my_board",
    ),
    Feature(
        "my-repairs",
        _("报修"),
        _("手机报修水电、门锁和公共区域问题，拍照上传，跟踪维修进度并确认。"),
        "repairs:my_orders",
    ),
    Feature(
        "my-credentials",
        _("我的凭证"),
        _("本人名下的门禁卡、停车卡、车牌等凭证及其状态。"),
        "console:my_credentials",
    ),
    # 报修 (issue 17 §4; GV-05)
    Feature(
        "repairs",
        _("报修工单"),
        _("住户报修的派单、超时提醒和回访；水电小修不过夜，报修登记表可导出。"),
        "repairs:orders",
    ),
    Feature(
        "repair-work",
        _("我的维修工单"),
        _("派给我的维修工单，开始维修、完工拍照。"),
        "repairs:work",
    ),
    # 疫情防控 (T8: M-03, M-04)
    Feature(
        "epidemic-grids",
        _("防控网格"),
        _("街道、社区、楼院三级网格，网格员、志愿者和“五有一网格”落实情况。"),
        "epidemic:grids",
    ),
    Feature(
        "returnees",
        _("返乡人员监测"),
        _("返乡人员核酸检测、14天居家健康监测、每7天检测和每日健康上报，跟踪到结案。"),
        "epidemic:cases",
    ),
    Feature(
        "epidemic-ledgers",
        _("防控台账"),
        _("入户排查登记，消毒、防护物资发放、医废垃圾收集运输台账，可导出和打印。"),
        "epidemic:ledgers",
    ),
    Feature(
        "epidemic-outings",
        _("居民出行限额"),
        _("疫情封闭期间每户每几天可外出几人次，在出口按户计数并告知下次可外出时间。"),
        "epidemic:outings",
    ),
    Feature(
        "my-grid",
        _("我的网格"),
        _("我负责的楼栋房屋、居家监测人员和待处理提醒。"),
        "epidemic:my_grid",
    ),
    Feature(
        "my-health",
        _("健康上报"),
        _("发热、咳嗽或14天内旅居史及时上报；居家监测期间每日上报体温。"),
        "epidemic:my_health",
    ),
    # 园区管委会
    Feature(
        "admission",
        _("入园申请"),
        _("企业入园申请的受理、审查和审批。"),
        "admission:applications",
    ),
    Feature("land", _("项目监管"), _("入园项目的用地、投资强度和建设进度监管。"), "admission:land"),
    Feature(
        "enterprises",
        _("企业名录"),
        _("园区入驻企业名录及其所在分区和行业。"),
        "admission:enterprises",
    ),
    # 物业行业协会
    Feature("rating", _("项目评级"), _("物业服务项目的星级评定。"), "governance:rating"),
    Feature("credit", _("信用档案"), _("物业服务企业的信用记录。"), "governance:credit"),
    Feature(
        "rectification",
        _("整改"),
        _("整改通知、期限和复查结果。"),
        "governance:rectification",
    ),
    Feature(
        "rectify-notices",
        _("限期整改通知书"),
        _("下达、送达和复查限期整改通知书，逾期未整改的标红，打印A4通知书。"),
        "governance:notices",
    ),
    Feature(
        "campaign-plans",
        _("整治工作方案"),
        _(
            "各物业企业的自查、问题分类、整治工作倒排进度表和上报住建委；居委会、业委会查看并提出意见。"
        ),
        "governance:plans",
    ),
    Feature(
        "referrals",
        _("违法行为移交"),
        _("毁绿、养禽、养犬、乱停车等物业无法解决的违法行为移交城管或公安，跟踪受理和处理结果。"),
        "governance:referrals",
    ),
    Feature(
        "district",
        _("全区概览"),
        _("各小区评级、警示、整改通知和整治进度并列对比；文明物业小区评选和流动红旗。"),
        "governance:district",
    ),
]
FEATURES: dict[str, Feature] = {f.slug: f for f in _FEATURES}

ROLE_NAV: dict[str, tuple[str, ...]] = {
    Role.GUARD: (
        "pass",
        "visitor-register",
        "on-site",
        "vehicle-gate",
        "mail",
        "staff-out",
        "goods-gate",
        "violation-report",
        "registers",
        "goods-register",
        "violations",
        "people",
        "mode",
        "handover",
        "keys",
        "absence",
        "cleaning",
        "report",
    ),
    Role.FRONT_DESK: (
        "pending",
        "visitor-booking",
        "passes",
        "parking-passes",
        "leases",
        "tariffs",
        "income-report",
        "release-slip",
        "bulletin",
        "repairs",
        "registers",
        "goods-register",
        "violations",
        "people",
        "import",
        "mode",
        "epidemic-grids",
        "returnees",
        "epidemic-ledgers",
        "epidemic-outings",
    ),
    Role.MONITORING: (
        "live-events",
        "on-site",
        "vehicle-register",
        "violations",
        "anomalies",
        "dispatch",
        "registers",
        "mode",
        "board",
        "emergency",
        "patrol-register",
        "hotline",
        "devices",
    ),
    Role.PATROL: ("rounds", "report", "violation-report"),
    Role.SECURITY_MANAGER: (
        "mode",
        "pending",
        "passes",
        "parking-passes",
        "leases",
        "tariffs",
        "income-report",
        "release-slip",
        "bulletin",
        "repairs",
        "goods-gate",
        "registers",
        "goods-register",
        "violations",
        "roster",
        "handover",
        "spot-check",
        "board",
        "anomalies",
        "emergency",
        "patrol-routes",
        "patrol-register",
        "cleaning",
        "hazards",
        "hotline",
        "ledger",
        "guard-settings",
        "rectify-notices",
        "campaign-plans",
        "referrals",
        "devices",
        "jobs",
        "people",
        "import",
        "messages",
        "admin",
        "epidemic-grids",
        "returnees",
        "food-samples",
        "supply-certificates",
        "campus-guards",
        "screenings",
        "police-campaigns",
        "epidemic-ledgers",
        "epidemic-outings",
    ),
    Role.RESIDENT: (
        "invite",
        "my-requests",
        "my-visitors",
        "my-credentials",
        "my-slips",
        "my-bulletin",
        "my-repairs",
        "my-health",
    ),
    Role.PARK_COMMITTEE: ("admission", "land", "enterprises", "rectify-notices"),
    Role.INDUSTRY_ASSOCIATION: (
        "district",
        "rating",
        "credit",
        "rectification",
        "rectify-notices",
        "campaign-plans",
        "referrals",
    ),
    Role.GRID_OFFICER: ("my-grid", "returnees"),
    Role.MAINTENANCE: ("repair-work",),
    Role.TEACHER: ("class-desk",),
    Role.PARENT: ("my-pickups",),
    Role.RESIDENTS_COMMITTEE: ("campaign-plans",),
    Role.OWNERS_COMMITTEE: ("campaign-plans",),
    Role.COUNSELLOR: ("screenings",),
    Role.SCHOOL_SAFETY: ("screenings", "police-campaigns"),
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


# -- the bar: the day's work first, the rest in grouped menus ---------------------------------


@dataclass(frozen=True)
class NavGroup:
    slug: str
    title: str | Promise
    features: tuple[str, ...]


#: Every feature belongs to one group (a test holds the list to it); the groups' order is the
#: menus' order.
GROUPS: tuple[NavGroup, ...] = (
    NavGroup(
        "gate",
        _("门岗通行"),
        (
            "pass",
            "visitor-register",
            "on-site",
            "vehicle-gate",
            "mail",
            "staff-out",
            "goods-gate",
            "people",
        ),
    ),
    NavGroup(
        "desk",
        _("前台服务"),
        (
            "pending",
            "visitor-booking",
            "passes",
            "release-slip",
            "bulletin",
            "repairs",
            "my-slips",
            "import",
        ),
    ),
    NavGroup(
        "parking",
        _("车辆与停车"),
        (
            "vehicle-register",
            "violation-report",
            "violations",
            "parking-passes",
            "leases",
            "tariffs",
            "income-report",
        ),
    ),
    NavGroup(
        "registers",
        _("登记与报表"),
        (
            "registers",
            "goods-register",
            "live-events",
            "patrol-register",
            "rectify-notices",
            "food-samples",
            "supply-certificates",
            "campus-guards",
            "screenings",
            "police-campaigns",
            "referrals",
            "campaign-plans",
        ),
    ),
    NavGroup(
        "monitor",
        _("监控与应急"),
        (
            "board",
            "anomalies",
            "dispatch",
            "emergency",
            "devices",
            "jobs",
            "hotline",
            "mode",
            # epidemic management beyond the gate (T8), beside the epidemic mode
            "epidemic-grids",
            "returnees",
            "epidemic-ledgers",
            "epidemic-outings",
        ),
    ),
    NavGroup(
        "team",
        _("值勤与队伍"),
        (
            "roster",
            "handover",
            "spot-check",
            "keys",
            "absence",
            "cleaning",
            "patrol-routes",
            "hazards",
            "ledger",
            "guard-settings",
            "rounds",
            "report",
        ),
    ),
    NavGroup(
        "mine",
        _("我的"),
        (
            "invite",
            "my-requests",
            "my-visitors",
            "my-credentials",
            "my-bulletin",
            "my-repairs",
            "my-health",
            "my-grid",
            "repair-work",
            "my-pickups",
            "class-desk",
        ),
    ),
    NavGroup("park", _("园区管理"), ("admission", "land", "enterprises")),
    NavGroup(
        "association",
        _("行业监管"),
        ("district", "rating", "credit", "rectification"),
    ),
    NavGroup("system", _("系统"), ("messages", "admin")),
)
GROUP_OF: dict[str, NavGroup] = {slug: g for g in GROUPS for slug in g.features}

#: A role's day's work: shown in the bar itself, before the menus, in this order.
ROLE_FIRST: dict[str, tuple[str, ...]] = {
    Role.GUARD: ("pass", "vehicle-gate", "on-site", "mail", "goods-gate"),
    Role.FRONT_DESK: ("pending", "visitor-booking", "passes", "release-slip"),
    Role.MONITORING: ("board", "live-events", "anomalies", "dispatch", "devices"),
    Role.SECURITY_MANAGER: ("board", "anomalies", "pending", "roster", "spot-check"),
}
#: Up to this many features the bar lists them all, without menus.
FLAT_UP_TO = 7
#: At most this many features stand in the bar before the menus (several roles held).
FIRST_AT_MOST = 6


@dataclass(frozen=True)
class NavMenu:
    group: NavGroup
    features: list[Feature]


@dataclass(frozen=True)
class NavBar:
    first: list[Feature]
    menus: list[NavMenu]


def bar_for(roles: Iterable[str]) -> NavBar:
    """The navigation bar of a user holding ``roles``: every feature once. A short list stands
    in the bar as it is; a long one shows the roles' day's work first (:data:`ROLE_FIRST`) and
    the rest in one menu per group (:data:`GROUPS`), so a manager's 27 features fit a 1,366 px
    window."""
    features = features_for(roles)
    if len(features) <= FLAT_UP_TO:
        return NavBar(features, [])
    mine = {f.slug for f in features}
    first_slugs: list[str] = []
    for role in ordered_roles(roles):
        for slug in ROLE_FIRST.get(role, ()):
            if slug in mine and slug not in first_slugs and len(first_slugs) < FIRST_AT_MOST:
                first_slugs.append(slug)
    rest = [f for f in features if f.slug not in first_slugs]
    menus = []
    for group in GROUPS:
        listed = [FEATURES[s] for s in group.features if s in {f.slug for f in rest}]
        if listed:
            menus.append(NavMenu(group, listed))
    return NavBar([FEATURES[s] for s in first_slugs], menus)
