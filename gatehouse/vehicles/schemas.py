"""API schemas of vehicle decisions (``POST /api/v1/vehicle/decisions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from gatehouse.access.schemas import GateDecisionOut


class VehicleDecisionIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"lane": "garage/in", "plate": "京A12345", "nonce": "c-20261124-0930-0001"},
                {"lane": "north/in", "card": "0A1B2C3D", "nonce": "c-20261124-0931-0002"},
                {
                    "lane": "north/in",
                    "no_plate": True,
                    "description": "白色面包车，男性驾驶人",
                    "nonce": "c-20261124-0932-0003",
                },
            ]
        }
    )

    lane: str | None = Field(
        None,
        max_length=81,
        description="车道：出入口编码/车道编码，例如 garage/in。设备已绑定车道时可省略",
        examples=["garage/in"],
    )
    plate: str = Field(
        "", max_length=20, description="识别到的车牌号码（服务器按 GA 36 校验并规范化）"
    )
    card: str = Field("", max_length=40, description="读到的停车卡或业主卡卡号")
    no_plate: bool = Field(
        False,
        description="无牌车或车牌无法识别（V-09：拒绝进入，登记车辆特征并通知监控中心）；"
        "plate 为“无牌”或相机的“_无_”时同样按无牌车处理",
    )
    description: str = Field(
        "", max_length=200, description="无牌车的车辆特征：颜色、品牌车型、驾驶人等"
    )
    at: datetime | None = Field(
        None,
        description="识别发生的时间（断网后补传），须带时区；规则和停车费按此时间计算",
        examples=["2026-11-24T09:28:41+08:00"],
    )
    nonce: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="请求编号，每次识别唯一；重发时使用同一编号，服务器返回第一次的结果",
        examples=["c-20261124-0930-0001"],
    )


class FeeOut(Schema):
    amount_fen: int = Field(description="尚需缴纳的停车费（分）")
    text: str = Field(description="金额（元），如 ¥15.00")


class VehicleDecisionOut(GateDecisionOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "event_id": 2048,
                    "outcome": "pending",
                    "pending": "payment",
                    "reason": "vehicle.fee_due",
                    "rule": "V-07",
                    "message": "出场须先缴纳临时停车费，缴费后开闸",
                    "obligations": [
                        {"duty": "pay_at_exit", "register": None, "minutes": None, "note": ""}
                    ],
                    "at": "2026-11-24T18:05:00+08:00",
                    "replayed": False,
                    "plate": "京A12345",
                    "fee": {"amount_fen": 1500, "text": "¥15.00"},
                }
            ]
        }
    )

    pending: Literal["verify", "host_consent", "approval", "payment"] | None = Field(  # type: ignore[assignment]
        None,
        description="待确认事项：verify 核实；host_consent 被访人同意；approval 物业核准；"
        "payment 缴费后开闸",
    )
    plate: str = Field(description="规范化后的车牌号码")
    fee: FeeOut | None = Field(None, description="出场须缴费时的金额；缴清后道闸放行")
