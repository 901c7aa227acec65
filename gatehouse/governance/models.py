"""Property-service governance (SPEC §10, GV-01 … GV-05; sources T5, T6).

The records the industry association (物业行业协会) keeps; every rule about them lives in
:mod:`gatehouse.core.rating`, to which the services hand these records as plain values.

* ``PropertyCompany`` is a property-service company (district-wide: its credit file and tender
  bans follow it from project to project); ``PropertyProject`` links it to the residential site
  it manages (a property project, 物业项目).
* ``Checklist`` / ``ChecklistItem``: the quantified checklist (考核清单), seeded from the core's
  ``SEED_CHECKLIST``; ``Assessment`` / ``AssessmentScore`` / ``SignOff``: the annual
  assessment, its points and the opinions of the four parties T5 names.
* ``CreditRecord`` (dishonesty of a company), ``OwnerArrears`` (an owner still owing after an
  award or judgment), ``Tender`` / ``TenderBid`` (how a company was chosen).
* ``Campaign`` / ``Inspection`` / ``RectificationItem`` / ``FollowUp`` / ``Warning``: the
  rectification campaign of T6.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _user_fk(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class PropertyCompany(models.Model):
    name = models.CharField(_("企业名称"), max_length=200, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    qualification = models.CharField(_("资质"), max_length=100, blank=True)
    contact_name = models.CharField(_("负责人"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("物业服务企业")
        verbose_name_plural = _("物业服务企业")

    def __str__(self) -> str:
        return self.name


class PropertyProject(models.Model):
    """A residential site managed by a property-service company (物业服务项目)."""

    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="property_projects",
        verbose_name=_("小区"),
    )
    company = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("物业服务企业"),
    )
    name = models.CharField(_("项目名称"), max_length=200)
    since = models.DateField(_("服务起始日期"))
    until = models.DateField(_("服务截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("物业服务项目")
        verbose_name_plural = _("物业服务项目")
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=Q(until__isnull=True), name="property_project_current"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """A version of the quantified checklist; the newest active one scores new assessments."""

    name = models.CharField(_("名称"), max_length=100)
    overdue_deduction = models.DecimalField(_("每项逾期未整改扣分"), max_digits=5, decimal_places=2)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("考核清单")
        verbose_name_plural = _("考核清单")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("考核清单")
    )
    key = models.SlugField(_("编号"), max_length=40)
    title = models.CharField(_("考核内容"), max_length=200)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("规则"), max_length=10, default="GV-05")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="checklist_item_key")
        ]

    def __str__(self) -> str:
        return self.title


class Band(models.TextChoices):
    """Values are ``core.rating.Band``."""

    THREE_STARS = "three_stars", _("三星级")
    TWO_STARS = "two_stars", _("二星级")
    ONE_STAR = "one_star", _("一星级")
    NO_STAR = "no_star", _("未达星级")
    RECTIFY = "rectify", _("限期整改")


class Assessment(models.Model):
    """The annual assessment of a property project (GV-01). The scores and the result the core
    computed are kept as assessed; a final assessment no longer changes."""

    project = models.ForeignKey(
        PropertyProject,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("物业服务项目"),
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="+", verbose_name=_("考核清单")
    )
    assessed_on = models.DateField(_("考核日期"))
    overdue_items = models.PositiveSmallIntegerField(_("逾期未整改项数"), default=0)
    subtotal = models.DecimalField(_("清单得分"), max_digits=6, decimal_places=2)
    deduction = models.DecimalField(_("逾期扣分"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    band = models.CharField(_("评定结果"), max_length=20, choices=Band.choices)
    stars = models.PositiveSmallIntegerField(_("星级"))
    message = models.CharField(_("结论"), max_length=300)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    blacklist_cleared_on = models.DateField(_("消除不良记录日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _user_fk(_("考核人"))

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="assessment_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("年度考核")
    )
    key = models.SlugField(_("考核项目"), max_length=40)
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    note = models.CharField(_("扣分说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="assessment_score_key")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.key}"


class Party(models.TextChoices):
    """T5 准入制度 3: the parties who sign their opinion on the annual assessment."""

    TOWNSHIP = "township", _("小区所在地乡（镇）政府")
    COMMUNITY = "community", _("社区居委会")
    POLICE = "police", _("派出所")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")


class SignOff(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("年度考核")
    )
    party = models.CharField(_("签署单位"), max_length=20, choices=Party.choices)
    signer = models.CharField(_("签署人"), max_length=50)
    opinion = models.CharField(_("意见"), max_length=500)
    signed_on = models.DateField(_("签署日期"))
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("考核签署意见")
        verbose_name_plural = _("考核签署意见")
        constraints = [models.UniqueConstraint(fields=["assessment", "party"], name="signoff_once")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_party_display()}"


class CreditRecord(models.Model):
    """Dishonesty entered in a company's credit file (GV-02): barred from tenders 5 years."""

    company = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("物业服务企业"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("登记场所")
    )
    recorded_on = models.DateField(_("列入日期"))
    reason = models.CharField(_("失信事实"), max_length=300)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("失信记录")
        verbose_name_plural = _("失信记录")

    def __str__(self) -> str:
        return f"{self.company} {self.recorded_on}"


class Confirmation(models.TextChoices):
    ARBITRATION = "arbitration", _("仲裁裁决")
    JUDGMENT = "judgment", _("司法判决")


class OwnerArrears(models.Model):
    """An owner's unpaid property fees (GV-02); on the credit record once an award or judgment
    confirmed the debt and it is still owed."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("小区")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("业主"),
    )
    owner_name = models.CharField(_("业主姓名"), max_length=50)
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    arrears_fen = models.BigIntegerField(_("欠费（分）"))
    confirmed_by = models.CharField(
        _("确认方式"), max_length=20, choices=Confirmation.choices, blank=True
    )
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    case_ref = models.CharField(_("案号"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("业主欠费")
        verbose_name_plural = _("业主欠费")

    def __str__(self) -> str:
        return f"{self.owner_name} {self.arrears_fen}"


class Stage(models.TextChoices):
    PRELIMINARY = "preliminary", _("前期物业（建设单位选聘）")
    REPLACEMENT = "replacement", _("更换物业服务企业")


class Method(models.TextChoices):
    TENDER = "tender", _("招投标")
    AGREEMENT = "agreement", _("协议方式")
    DIRECT = "direct", _("直接指定")


class Tender(models.Model):
    """How a property-service company was chosen for a site (GV-03)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("小区")
    )
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    method = models.CharField(_("选聘方式"), max_length=20, choices=Method.choices)
    small_estate = models.BooleanField(_("住宅规模较小"), default=False)
    bureau_approved = models.BooleanField(_("经区房管局批准"), default=False)
    approval_ref = models.CharField(_("批准文号"), max_length=100, blank=True)
    incumbent_bids = models.BooleanField(_("前期物业服务企业参与投标"), default=False)
    incumbent_consulted = models.BooleanField(
        _("已征求居委会、派出所、市场监管局、房管局意见"), default=False
    )
    decided_on = models.DateField(_("选聘日期"))
    winner = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("中标/选定企业"),
    )
    code = models.CharField(_("结论代码"), max_length=60)
    message = models.CharField(_("结论"), max_length=300)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("物业选聘")
        verbose_name_plural = _("物业选聘")

    def __str__(self) -> str:
        return f"{self.site} {self.decided_on}"


class TenderBid(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="bids", verbose_name=_("物业选聘")
    )
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.PROTECT, related_name="+", verbose_name=_("投标企业")
    )

    class Meta:
        verbose_name = _("投标企业")
        verbose_name_plural = _("投标企业")
        constraints = [
            models.UniqueConstraint(fields=["tender", "company"], name="tender_bid_once")
        ]

    def __str__(self) -> str:
        return str(self.company)


class Campaign(models.Model):
    """A rectification campaign (专项整治, T6) at a site."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("小区")
    )
    title = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    leader = models.CharField(_("领导小组"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("专项整治")
    )
    project = models.ForeignKey(
        PropertyProject,
        on_delete=models.CASCADE,
        related_name="inspections",
        verbose_name=_("物业服务项目"),
    )
    inspected_on = models.DateField(_("督查日期"))
    inspectors = models.CharField(_("督查人员"), max_length=200)
    summary = models.CharField(_("督查情况"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")

    def __str__(self) -> str:
        return f"{self.project} {self.inspected_on}"


class RectificationItem(models.Model):
    """A finding of an inspection with its rectification notice (限期整改通知书)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="items", verbose_name=_("督查记录")
    )
    ref = models.CharField(_("通知书编号"), max_length=60)
    finding = models.CharField(_("存在问题"), max_length=300)
    standard = models.CharField(_("对应考核项目"), max_length=40, blank=True)
    deadline = models.DateField(_("整改期限"))
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")

    def __str__(self) -> str:
        return self.ref


class FollowUp(models.Model):
    """The daily follow-up of an open item (每天一督查, T6)."""

    item = models.ForeignKey(
        RectificationItem,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("整改事项"),
    )
    on = models.DateField(_("督查日期"))
    note = models.CharField(_("进展"), max_length=300)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("整改跟踪")
        verbose_name_plural = _("整改跟踪")
        constraints = [models.UniqueConstraint(fields=["item", "on"], name="follow_up_daily")]

    def __str__(self) -> str:
        return f"{self.item} {self.on}"


class Warning(models.Model):
    """A warning for items still not rectified after their deadline (GV-04): no tenders while
    it lasts."""

    company = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        related_name="warnings",
        verbose_name=_("物业服务企业"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("专项整治")
    )
    start = models.DateField(_("警示开始"))
    end = models.DateField(_("警示结束"))
    reason = models.CharField(_("原因"), max_length=300)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("警示")
        verbose_name_plural = _("警示")

    def __str__(self) -> str:
        return f"{self.company} {self.start}–{self.end}"


class NoticeRecipient(models.TextChoices):
    """Values are ``core.rectification.Recipient``."""

    COMPANY = "company", _("物业服务企业")
    HOUSE = "house", _("房屋（业主、住户）")
    ENTERPRISE = "enterprise", _("入园企业")


class DeliveryMethod(models.TextChoices):
    """Values are ``core.rectification.Delivery``."""

    IN_PERSON = "in_person", _("直接送达")
    LEFT = "left", _("留置送达")
    POST = "post", _("邮寄送达")


class NoticeResult(models.TextChoices):
    """Values are ``core.rectification.Result``."""

    RECTIFIED = "rectified", _("整改到位")
    NOT_RECTIFIED = "not_rectified", _("整改不到位")


class RectificationNotice(models.Model):
    """A rectification notice (限期整改通知书, GV-04) issued at a site to a property company, a
    house or an enterprise, for a finding (an inspection's item, when it came from one); then
    delivered against a signed receipt, and checked at the deadline. The rules are
    ``core.rectification``'s; the number is ``整改-<year>-<NNNN>`` per site."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("场所")
    )
    number = models.CharField(_("通知书编号"), max_length=30)
    recipient_kind = models.CharField(
        _("受文对象类型"), max_length=20, choices=NoticeRecipient.choices
    )
    company = models.ForeignKey(
        PropertyCompany,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("物业服务企业"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    enterprise = models.ForeignKey(
        "people.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入园企业"),
    )
    recipient = models.CharField(_("受文对象"), max_length=200)
    item = models.ForeignKey(
        RectificationItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("整改事项"),
    )
    finding = models.CharField(_("存在问题"), max_length=500)
    items = models.TextField(_("整改要求"))
    basis = models.CharField(_("整改依据"), max_length=500)
    deadline = models.DateField(_("整改期限"))
    issuer = models.CharField(_("发出单位"), max_length=200)
    issued_at = models.DateTimeField(_("下达时间"))
    issued_by = _user_fk(_("下达人"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_to = models.CharField(_("签收人"), max_length=50, blank=True)
    delivery_method = models.CharField(
        _("送达方式"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivery_by = _user_fk(_("送达登记人"))
    checked_on = models.DateField(_("复查日期"), null=True, blank=True)
    result = models.CharField(
        _("复查结果"), max_length=20, choices=NoticeResult.choices, blank=True
    )
    check_note = models.CharField(_("复查情况"), max_length=300, blank=True)
    checked_by = _user_fk(_("复查人"))
    closed_at = models.DateTimeField(_("结案登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("限期整改通知书")
        verbose_name_plural = _("限期整改通知书")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="rectification_notice_number"),
            models.CheckConstraint(
                condition=(
                    Q(recipient_kind="company", company__isnull=False)
                    | Q(recipient_kind="house", house__isnull=False)
                    | Q(recipient_kind="enterprise", enterprise__isnull=False)
                ),
                name="rectification_notice_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def item_lines(self) -> list[str]:
        return [line for line in self.items.splitlines() if line.strip()]


# -- the company's plan in a campaign (T6: 自查、分类、倒排进度表、报区住建委) --


class RectificationPlan(models.Model):
    """A property company's plan for its project in a campaign: the self-inspection, the
    classified problems, the tasks scheduled backwards from the deadline (``core.campaign``),
    its report to the housing bureau (住建委), and the committees' comments."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="plans", verbose_name=_("专项整治")
    )
    project = models.ForeignKey(
        PropertyProject,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("物业服务项目"),
    )
    deadline = models.DateField(_("整治完成期限"))
    self_inspected_on = models.DateField(_("自查日期"), null=True, blank=True)
    self_inspection = models.CharField(_("自查情况"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("上报住建委时间"), null=True, blank=True)
    reported_by = _user_fk(_("上报人"))
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("整治工作方案")
        verbose_name_plural = _("整治工作方案")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "project"], name="plan_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.project}"


class ProblemCategory(models.TextChoices):
    """Values are ``core.campaign.Category``."""

    MECHANISM = "mechanism", _("服务机制与投诉回访")
    CONDUCT = "conduct", _("人员着装、持证与文明用语")
    FEES = "fees", _("收费公示")
    DUTY = "duty", _("值班巡查、车辆停放、报修不过夜")
    SANITATION = "sanitation", _("环境卫生")
    GREENERY = "greenery", _("绿化养护")
    INFO_BOARD = "info_board", _("公共信息服务栏")
    VIOLATIONS = "violations", _("毁绿、养禽、养犬、乱停车等违法行为")


class ProblemSeverity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较大")
    SERIOUS = "serious", _("严重")


class PlanProblem(models.Model):
    plan = models.ForeignKey(
        RectificationPlan,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("整治工作方案"),
    )
    category = models.CharField(_("问题类别"), max_length=20, choices=ProblemCategory.choices)
    severity = models.CharField(_("程度"), max_length=10, choices=ProblemSeverity.choices)
    description = models.CharField(_("问题描述"), max_length=300)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("自查问题")
        verbose_name_plural = _("自查问题")

    def __str__(self) -> str:
        return self.description


class PlanTask(models.Model):
    """A line of the 整治工作倒排进度表: its phase and days (the core computes its latest start
    and finish back from the plan's deadline), who does it, and when it started and finished."""

    plan = models.ForeignKey(
        RectificationPlan,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("整治工作方案"),
    )
    phase = models.PositiveSmallIntegerField(_("阶段"))
    title = models.CharField(_("整治任务"), max_length=200)
    days = models.PositiveSmallIntegerField(_("工期（天）"))
    owner = models.CharField(_("责任人"), max_length=50)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("整治任务")
        verbose_name_plural = _("整治任务")

    def __str__(self) -> str:
        return self.title


class PlanComment(models.Model):
    """An opinion on a plan by the residents' committee (居委会 guidance), the owners' committee
    (业委会 supervision) or the association; who, as which role, and when."""

    plan = models.ForeignKey(
        RectificationPlan,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("整治工作方案"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("意见人"),
    )
    role = models.CharField(_("身份"), max_length=30)
    body = models.CharField(_("意见"), max_length=500)
    created_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("整治方案意见")
        verbose_name_plural = _("整治方案意见")

    def __str__(self) -> str:
        return f"{self.plan} {self.created_at:%Y-%m-%d}"


# -- violations referred to city management or the police (T6 移交市容、公安) --


class ReferralKind(models.TextChoices):
    """Values are ``core.referral.Kind``."""

    GREENERY = "greenery", _("毁坏绿化")
    POULTRY = "poultry", _("饲养家禽")
    DOGS = "dogs", _("违规养犬")
    PARKING = "parking", _("乱停乱放")
    BUILDING = "building", _("违法搭建")
    OTHER = "other", _("其他")


class ReferralAgency(models.TextChoices):
    """Values are ``core.referral.Agency``."""

    CITY = "city", _("市容（城管）")
    POLICE = "police", _("公安（派出所）")


class Referral(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    kind = models.CharField(_("违法行为"), max_length=20, choices=ReferralKind.choices)
    agency = models.CharField(_("移交部门"), max_length=20, choices=ReferralAgency.choices)
    place = models.CharField(_("地点"), max_length=100)
    description = models.CharField(_("情况"), max_length=500)
    attempts = models.CharField(_("物业已采取的措施"), max_length=300, blank=True)
    referred_on = models.DateField(_("移交日期"))
    referred_by = _user_fk(_("移交人"))
    received_on = models.DateField(_("受理日期"), null=True, blank=True)
    receiver = models.CharField(_("受理人"), max_length=50, blank=True)
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)
    result = models.CharField(_("处理结果"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("违法行为移交")
        verbose_name_plural = _("违法行为移交")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.referred_on}"


# -- 文明物业小区 and the rotating red flag (流动红旗) --


class AwardRound(models.Model):
    """One period's selection: who holds the red flag (none: withheld) and why."""

    period_start = models.DateField(_("评比开始"))
    period_end = models.DateField(_("评比结束"))
    winner = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("流动红旗"),
    )
    code = models.CharField(_("结论代码"), max_length=20)
    message = models.CharField(_("结论"), max_length=300)
    awarded_at = models.DateTimeField(_("评定时间"))
    awarded_by = _user_fk(_("评定人"))

    class Meta:
        verbose_name = _("流动红旗评比")
        verbose_name_plural = _("流动红旗评比")

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class AwardEntry(models.Model):
    """A community's standing in a round, as the core judged it."""

    round = models.ForeignKey(
        AwardRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("评比")
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    score = models.DecimalField(_("考核得分"), max_digits=6, decimal_places=2, null=True)
    warned = models.BooleanField(_("警示期"))
    overdue = models.PositiveSmallIntegerField(_("逾期未整改"))
    civilised = models.BooleanField(_("文明物业小区"))
    code = models.CharField(_("结论代码"), max_length=20)
    message = models.CharField(_("结论"), max_length=300)

    class Meta:
        verbose_name = _("评比结果")
        verbose_name_plural = _("评比结果")
        constraints = [models.UniqueConstraint(fields=["round", "site"], name="award_entry_once")]

    def __str__(self) -> str:
        return f"{self.round} {self.site}"
