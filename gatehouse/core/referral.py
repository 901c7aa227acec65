"""Violations the property cannot settle, referred to city management or the police (移交处理,
issue 17 §3; source T6 "对毁坏绿化、饲养家禽、违规养犬、乱停乱放等物业服务企业无法解决的，及时报告
市容（城管）、公安等部门处理").

Pure: handed the referral's facts and ``today``; nothing here reads the clock or the database.

A referral is *referred* (to the agency the kind goes to unless another is chosen), then
*received* by the agency (who took it), then *handled* with its result — each step once, in
order, not before the one before and not in the future. It is *overdue* when the agency has not
received it within :data:`RECEIVE_DAYS` days, or not handled it within :data:`HANDLE_DAYS` days
of the referral.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from gatehouse.core.errors import DomainError, InvalidInput

#: The agency should acknowledge a referral within this many days …
RECEIVE_DAYS = 3
#: … and handle it within this many.
HANDLE_DAYS = 15


class Kind(StrEnum):
    GREENERY = "greenery"  # 毁坏绿化
    POULTRY = "poultry"  # 饲养家禽
    DOGS = "dogs"  # 违规养犬
    PARKING = "parking"  # 乱停乱放
    BUILDING = "building"  # 违法搭建
    OTHER = "other"  # 其他


class Agency(StrEnum):
    CITY = "city"  # 市容（城管）
    POLICE = "police"  # 公安（派出所）


#: The agency each kind goes to by default: dogs and disorderly parking to the police, the rest
#: to city management.
DEFAULT_AGENCY: dict[Kind, Agency] = {
    Kind.GREENERY: Agency.CITY,
    Kind.POULTRY: Agency.CITY,
    Kind.DOGS: Agency.POLICE,
    Kind.PARKING: Agency.POLICE,
    Kind.BUILDING: Agency.CITY,
    Kind.OTHER: Agency.CITY,
}


class Stage(StrEnum):
    REFERRED = "referred"  # 已移交，待受理
    RECEIVED = "received"  # 已受理，待处理
    HANDLED = "handled"  # 已处理


@dataclass(frozen=True)
class ReferralFacts:
    referred_on: date
    received_on: date | None = None
    handled_on: date | None = None


def agency_for(kind: Kind, chosen: str = "") -> Agency:
    """The agency the referral goes to: the one chosen, else the kind's default."""
    if chosen:
        if chosen not in set(Agency):
            raise InvalidInput("referral.agency", "请选择移交部门", {"field": "agency"})
        return Agency(chosen)
    return DEFAULT_AGENCY[kind]


def stage(referral: ReferralFacts) -> Stage:
    if referral.handled_on is not None:
        return Stage.HANDLED
    if referral.received_on is not None:
        return Stage.RECEIVED
    return Stage.REFERRED


def overdue(referral: ReferralFacts, today: date) -> str:
    """Why the referral is flagged on ``today`` (a code), or ``""``: not received within
    :data:`RECEIVE_DAYS` days, or not handled within :data:`HANDLE_DAYS` days."""
    if referral.handled_on is not None:
        return ""
    if today > referral.referred_on + timedelta(days=HANDLE_DAYS):
        return "not_handled"
    if referral.received_on is None and today > referral.referred_on + timedelta(days=RECEIVE_DAYS):
        return "not_received"
    return ""


OVERDUE_LABELS = {
    "not_handled": f"移交超过{HANDLE_DAYS}天未处理",
    "not_received": f"移交超过{RECEIVE_DAYS}天未受理",
}


def check_referred(*, referred_on: date | None, today: date) -> date:
    if referred_on is None:
        raise InvalidInput("referral.referred_on_empty", "请填写移交日期", {"field": "referred_on"})
    if referred_on > today:
        raise InvalidInput(
            "referral.referred_future", "移交日期不能晚于今天", {"field": "referred_on"}
        )
    return referred_on


def check_step(referral: ReferralFacts, step: Stage, *, on: date | None, today: date) -> date:
    """May ``step`` (received or handled) be recorded ``on`` that day? Each once, in order, not
    before the step before it nor in the future."""
    if referral.handled_on is not None:
        raise DomainError("referral.closed", "该移交事项已处理完毕", {})
    if on is None:
        raise InvalidInput("referral.day_empty", "请填写日期", {"field": "on"})
    if on > today:
        raise InvalidInput("referral.day_future", "日期不能晚于今天", {"field": "on"})
    if step is Stage.RECEIVED:
        if referral.received_on is not None:
            raise DomainError("referral.already_received", "已登记受理", {})
        if on < referral.referred_on:
            raise InvalidInput(
                "referral.received_early", "受理日期不能早于移交日期", {"field": "on"}
            )
        return on
    if step is Stage.HANDLED:
        if referral.received_on is None:
            raise DomainError("referral.not_received", "请先登记部门受理", {})
        if on < referral.received_on:
            raise InvalidInput(
                "referral.handled_early", "处理日期不能早于受理日期", {"field": "on"}
            )
        return on
    raise InvalidInput("referral.step", "无效的处理步骤", {"field": "step"})
