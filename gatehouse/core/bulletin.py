"""The notice board (公告栏 / 公共信息服务栏) of a site: the property's announcements, fee
standards, campaign and epidemic notices (issue 17 §4; sources T6 "公开收费项目、收费标准", "在小区
显要位置设立'公共信息服务栏'", "一栏四牌"; T7 第十五条 "收费标准见小区公示").

Pure: the service layer hands in the notices' facts and ``now``; nothing here reads the clock or
the database.

* :func:`status_of`: a notice is *scheduled* before its publish-from moment, *current* from it
  until its until moment (exclusive; no until: current until withdrawn), *expired* after, and
  *withdrawn* once withdrawn, whatever the dates say. Withdrawal keeps the record.
* :func:`visible`: what a resident sees now: current notices addressed to the whole site (no
  target building) or to one of the resident's buildings; pinned first, then the newest
  (latest publish-from, then the later record).
* :func:`validate`: title 1–60 characters after trimming, body at most 5,000, until after
  publish-from; a :class:`~gatehouse.core.errors.InvalidInput` naming the field otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gatehouse.core.errors import InvalidInput

TITLE_MAX = 60
BODY_MAX = 5000


class Category(StrEnum):
    PROPERTY = "property"  # 物业公告
    FEES = "fees"  # 收费标准
    CAMPAIGN = "campaign"  # 活动与整治
    EPIDEMIC = "epidemic"  # 疫情防控
    OTHER = "other"  # 其他


class Status(StrEnum):
    SCHEDULED = "scheduled"  # 待发布
    CURRENT = "current"  # 公示中
    EXPIRED = "expired"  # 已过期
    WITHDRAWN = "withdrawn"  # 已撤回


@dataclass(frozen=True)
class NoticeFacts:
    """What the rules need to know of a notice. ``buildings`` empty: the whole site."""

    key: int
    publish_from: datetime
    until: datetime | None = None
    withdrawn_at: datetime | None = None
    pinned: bool = False
    buildings: frozenset[int] = field(default_factory=frozenset)


def status_of(notice: NoticeFacts, now: datetime) -> Status:
    if notice.withdrawn_at is not None:
        return Status.WITHDRAWN
    if now < notice.publish_from:
        return Status.SCHEDULED
    if notice.until is not None and now >= notice.until:
        return Status.EXPIRED
    return Status.CURRENT


def addressed_to(notice: NoticeFacts, buildings: Iterable[int]) -> bool:
    """True when the notice is for the whole site or names one of ``buildings``."""
    return not notice.buildings or not notice.buildings.isdisjoint(buildings)


def order_key(notice: NoticeFacts) -> tuple[bool, float, int]:
    """Sort key (ascending): pinned first, then the latest publish-from, then the later record."""
    return (not notice.pinned, -notice.publish_from.timestamp(), -notice.key)


def visible(
    notices: Iterable[NoticeFacts], now: datetime, buildings: Iterable[int]
) -> list[NoticeFacts]:
    """The notices a resident of ``buildings`` sees at ``now``, in board order."""
    mine = frozenset(buildings)
    shown = [n for n in notices if status_of(n, now) is Status.CURRENT and addressed_to(n, mine)]
    return sorted(shown, key=order_key)


def validate(
    *,
    title: str,
    body: str,
    publish_from: datetime | None,
    until: datetime | None,
    category: str | None = None,
) -> str:
    """Check a notice's text and dates; returns the trimmed title."""
    if category is not None and category not in Category.__members__.values():
        raise InvalidInput(
            "bulletin.category", "请选择公告类别", {"field": "category", "value": category}
        )
    trimmed = title.strip()
    if not trimmed:
        raise InvalidInput("bulletin.title_empty", "请填写公告标题", {"field": "title"})
    if len(trimmed) > TITLE_MAX:
        raise InvalidInput(
            "bulletin.title_too_long",
            f"公告标题不能超过 {TITLE_MAX} 个字",
            {"field": "title", "length": len(trimmed)},
        )
    if len(body) > BODY_MAX:
        raise InvalidInput(
            "bulletin.body_too_long",
            f"公告正文不能超过 {BODY_MAX} 个字",
            {"field": "body", "length": len(body)},
        )
    if publish_from is None:
        raise InvalidInput("bulletin.from_missing", "请填写发布时间", {"field": "publish_from"})
    if until is not None and until <= publish_from:
        raise InvalidInput(
            "bulletin.until_before_from", "截止时间须晚于发布时间", {"field": "until"}
        )
    return trimmed


def paragraphs(body: str) -> Sequence[str]:
    """The body's paragraphs: split on blank lines, each trimmed; empty ones dropped. Single
    line breaks inside a paragraph are kept for the template's ``linebreaksbr``."""
    blocks = body.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    return [b.strip() for b in blocks if b.strip()]
