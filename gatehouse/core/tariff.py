"""Temporary-parking tariffs and the fee at exit (SPEC PK-01, PK-02; V-03, V-04, V-07).

The source fixes no prices: T4 says a temporary car pays "按规定" at the garage exit before the
barrier opens, and that decoration, moving, furniture and water-delivery vehicles may stay one
hour, "超1小时按规定收费"; T7 第十五条 says "收费标准见小区公示". The posted tariff is therefore
configuration: a :class:`Tariff` per vehicle class in a :class:`TariffTable`, which the service
layer stores as JSON through ``to_dict`` / ``from_dict`` (both validate and raise
:class:`~gatehouse.core.errors.InvalidInput` with a Chinese message for a bad setting).

How :func:`fee` computes a fee
    1. **Free minutes.** A stay of at most ``free_minutes`` costs nothing (leaving at exactly the
       limit is still free). Past the limit ``free_mode`` decides:

       * ``only_within`` (the default; the usual posted rule "30分钟内免费，超时全程计费"):
         charging starts at entry, the free period is lost;
       * ``deducted``: charging starts ``free_minutes`` after entry and only the excess is
         charged. The delivery tariff of V-03 / PK-02 is this mode with 60 free minutes
         (:func:`delivery_tariff`).

    2. **Bands.** Without a ``night`` rate one rate applies round the clock. With one, the night
       band is ``[start, end)`` on the wall clock (it may wrap midnight: 19:00-07:00) and the day
       band is the rest. The charged time is cut into segments at every band boundary.
    3. **Periods.** Inside a segment, periods of ``period_minutes`` run from the segment start,
       and every period begun is charged in full: a part period is rounded **up**, including the
       part period cut short by a band boundary (跨时段分段计费，不足一个计费单位按一个计费单位计).
       A night rate without ``period_minutes`` is a flat price per night: the whole night
       segment is one period, however short.
    4. **Cap.** With ``cap``, the charge inside each cap window is at most ``cap``. The window is
       the natural day 00:00-24:00 in Asia/Shanghai (``calendar_day``, the default and the usual
       每自然日最高收费) or successive 24-hour windows from entry (``rolling_24h``, 每24小时最高).
       A period belongs to the window in which it starts, even when it ends in the next one, so
       a flat night is never charged twice.

Because the periods are laid out from the entry time and the band boundaries only, never from the
exit time, a later exit can only add periods: the fee never decreases with a longer stay. Each
window's charge is capped, so the fee is at most ``cap`` times the number of windows the stay
touches. Both are Hypothesis properties in ``tests/core/test_tariff.py``.

The fee comes back as a :class:`Charge`: the amount in fen and the itemised lines (free period,
each charged segment per band and window, each cap reduction) with Chinese labels; the lines sum
to the amount. :func:`exit_payment_postings` turns a paid charge into ledger postings (V-07).

Times are aware datetimes; they are converted to Asia/Shanghai, which has had no daylight saving
since 1991, so wall-clock arithmetic is exact. Money is int fen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum

from gatehouse.core.errors import InvalidInput
from gatehouse.core.ledger import (
    INCOME_PARKING,
    SHANGHAI,
    EntryKind,
    PaymentMethod,
    Transaction,
    credit,
    debit,
    format_fen,
    receivable,
    transaction,
)

_DAY = timedelta(days=1)
_MINUTES_MAX = 24 * 60


class VehicleClass(StrEnum):
    """Who pays which tariff; a :class:`TariffTable` maps these to tariffs, with a default."""

    TEMPORARY = "temporary"  # 临时车：temporary card in the garage (V-07)
    VISITOR = "visitor"  # 临时来访车辆 (V-11)
    DELIVERY = "delivery"  # 装修、搬家、家具、送水车辆: one free hour (V-03)
    STAFF = "staff"  # 员工车辆 in the garage: free only where the site says so (V-04)


VEHICLE_CLASS_LABELS: dict[VehicleClass, str] = {
    VehicleClass.TEMPORARY: "临时车",
    VehicleClass.VISITOR: "访客车辆",
    VehicleClass.DELIVERY: "装修/搬家/送货车辆",
    VehicleClass.STAFF: "员工车辆",
}


class FreeMode(StrEnum):
    ONLY_WITHIN = "only_within"  # free only when leaving within the free minutes
    DEDUCTED = "deducted"  # the free minutes are deducted from a longer stay


class CapMode(StrEnum):
    CALENDAR_DAY = "calendar_day"  # per natural day 00:00-24:00 Asia/Shanghai
    ROLLING_24H = "rolling_24h"  # per 24 hours counted from entry


class LineKind(StrEnum):
    FREE = "free"  # the free period (amount 0)
    STANDARD = "standard"  # the tariff's main rate (the day rate when there is a night rate)
    NIGHT = "night"  # the night rate, per period or flat per night
    CAP = "cap"  # the reduction down to the cap of one window (amount < 0)


# -- configuration ------------------------------------------------------------------------------

# field -> (error code, Chinese message); one entry per setting a clerk can get wrong
_FIELD_ERRORS: dict[str, tuple[str, str]] = {
    "price": ("tariff.price", "计费单价必须是不小于0的整数（单位：分）。"),
    "period_minutes": ("tariff.period", "计费时段长度必须是1到1440之间的整数（分钟）。"),
    "free_minutes": ("tariff.free_minutes", "免费时长必须是0到1440之间的整数（分钟）。"),
    "free_mode": (
        "tariff.free_mode",
        "免费时长规则只能是 only_within（免费时长内离场才免费）或 deducted（扣除免费时长后计费）。",
    ),
    "cap": ("tariff.cap", "封顶金额必须是大于0的整数（单位：分）；不封顶请留空。"),
    "cap_mode": (
        "tariff.cap_mode",
        "封顶方式只能是 calendar_day（每自然日）或 rolling_24h（自入场起每24小时）。",
    ),
    "night": ("tariff.night", "夜间收费设置必须是一组设置（起止时间、单价、计费时段）或留空。"),
    "night.start": ("tariff.night_time", "夜间时段的起止时间格式为 HH:MM，且起止时间不能相同。"),
    "night.end": ("tariff.night_time", "夜间时段的起止时间格式为 HH:MM，且起止时间不能相同。"),
    "night.price": ("tariff.night_price", "夜间单价必须是不小于0的整数（单位：分）。"),
    "night.period_minutes": (
        "tariff.night_period",
        "夜间计费时段必须是1到1440之间的整数（分钟）；按夜一次性收费请留空。",
    ),
    "default": ("tariff.default", "收费标准表必须有默认收费标准。"),
    "classes": (
        "tariff.vehicle_class",
        "车辆类别无效或重复，可选：temporary、visitor、delivery、staff。",
    ),
}
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _bad(field: str, value: object) -> InvalidInput:
    code, message = _FIELD_ERRORS[field]
    return InvalidInput(code, message, {"field": field, "value": repr(value)[:80]})


def _int(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(field, value)
    return value


def _int_in(field: str, value: object, low: int, high: int | None = None) -> int:
    number = _int(field, value)
    if number < low or (high is not None and number > high):
        raise _bad(field, value)
    return number


def _enum[E: StrEnum](kind: type[E], field: str, value: object) -> E:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    raise _bad(field, value)


def _mapping(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        if field in _FIELD_ERRORS:
            raise _bad(field, value)
        raise InvalidInput(
            "tariff.not_a_mapping", "收费标准必须是一组设置（键值对）。", {"field": field}
        )
    return value


def _only(data: Mapping[str, object], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(
            "tariff.unknown_field",
            f"收费标准中有无法识别的设置项：{'、'.join(unknown)}。",
            {"field": where, "unknown": unknown},
        )


def _parse_time(field: str, value: object) -> time:
    if isinstance(value, str):
        match = _TIME_RE.fullmatch(value.strip())
        if match:
            return time(int(match[1]), int(match[2]))
    raise _bad(field, value)


@dataclass(frozen=True, slots=True)
class NightRate:
    """The night band's rate: ``price`` fen per ``period_minutes``, or per night when None."""

    price: int
    period_minutes: int | None = 60
    start: time = time(19, 0)
    end: time = time(7, 0)

    def __post_init__(self) -> None:
        _int_in("night.price", self.price, 0)
        if self.period_minutes is not None:
            _int_in("night.period_minutes", self.period_minutes, 1, _MINUTES_MAX)
        for field, value in (("night.start", self.start), ("night.end", self.end)):
            if (
                not isinstance(value, time)
                or value.tzinfo is not None
                or value.second
                or value.microsecond
            ):
                raise _bad(field, value)
        if self.start == self.end:
            raise _bad("night.end", self.end)

    @property
    def flat(self) -> bool:
        """True for a flat price per night (按夜/按次收费)."""
        return self.period_minutes is None

    def covers(self, clock: time) -> bool:
        """Whether the wall-clock time ``clock`` lies in the night band ``[start, end)``."""
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def to_dict(self) -> dict[str, object]:
        return {
            "start": f"{self.start:%H:%M}",
            "end": f"{self.end:%H:%M}",
            "price": self.price,
            "period_minutes": self.period_minutes,
        }

    @classmethod
    def from_dict(cls, data: object) -> NightRate:
        d = _mapping(data, "night")
        _only(d, frozenset({"start", "end", "price", "period_minutes"}), "night")
        for key in ("start", "end", "price"):
            if key not in d:
                raise _bad(f"night.{key}", None)
        period = d.get("period_minutes", 60)
        return cls(
            price=_int("night.price", d["price"]),
            period_minutes=None if period is None else _int("night.period_minutes", period),
            start=_parse_time("night.start", d["start"]),
            end=_parse_time("night.end", d["end"]),
        )


_TARIFF_KEYS = frozenset(
    {"price", "period_minutes", "free_minutes", "free_mode", "night", "cap", "cap_mode"}
)


@dataclass(frozen=True, slots=True)
class Tariff:
    """One posted tariff (收费标准). ``price`` and ``cap`` in fen; minutes as ints."""

    price: int  # per period; the day rate when there is a night rate
    period_minutes: int = 60
    free_minutes: int = 0
    free_mode: FreeMode = FreeMode.ONLY_WITHIN
    night: NightRate | None = None
    cap: int | None = None  # per cap window; None: no cap
    cap_mode: CapMode = CapMode.CALENDAR_DAY

    def __post_init__(self) -> None:
        _int_in("price", self.price, 0)
        _int_in("period_minutes", self.period_minutes, 1, _MINUTES_MAX)
        _int_in("free_minutes", self.free_minutes, 0, _MINUTES_MAX)
        if not isinstance(self.free_mode, FreeMode):
            raise _bad("free_mode", self.free_mode)
        if self.night is not None and not isinstance(self.night, NightRate):
            raise _bad("night", self.night)
        if self.cap is not None:
            _int_in("cap", self.cap, 1)
        if not isinstance(self.cap_mode, CapMode):
            raise _bad("cap_mode", self.cap_mode)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict; :meth:`from_dict` reads it back to an equal tariff."""
        return {
            "price": self.price,
            "period_minutes": self.period_minutes,
            "free_minutes": self.free_minutes,
            "free_mode": self.free_mode.value,
            "night": None if self.night is None else self.night.to_dict(),
            "cap": self.cap,
            "cap_mode": self.cap_mode.value,
        }

    @classmethod
    def from_dict(cls, data: object) -> Tariff:
        """Read a stored tariff; only ``price`` is required, the rest default as in the class."""
        d = _mapping(data, "tariff")
        _only(d, _TARIFF_KEYS, "tariff")
        if "price" not in d:
            raise InvalidInput(
                "tariff.missing_field", "收费标准缺少计费单价（price）。", {"field": "price"}
            )
        night = d.get("night")
        cap = d.get("cap")
        return cls(
            price=_int("price", d["price"]),
            period_minutes=_int("period_minutes", d.get("period_minutes", 60)),
            free_minutes=_int("free_minutes", d.get("free_minutes", 0)),
            free_mode=_enum(FreeMode, "free_mode", d.get("free_mode", FreeMode.ONLY_WITHIN)),
            night=None if night is None else NightRate.from_dict(night),
            cap=None if cap is None else _int("cap", cap),
            cap_mode=_enum(CapMode, "cap_mode", d.get("cap_mode", CapMode.CALENDAR_DAY)),
        )

    def describe(self) -> str:
        """The tariff as a sentence for the posted notice (收费公示)."""
        parts: list[str] = []
        if self.free_minutes:
            if self.free_mode is FreeMode.DEDUCTED:
                parts.append(f"前{self.free_minutes}分钟免费，超出部分计费")
            else:
                parts.append(f"{self.free_minutes}分钟内离场免费，超时自入场起计费")
        rate = _rate_text(self.price, self.period_minutes)
        if self.night is None:
            parts.append(rate)
        else:
            n = self.night
            night_rate = (
                f"每夜{format_fen(n.price, symbol=True)}"
                if n.period_minutes is None
                else _rate_text(n.price, n.period_minutes)
            )
            parts.append(f"白天{rate}")
            parts.append(f"夜间（{n.start:%H:%M}-{n.end:%H:%M}）{night_rate}")
        if self.cap is not None:
            window = "每自然日" if self.cap_mode is CapMode.CALENDAR_DAY else "自入场起每24小时"
            parts.append(f"{window}最高收费{format_fen(self.cap, symbol=True)}")
        return "；".join(parts) + "。"


def _rate_text(price: int, minutes: int) -> str:
    return f"每{minutes}分钟{format_fen(price, symbol=True)}，不足{minutes}分钟按{minutes}分钟计"


@dataclass(frozen=True, slots=True)
class TariffTable:
    """The tariffs of one site (or garage), keyed by vehicle class, with a default."""

    default: Tariff
    classes: tuple[tuple[VehicleClass, Tariff], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.default, Tariff):
            raise _bad("default", self.default)
        seen: set[VehicleClass] = set()
        for vehicle_class, tariff in self.classes:
            if (
                not isinstance(vehicle_class, VehicleClass)
                or vehicle_class in seen
                or not isinstance(tariff, Tariff)
            ):
                raise _bad("classes", vehicle_class)
            seen.add(vehicle_class)

    def for_class(self, vehicle_class: VehicleClass) -> Tariff:
        """The class's own tariff, else the default."""
        for known, tariff in self.classes:
            if known is vehicle_class:
                return tariff
        return self.default

    def to_dict(self) -> dict[str, object]:
        return {
            "default": self.default.to_dict(),
            "classes": {c.value: t.to_dict() for c, t in self.classes},
        }

    @classmethod
    def from_dict(cls, data: object) -> TariffTable:
        d = _mapping(data, "tariff_table")
        _only(d, frozenset({"default", "classes"}), "tariff_table")
        if "default" not in d:
            raise _bad("default", None)
        classes = _mapping(d.get("classes", {}), "classes")
        return cls(
            default=Tariff.from_dict(d["default"]),
            classes=tuple(
                (_enum(VehicleClass, "classes", key), Tariff.from_dict(value))
                for key, value in classes.items()
            ),
        )


#: The default until a site posts its own: 30 minutes free when leaving within them, then
#: ¥5.00 per hour or part of an hour from entry, at most ¥30.00 per natural day.
DEFAULT_TARIFF = Tariff(price=500, period_minutes=60, free_minutes=30, cap=3000)

#: V-03: decoration, moving, furniture and water-delivery vehicles may stay one hour free.
DELIVERY_FREE_MINUTES = 60


def delivery_tariff(base: Tariff, *, free_minutes: int = DELIVERY_FREE_MINUTES) -> Tariff:
    """PK-02: ``base`` with ``free_minutes`` deducted, so only the time beyond them is charged."""
    return replace(base, free_minutes=free_minutes, free_mode=FreeMode.DEDUCTED)


def default_table(base: Tariff = DEFAULT_TARIFF) -> TariffTable:
    """``base`` for every class except delivery vehicles, which get :func:`delivery_tariff`.

    Staff vehicles pay ``base`` too (V-04): a site whose policy makes them free adds a
    ``staff`` tariff with ``price=0``.
    """
    return TariffTable(default=base, classes=((VehicleClass.DELIVERY, delivery_tariff(base)),))


# -- the fee ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One item of the bill. ``amount`` = ``periods`` × ``unit_price``, or the cap reduction."""

    kind: LineKind
    start: datetime
    end: datetime
    periods: int
    unit_price: int
    amount: int
    label: str


@dataclass(frozen=True, slots=True)
class Charge:
    """The fee for one stay: ``amount`` fen, a reason code, a Chinese message and the lines."""

    amount: int
    reason: str  # fee.free | fee.charged | fee.excess
    message: str
    entered_at: datetime
    left_at: datetime
    lines: tuple[ChargeLine, ...]

    @property
    def capped(self) -> bool:
        return any(line.kind is LineKind.CAP for line in self.lines)

    @property
    def cap_reduction(self) -> int:
        """How much the caps took off (>= 0)."""
        return -sum(line.amount for line in self.lines if line.kind is LineKind.CAP)


REASONS: dict[str, str] = {
    "fee.free": "在免费时长内离场，免费",
    "fee.charged": "按收费标准计费",
    "fee.excess": "扣除免费时长，超出部分计费",
}


def _local(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            "stay.naive_datetime", "进出场时间必须带时区（Asia/Shanghai）。", {"field": field}
        )
    return value.astimezone(SHANGHAI)


def _ceil_div(span: timedelta, period: timedelta) -> int:
    return -(-span // period)


def _stamp(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{_stamp(start)}-{end:%H:%M}"
    return f"{_stamp(start)}-{_stamp(end)}"


def _duration(span: timedelta) -> str:
    minutes = span // timedelta(minutes=1)
    days, rest = divmod(minutes, _MINUTES_MAX)
    hours, minutes = divmod(rest, 60)
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "")
    return text + (f"{minutes}分钟" if minutes or not text else "")


def _next_boundary(night: NightRate, moment: datetime) -> datetime:
    today = moment.date()
    return min(
        edge
        for day in (today, today + _DAY)
        for clock in (night.start, night.end)
        if (edge := datetime.combine(day, clock, tzinfo=SHANGHAI)) > moment
    )


class _Bill:
    """Collects the charged lines window by window and adds each window's cap line."""

    def __init__(self, tariff: Tariff, entered: datetime) -> None:
        self.tariff = tariff
        self.entered = entered
        self.lines: list[ChargeLine] = []
        self._window: tuple[datetime, datetime] | None = None
        self._pending: list[ChargeLine] = []

    def window(self, moment: datetime) -> tuple[datetime, datetime]:
        if self.tariff.cap_mode is CapMode.CALENDAR_DAY:
            midnight = datetime.combine(moment.date(), time(0), tzinfo=SHANGHAI)
            return midnight, midnight + _DAY
        start = self.entered + ((moment - self.entered) // _DAY) * _DAY
        return start, start + _DAY

    def add(self, window: tuple[datetime, datetime], line: ChargeLine) -> None:
        if window != self._window:
            self.close()
            self._window = window
        self._pending.append(line)

    def close(self) -> None:
        subtotal = sum(line.amount for line in self._pending)
        self.lines.extend(self._pending)
        self._pending = []
        cap = self.tariff.cap
        if self._window is None or cap is None or subtotal <= cap:
            return
        start, end = self._window
        if self.tariff.cap_mode is CapMode.CALENDAR_DAY:
            name = f"{start.year}年{start.month}月{start.day}日"
        else:
            name = f"第{(start - self.entered) // _DAY + 1}个24小时（{_stamp(start)}起）"
        label = (
            f"{name}封顶{format_fen(cap, symbol=True)}：应计{format_fen(subtotal, symbol=True)}，"
            f"减免{format_fen(subtotal - cap, symbol=True)}"
        )
        self.lines.append(ChargeLine(LineKind.CAP, start, end, 0, cap, cap - subtotal, label))


def _segment(
    bill: _Bill, kind: LineKind, start: datetime, end: datetime, price: int, minutes: int | None
) -> None:
    """Charge the periods of one band segment ``[start, end)``, grouped by cap window."""
    band = {LineKind.NIGHT: "夜间", LineKind.STANDARD: "白天"}[kind]
    if bill.tariff.night is None:
        band = "停车"
    if minutes is None:  # a flat night: one period, in the window where it starts
        label = f"{band} {_span(start, end)}：按夜计费{format_fen(price, symbol=True)}"
        bill.add(bill.window(start), ChargeLine(kind, start, end, 1, price, price, label))
        return
    period = timedelta(minutes=minutes)
    window = bill.window(start)
    while window[0] < end:
        low, high = max(start, window[0]), min(end, window[1])
        first, stop = _ceil_div(low - start, period), _ceil_div(high - start, period)
        count = stop - first
        if count > 0:
            line_start = start + first * period
            line_end = min(start + stop * period, end)
            amount = count * price
            label = (
                f"{band} {_span(line_start, line_end)}：{count}个计费时段 × "
                f"{format_fen(price, symbol=True)}（每{minutes}分钟）= "
                f"{format_fen(amount, symbol=True)}"
            )
            bill.add(window, ChargeLine(kind, line_start, line_end, count, price, amount, label))
        window = (window[1], window[1] + _DAY)


def fee(tariff: Tariff, *, entered_at: datetime, left_at: datetime) -> Charge:
    """The fee for a stay from ``entered_at`` to ``left_at`` under ``tariff`` (PK-01, PK-02).

    Both datetimes must be aware; ``left_at`` may not be before ``entered_at``.
    """
    entered = _local(entered_at, "entered_at")
    left = _local(left_at, "left_at")
    if left < entered:
        raise InvalidInput(
            "stay.exit_before_entry",
            "出场时间早于入场时间，请核对进出场记录。",
            {"entered_at": entered.isoformat(), "left_at": left.isoformat()},
        )
    stay = left - entered
    free_minutes = tariff.free_minutes
    free = timedelta(minutes=free_minutes)
    lines: list[ChargeLine] = []
    if stay <= free:
        if free:
            label = f"免费时段 {_span(entered, left)}（{free_minutes}分钟内）"
            lines.append(ChargeLine(LineKind.FREE, entered, left, 0, 0, 0, label))
            message = f"停车{_duration(stay)}，在免费时长{free_minutes}分钟内，免费。"
        else:
            message = f"停车{_duration(stay)}，未产生费用。"
        return Charge(0, "fee.free", message, entered, left, tuple(lines))

    start = entered
    reason = "fee.charged"
    if free and tariff.free_mode is FreeMode.DEDUCTED:
        start = entered + free
        reason = "fee.excess"
        label = f"免费时段 {_span(entered, start)}（{free_minutes}分钟）"
        lines.append(ChargeLine(LineKind.FREE, entered, start, 0, 0, 0, label))

    bill = _Bill(tariff, entered)
    night = tariff.night
    moment = start
    while moment < left:
        if night is None:
            _segment(bill, LineKind.STANDARD, moment, left, tariff.price, tariff.period_minutes)
            break
        end = min(_next_boundary(night, moment), left)
        if night.covers(moment.time()):
            _segment(bill, LineKind.NIGHT, moment, end, night.price, night.period_minutes)
        else:
            _segment(bill, LineKind.STANDARD, moment, end, tariff.price, tariff.period_minutes)
        moment = end
    bill.close()
    lines.extend(bill.lines)

    amount = sum(line.amount for line in lines)
    reduction = -sum(line.amount for line in lines if line.kind is LineKind.CAP)
    total = format_fen(amount, symbol=True)
    if reason == "fee.excess":
        message = f"停车{_duration(stay)}，扣除免费时长{free_minutes}分钟，超出部分应收{total}。"
    elif free:
        message = (
            f"停车{_duration(stay)}，超过免费时长{free_minutes}分钟，自入场起全程计费，"
            f"应收{total}。"
        )
    else:
        message = f"停车{_duration(stay)}，应收{total}。"
    if reduction:
        message += f"其中按封顶减免{format_fen(reduction, symbol=True)}。"
    return Charge(amount, reason, message, entered, left, tuple(lines))


def fee_for_class(
    table: TariffTable, vehicle_class: VehicleClass, *, entered_at: datetime, left_at: datetime
) -> Charge:
    """:func:`fee` under the tariff the table gives ``vehicle_class``."""
    return fee(table.for_class(vehicle_class), entered_at=entered_at, left_at=left_at)


def exit_payment_postings(
    charge: Charge, *, party: str, method: PaymentMethod, at: datetime
) -> Transaction | None:
    """V-07: the temporary car pays its fee at the exit before the barrier opens.

    Posts the charge (receivable / parking income) and its payment (money / receivable) in one
    transaction; ``party`` is usually the plate. None when the stay was free: nothing to post.
    """
    if charge.amount == 0:
        return None
    memo = f"临时停车费 {_span(charge.entered_at, charge.left_at)}"
    owed = receivable(party)
    return transaction(
        debit(owed, charge.amount, kind=EntryKind.CHARGE, memo=memo),
        credit(INCOME_PARKING, charge.amount, kind=EntryKind.CHARGE, memo=memo),
        debit(method.value, charge.amount, kind=EntryKind.PAYMENT, memo=memo),
        credit(owed, charge.amount, kind=EntryKind.PAYMENT, memo=memo),
        at=at,
        memo=memo,
    )
