"""Messages that reach people (issue 16 §4): the channels a site sends through and every
message sent, one row per channel and recipient, with its delivery state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    CONSOLE = "console", _("系统内通知")
    LOG = "log", _("日志")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")
    ALIYUN_SMS = "aliyun_sms", _("阿里云短信")
    TENCENT_SMS = "tencent_sms", _("腾讯云短信")


GROUP_KINDS = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.FEISHU)
SMS_KINDS = (ChannelKind.ALIYUN_SMS, ChannelKind.TENCENT_SMS)


class MessageKind(models.TextChoices):
    VISIT_CONSENT = "visit.consent", _("访客待被访人同意")
    MAIL_ARRIVED = "mail.arrived", _("信件到达门岗")
    ALARM = "alarm", _("监控告警")
    ANOMALY_ESCALATED = "anomaly.escalated", _("异常情况上报")
    LEASE_LAPSING = "lease.lapsing", _("车位租约即将到期")
    LAND_DEADLINE = "land.deadline", _("用地期限提醒")
    EPIDEMIC = "epidemic.alert", _("疫情防控提醒")
    REPAIR_OVERDUE = "repair.overdue", _("报修超时提醒")
    TEST = "test", _("测试消息")


class Channel(models.Model):
    """A way a site's messages leave: a staff group's robot, an SMS account, the console, the
    log. Its secrets are stored encrypted (``gatehouse.privacy``) and shown masked."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("渠道类型"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    enabled = models.BooleanField(_("启用"), default=True)
    message_kinds = models.JSONField(_("发送的消息类型"), default=list, blank=True)
    endpoint = models.CharField(
        _("接口地址"), max_length=200, blank=True, help_text=_("留空使用服务商的正式地址")
    )
    account = models.CharField(
        _("账号标识"), max_length=100, blank=True, help_text=_("AccessKeyId / SecretId")
    )
    app_id = models.CharField(_("应用ID"), max_length=40, blank=True, help_text=_("SmsSdkAppId"))
    sign_name = models.CharField(_("短信签名"), max_length=40, blank=True)
    region = models.CharField(_("地域"), max_length=40, blank=True)
    token_cipher = models.TextField(blank=True, editable=False)
    token_hint = models.CharField(_("令牌"), max_length=12, blank=True, editable=False)
    secret_cipher = models.TextField(blank=True, editable=False)
    secret_hint = models.CharField(_("密钥"), max_length=12, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="notify_channel_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def carries(self, kind: str) -> bool:
        return self.enabled and kind in (self.message_kinds or [])


class SmsTemplate(models.Model):
    """The provider's template an SMS channel uses for one message kind, and the order of its
    parameters (Tencent numbers them; Aliyun names them)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="templates", verbose_name=_("渠道")
    )
    message_kind = models.CharField(_("消息类型"), max_length=30, choices=MessageKind.choices)
    code = models.CharField(_("模板编号"), max_length=40)
    params = models.CharField(
        _("模板参数"),
        max_length=200,
        blank=True,
        help_text=_("按模板顺序，用逗号分隔，例如 name,link"),
    )

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "message_kind"], name="notify_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_message_kind_display()}：{self.code}"

    def param_names(self) -> list[str]:
        return [p.strip() for p in self.params.split(",") if p.strip()]


class MessageState(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Message(models.Model):
    """One message to one recipient through one channel, and how its delivery went."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("渠道"),
    )
    channel_kind = models.CharField(_("渠道类型"), max_length=20, choices=ChannelKind.choices)
    kind = models.CharField(_("消息类型"), max_length=30, choices=MessageKind.choices)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    audience = models.CharField(_("通知对象"), max_length=20, blank=True)
    recipient_masked = models.CharField(_("接收方"), max_length=60, blank=True)
    recipient_cipher = models.TextField(blank=True, editable=False)
    text = models.CharField(_("内容"), max_length=500)
    params = models.JSONField(default=dict, blank=True)
    notice_kind = models.CharField(max_length=40, blank=True)
    ref = models.CharField(_("关联记录"), max_length=80, blank=True)
    dedupe = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    provider_id = models.CharField(_("服务商消息号"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notify_due_idx"),
            models.Index(fields=["site", "-created_at"], name="notify_site_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_masked}"
