"""API schemas of edge agents (``/api/v1/edge/...``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class SnapshotOut(Schema):
    format: str = Field(
        description="格式标识，目前为 gatehouse-edge/1", examples=["gatehouse-edge/1"]
    )
    key_id: str = Field(description="签名公钥的标识（公钥 SHA-256 的前 16 位十六进制）")
    payload: str = Field(
        description="名单内容（JSON 文本）：site、kind（full 完整/delta 增量）、since、cursor、"
        "issued_at、expires_at、records（kind、key、seq、data；data 为 null 表示已删除）"
    )
    signature: str = Field(description="对 payload 的 UTF-8 字节的 Ed25519 签名（Base64）")


class JournalIn(Schema):
    entries: list[dict[str, Any]] = Field(
        max_length=500,
        description="离线判定记录，按发生顺序：seq（网关本地序号）、device_id（提交读取的设备）、"
        "request（设备原始请求，含 nonce）、at（网关判定时间，带时区）、decision（判定结果）；"
        "学生凭请假条离校时另有 leave_pass_id（所用请假条，服务器据此核销）",
    )


class JournalResultOut(Schema):
    seq: int
    status: str = Field(
        description="recorded 已记录；replayed 此前已记录（同一设备同一 nonce）；rejected 无法记录"
    )
    event_id: int | None = None
    code: str = ""
    message: str = ""
    conflict: str = Field(
        "",
        description="冲突：edge.passed_against_rule 断网放行但服务器当时应拒绝；"
        "edge.invitation_reused 邀请码超出可用次数；edge.passback_conflict 与其他出入口的"
        "通行记录冲突（防潜回）；edge.leave_pass_reused 同一请假条被多处使用。已记录并通知监控中心",
    )


class JournalOut(Schema):
    results: list[JournalResultOut]


class AlarmIn(Schema):
    seq: int = Field(ge=0, le=2**62, description="网关本地告警序号；同一网关同一序号只记录一次")
    code: str = Field(
        min_length=1,
        max_length=60,
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$",
        description="告警代码（机器可读），例如 snapshot.expired",
        examples=["snapshot.expired"],
    )
    message: str = Field(min_length=1, max_length=300, description="告警内容（中文）")
    at: datetime = Field(description="告警发生时间（ISO 8601，须带时区）")


class AlarmsIn(Schema):
    alarms: list[AlarmIn] = Field(min_length=1, max_length=500)


class AlarmResultOut(Schema):
    seq: int
    status: str = Field(description="recorded 已记录并通知监控中心；replayed 此前已记录")


class AlarmsOut(Schema):
    results: list[AlarmResultOut]
