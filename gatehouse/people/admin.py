"""Admin for people, enterprises, vehicles, credentials and the blacklist.

Forms take ID numbers, phones, plates and card numbers as typed; the core validates and
normalises them, the services seal them. The clear ID number is never shown here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.core.errors import DomainError
from gatehouse.core.ids import parse_id_number, parse_mobile, parse_plate, parse_uscc
from gatehouse.core.masking import mask_card, mask_phone
from gatehouse.core.text import clean_text, require_text
from gatehouse.devices.sync import sync_people
from gatehouse.people import services
from gatehouse.people.models import (
    BlacklistEntry,
    Credential,
    Enterprise,
    HouseMembership,
    Person,
    Vehicle,
)
from gatehouse.privacy import seal


def _core_clean(parse: Any, value: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return parse(value, *args, **kwargs)
    except DomainError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


class EnterpriseForm(forms.ModelForm):
    contact_phone = forms.CharField(label=_("联系电话"), required=False)

    class Meta:
        model = Enterprise
        fields = ("site", "zone", "name", "uscc", "industry", "contact_name", "is_active")

    def clean_name(self) -> str:
        return _core_clean(
            require_text,
            self.cleaned_data.get("name", ""),
            field="name",
            label="企业名称",
            max_length=200,
        )

    def clean_contact_name(self) -> str:
        return clean_text(self.cleaned_data.get("contact_name", ""), 50)

    def clean_uscc(self) -> str:
        value = self.cleaned_data.get("uscc", "")
        return _core_clean(parse_uscc, value) if value else ""

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "")
        return _core_clean(parse_mobile, value) if value else ""


@admin.register(Enterprise)
class EnterpriseAdmin(SiteScopedAdmin):
    form = EnterpriseForm
    list_display = ("name", "site", "zone", "industry", "contact_name", "contact_phone_masked")
    list_filter = ("site", "zone", "is_active")
    search_fields = ("name", "uscc")

    def write_model(self, request, obj, form, change):
        phone = form.cleaned_data.get("contact_phone")
        if phone:
            obj.contact_phone_cipher = seal("phone", phone).cipher
            obj.contact_phone_masked = mask_phone(phone)
        obj.save()


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("身份证号"), required=False, help_text=_("留空表示不修改；保存后只显示脱敏号码")
    )
    phone = forms.CharField(label=_("手机号"), required=False, help_text=_("留空表示不修改"))

    class Meta:
        model = Person
        fields = (
            "site",
            "name",
            "kind",
            "enterprise",
            "user",
            "is_active",
            "edge_always_admitted",
            "note",
        )

    def clean_name(self) -> str:
        return _core_clean(services.clean_name, self.cleaned_data.get("name", ""))

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "")
        return _core_clean(parse_id_number, value, today=timezone.localdate()) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        return _core_clean(parse_mobile, value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site, canonical = data.get("site"), data.get("id_number")
        if site and canonical:
            try:
                services.ensure_id_number_free(
                    site=site, canonical=canonical, exclude_pk=self.instance.pk
                )
            except DomainError as exc:
                self.add_error("id_number", exc.message)
        enterprise = data.get("enterprise")
        if site and enterprise and enterprise.site_id != site.pk:
            self.add_error("enterprise", _("所属企业不在本场所"))
        return data


class HouseMembershipInline(ScopedInline):
    model = HouseMembership
    fields = ("house", "relation", "since", "until")
    autocomplete_fields = ("house",)


class CredentialInline(ScopedInline):
    model = Credential
    fk_name = "person"
    fields = ("kind", "masked_number", "status", "valid_from", "valid_until")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("凭证号"))
    def masked_number(self, obj: Credential) -> str:
        return obj.number if obj.kind == "plate" else mask_card(obj.number)


@admin.register(Person)
class PersonAdmin(SiteScopedAdmin):
    form = PersonForm
    list_display = ("name", "site", "kind", "id_number_masked", "phone_masked", "enterprise")
    list_filter = ("site", "kind", "is_active", "edge_always_admitted")
    search_fields = ("name", "id_number_last4", "house_links__house__number")
    readonly_fields = ("id_number_masked", "phone_masked", "forgotten_card_count", "created_at")
    inlines = [HouseMembershipInline, CredentialInline]
    list_select_related = ("site", "enterprise")

    def write_model(self, request, obj, form, change):
        if form.cleaned_data.get("id_number"):
            services.set_id_number(obj, form.cleaned_data["id_number"])
        if form.cleaned_data.get("phone"):
            services.set_phone(obj, form.cleaned_data["phone"])
        obj.save()
        # Moved out (inactive), renamed: the terminals' lists follow (gatehouse.devices.sync).
        sync_people([obj.pk], timezone.now(), reason="后台修改人员")


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ("site", "plate", "owner", "enterprise", "brand", "color")

    def clean_plate(self) -> str:
        plate = _core_clean(parse_plate, self.cleaned_data.get("plate", ""))
        self.instance.plate_kind = str(plate.kind)
        return plate.number


@admin.register(Vehicle)
class VehicleAdmin(SiteScopedAdmin):
    form = VehicleForm
    list_display = ("plate", "site", "plate_kind", "owner", "enterprise", "brand", "color")
    list_filter = ("site", "plate_kind")
    search_fields = ("plate", "owner__name")
    autocomplete_fields = ("owner",)


class CredentialForm(forms.ModelForm):
    class Meta:
        model = Credential
        fields = (
            "site",
            "kind",
            "number",
            "person",
            "vehicle",
            "valid_from",
            "valid_until",
            "status",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, number, site = data.get("kind"), data.get("number"), data.get("site")
        if kind and number:
            try:
                data["number"] = services.normalise_credential_number(kind, number)
            except DomainError as exc:
                self.add_error("number", exc.message)
                return data
        if site and data.get("number") and data.get("status") == "active":
            try:
                services.ensure_number_free(
                    site=site, canonical=data["number"], exclude_pk=self.instance.pk
                )
            except DomainError as exc:
                self.add_error("number", exc.message)
        if not data.get("person") and not data.get("vehicle"):
            self.add_error("person", _("凭证必须有持有人或车辆"))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("失效时间必须晚于生效时间"))
        return data


@admin.register(Credential)
class CredentialAdmin(SiteScopedAdmin):
    form = CredentialForm
    list_display = ("masked_number", "kind", "site", "person", "vehicle", "status", "valid_until")
    list_filter = ("site", "kind", "status")
    search_fields = ("number", "person__name", "vehicle__plate")
    autocomplete_fields = ("person", "vehicle")
    list_select_related = ("site", "person", "vehicle")

    @admin.display(description=_("凭证号"))
    def masked_number(self, obj: Credential) -> str:
        return obj.number if obj.kind == "plate" else mask_card(obj.number)

    def write_model(self, request, obj, form, change):
        holders = {obj.person_id}
        if change:
            holders |= set(Credential.objects.filter(pk=obj.pk).values_list("person_id", flat=True))
        if change and "status" in form.changed_data:
            obj.status_changed_at = timezone.now()
        obj.save()
        # The card's holder (and its former holder) on the terminals follow.
        sync_people([pk for pk in holders if pk is not None], timezone.now(), reason="后台修改卡")


class BlacklistForm(forms.ModelForm):
    id_number = forms.CharField(label=_("身份证号"), required=False)

    class Meta:
        model = BlacklistEntry
        fields = ("site", "kind", "person", "name", "plate", "reason", "starts_at", "expires_at")

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "")
        return _core_clean(parse_id_number, value, today=timezone.localdate()) if value else ""

    def clean_plate(self) -> str:
        value = self.cleaned_data.get("plate", "")
        return _core_clean(parse_plate, value).number if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "plate" and not data.get("plate"):
            self.add_error("plate", _("请填写车牌号"))
        if data.get("kind") == "person" and not (data.get("person") or data.get("name")):
            self.add_error("name", _("请选择人员或填写姓名"))
        start, end = data.get("starts_at"), data.get("expires_at")
        if start and end and end <= start:
            self.add_error("expires_at", _("到期时间必须晚于生效时间"))
        return data


@admin.register(BlacklistEntry)
class BlacklistAdmin(SiteScopedAdmin):
    form = BlacklistForm
    list_display = (
        "__str__",
        "site",
        "kind",
        "id_number_masked",
        "reason",
        "expires_at",
        "lifted_at",
    )
    list_filter = ("site", "kind")
    search_fields = ("name", "plate", "reason")
    autocomplete_fields = ("person",)

    def write_model(self, request, obj, form, change):
        if form.cleaned_data.get("id_number"):
            services.set_id_number(obj, form.cleaned_data["id_number"])
        if obj.person_id and not obj.name:
            obj.name = obj.person.name
        if not change:
            obj.created_by = request.user
        before = BlacklistEntry.objects.get(pk=obj.pk) if change else None
        named = set(services.people_named_by(before)) if before is not None else set()
        obj.save()
        named |= set(services.people_named_by(obj))
        sync_people(named, timezone.now(), reason="后台修改黑名单")
