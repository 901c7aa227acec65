"""Industrial-park admission and land supervision (SPEC §9, IP-01 … IP-14; source T1).

The records the park committee keeps; every rule about them lives in :mod:`gatehouse.core.land`
(the services hand these records to it as plain values). Money is integer fen (``*_fen``), areas
are ``Decimal`` (mu, m²), days are plain dates.

* ``Project`` is an admission application and, once admitted, the project it becomes; its
  ``ProjectDocument`` rows are the five documents of 第十三条, ``CommitteeDecision`` rows the
  committee's decisions on relaxable or flagged findings (IP-04, IP-05, IP-01), ``StepRecord``
  rows the workflow of IP-08.
* ``Contract`` holds the investment-construction contract's terms; ``ProgressReport``,
  ``Suspension``, ``Stoppage`` and ``CorrectionOrder`` the supervision facts; ``SitePlan`` the
  plan indicators of IP-13; ``LandAlert`` the deadlines the daily job raised for the committee.
* ``ReportDuty`` / ``StatFiling`` (statistical reports) and ``ChangeNotice`` (merger, split,
  deregistration) are kept per enterprise (IP-14).
* ``ParkPolicy`` holds a park's own control values and idle-fee rate; a blank value means the
  core's default.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.uploads import document_path


class DocumentKind(models.TextChoices):
    """The five application documents of 第十三条 (values are ``core.land.Document``)."""

    APPLICATION = "application", _("入园申请书或投资总额承诺书")
    FEASIBILITY = "feasibility", _("项目建议书和可行性研究报告")
    LICENCE_AND_ID = "licence_and_id", _("营业执照及投资人身份证明文件")
    CREDIT_PROOF = "credit_proof", _("银行资信证明或有效资产证明")
    PRIOR_APPROVAL = "prior_approval", _("前置审批批准文件或生产经营许可证")


class CriterionChoice(models.TextChoices):
    """IP-01 criteria a clerk may find unmet (values are ``core.land.Criterion``)."""

    INDUSTRIAL_POLICY = "industrial_policy", _("不符合国家产业政策和行业准入标准")
    LOCAL_PLAN = "local_plan", _("不符合市、区产业发展规划")
    ENVIRONMENT_SAFETY = "environment_safety", _("不符合环境保护和安全生产要求")
    FUNDING = "funding", _("无资金保障或资金来源不明确")


class StepChoice(models.TextChoices):
    """The admission workflow of IP-08 (values are ``core.land.Step``)."""

    APPLICATION = "application", _("入园申请")
    FEASIBILITY_REVIEW = "feasibility_review", _("入园可行性评审")
    CONTRACT = "contract", _("签订投资建设合同")
    LAND_PROCEDURES = "land_procedures", _("用地手续")
    LAND_USE_RIGHT = "land_use_right", _("取得土地使用权")
    CONSTRUCTION = "construction", _("开工建设")
    PRODUCTION = "production", _("投产")


class UseChoice(models.TextChoices):
    """Uses forbidden on industrial land (values are ``core.land.NonProductiveUse``)."""

    HOUSING = "housing", _("住宅")
    HOTEL = "hotel", _("宾馆")
    GUESTHOUSE = "guesthouse", _("招待所")
    TRAINING_CENTRE = "training_centre", _("培训中心")
    DWELLING_STYLE_FACTORY = "dwelling_style_factory", _("民房式的厂房")


class ReportPeriodChoice(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")
    ANNUAL = "annual", _("年报")


class ChangeChoice(models.TextChoices):
    MERGER = "merger", _("合并")
    SPLIT = "split", _("分立")
    DEREGISTRATION = "deregistration", _("注销")


def _user_fk(label: str, *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=label,
    )


class ParkPolicy(models.Model):
    """A park's own numbers for IP-11 and IP-13. Blank: the core's default applies."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="park_policy", verbose_name=_("场所")
    )
    idle_fee_rate = models.DecimalField(
        _("土地闲置费费率"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("占土地出让价的比例，如 0.2000 表示20%；留空表示未配置，按有关规定核定"),
    )
    min_building_coverage = models.DecimalField(
        _("建筑系数下限"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    max_admin_share = models.DecimalField(
        _("行政办公及生活服务设施用地比例上限"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    max_green_ratio = models.DecimalField(
        _("绿地率上限"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    plot_ratio_min = models.JSONField(
        _("容积率下限（按行业代码）"),
        default=dict,
        blank=True,
        help_text=_('仅填写与国家标准不同的行业，如 {"36": "0.8"}'),
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("园区监管参数")
        verbose_name_plural = _("园区监管参数")

    def __str__(self) -> str:
        return str(self.site)


class Project(models.Model):
    """An admission application (入园申请) and the project it becomes."""

    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="admission_projects",
        verbose_name=_("园区"),
    )
    zone = models.ForeignKey(
        "sites.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("拟入分园")
    )
    enterprise = models.ForeignKey(
        "people.Enterprise",
        on_delete=models.PROTECT,
        related_name="admission_projects",
        verbose_name=_("申请企业"),
    )
    name = models.CharField(_("项目名称"), max_length=200)
    sector = models.CharField(_("项目行业"), max_length=100)
    registered_capital_fen = models.BigIntegerField(_("注册资本（分）"))
    paid_in_capital_fen = models.BigIntegerField(_("实收资本（分）"))
    fixed_investment_fen = models.BigIntegerField(_("固定资产投资（不含征地费用，分）"))
    land_mu = models.DecimalField(_("申请用地（亩）"), max_digits=12, decimal_places=4)
    requests_own_land = models.BooleanField(_("申请单独供地"), default=True)
    special_sector = models.BooleanField(_("特殊行业"), default=False)
    high_tech = models.BooleanField(_("省级以上高新技术项目"), default=False)
    high_pollution = models.BooleanField(_("高污染"), default=False)
    high_energy = models.BooleanField(_("高耗能"), default=False)
    low_output = models.BooleanField(_("低产出"), default=False)
    banned_process = models.BooleanField(_("国家明令禁止或淘汰的工艺设备"), default=False)
    unmet_criteria = models.JSONField(_("不符合的入园条件"), default=list, blank=True)
    profile_note = models.TextField(_("污染与能耗说明"), blank=True)
    applied_on = models.DateField(_("申请日期"))
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("入园项目")
        verbose_name_plural = _("入园项目")
        indexes = [models.Index(fields=["site", "-applied_on"], name="admission_project_site_idx")]

    def __str__(self) -> str:
        return self.name


class ProjectDocument(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("入园项目")
    )
    kind = models.CharField(_("材料"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = _user_fk(_("上传人"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class CommitteeDecision(models.Model):
    """The committee's decision on a finding the source leaves to it (IP-05 relaxation, IP-04
    land of its own, IP-01 sector outside the sub-park's focus): who decided, when, and why."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("入园项目")
    )
    rule = models.CharField(_("规则"), max_length=10)
    finding_code = models.CharField(_("审查事项"), max_length=60)
    approved = models.BooleanField(_("同意"))
    decided_on = models.DateField(_("决定日期"))
    attendees = models.CharField(_("参会人员"), max_length=300)
    minutes = models.TextField(_("会议纪要/理由"))
    minutes_file = models.FileField(
        _("纪要文件"), upload_to=document_path, max_length=200, blank=True
    )
    minutes_name = models.CharField(_("纪要文件名"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("管委会决定")
        verbose_name_plural = _("管委会决定")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "finding_code"], name="admission_decision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.rule} {self.finding_code}"


class StepRecord(models.Model):
    """One step of the workflow (IP-08), recorded once, with who, when and a document."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="steps", verbose_name=_("入园项目")
    )
    step = models.CharField(_("环节"), max_length=30, choices=StepChoice.choices)
    done_on = models.DateField(_("完成日期"))
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(_("文件"), upload_to=document_path, max_length=200, blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="admission_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_step_display()}"


class Contract(models.Model):
    """The investment-construction contract's terms that land supervision needs."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="contract", verbose_name=_("入园项目")
    )
    signed_on = models.DateField(_("签订日期"))
    land_mu = models.DecimalField(_("合同用地（亩）"), max_digits=12, decimal_places=4)
    land_price_fen_per_mu = models.BigIntegerField(_("土地出让价（分/亩）"))
    contracted_start = models.DateField(_("约定开工日"))
    planned_floor_area_m2 = models.DecimalField(
        _("建设总面积（㎡）"), max_digits=12, decimal_places=2
    )
    total_investment_fen = models.BigIntegerField(_("总投资额（分）"))
    contracted_production = models.DateField(_("约定投产日"), null=True, blank=True)
    land_price_relief = models.BooleanField(_("减免土地出让金"), default=False)
    appraised_year1_fen = models.BigIntegerField(_("第一年评估价（分）"), null=True, blank=True)
    appraised_year2_fen = models.BigIntegerField(_("第二年评估价（分）"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    # IP-09: the contracted standard of each indicator; blank: the indicator is not assessed.
    std_investment_fen = models.BigIntegerField(_("投资额度标准（分）"), null=True, blank=True)
    std_intensity_fen_per_mu = models.BigIntegerField(
        _("投资强度标准（分/亩）"), null=True, blank=True
    )
    std_speed_pct = models.DecimalField(
        _("建设速度标准（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    std_output_fen_per_mu = models.BigIntegerField(
        _("产出密度标准（分/亩·年）"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = _user_fk(_("更新人"))

    class Meta:
        verbose_name = _("投资建设合同")
        verbose_name_plural = _("投资建设合同")

    def __str__(self) -> str:
        return f"{self.project}"


class ProgressReport(models.Model):
    """A periodic report: progress to date and the four indicators (IP-09)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="progress", verbose_name=_("入园项目")
    )
    reported_on = models.DateField(_("填报日期"))
    built_floor_area_m2 = models.DecimalField(_("已建面积（㎡）"), max_digits=12, decimal_places=2)
    invested_fen = models.BigIntegerField(_("累计投资（分）"))
    investment_fen = models.BigIntegerField(_("投资额度（分）"), null=True, blank=True)
    intensity_fen_per_mu = models.BigIntegerField(_("投资强度（分/亩）"), null=True, blank=True)
    speed_pct = models.DecimalField(
        _("建设速度（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    output_fen_per_mu = models.BigIntegerField(_("产出密度（分/亩·年）"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("进度与指标填报")
        verbose_name_plural = _("进度与指标填报")

    def __str__(self) -> str:
        return f"{self.project} {self.reported_on}"


class Suspension(models.Model):
    """Construction stopped (IP-11), with the idle-land notice if one was served."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("入园项目")
    )
    start = models.DateField(_("中止日期"))
    end = models.DateField(_("复工日期"), null=True, blank=True)
    approved = models.BooleanField(_("经批准中止"), default=False)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    notice_served_on = models.DateField(_("闲置通知送达日"), null=True, blank=True)
    pay_by = models.DateField(_("缴费期限"), null=True, blank=True)
    resume_by = models.DateField(_("复工期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("中止建设")
        verbose_name_plural = _("中止建设")

    def __str__(self) -> str:
        return f"{self.project} {self.start}"


class Stoppage(models.Model):
    """Production stopped (IP-12)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stoppages", verbose_name=_("入园项目")
    )
    start = models.DateField(_("停产日期"))
    end = models.DateField(_("恢复生产日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("停产")
        verbose_name_plural = _("停产")

    def __str__(self) -> str:
        return f"{self.project} {self.start}"


class CorrectionOrder(models.Model):
    """An order to correct a violation of the control indicators by a deadline (IP-13)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("入园项目")
    )
    ref = models.CharField(_("通知文号"), max_length=60)
    finding = models.CharField(_("违规事项"), max_length=300)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("改正期限"))
    corrected_on = models.DateField(_("改正日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("限期改正通知")
        verbose_name_plural = _("限期改正通知")

    def __str__(self) -> str:
        return self.ref


class SitePlan(models.Model):
    """The plant's site-plan figures checked against the control indicators (IP-13)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="site_plan", verbose_name=_("入园项目")
    )
    sector_code = models.CharField(_("行业代码（两位）"), max_length=2)
    land_area_m2 = models.DecimalField(_("总用地面积（㎡）"), max_digits=12, decimal_places=2)
    floor_area_m2 = models.DecimalField(_("计容建筑面积（㎡）"), max_digits=12, decimal_places=2)
    footprint_m2 = models.DecimalField(_("建筑占地面积（㎡）"), max_digits=12, decimal_places=2)
    green_area_m2 = models.DecimalField(_("绿地面积（㎡）"), max_digits=12, decimal_places=2)
    admin_living_area_m2 = models.DecimalField(
        _("行政办公及生活服务设施用地（㎡）"), max_digits=12, decimal_places=2
    )
    uses = models.JSONField(_("非生产性用途"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = _user_fk(_("更新人"))

    class Meta:
        verbose_name = _("规划指标")
        verbose_name_plural = _("规划指标")

    def __str__(self) -> str:
        return f"{self.project}"


class LandAlert(models.Model):
    """A deadline of the land timeline that took effect, raised for the park committee by
    ``manage.py land_deadlines``. One per project and deadline key, so the job is idempotent.
    ``settled`` hands the key back to the core (``LandProject.settled``): the deadline was dealt
    with (fee paid, land reclaimed) and leaves the timeline."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("园区")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("入园项目")
    )
    key = models.CharField(_("事项编号"), max_length=80)
    rule = models.CharField(_("规则"), max_length=10)
    code = models.CharField(_("原因代码"), max_length=60)
    day = models.DateField(_("生效日期"))
    message = models.TextField(_("内容"))
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    raised_at = models.DateTimeField(_("提醒时间"))
    late = models.BooleanField(_("补发"), default=False)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = _user_fk(_("处理人"))
    handling_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    settled = models.BooleanField(_("已了结"), default=False)

    class Meta:
        verbose_name = _("用地监管提醒")
        verbose_name_plural = _("用地监管提醒")
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="land_alert_once")]
        indexes = [
            models.Index(
                fields=["site", "-day"],
                condition=Q(handled_at__isnull=True),
                name="land_alert_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.key}"


class ReportDuty(models.Model):
    """An enterprise's statistical-report schedule (IP-14)."""

    enterprise = models.OneToOneField(
        "people.Enterprise",
        on_delete=models.CASCADE,
        related_name="report_duty",
        verbose_name=_("企业"),
    )
    since = models.DateField(_("起报日期"))
    period = models.CharField(_("报表周期"), max_length=10, choices=ReportPeriodChoice.choices)
    due_day = models.PositiveSmallIntegerField(_("报送日"))
    months_after = models.PositiveSmallIntegerField(_("期后第几个月报送"), default=1)

    class Meta:
        verbose_name = _("统计报表要求")
        verbose_name_plural = _("统计报表要求")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_period_display()}"


class StatFiling(models.Model):
    enterprise = models.ForeignKey(
        "people.Enterprise",
        on_delete=models.CASCADE,
        related_name="stat_filings",
        verbose_name=_("企业"),
    )
    period_start = models.DateField(_("报表期起始日"))
    filed_on = models.DateField(_("报送日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("统计报表报送")
        verbose_name_plural = _("统计报表报送")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period_start"], name="stat_filing_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period_start}"


class ChangeNotice(models.Model):
    """A merger, split or deregistration and when the committee was told (IP-14, 第十七条)."""

    enterprise = models.ForeignKey(
        "people.Enterprise",
        on_delete=models.CASCADE,
        related_name="change_notices",
        verbose_name=_("企业"),
    )
    change = models.CharField(_("事项"), max_length=20, choices=ChangeChoice.choices)
    decided_on = models.DateField(_("作出决定日期"))
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    written = models.BooleanField(_("书面告知"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    document = models.FileField(_("告知书"), upload_to=document_path, max_length=200, blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _user_fk(_("登记人"))

    class Meta:
        verbose_name = _("企业变更告知")
        verbose_name_plural = _("企业变更告知")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_change_display()}"
