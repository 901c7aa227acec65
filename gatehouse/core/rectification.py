"""The rectification notice (限期整改通知书) and its lifecycle (issue 17 §3; SPEC GV-04, source T6
"发现问题……不能及时解决的，下达限期整改通知书，对限期整改仍不到位的，将记录档案"; T4 / IP-13
"违反……的，限期改正").

Pure: the service layer hands in the notice's facts and ``now`` (or today); nothing here reads
the clock or the database.

A notice is *issued* to a property company, a house or an enterprise for a finding: the items to
put right, the legal or regulation basis, a deadline after the day it is issued. It is then
*delivered* (to whom, when, how — the recipient signs the receipt), once, not before it was
issued and not in the future. At or after delivery it is *checked* (复查): *rectified* any day
from delivery on, *not rectified* only from the deadline on (before it, the recipient still has
time). A notice not closed after its deadline is *overdue* — flagged, whether or not it was
delivered. A closed notice no longer changes.

Numbers are ``整改-<year>-<NNNN>``, per site and per year of issue (:func:`next_number`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text

PREFIX = "整改"
#: The longest deadline a notice may set, in days after it is issued (a limit, 限期).
MAX_DAYS = 365
FINDING_MAX = 500
ITEM_MAX = 200
ITEMS_MAX = 20
BASIS_MAX = 500
RECEIVER_MAX = 50


class Recipient(StrEnum):
    COMPANY = "company"  # 物业服务企业
    HOUSE = "house"  # 房屋（业主、住户）
    ENTERPRISE = "enterprise"  # 入园企业


class Delivery(StrEnum):
    IN_PERSON = "in_person"  # 直接送达
    LEFT = "left"  # 留置送达
    POST = "post"  # 邮寄送达


class Result(StrEnum):
    RECTIFIED = "rectified"  # 整改到位
    NOT_RECTIFIED = "not_rectified"  # 整改不到位


class Stage(StrEnum):
    ISSUED = "issued"  # 已下达，待送达
    DELIVERED = "delivered"  # 已送达，整改中
    OVERDUE = "overdue"  # 逾期未复查
    RECTIFIED = "rectified"  # 整改到位
    NOT_RECTIFIED = "not_rectified"  # 整改不到位


@dataclass(frozen=True)
class NoticeFacts:
    issued_at: datetime
    deadline: date
    delivered_at: datetime | None = None
    checked_on: date | None = None
    result: Result | None = None

    @property
    def closed(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class Issue:
    """A notice's content as it is stored: the finding, the items one per line, the basis."""

    finding: str
    items: tuple[str, ...]
    basis: str
    deadline: date


def number(year: int, seq: int) -> str:
    return f"{PREFIX}-{year}-{seq:04d}"


def next_number(taken: Iterable[str], year: int) -> str:
    """The next number of ``year`` after the highest of ``taken`` (the numbers already given at
    the site that year; a gap is not filled again)."""
    prefix = f"{PREFIX}-{year}-"
    highest = 0
    for given in taken:
        tail = given[len(prefix) :] if given.startswith(prefix) else ""
        if tail.isdigit():
            highest = max(highest, int(tail))
    return number(year, highest + 1)


def stage(notice: NoticeFacts, today: date) -> Stage:
    """Where the notice stands on ``today``."""
    if notice.result is not None:
        return Stage(notice.result.value)
    if today > notice.deadline:
        return Stage.OVERDUE
    if notice.delivered_at is not None:
        return Stage.DELIVERED
    return Stage.ISSUED


def overdue(notice: NoticeFacts, today: date) -> bool:
    """Flagged: past its deadline and not closed, or closed as not rectified."""
    return stage(notice, today) in (Stage.OVERDUE, Stage.NOT_RECTIFIED)


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    text = clean_text(value)
    if not text:
        raise InvalidInput(f"notice.{field}_empty", f"请填写{label}", {"field": field})
    if len(text) > limit:
        raise InvalidInput(
            f"notice.{field}_too_long", f"{label}不能超过{limit}个字", {"field": field}
        )
    return text


def check_issue(
    *, finding: str, items: str, basis: str, deadline: date | None, today: date
) -> Issue:
    """The notice's content, cleaned, or :class:`InvalidInput` naming the field: a finding, at
    least one item (one per line, at most :data:`ITEMS_MAX`), the basis, and a deadline after
    today and at most :data:`MAX_DAYS` days ahead."""
    found = _text(finding, field="finding", label="存在问题", limit=FINDING_MAX)
    lines = tuple(t for t in (clean_text(line) for line in (items or "").splitlines()) if t)
    if not lines:
        raise InvalidInput("notice.items_empty", "请填写至少一项整改要求", {"field": "items"})
    if len(lines) > ITEMS_MAX:
        raise InvalidInput(
            "notice.items_too_many", f"整改要求不能超过{ITEMS_MAX}项", {"field": "items"}
        )
    for n, line in enumerate(lines, start=1):
        if len(line) > ITEM_MAX:
            raise InvalidInput(
                "notice.item_too_long",
                f"第{n}项整改要求不能超过{ITEM_MAX}个字",
                {"field": "items"},
            )
    why = _text(basis, field="basis", label="整改依据", limit=BASIS_MAX)
    if deadline is None:
        raise InvalidInput("notice.deadline_empty", "请填写整改期限", {"field": "deadline"})
    if deadline <= today:
        raise InvalidInput(
            "notice.deadline_not_after_issue", "整改期限须晚于下达日期", {"field": "deadline"}
        )
    if deadline > today + timedelta(days=MAX_DAYS):
        raise InvalidInput(
            "notice.deadline_too_far",
            f"整改期限不能超过下达之日起{MAX_DAYS}天",
            {"field": "deadline"},
        )
    return Issue(found, lines, why, deadline)


def check_delivery(
    notice: NoticeFacts, *, delivered_at: datetime, receiver: str, now: datetime
) -> str:
    """May the notice be marked delivered at ``delivered_at`` to ``receiver``? Answers the
    receiver's name as stored; refused once delivered or closed, before it was issued or in the
    future, or without the name of who signed for it."""
    if notice.closed:
        raise DomainError("notice.closed", "通知书已复查结案，不能再登记送达", {})
    if notice.delivered_at is not None:
        raise DomainError("notice.already_delivered", "通知书已登记送达", {})
    if delivered_at < notice.issued_at:
        raise InvalidInput(
            "notice.delivered_before_issue", "送达时间不能早于下达时间", {"field": "delivered_at"}
        )
    if delivered_at > now:
        raise InvalidInput(
            "notice.delivered_future", "送达时间不能晚于现在", {"field": "delivered_at"}
        )
    return _text(receiver, field="receiver", label="签收人", limit=RECEIVER_MAX)


def check_close(
    notice: NoticeFacts, *, checked_on: date, result: Result, today: date, delivered_on: date
) -> None:
    """May the notice be closed with ``result`` on ``checked_on``? Only a delivered notice,
    once, checked not before it was delivered (``delivered_on``, its local day) nor after
    today; *not rectified* only from the deadline on."""
    if notice.closed:
        raise DomainError("notice.closed", "通知书已复查结案", {})
    if notice.delivered_at is None:
        raise DomainError("notice.not_delivered", "通知书尚未送达，不能复查结案", {})
    if checked_on > today:
        raise InvalidInput("notice.checked_future", "复查日期不能晚于今天", {"field": "checked_on"})
    if checked_on < delivered_on:
        raise InvalidInput(
            "notice.checked_before_delivery", "复查日期不能早于送达日期", {"field": "checked_on"}
        )
    if result is Result.NOT_RECTIFIED and checked_on < notice.deadline:
        raise InvalidInput(
            "notice.before_deadline",
            "整改期限未到，不能认定整改不到位",
            {"field": "result"},
        )
