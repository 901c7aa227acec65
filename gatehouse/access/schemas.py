"""API schemas of gate decisions (``POST /api/v1/gate/decisions``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

READ_KIND_HELP = (
    "读取方式：card=门禁卡；badge=工牌；qr=二维码（访客邀请码、出入证或二维码凭证）；"
    "id_card=身份证；face=人脸终端（值为人员编号）"
)


class CredentialReadIn(Schema):
    kind: Literal["card", "badge", "qr", "id_card", "face"] = Field(
        description=READ_KIND_HELP, examples=["card"]
    )
    value: str = Field(
        min_length=1,
        max_length=300,
        description="读到的原始内容：卡号（8/14 位十六进制、10 位十进制或 韦根26 格式）、"
        "二维码内容、身份证号、人脸终端的人员编号",
        examples=["0A1B2C3D"],
    )


class GateDecisionIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lane": "east/walk-in",
                    "credential": {"kind": "card", "value": "0A1B2C3D"},
                    "nonce": "r-20261124-093000-0001",
                },
                {
                    "lane": "east/walk-in",
                    "credential": {"kind": "qr", "value": "GH1.inv.k3J…"},
                    "at": "2026-11-24T09:28:41+08:00",
                    "temperature": "36.5",
                    "health_code": "green",
                    "nonce": "r-20261124-092841-0007",
                },
            ]
        }
    )

    lane: str | None = Field(
        None,
        max_length=81,
        description="通道：出入口编码/通道编码，例如 east/walk-in。设备已绑定通道时可省略；"
        "如填写须与绑定的通道一致",
        examples=["east/walk-in"],
    )
    credential: CredentialReadIn = Field(description="本次读取的凭证")
    at: datetime | None = Field(
        None,
        description="读取发生的时间（断网后补传），须带时区；不早于 7 天前、不晚于服务器时间"
        " 2 分钟。省略时为服务器收到请求的时间。规则按此时间判定",
        examples=["2026-11-24T09:28:41+08:00"],
    )
    temperature: Decimal | None = Field(
        None, description="测得体温（℃，疫情封闭模式时上报）", examples=["36.5"]
    )
    health_code: Literal["green", "yellow", "red"] | None = Field(
        None, description="健康码颜色：green 绿码；yellow 黄码；red 红码"
    )
    travel_code: Literal["green", "starred", "yellow", "red"] | None = Field(
        None,
        description="行程卡：green 绿色；starred 带星号（14 天内到过中高风险地区所在城市）；"
        "yellow 黄色；red 红色。疫情封闭模式下非绿色不予进入",
    )
    nonce: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="请求编号，由设备生成，每次读取唯一（1–64 位字母、数字、_ 或 -）。"
        "重发同一请求时使用同一编号，服务器返回第一次的结果且不重复记录",
        examples=["r-20261124-093000-0001"],
    )


class ObligationOut(Schema):
    duty: str = Field(
        description="后续事项：register 登记；notify_monitoring 通知监控中心；check_identity "
        "核对证件；notify_host 通知被访人；time_limit 限时；escort 护送 等",
        examples=["notify_monitoring"],
    )
    # "register" would shadow a pydantic attribute: the field is named register_, shown as register
    register_: str | None = Field(
        None,
        alias="register",
        description="要写入的登记表：visitor 来客进出登记表；"
        "staff_midshift 上班中途进出员工登记表 等",
        examples=[None],
    )
    minutes: int | None = Field(None, description="时限（分钟）")
    note: str = Field("", description="说明")


class GateDecisionOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": 1024,
                    "outcome": "allow",
                    "pending": None,
                    "reason": "resident.card",
                    "rule": "P-03",
                    "message": "业主/住户，放行",
                    "obligations": [],
                    "at": "2026-11-24T09:30:00+08:00",
                    "replayed": False,
                },
                {
                    "event_id": 1025,
                    "outcome": "refuse",
                    "pending": None,
                    "reason": "credential.lost",
                    "rule": "P-03",
                    "message": "此卡已挂失，不能通行；请核实持卡人身份",
                    "obligations": [
                        {
                            "duty": "notify_monitoring",
                            "register": None,
                            "minutes": None,
                            "note": "",
                        }
                    ],
                    "at": "2026-11-24T09:31:12+08:00",
                    "replayed": False,
                },
            ]
        }
    )

    event_id: int = Field(description="通行记录编号")
    outcome: Literal["allow", "refuse", "pending"] = Field(
        description="结果：allow 放行（开闸）；refuse 拒绝；"
        "pending 待确认（请值班人员处理，不开闸）"
    )
    pending: Literal["verify", "host_consent", "approval"] | None = Field(
        None, description="待确认事项：verify 核实身份；host_consent 被访人同意；approval 主管批准"
    )
    reason: str = Field(description="原因代码", examples=["resident.card"])
    rule: str = Field(description="依据的规则编号（SPEC）", examples=["P-03"])
    message: str = Field(
        description="给闸机屏幕和值班人员看的中文提示", examples=["业主/住户，放行"]
    )
    obligations: list[ObligationOut] = Field(description="此判定带来的后续事项")
    at: datetime = Field(description="通行时间（即判定所依据的时间）")
    replayed: bool = Field(
        description="true 表示这是同一请求编号（nonce）的重发，返回的是第一次的结果，未重复记录"
    )
