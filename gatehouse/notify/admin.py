"""Notification channels per site (issue 16 §4): a staff group's robot or an SMS account, what
it carries, its secrets (write-only, stored encrypted, shown masked), its SMS templates, and an
action that sends a test message through it at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.core.errors import DomainError
from gatehouse.notify import delivery, services
from gatehouse.notify.models import Channel, MessageKind, MessageState, SmsTemplate
from gatehouse.people.models import Person


class ChannelForm(forms.ModelForm):
    message_kinds = forms.MultipleChoiceField(
        label=_("发送的消息类型"),
        choices=[(k, label) for k, label in MessageKind.choices if k != MessageKind.TEST],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    token = forms.CharField(
        label=_("Webhook 令牌"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "企业微信 key / 钉钉 access_token / 飞书 hook 地址末段；留空则保留原值；加密保存"
        ),
    )
    secret = forms.CharField(
        label=_("签名密钥"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("钉钉/飞书加签密钥、AccessKeySecret / SecretKey；留空则保留原值；加密保存"),
    )

    class Meta:
        model = Channel
        fields = (
            "site",
            "kind",
            "name",
            "enabled",
            "message_kinds",
            "endpoint",
            "account",
            "app_id",
            "sign_name",
            "region",
        )


class SmsTemplateInline(TabularInline):
    model = SmsTemplate
    extra = 0
    fields = ("message_kind", "code", "params")


@admin.register(Channel)
class ChannelAdmin(SiteScopedAdmin):
    form = ChannelForm
    inlines = [SmsTemplateInline]
    list_display = ("name", "site", "kind", "enabled", "token_hint", "secret_hint", "carries")
    list_filter = ("site", "kind", "enabled")
    search_fields = ("name",)
    readonly_fields = ("token_hint", "secret_hint", "created_at")
    actions = ["send_test_message"]

    @admin.display(description=_("发送的消息类型"))
    def carries(self, obj: Channel) -> str:
        labels = dict(MessageKind.choices)
        return "、".join(str(labels.get(k, k)) for k in obj.message_kinds or []) or "—"

    def save_model(self, request: Any, obj: Channel, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.channel_secrets_set(
            channel=obj,
            token=form.cleaned_data.get("token") or None,
            secret=form.cleaned_data.get("secret") or None,
        )

    @admin.action(description=_("发送测试消息"))
    def send_test_message(self, request: Any, queryset: Any) -> None:
        now = timezone.now()
        me = Person.objects.filter(user=request.user).first()
        for channel in queryset.select_related("site"):
            try:
                message = services.send_test(channel=channel, now=now, person=me)
            except DomainError as exc:
                self.message_user(request, f"{channel.name}：{exc.message}", messages.ERROR)
                continue
            reply = delivery.attempt(message, now=now, transport=delivery.http_post)
            state = delivery.record(message, reply, now=now)
            if state == MessageState.SENT:
                self.message_user(
                    request,
                    _("“%(name)s”测试消息已发送") % {"name": channel.name},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("“%(name)s”测试消息未发出：%(error)s")
                    % {"name": channel.name, "error": reply.error},
                    messages.ERROR,
                )
