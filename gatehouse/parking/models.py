"""Parking money (SPEC §5 PK-01 … PK-07) and vehicle passes (V-10).

* :class:`LedgerTransaction` / :class:`LedgerEntry`: the double-entry ledger of
  :mod:`gatehouse.core.ledger`, stored. Append-only: a database trigger (migration 0002) refuses
  every UPDATE and DELETE of both tables; a correction is a new, reversing transaction.
* :class:`TariffPlan`: the posted tariff of a site or one of its garages (PK-01, PK-02), the core
  :class:`~gatehouse.core.tariff.TariffTable` as JSON, plus the site's pass deposit and fees
  (PK-06). A new plan with a later ``effective_from`` replaces the old one; plans are never edited.
* :class:`VehiclePass`: the 《车辆出入证》 of T7 (V-10, PK-06), with the copies of the papers
  filed with its application (:class:`PassDocument`).
* :class:`SpaceLease`: a parking-space lease (PK-03 … PK-05).

Money is integer fen (``BigIntegerField``, suffix ``_fen``); the rules live in the core and the
services call it. No rules here: no ``save()`` overrides, no signals, no implicit ordering.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.uploads import document_path


class Side(models.TextChoices):
    DEBIT = "debit", _("借")
    CREDIT = "credit", _("贷")


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("停车费")
    PAYMENT = "payment", _("收款")
    REFUND = "refund", _("退款")
    DEPOSIT = "deposit", _("收押金")
    DEPOSIT_REFUND = "deposit_refund", _("退押金")
    FORFEIT = "forfeit", _("没收押金")
    FEE = "fee", _("工本费")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金")
    QR = "qr", _("扫码支付")
    CARD = "card", _("刷卡")


class LedgerTransaction(models.Model):
    """Entries that move money together (they sum to zero); written by ``ledger_post`` only."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("场所")
    )
    at = models.DateTimeField(_("记账时间"))
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    ref = models.CharField(_("关联单据"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        indexes = [
            models.Index(fields=["site", "at"], name="ledger_txn_site_at_idx"),
            models.Index(fields=["site", "ref"], name="ledger_txn_site_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.memo}"


class LedgerEntry(models.Model):
    """One line: ``amount_fen`` (> 0) on one side of ``account`` (the core's chart of accounts)."""

    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("记账凭证"),
    )
    account = models.CharField(_("科目"), max_length=80)
    side = models.CharField(_("方向"), max_length=6, choices=Side.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="ledger_entry_positive"),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="ledger_entry_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="ledger_entry_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["account", "transaction"], name="ledger_entry_account_idx")]

    def __str__(self) -> str:
        return f"{self.account} {self.side} {self.amount_fen}"


class TariffPlan(models.Model):
    """A posted tariff (收费公示) of a site (``garage`` empty: the ground and every garage without
    its own plan) or of one garage, in force from ``effective_from`` until a later plan."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="tariff_plans", verbose_name=_("场所")
    )
    garage = models.ForeignKey(
        "sites.Garage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tariff_plans",
        verbose_name=_("车库"),
    )
    table = models.JSONField(_("收费标准表"))
    # PK-06: the pass's deposit and fees, posted with the site-wide plan (empty on garage plans).
    pass_deposit_fen = models.BigIntegerField(_("出入证押金（分）"), null=True, blank=True)
    pass_card_fee_fen = models.BigIntegerField(_("出入证工本费（分）"), null=True, blank=True)
    pass_reissue_fee_fen = models.BigIntegerField(
        _("补办工本费（分）"), null=True, blank=True, help_text=_("留空表示与工本费相同")
    )
    effective_from = models.DateTimeField(_("生效时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        constraints = [
            models.CheckConstraint(
                condition=(Q(pass_deposit_fen__isnull=True) | Q(pass_deposit_fen__gte=0))
                & (Q(pass_card_fee_fen__isnull=True) | Q(pass_card_fee_fen__gte=0))
                & (Q(pass_reissue_fee_fen__isnull=True) | Q(pass_reissue_fee_fen__gte=0)),
                name="tariff_plan_fees_not_negative",
            )
        ]
        indexes = [
            models.Index(fields=["site", "garage", "effective_from"], name="tariff_plan_in_force")
        ]

    def __str__(self) -> str:
        where = self.garage.name if self.garage_id else _("全场（地面）")
        return f"{where} {self.effective_from:%Y-%m-%d %H:%M}"


class PassKind(models.TextChoices):
    OWNER = "owner", _("业主车辆")
    MONTHLY = "monthly", _("月租车辆")
    STAFF = "staff", _("员工车辆")
    TENANT = "tenant", _("租户车辆")


class PassStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已收回")
    LOST = "lost", _("已挂失")
    REPLACED = "replaced", _("已换证")
    RETURNED = "returned", _("已退证")


class VehiclePass(models.Model):
    """《车辆出入证》 (T7 第一条、第二条): one per parking space, not transferable (V-10)."""

    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="vehicle_passes",
        verbose_name=_("场所"),
    )
    number = models.CharField(_("证号"), max_length=20)
    token = models.CharField(max_length=32, unique=True, editable=False)
    plate = models.CharField(_("车牌号"), max_length=10)
    holder = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="vehicle_passes",
        verbose_name=_("持证人"),
    )
    space = models.ForeignKey(
        "sites.ParkingSpace",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vehicle_passes",
        verbose_name=_("车位"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=PassKind.choices)
    id_checked = models.BooleanField(_("已查验身份证"), default=False)
    vehicle_licence_checked = models.BooleanField(_("已查验机动车行驶证"), default=False)
    driving_licence_checked = models.BooleanField(_("已查验驾驶证"), default=False)
    insurance_checked = models.BooleanField(_("已查验车辆保险"), default=False)
    insurance_valid_until = models.DateField(_("保险有效期至"), null=True, blank=True)
    environmental_label = models.BooleanField(_("有环保标志"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=PassStatus.choices, default=PassStatus.ACTIVE
    )
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(
        _("失效时间"), null=True, blank=True, help_text=_("留空表示长期有效")
    )
    deposit_fen = models.BigIntegerField(_("押金（分）"), default=0)
    card_fee_fen = models.BigIntegerField(_("工本费（分）"), default=0)
    payment_method = models.CharField(
        _("付款方式"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    revoked_reason = models.CharField(_("收回原因"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("原证"),
    )
    issued_at = models.DateTimeField(_("办理时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )

    class Meta:
        verbose_name = _("车辆出入证")
        verbose_name_plural = _("车辆出入证")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="vehicle_pass_number_per_site"),
            # V-10: one pass per parking space (一车位一证)
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(status="active"),
                name="vehicle_pass_one_per_space",
            ),
            # one active pass per plate, so the gate's lookup is unambiguous
            models.UniqueConstraint(
                fields=["site", "plate"],
                condition=Q(status="active"),
                name="vehicle_pass_one_per_plate",
            ),
            # V-10: a shared-rental tenant holds one pass (合租型租户每人限办理一张)
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(status="active", kind="tenant"),
                name="vehicle_pass_one_per_tenant",
            ),
            models.CheckConstraint(
                condition=Q(deposit_fen__gte=0) & Q(card_fee_fen__gte=0),
                name="vehicle_pass_fees_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["site", "plate"], name="vehicle_pass_plate_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.plate}"

    @property
    def ref(self) -> str:
        """The ledger reference of this pass's money."""
        return f"vehicle_pass:{self.pk}"


class PassDocumentKind(models.TextChoices):
    """The papers T7 第一条 asks of an applicant, filed as copies (提供复印件备案)."""

    ID_CARD = "id_card", _("身份证")
    VEHICLE_LICENCE = "vehicle_licence", _("机动车行驶证")
    DRIVING_LICENCE = "driving_licence", _("驾驶证")
    INSURANCE = "insurance", _("车辆保险单")
    OTHER = "other", _("其他（租赁合同、工作证明等）")


class PassDocument(models.Model):
    """A copy of a paper filed with a vehicle pass application (V-10). Stored under MEDIA_ROOT
    with a random name; served only to the front desk and the security manager of its site,
    private and never stored by the browser."""

    vehicle_pass = models.ForeignKey(
        VehiclePass, on_delete=models.CASCADE, related_name="documents", verbose_name=_("出入证")
    )
    kind = models.CharField(_("证件"), max_length=20, choices=PassDocumentKind.choices)
    file = models.FileField(_("复印件"), upload_to=document_path, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("出入证申请材料")
        verbose_name_plural = _("出入证申请材料")

    def __str__(self) -> str:
        return f"{self.vehicle_pass_id} {self.get_kind_display()}"


class LeaseStatus(models.TextChoices):
    ACTIVE = "active", _("租赁中")
    RENEWED = "renewed", _("已续租")
    TERMINATED = "terminated", _("已终止")
    LAPSED = "lapsed", _("已放弃（到期未续）")


class SpaceLease(models.Model):
    """A parking-space lease (车位租赁协议, T7 第十七条), prepaid at signing to ``end``."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="space_leases", verbose_name=_("场所")
    )
    space = models.ForeignKey(
        "sites.ParkingSpace",
        on_delete=models.PROTECT,
        related_name="leases",
        verbose_name=_("车位"),
    )
    holder = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="space_leases",
        verbose_name=_("承租人"),
    )
    house_ref = models.CharField(_("房屋/租赁合同"), max_length=100)
    start = models.DateField(_("起租日期"))
    end = models.DateField(_("到期日期"), help_text=_("房屋租赁合同结束日期"))
    monthly_fee_fen = models.BigIntegerField(_("月租金（分）"))
    paid_fen = models.BigIntegerField(_("已预缴（分）"), default=0)
    payment_method = models.CharField(
        _("付款方式"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE
    )
    renewal_due = models.DateField(_("续租缴费截止日"))
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    refund_fen = models.BigIntegerField(_("退款（分）"), default=0)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_lease",
        verbose_name=_("上一租期"),
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("签订时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )

    class Meta:
        verbose_name = _("车位租赁")
        verbose_name_plural = _("车位租赁")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="lease_dates"),
            models.CheckConstraint(condition=Q(monthly_fee_fen__gt=0), name="lease_fee_positive"),
            models.UniqueConstraint(
                fields=["space"], condition=Q(status="active"), name="lease_one_active_per_space"
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "renewal_due"], name="lease_renewal_idx")]

    def __str__(self) -> str:
        return f"{self.space} {self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"

    @property
    def ref(self) -> str:
        """The ledger reference of this lease's money."""
        return f"space_lease:{self.pk}"
