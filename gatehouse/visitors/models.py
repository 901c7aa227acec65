"""Visitors and the records around them (SPEC §2 P-04…P-09, §3): the visitor register
(来客进出登记表), requests waiting for the desk, a host or a manager, invitations, passes and the
mail register (外来信件报刊登记表).

ID numbers and phones are stored sealed, as for people (see ``gatehouse.privacy``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import DIRECTION_CHOICES, ENTRANT_CHOICES, PENDING_CHOICES
from gatehouse.visitors import tokens


class VisitStatus(models.TextChoices):
    WAITING = "waiting", _("等待确认")
    INSIDE = "inside", _("在场")
    LEFT = "left", _("已离开")
    REFUSED = "refused", _("未放行")


class HealthCodeColor(models.TextChoices):
    GREEN = "green", _("绿码")
    YELLOW = "yellow", _("黄码")
    RED = "red", _("红码")


class TravelCodeColor(models.TextChoices):
    GREEN = "green", _("绿色")
    STARRED = "starred", _("带星号")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


class Visit(models.Model):
    """One row of 来客进出登记表: who came, to see whom, why, when in and when out."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="visits", verbose_name=_("场所")
    )
    kind = models.CharField(_("来访类别"), max_length=20, choices=ENTRANT_CHOICES)
    name = models.CharField(_("姓名"), max_length=50)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    company = models.CharField(_("单位"), max_length=100, blank=True)
    purpose = models.CharField(_("来访事由"), max_length=200)
    host = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_received",
        verbose_name=_("被访人"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被访房屋"),
    )
    host_text = models.CharField(_("被访部门/人"), max_length=100, blank=True)
    companions = models.PositiveSmallIntegerField(_("随行人数"), default=0)
    companion_names = models.CharField(_("随行人员"), max_length=200, blank=True)
    pass_ref = models.ForeignKey(
        "visitors.Pass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("出入证"),
    )
    invitation = models.ForeignKey(
        "visitors.Invitation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("预约"),
    )
    temperature = models.DecimalField(
        _("体温"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    health_code = models.CharField(
        _("健康码"), max_length=10, blank=True, choices=HealthCodeColor.choices
    )
    travel_code = models.CharField(
        _("行程卡"), max_length=10, blank=True, default="", choices=TravelCodeColor.choices
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.WAITING
    )
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    time_in = models.DateTimeField(_("进入时间"), null=True, blank=True)
    time_out = models.DateTimeField(_("离开时间"), null=True, blank=True)
    lane_in = models.ForeignKey(
        "sites.Lane", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lane_out = models.ForeignKey(
        "sites.Lane", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    time_limit_at = models.DateTimeField(_("限时离开"), null=True, blank=True)
    outcome_reason = models.CharField(_("结果原因"), max_length=60, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("来客进出登记")
        verbose_name_plural = _("来客进出登记表")
        indexes = [
            models.Index(fields=["site", "-registered_at"], name="visit_site_reg_idx"),
            models.Index(
                fields=["site", "time_in"],
                condition=Q(status="inside"),
                name="visit_inside_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.registered_at:%Y-%m-%d %H:%M}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    GRANTED = "granted", _("同意")
    REFUSED = "refused", _("拒绝")
    EXPIRED = "expired", _("超时未答复")


class AnsweredVia(models.TextChoices):
    DESK = "desk", _("前台致电确认")
    BOOTH = "booth", _("门岗致电确认")
    HOST = "host", _("被访人自助")
    MANAGER = "manager", _("主管")
    SYSTEM = "system", _("系统超时")


class GateRequest(models.Model):
    """A pending decision waiting for the front desk, a host or a manager (P-04…P-10, VI-01).

    A request not answered by ``deadline`` is refused and recorded (see ``requests_expire``)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("待确认事项"), max_length=20, choices=PENDING_CHOICES)
    entrant = models.CharField(_("通行类别"), max_length=20, choices=ENTRANT_CHOICES)
    reason = models.CharField(_("原因代码"), max_length=60)
    message = models.CharField(_("说明"), max_length=200)
    lane = models.ForeignKey(
        "sites.Lane", on_delete=models.PROTECT, related_name="+", verbose_name=_("通道")
    )
    direction = models.CharField(_("方向"), max_length=3, choices=DIRECTION_CHOICES)
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("来客登记"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当事人"),
    )
    host = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_to_answer",
        verbose_name=_("应答人"),
    )
    summary = models.CharField(_("摘要"), max_length=200)
    details = models.JSONField(_("登记内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("提交时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    deadline = models.DateTimeField(_("答复期限"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_via = models.CharField(
        _("答复方式"), max_length=10, blank=True, choices=AnsweredVia.choices
    )
    answer_note = models.CharField(_("答复说明"), max_length=200, blank=True)
    host_home = models.BooleanField(_("被访人在家"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待确认请求")
        verbose_name_plural = _("待确认请求")
        indexes = [
            models.Index(
                fields=["site", "deadline"],
                condition=Q(status="pending"),
                name="request_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return self.summary


class Invitation(models.Model):
    """VI-02: a host's invitation for a time window, single- or multi-use, shown as a signed QR."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    host = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("邀请人"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    terminal_code = models.CharField(
        _("门禁终端码"), max_length=16, editable=False, default=tokens.new_terminal_code
    )
    visitor_name = models.CharField(_("访客姓名"), max_length=50)
    visitor_phone_cipher = models.TextField(blank=True, editable=False)
    visitor_phone_masked = models.CharField(_("访客手机"), max_length=11, blank=True)
    purpose = models.CharField(_("来访事由"), max_length=200, blank=True)
    window_start = models.DateTimeField(_("开始时间"))
    window_end = models.DateTimeField(_("结束时间"))
    max_uses = models.PositiveSmallIntegerField(
        _("可用次数"), null=True, blank=True, help_text=_("1为单次；留空为时段内不限次数")
    )
    uses = models.PositiveSmallIntegerField(_("已用次数"), default=0)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    # T3-02: a parent's booking (pick-up or visit) waits for the host teacher's confirmation.
    booked_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("预约人"),
    )
    pupil = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickups",
        verbose_name=_("接送学生"),
    )
    needs_confirmation = models.BooleanField(_("需老师确认"), default=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("访客预约")
        verbose_name_plural = _("访客预约")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "terminal_code"], name="invitation_terminal_code_per_site"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="invitation_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="invitation_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor_name} {self.window_start:%m-%d %H:%M}"


class PassKindChoice(models.TextChoices):
    DECORATION = "decoration", _("装修出入证")
    INTRO_LETTER = "intro_letter", _("介绍信/联系函")
    TEMPORARY = "temporary", _("临时出入证")


class Pass(models.Model):
    """A pass issued by the service centre: decoration workers (P-09), introduction letters for
    tours (P-06), temporary passes. Printed with a signed QR the gate reads."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PassKindChoice.choices)
    number = models.CharField(_("证号"), max_length=20)
    token = models.CharField(max_length=32, unique=True, editable=False)
    terminal_code = models.CharField(
        _("门禁终端码"), max_length=16, editable=False, default=tokens.new_terminal_code
    )
    holder_name = models.CharField(_("持证人"), max_length=50)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    company = models.CharField(_("单位"), max_length=100, blank=True)
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("施工房屋"),
    )
    host_text = models.CharField(_("接待部门/联系人"), max_length=100, blank=True)
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )

    class Meta:
        verbose_name = _("出入证")
        verbose_name_plural = _("出入证")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="pass_number_per_site"),
            models.UniqueConstraint(
                fields=["site", "terminal_code"], name="pass_terminal_code_per_site"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="pass_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class MailKind(models.TextChoices):
    LETTER = "letter", _("信件")
    NEWSPAPER = "newspaper", _("报刊")
    REGISTERED = "registered", _("挂号信/EMS")
    PARCEL = "parcel", _("包裹")


class MailItem(models.Model):
    """One row of 外来信件报刊登记表 (VI-04): logged at the gate, then handed out or the
    recipient called."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=MailKind.choices)
    sender = models.CharField(_("寄件单位/人"), max_length=100, blank=True)
    recipient_name = models.CharField(_("收件人"), max_length=50)
    recipient = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收件人（登记人员）"),
    )
    recipient_unit = models.CharField(_("收件部门/房号"), max_length=100, blank=True)
    count = models.PositiveSmallIntegerField(_("件数"), default=1)
    received_at = models.DateTimeField(_("收到时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    handed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    handed_to = models.CharField(_("领取人"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("外来信件报刊登记")
        verbose_name_plural = _("外来信件报刊登记表")
        indexes = [models.Index(fields=["site", "-received_at"], name="mail_site_received_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_name}"
