"""API schemas for devices at the gates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from gatehouse.devices.models import DeviceKind
from gatehouse.sites.models import Direction, LaneKind


def _choices(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class DeviceSiteOut(Schema):
    id: int = Field(description="场所编号")
    code: str = Field(description="场所编码", examples=["donghu"])
    name: str = Field(description="场所名称", examples=["东湖花园"])
    mode: str = Field(
        description="当前管理模式：normal 常态；tightened 加强管控；epidemic 疫情封闭"
    )


class DeviceGateOut(Schema):
    id: int = Field(description="出入口编号")
    code: str = Field(description="出入口编码", examples=["east"])
    name: str = Field(description="出入口名称", examples=["东门"])


class DeviceLaneOut(Schema):
    id: int = Field(description="车道/通道编号")
    code: str = Field(description="车道编码")
    name: str = Field(description="车道名称", examples=["人行入口"])
    kind: LaneKind = Field(description=f"车道类型：{_choices(LaneKind)}")
    direction: Direction = Field(description=f"方向：{_choices(Direction)}")
    gate: DeviceGateOut = Field(description="所在出入口")


class DeviceWhoAmIOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "name": "东门人行闸机1",
                    "kind": "turnstile",
                    "kind_label": "人行闸机",
                    "vendor": "generic",
                    "key_prefix": "gd_Xy3kP0q",
                    "site": {"id": 1, "code": "donghu", "name": "东湖花园", "mode": "normal"},
                    "lane": {
                        "id": 2,
                        "code": "east-walk-in",
                        "name": "人行入口",
                        "kind": "non_motor",
                        "direction": "in",
                        "gate": {"id": 1, "code": "east", "name": "东门"},
                    },
                    "last_seen_at": "2026-11-24T09:30:00+08:00",
                }
            ]
        }
    )

    id: int = Field(description="设备编号")
    name: str = Field(description="设备名称")
    kind: DeviceKind = Field(description=f"设备类型：{_choices(DeviceKind)}")
    kind_label: str = Field(description="设备类型名称")
    vendor: str = Field(description="厂商/协议")
    key_prefix: str = Field(description="当前密钥前缀（用于核对是哪一把密钥）")
    site: DeviceSiteOut = Field(description="所属场所")
    lane: DeviceLaneOut | None = Field(None, description="安装的车道/通道（未绑定时为空）")
    last_seen_at: datetime | None = Field(None, description="最近通信时间")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class IsapiStatusOut(Schema):
    """The answer to a terminal's push: ISAPI's ``ResponseStatus`` (what the terminal reads)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "requestURL": "",
                    "statusCode": 1,
                    "statusString": "OK",
                    "subStatusCode": "ok",
                    "recorded": True,
                    "replayed": False,
                    "eventId": 1021,
                    "outcome": "allow",
                },
                {
                    "requestURL": "",
                    "statusCode": 6,
                    "statusString": "Invalid JSON Content",
                    "subStatusCode": "badJsonContent",
                    "errorCode": 6,
                    "errorMsg": "事件缺少 AccessControllerEvent",
                },
            ]
        }
    )

    requestURL: str = Field("", description="请求地址（ISAPI 约定，留空）")
    statusCode: int = Field(description="1 成功；4 操作无效；5 格式错误；6 内容错误")
    statusString: str = Field(description="状态说明，如 OK")
    subStatusCode: str = Field(description="子状态码，如 ok、badJsonContent、unAuthorized")
    errorCode: int | None = Field(None, description="出错时同 statusCode")
    errorMsg: str | None = Field(None, description="出错时的中文说明")
    recorded: bool | None = Field(None, description="是否记录为一次通行")
    replayed: bool | None = Field(None, description="是否为已记录事件的重复推送")
    eventId: int | None = Field(None, description="通行事件编号")
    outcome: str | None = Field(None, description="记录的通行结果：allow / refuse")
