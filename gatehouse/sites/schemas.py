"""API schemas of the site model (SPEC §1): sites, zones, gates and lanes."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from gatehouse.sites.models import Direction, LaneKind, SiteKind, SiteMode


def _choices(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class SiteOut(Schema):
    id: int = Field(description="场所编号")
    code: str = Field(description="场所编码", examples=["donghu"])
    name: str = Field(description="场所名称", examples=["东湖花园"])
    kind: SiteKind = Field(description=f"场所类型：{_choices(SiteKind)}")
    kind_label: str = Field(description="场所类型名称", examples=["住宅小区"])
    mode: SiteMode = Field(description=f"当前管理模式：{_choices(SiteMode)}")
    mode_label: str = Field(description="管理模式名称", examples=["常态"])
    address: str = Field(description="地址")
    operator: str = Field(description="管理单位（物业公司等）")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_mode_label(obj: Any) -> str:
        return str(obj.get_mode_display())


class ZoneOut(Schema):
    id: int = Field(description="分区编号")
    code: str = Field(description="分区编码")
    name: str = Field(description="分区名称", examples=["智能制造园"])
    industry_focus: str = Field(description="产业定位", examples=["汽车零部件、精密机械"])


class LaneOut(Schema):
    id: int = Field(description="车道/通道编号")
    code: str = Field(description="车道编码")
    name: str = Field(description="车道名称", examples=["东门机动车入口"])
    kind: LaneKind = Field(description=f"车道类型：{_choices(LaneKind)}")
    direction: Direction = Field(description=f"方向：{_choices(Direction)}")
    garage_id: int | None = Field(None, description="所属车库编号（车库出入口才有）")


class GateOut(Schema):
    id: int = Field(description="出入口编号")
    code: str = Field(description="出入口编码", examples=["east"])
    name: str = Field(description="出入口名称", examples=["东门"])
    zone_id: int | None = Field(None, description="所在分区编号")
    open_when_tightened: bool = Field(description="加强管控或疫情封闭时是否保留开放")
    lanes: list[LaneOut] = Field(description="该出入口的车道/通道")


class SiteCountsOut(Schema):
    garages: int = Field(description="车库数")
    parking_spaces: int = Field(description="车位数")
    buildings: int = Field(description="楼栋数")
    houses: int = Field(description="房屋数")
    checkpoints: int = Field(description="巡更点数")
    posts: int = Field(description="岗位数")


class SiteDetailOut(SiteOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "code": "donghu",
                    "name": "东湖花园",
                    "kind": "residential",
                    "kind_label": "住宅小区",
                    "mode": "normal",
                    "mode_label": "常态",
                    "address": "武汉市武昌区东湖路100号",
                    "operator": "东湖物业服务有限公司",
                    "zones": [],
                    "gates": [
                        {
                            "id": 1,
                            "code": "east",
                            "name": "东门",
                            "zone_id": None,
                            "open_when_tightened": True,
                            "lanes": [
                                {
                                    "id": 1,
                                    "code": "east-car-in",
                                    "name": "机动车入口",
                                    "kind": "motor",
                                    "direction": "in",
                                    "garage_id": None,
                                }
                            ],
                        }
                    ],
                    "counts": {
                        "garages": 1,
                        "parking_spaces": 420,
                        "buildings": 6,
                        "houses": 300,
                        "checkpoints": 12,
                        "posts": 5,
                    },
                }
            ]
        }
    )

    zones: list[ZoneOut] = Field(description="分区/分园")
    gates: list[GateOut] = Field(description="出入口及其车道")
    counts: SiteCountsOut = Field(description="车库、车位、楼栋、房屋等数量")
