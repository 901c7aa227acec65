"""API schemas of people and credentials.

Personal data leaves the API masked only: ``id_number_masked`` (``110105********002X``) and
``phone_masked`` (``138****8000``); card and QR numbers show their last four characters. Full ID
numbers and phones are accepted on input (to register a person) and never returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from gatehouse.core.masking import mask_card
from gatehouse.people.models import (
    CredentialKind,
    CredentialStatus,
    HouseRelation,
    PersonKind,
)
from gatehouse.people.selectors import credentials_of

# Bounds of a page of the API: a larger offset or limit is 422 invalid_request, never a database
# error (an offset past 2**63 cannot be sent to the database at all).
MAX_LIMIT = 200
MAX_OFFSET = 10**9


def _choices(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def credential_number_display(kind: str, number: str) -> str:
    """Plates are shown as they are; cards, badges and QR tokens only by their last four."""
    return number if kind == CredentialKind.PLATE else mask_card(number)


# ----------------------------------------------------------------------------------- output


class HouseLinkOut(Schema):
    house_id: int = Field(description="房屋编号")
    number: str = Field(description="房号（楼栋-单元-房号）", examples=["3-2-1201"])
    relation: HouseRelation = Field(description=f"与房屋的关系：{_choices(HouseRelation)}")
    relation_label: str = Field(description="关系名称", examples=["业主"])

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return str(obj.house.number)

    @staticmethod
    def resolve_relation_label(obj: Any) -> str:
        return str(obj.get_relation_display())


class CredentialOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 31,
                    "site_id": 1,
                    "kind": "owner_card",
                    "kind_label": "业主卡",
                    "number_display": "****B2C3",
                    "person_id": 12,
                    "vehicle_plate": None,
                    "status": "active",
                    "status_label": "有效",
                    "valid_from": "2026-11-24T09:30:00+08:00",
                    "valid_until": "2027-11-24T00:00:00+08:00",
                    "status_changed_at": "2026-11-24T09:30:00+08:00",
                }
            ]
        }
    )

    id: int = Field(description="凭证编号")
    site_id: int = Field(description="场所编号")
    kind: CredentialKind = Field(description=f"凭证类型：{_choices(CredentialKind)}")
    kind_label: str = Field(description="凭证类型名称")
    number_display: str = Field(
        description="凭证号：卡号/二维码只显示后四位（如 ****B2C3），车牌原样显示",
        examples=["****B2C3"],
    )
    person_id: int | None = Field(None, description="持有人编号")
    vehicle_plate: str | None = Field(None, description="绑定车辆的车牌号")
    status: CredentialStatus = Field(description=f"状态：{_choices(CredentialStatus)}")
    status_label: str = Field(description="状态名称")
    valid_from: datetime = Field(description="生效时间")
    valid_until: datetime | None = Field(None, description="失效时间（为空表示长期有效）")
    status_changed_at: datetime | None = Field(None, description="最近一次状态变更时间")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_number_display(obj: Any) -> str:
        return credential_number_display(obj.kind, obj.number)

    @staticmethod
    def resolve_vehicle_plate(obj: Any) -> str | None:
        return obj.vehicle.plate if obj.vehicle_id else None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class PersonSummaryOut(Schema):
    id: int = Field(description="人员编号")
    site_id: int = Field(description="场所编号")
    name: str = Field(description="姓名", examples=["张伟"])
    kind: PersonKind = Field(description=f"身份：{_choices(PersonKind)}")
    kind_label: str = Field(description="身份名称", examples=["业主"])
    id_number_masked: str = Field(
        description="身份证号（脱敏，仅保留前6位与后4位）", examples=["110105********002X"]
    )
    phone_masked: str = Field(description="手机号（脱敏）", examples=["138****8000"])
    is_active: bool = Field(description="是否有效")
    houses: list[HouseLinkOut] = Field(description="关联的房屋")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_houses(obj: Any) -> list[Any]:
        return list(obj.house_links.all())


class PersonOut(PersonSummaryOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "site_id": 1,
                    "name": "张伟",
                    "kind": "owner",
                    "kind_label": "业主",
                    "id_number_masked": "110105********002X",
                    "phone_masked": "138****8000",
                    "is_active": True,
                    "houses": [
                        {
                            "house_id": 5,
                            "number": "3-2-1201",
                            "relation": "owner",
                            "relation_label": "业主",
                        }
                    ],
                    "enterprise_id": None,
                    "enterprise_name": None,
                    "note": "",
                    "created_at": "2026-11-24T09:30:00+08:00",
                    "credentials": [],
                }
            ]
        }
    )

    enterprise_id: int | None = Field(None, description="所属企业编号")
    enterprise_name: str | None = Field(None, description="所属企业名称")
    note: str = Field(description="备注")
    created_at: datetime = Field(description="登记时间")
    credentials: list[CredentialOut] = Field(description="本人及其车辆的凭证（含已挂失、已注销）")

    @staticmethod
    def resolve_enterprise_name(obj: Any) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None

    @staticmethod
    def resolve_credentials(obj: Any) -> list[Any]:
        return list(credentials_of(obj))


class PersonPageOut(Schema):
    count: int = Field(description="符合条件的总人数")
    limit: int = Field(description="本页最多条数")
    offset: int = Field(description="跳过的条数")
    items: list[PersonSummaryOut] = Field(description="本页人员")


# ------------------------------------------------------------------------------------ input


class PersonFilter(Schema):
    q: str = Field(
        "",
        max_length=50,
        description="查找：姓名（包含）、房号（完整）、完整手机号或完整身份证号",
        examples=["张伟"],
    )
    kind: PersonKind | None = Field(None, description=f"按身份筛选：{_choices(PersonKind)}")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}）")


class PersonIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "张伟",
                    "kind": "owner",
                    "id_number": "110101199003070012",
                    "phone": "13900001111",
                    "house_number": "3-2-1201",
                    "note": "",
                }
            ]
        }
    )

    name: str = Field(max_length=200, description="姓名", examples=["张伟"])
    kind: PersonKind = Field(description=f"身份：{_choices(PersonKind)}")
    id_number: str = Field(
        "",
        max_length=40,
        description="18位居民身份证号（校验位、行政区划、出生日期均会校验）；只加密保存，返回时脱敏",
    )
    phone: str = Field("", max_length=30, description="手机号（中国大陆）；只加密保存，返回时脱敏")
    house_number: str | None = Field(
        None,
        max_length=40,
        description="房号（如 3-2-1201）；业主、家属、租户可关联，关系按身份确定",
    )
    note: str = Field("", max_length=200, description="备注")


class CredentialIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "owner_card",
                    "number": "0305419896",
                    "person_id": 12,
                    "valid_from": "2026-11-24T09:30:00+08:00",
                    "valid_until": "2027-11-24T00:00:00+08:00",
                },
                {"kind": "plate", "number": "京A·12345", "person_id": 12, "plate": "京A·12345"},
            ]
        }
    )

    kind: CredentialKind = Field(description=f"凭证类型：{_choices(CredentialKind)}")
    number: str = Field(
        "",
        max_length=64,
        description=(
            "凭证号：卡号可填十六进制 UID、10位十进制或韦根26（如 161,45763），统一换算为同一张卡；"
            "车牌凭证可留空，取 plate"
        ),
    )
    person_id: int | None = Field(None, description="持有人编号（本场所人员）")
    plate: str | None = Field(
        None, max_length=20, description="绑定车辆的车牌号；本场所未登记的车辆会一并登记"
    )
    valid_from: datetime | None = Field(None, description="生效时间（默认现在）")
    valid_until: datetime | None = Field(None, description="失效时间（为空表示长期有效）")


class CredentialStatusIn(Schema):
    status: CredentialStatus = Field(
        description=f"新状态：{_choices(CredentialStatus)}", examples=["lost"]
    )
