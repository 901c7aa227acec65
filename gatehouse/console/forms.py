"""Plain forms of the console: they clean input, the views read and the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.core.text import clean_text

MAX_IMPORT_BYTES = 5 * 1024 * 1024
_PLATE_NOISE = str.maketrans("", "", " ·•.-")


def normalise_plate_fragment(raw: str) -> str:
    """A plate or part of one as stored: upper case, no separators (``京a·123`` → ``京A123``)."""
    return (raw or "").strip().upper().translate(_PLATE_NOISE)


class PeopleSearchForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    house = forms.CharField(label=_("房号"), max_length=40, required=False)
    id_last4 = forms.CharField(
        label=_("证件号后四位"),
        min_length=4,
        max_length=4,
        required=False,
        error_messages={
            "min_length": _("请输入证件号的后四位"),
            "max_length": _("请输入证件号的后四位"),
        },
    )
    plate = forms.CharField(label=_("车牌号"), max_length=12, required=False)

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"])

    def clean_house(self) -> str:
        return self.cleaned_data["house"].strip()

    def clean_id_last4(self) -> str:
        value = self.cleaned_data["id_last4"].strip().upper()
        if value and not (value[:3].isdigit() and (value[3].isdigit() or value[3] == "X")):
            raise forms.ValidationError(_("证件号后四位只能是数字或 X"), code="id_last4")
        return value

    def clean_plate(self) -> str:
        return normalise_plate_fragment(self.cleaned_data["plate"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("人员导入表（.xlsx）"),
        error_messages={"required": _("请选择要导入的 Excel 文件"), "empty": _("上传的文件是空的")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("只能导入 .xlsx 格式的 Excel 文件，请用导入模板填写后上传"),
                code="import.file_type",
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件太大：一次最多导入 5 MB，请分批导入"), code="import.file_size"
            )
        return upload
