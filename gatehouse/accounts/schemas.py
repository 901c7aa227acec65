"""API schemas of the accounts context: the caller and their roles."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class RoleOut(Schema):
    code: str = Field(
        description="角色代码，如 guard、front_desk、security_manager", examples=["guard"]
    )
    label: str = Field(description="角色名称", examples=["门岗"])


class MeSiteOut(Schema):
    id: int = Field(description="场所编号")
    code: str = Field(description="场所编码", examples=["donghu"])
    name: str = Field(description="场所名称", examples=["东湖花园"])
    roles: list[RoleOut] = Field(description="在该场所担任的角色")


class MeOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "username": "guard_a",
                    "full_name": "王强",
                    "is_superuser": False,
                    "auth": "token",
                    "sites": [
                        {
                            "id": 1,
                            "code": "donghu",
                            "name": "东湖花园",
                            "roles": [{"code": "guard", "label": "门岗"}],
                        }
                    ],
                }
            ]
        }
    )

    id: int = Field(description="用户编号")
    username: str = Field(description="登录名")
    full_name: str = Field(description="姓名（可为空）")
    is_superuser: bool = Field(description="是否为超级管理员（可见全部场所）")
    auth: Literal["session", "token"] = Field(description="本次请求的认证方式：登录会话或个人令牌")
    sites: list[MeSiteOut] = Field(description="可见的场所及在各场所的角色")
