"""People, enterprises, vehicles, credentials and the blacklist (issue: foundation §4).

ID numbers and phones are stored only sealed (see ``gatehouse.privacy``): a ciphertext, a keyed
hash for exact look-ups and the last four characters. Screens show them masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """A tenant company of a park (or the company a site belongs to)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="enterprises", verbose_name=_("场所")
    )
    zone = models.ForeignKey(
        "sites.Zone", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所在分区")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_cipher = models.TextField(blank=True, editable=False)
    contact_phone_masked = models.CharField(
        _("联系电话"), max_length=11, blank=True, editable=False
    )
    is_active = models.BooleanField(_("在园"), default=True)

    class Meta:
        verbose_name = _("入驻企业")
        verbose_name_plural = _("入驻企业")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="enterprise_name_per_site"),
            models.UniqueConstraint(
                fields=["site", "uscc"], condition=~Q(uscc=""), name="enterprise_uscc_per_site"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonKind(models.TextChoices):
    OWNER = "owner", _("业主")
    FAMILY = "family", _("家属")
    TENANT = "tenant", _("租户")
    EMPLOYEE = "employee", _("企业员工")
    PROPERTY_STAFF = "property_staff", _("物业员工")
    GUARD = "guard", _("保安")
    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师")
    SCHOOL_STAFF = "school_staff", _("教职工")
    PARENT = "parent", _("家长")
    OTHER = "other", _("其他")


class Person(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="people", verbose_name=_("场所")
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("身份"), max_length=20, choices=PersonKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("所属企业"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("登录账号"),
    )
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_last4 = models.CharField(_("证件号后四位"), max_length=4, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    forgotten_card_count = models.PositiveIntegerField(_("忘带卡次数"), default=0, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    edge_always_admitted = models.BooleanField(
        _("断网时始终放行"),
        default=False,
        help_text=_(
            "本场所安保人员、管理人员：边缘网关名单过期或失效时，凭本人有效卡或人脸仍放行，"
            "并通知监控中心"
        ),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="person_id_number_per_site",
            )
        ]
        indexes = [models.Index(fields=["site", "name"], name="person_site_name_idx")]

    def __str__(self) -> str:
        return self.name


class HouseRelation(models.TextChoices):
    OWNER = "owner", _("业主")
    FAMILY = "family", _("家属")
    TENANT = "tenant", _("租户")
    STUDENT = "student", _("学生")  # a pupil of a class (T3)
    CLASS_TEACHER = "class_teacher", _("班主任")
    BOARDER = "boarder", _("住宿生")  # a dormitory room's student


# The relation to a house that follows from the kind of person registered there.
RELATION_OF_KIND: dict[str, HouseRelation] = {
    PersonKind.OWNER: HouseRelation.OWNER,
    PersonKind.FAMILY: HouseRelation.FAMILY,
    PersonKind.TENANT: HouseRelation.TENANT,
    PersonKind.STUDENT: HouseRelation.STUDENT,
}


class HouseMembership(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="house_links", verbose_name=_("人员")
    )
    house = models.ForeignKey(
        "sites.House", on_delete=models.CASCADE, related_name="occupants", verbose_name=_("房屋")
    )
    relation = models.CharField(_("关系"), max_length=20, choices=HouseRelation.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("房屋成员")
        verbose_name_plural = _("房屋成员")
        constraints = [
            models.UniqueConstraint(fields=["person", "house"], name="house_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.person} ({self.get_relation_display()})"


class Guardianship(models.Model):
    """A parent (监护人) of a student at a campus (T3): whose child a pick-up is for."""

    parent = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="children_links", verbose_name=_("家长")
    )
    student = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("学生")
    )
    relation = models.CharField(_("关系"), max_length=10, default="家长")

    class Meta:
        verbose_name = _("监护关系")
        verbose_name_plural = _("监护关系")
        constraints = [
            models.UniqueConstraint(fields=["parent", "student"], name="guardianship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.student} ← {self.parent}"


class Vehicle(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("场所")
    )
    plate = models.CharField(_("车牌号"), max_length=10)
    plate_kind = models.CharField(_("号牌种类"), max_length=20)
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name=_("车主"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所属企业")
    )
    brand = models.CharField(_("品牌型号"), max_length=50, blank=True)
    color = models.CharField(_("颜色"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        constraints = [
            models.UniqueConstraint(fields=["site", "plate"], name="vehicle_plate_per_site")
        ]

    def __str__(self) -> str:
        return self.plate


class CredentialKind(models.TextChoices):
    OWNER_CARD = "owner_card", _("业主卡")
    PARKING_CARD = "parking_card", _("停车卡")
    STAFF_BADGE = "staff_badge", _("工牌")
    QR = "qr", _("二维码")
    PLATE = "plate", _("车牌")


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    LOST = "lost", _("挂失")
    REVOKED = "revoked", _("注销")


class Credential(models.Model):
    """A card, badge, QR or plate that identifies its holder at a gate.

    ``number`` is canonical (see ``gatehouse.core.ids``); one number has at most one active holder
    at a site — enforced by a partial unique index, not only by the service.
    """

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="credentials", verbose_name=_("场所")
    )
    kind = models.CharField(_("凭证类型"), max_length=20, choices=CredentialKind.choices)
    number = models.CharField(_("凭证号"), max_length=64)
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("持有人"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("车辆"),
    )
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("发卡时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("凭证")
        verbose_name_plural = _("凭证")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number"],
                condition=Q(status="active"),
                name="credential_one_active_holder",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="credential_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(vehicle__isnull=False),
                name="credential_has_holder",
            ),
        ]
        indexes = [models.Index(fields=["site", "number"], name="credential_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class BlacklistKind(models.TextChoices):
    PERSON = "person", _("人员")
    PLATE = "plate", _("车牌")


class BlacklistEntry(models.Model):
    """Anyone on the blacklist is refused and the monitoring centre alerted (SPEC P-11)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="blacklist", verbose_name=_("场所")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=BlacklistKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("人员")
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    plate = models.CharField(_("车牌号"), max_length=10, blank=True, db_index=True)
    reason = models.CharField(_("原因"), max_length=200)
    starts_at = models.DateTimeField(_("生效时间"))
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("黑名单")
        verbose_name_plural = _("黑名单")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("starts_at")),
                name="blacklist_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.plate or self.name
