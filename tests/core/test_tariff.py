"""Tests for gatehouse.core.tariff: the posted tariff as configuration and the fee at exit.

Worked examples carry their arithmetic in a comment; the Hypothesis properties at the end check
the promises of the module docstring over arbitrary tariffs and stays.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import InvalidInput
from gatehouse.core.ledger import INCOME_PARKING, EntryKind, PaymentMethod, Side, balances
from gatehouse.core.tariff import (
    DEFAULT_TARIFF,
    REASONS,
    CapMode,
    Charge,
    FreeMode,
    LineKind,
    NightRate,
    Tariff,
    TariffTable,
    VehicleClass,
    default_table,
    delivery_tariff,
    exit_payment_postings,
    fee,
    fee_for_class,
)

SH = ZoneInfo("Asia/Shanghai")
MIN = timedelta(minutes=1)
ENTRY = datetime(2026, 11, 24, 10, 0, tzinfo=SH)  # a Tuesday morning

# ¥5.00 per hour or part of an hour; 30 minutes free only when leaving within them;
# at most ¥30.00 per natural day. Spelled out here, not read from DEFAULT_TARIFF.
HOURLY = Tariff(price=500, period_minutes=60, free_minutes=30, cap=3000)
# the same by day; night 19:00-07:00 at ¥1.00 per 2 hours
DAY_NIGHT = replace(HOURLY, night=NightRate(price=100, period_minutes=120))
# the same by day; ¥10.00 flat per night
FLAT_NIGHT = replace(HOURLY, night=NightRate(price=1000, period_minutes=None))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def items(charge: Charge) -> list[tuple[LineKind, int, int]]:
    """(kind, periods, amount) of each line, to compare with the worked arithmetic."""
    return [(line.kind, line.periods, line.amount) for line in charge.lines]


# -- worked examples ----------------------------------------------------------------------------


# rule PK-01
def test_25_minutes_is_free() -> None:
    # 10:00 -> 10:25 = 25 min <= 30 free minutes -> ¥0
    charge = fee(HOURLY, entered_at=ENTRY, left_at=ENTRY + 25 * MIN)
    assert charge.amount == 0
    assert charge.reason == "fee.free"
    assert charge.message == "停车25分钟，在免费时长30分钟内，免费。"
    assert items(charge) == [(LineKind.FREE, 0, 0)]
    assert charge.lines[0].label == "免费时段 11月24日10:00-10:25（30分钟内）"


# rule PK-01
def test_free_limit_is_inclusive_and_then_charged_from_entry() -> None:
    # exactly 30:00 is still free; 30:01 is past it: 1 period from entry (rounded up) = ¥5
    assert fee(HOURLY, entered_at=ENTRY, left_at=ENTRY + 30 * MIN).amount == 0
    charge = fee(HOURLY, entered_at=ENTRY, left_at=ENTRY + 30 * MIN + timedelta(seconds=1))
    assert charge.amount == 500
    assert charge.reason == "fee.charged"
    assert items(charge) == [(LineKind.STANDARD, 1, 500)]


# rule PK-01
def test_3_hours_10_minutes() -> None:
    # 10:00 -> 13:10 = 3 h 10 min > 30 free min, only_within: charged from 10:00
    # 3 whole hours + 10 min rounded up to a 4th hour = 4 × ¥5.00 = ¥20.00 (under the ¥30 cap)
    charge = fee(HOURLY, entered_at=ENTRY, left_at=at(24, 13, 10))
    assert charge.amount == 2000
    assert charge.reason == "fee.charged"
    assert items(charge) == [(LineKind.STANDARD, 4, 2000)]
    assert charge.lines[0].label == (
        "停车 11月24日10:00-13:10：4个计费时段 × ¥5.00（每60分钟）= ¥20.00"
    )
    assert charge.message == "停车3小时10分钟，超过免费时长30分钟，自入场起全程计费，应收¥20.00。"
    assert not charge.capped


# rule PK-01
def test_26_hours_across_two_days_capped_per_natural_day() -> None:
    # 24 Nov 10:00 -> 25 Nov 12:00 = 26 h, cap per natural day:
    #   24 Nov 10:00-24:00: 14 h × ¥5 = ¥70 -> capped to ¥30 (-¥40)
    #   25 Nov 00:00-12:00: 12 h × ¥5 = ¥60 -> capped to ¥30 (-¥30)
    #   total ¥60.00
    charge = fee(HOURLY, entered_at=ENTRY, left_at=at(25, 12))
    assert charge.amount == 6000
    assert items(charge) == [
        (LineKind.STANDARD, 14, 7000),
        (LineKind.CAP, 0, -4000),
        (LineKind.STANDARD, 12, 6000),
        (LineKind.CAP, 0, -3000),
    ]
    assert charge.lines[1].label == "2026年11月24日封顶¥30.00：应计¥70.00，减免¥40.00"
    assert charge.capped
    assert charge.cap_reduction == 7000
    assert charge.message == (
        "停车1天2小时，超过免费时长30分钟，自入场起全程计费，应收¥60.00。其中按封顶减免¥70.00。"
    )


# rule PK-01
def test_26_hours_capped_per_24_hours_from_entry() -> None:
    # the same stay, cap per 24 h from entry:
    #   24 Nov 10:00 - 25 Nov 10:00: 24 h × ¥5 = ¥120 -> capped to ¥30 (-¥90)
    #   25 Nov 10:00 - 12:00:          2 h × ¥5 = ¥10
    #   total ¥40.00
    charge = fee(
        replace(HOURLY, cap_mode=CapMode.ROLLING_24H), entered_at=ENTRY, left_at=at(25, 12)
    )
    assert charge.amount == 4000
    assert items(charge) == [
        (LineKind.STANDARD, 24, 12000),
        (LineKind.CAP, 0, -9000),
        (LineKind.STANDARD, 2, 1000),
    ]
    assert charge.lines[1].label == (
        "第1个24小时（11月24日10:00起）封顶¥30.00：应计¥120.00，减免¥90.00"
    )


# rule PK-02 (V-03: a delivery vehicle may stay 1 hour; beyond it the tariff applies)
def test_delivery_van_at_75_minutes() -> None:
    # 10:00 -> 11:15 = 75 min; 60 free minutes deducted; 15 min excess -> 1 period = ¥5.00
    van = delivery_tariff(HOURLY)
    assert van.free_minutes == 60
    assert van.free_mode is FreeMode.DEDUCTED
    charge = fee(van, entered_at=ENTRY, left_at=ENTRY + 75 * MIN)
    assert charge.amount == 500
    assert charge.reason == "fee.excess"
    assert items(charge) == [(LineKind.FREE, 0, 0), (LineKind.STANDARD, 1, 500)]
    assert charge.lines[0].label == "免费时段 11月24日10:00-11:00（60分钟）"
    assert charge.lines[1].start == at(24, 11)
    assert charge.message == "停车1小时15分钟，扣除免费时长60分钟，超出部分应收¥5.00。"


# rule PK-02
def test_delivery_within_its_hour_is_free_and_deduction_differs_from_temporary() -> None:
    # 59 min: free for the van. At 2 h 30 min: the van pays 1 h 30 min -> 2 periods = ¥10,
    # a temporary car pays from entry: 3 periods = ¥15
    van = delivery_tariff(HOURLY)
    assert fee(van, entered_at=ENTRY, left_at=ENTRY + 59 * MIN).amount == 0
    assert fee(van, entered_at=ENTRY, left_at=ENTRY + 150 * MIN).amount == 1000
    assert fee(HOURLY, entered_at=ENTRY, left_at=ENTRY + 150 * MIN).amount == 1500


# rule PK-01
def test_across_the_day_night_boundary() -> None:
    # 17:30 -> 21:10, day ¥5/60 min until 19:00, night ¥1/120 min from 19:00:
    #   day   17:30-18:30 one hour, 18:30-19:00 part hour cut by the boundary, rounded up: 2 × ¥5
    #   night 19:00-21:00 one period, 21:00-21:10 part period rounded up:         2 × ¥1
    #   total ¥12.00
    charge = fee(DAY_NIGHT, entered_at=at(24, 17, 30), left_at=at(24, 21, 10))
    assert charge.amount == 1200
    assert items(charge) == [(LineKind.STANDARD, 2, 1000), (LineKind.NIGHT, 2, 200)]
    assert [line.label for line in charge.lines] == [
        "白天 11月24日17:30-19:00：2个计费时段 × ¥5.00（每60分钟）= ¥10.00",
        "夜间 11月24日19:00-21:10：2个计费时段 × ¥1.00（每120分钟）= ¥2.00",
    ]


# rule PK-01
def test_flat_night_is_one_charge_and_not_split_at_midnight() -> None:
    # 24 Nov 17:30 -> 25 Nov 08:20 with ¥10 flat per night, cap per natural day:
    #   day   17:30-19:00: 2 × ¥5 = ¥10        (24 Nov)
    #   night 19:00-07:00: flat ¥10            (starts 24 Nov, so it counts there: ¥20 <= ¥30)
    #   day   07:00-08:20: 2 × ¥5 = ¥10        (25 Nov)
    #   total ¥30.00
    charge = fee(FLAT_NIGHT, entered_at=at(24, 17, 30), left_at=at(25, 8, 20))
    assert charge.amount == 3000
    assert items(charge) == [
        (LineKind.STANDARD, 2, 1000),
        (LineKind.NIGHT, 1, 1000),
        (LineKind.STANDARD, 2, 1000),
    ]
    assert charge.lines[1].label == "夜间 11月24日19:00-11月25日07:00：按夜计费¥10.00"
    # entering at 06:50 still pays the night: 06:50-07:00 flat ¥10 + 07:00-07:50 one hour ¥5
    early = fee(FLAT_NIGHT, entered_at=at(24, 6, 50), left_at=at(24, 7, 50))
    assert items(early) == [(LineKind.NIGHT, 1, 1000), (LineKind.STANDARD, 1, 500)]


# rule PK-01
def test_a_period_counts_in_the_cap_window_where_it_starts() -> None:
    # flat night, cap per natural day, 24 Nov 07:00 -> 25 Nov 09:00:
    #   24 Nov: day 07:00-19:00 12 × ¥5 = ¥60, night from 19:00 flat ¥10 -> ¥70, capped ¥30 (-¥40)
    #   25 Nov: day 07:00-09:00 2 × ¥5 = ¥10
    #   total ¥40.00 (counting the night on 25 Nov, where it ends, would give ¥50)
    charge = fee(FLAT_NIGHT, entered_at=at(24, 7), left_at=at(25, 9))
    assert charge.amount == 4000
    assert items(charge) == [
        (LineKind.STANDARD, 12, 6000),
        (LineKind.NIGHT, 1, 1000),
        (LineKind.CAP, 0, -4000),
        (LineKind.STANDARD, 2, 1000),
    ]
    # hourly from 10:20: the 23:20-00:20 period starts on 24 Nov; leaving at 00:10 adds nothing
    #   14 periods 10:20 ... 23:20 = ¥70, capped to ¥30 -> ¥30.00
    late = fee(HOURLY, entered_at=at(24, 10, 20), left_at=at(25, 0, 10))
    assert late.amount == 3000
    assert items(late) == [(LineKind.STANDARD, 14, 7000), (LineKind.CAP, 0, -4000)]


# rule PK-01
def test_night_band_inside_one_day() -> None:
    # night 00:00-06:00 at ¥2/h, day ¥5/h otherwise; 23:00 -> 01:30:
    #   day 23:00-24:00 1 × ¥5 (24 Nov); night 00:00-01:30 2 × ¥2 (25 Nov) = ¥9.00
    tariff = Tariff(price=500, night=NightRate(price=200, start=time(0), end=time(6)))
    charge = fee(tariff, entered_at=at(24, 23), left_at=at(25, 1, 30))
    assert charge.amount == 900
    assert items(charge) == [(LineKind.STANDARD, 1, 500), (LineKind.NIGHT, 2, 400)]


# rule PK-01: with no free minutes, a zero-length stay costs nothing and any stay a period
def test_no_free_minutes() -> None:
    tariff = Tariff(price=300, period_minutes=30)
    none = fee(tariff, entered_at=ENTRY, left_at=ENTRY)
    assert (none.amount, none.reason, none.lines) == (0, "fee.free", ())
    assert none.message == "停车0分钟，未产生费用。"
    one = fee(tariff, entered_at=ENTRY, left_at=ENTRY + timedelta(seconds=1))
    assert (one.amount, one.reason) == (300, "fee.charged")
    assert one.message == "停车0分钟，应收¥3.00。"
    assert set(REASONS) == {"fee.free", "fee.charged", "fee.excess"}


# rule PK-01: datetimes in another zone are read in Shanghai time
def test_other_time_zone_is_converted() -> None:
    utc = ZoneInfo("UTC")
    charge = fee(
        DAY_NIGHT,
        entered_at=datetime(2026, 11, 24, 9, 30, tzinfo=utc),  # 17:30 in Shanghai
        left_at=datetime(2026, 11, 24, 13, 10, tzinfo=utc),  # 21:10
    )
    assert charge.amount == 1200
    assert charge.entered_at == at(24, 17, 30)
    assert charge.entered_at.tzinfo == SH


# rule PK-01: bad stays are refused
@pytest.mark.parametrize(
    ("entered", "left", "code", "message"),
    [
        (
            datetime(2026, 11, 24, 10),
            at(24, 11),
            "stay.naive_datetime",
            "进出场时间必须带时区（Asia/Shanghai）。",
        ),
        (
            ENTRY,
            datetime(2026, 11, 24, 11),
            "stay.naive_datetime",
            "进出场时间必须带时区（Asia/Shanghai）。",
        ),
        (at(24, 11), ENTRY, "stay.exit_before_entry", "出场时间早于入场时间，请核对进出场记录。"),
    ],
)
def test_bad_stay_refused(entered: datetime, left: datetime, code: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        fee(HOURLY, entered_at=entered, left_at=left)
    assert err.value.code == code
    assert err.value.message == message


# -- vehicle classes ----------------------------------------------------------------------------


# rule PK-01, PK-02: a tariff per vehicle class with a default
def test_table_per_vehicle_class() -> None:
    staff_free = replace(HOURLY, price=0)  # V-04: a site whose policy parks staff for free
    table = TariffTable(
        default=HOURLY,
        classes=(
            (VehicleClass.DELIVERY, delivery_tariff(HOURLY)),
            (VehicleClass.STAFF, staff_free),
        ),
    )
    assert table.for_class(VehicleClass.TEMPORARY) is HOURLY
    assert table.for_class(VehicleClass.VISITOR) is HOURLY
    assert table.for_class(VehicleClass.STAFF) is staff_free
    left = ENTRY + 75 * MIN
    assert (
        fee_for_class(table, VehicleClass.TEMPORARY, entered_at=ENTRY, left_at=left).amount == 1000
    )
    assert fee_for_class(table, VehicleClass.DELIVERY, entered_at=ENTRY, left_at=left).amount == 500
    assert fee_for_class(table, VehicleClass.STAFF, entered_at=ENTRY, left_at=left).amount == 0


# rule PK-01, PK-02: the defaults until a site posts its own tariff
def test_default_table() -> None:
    table = default_table()
    assert table.default == DEFAULT_TARIFF == HOURLY
    assert table.for_class(VehicleClass.DELIVERY) == delivery_tariff(HOURLY)
    assert table.for_class(VehicleClass.STAFF) == HOURLY
    assert DEFAULT_TARIFF.describe() == (
        "30分钟内离场免费，超时自入场起计费；每60分钟¥5.00，不足60分钟按60分钟计；"
        "每自然日最高收费¥30.00。"
    )
    assert FLAT_NIGHT.describe() == (
        "30分钟内离场免费，超时自入场起计费；白天每60分钟¥5.00，不足60分钟按60分钟计；"
        "夜间（19:00-07:00）每夜¥10.00；每自然日最高收费¥30.00。"
    )


# -- configuration round trip and validation ----------------------------------------------------


# rule PK-01: the tariff is configuration stored as JSON
def test_round_trip() -> None:
    table = TariffTable(
        default=DAY_NIGHT,
        classes=((VehicleClass.DELIVERY, delivery_tariff(FLAT_NIGHT)),),
    )
    stored = json.loads(json.dumps(table.to_dict()))
    assert TariffTable.from_dict(stored) == table
    assert stored["classes"]["delivery"]["night"] == {
        "start": "19:00",
        "end": "07:00",
        "price": 1000,
        "period_minutes": None,
    }
    # only the price is required; the rest takes the documented defaults
    assert Tariff.from_dict({"price": 500}) == Tariff(price=500)
    assert Tariff(price=500).free_mode is FreeMode.ONLY_WITHIN
    assert Tariff(price=500).cap_mode is CapMode.CALENDAR_DAY


def _with(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = DAY_NIGHT.to_dict()
    for key, value in changes.items():
        if key.startswith("night_"):
            data["night"] = {**data["night"], key.removeprefix("night_"): value}
        else:
            data[key] = value
    return data


# rule PK-01: a bad setting gets a clear Chinese error
@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (_with(price=-1), "tariff.price", "计费单价必须是不小于0的整数（单位：分）。"),
        (_with(price=5.0), "tariff.price", "计费单价必须是不小于0的整数（单位：分）。"),
        (_with(price="5.00"), "tariff.price", "计费单价必须是不小于0的整数（单位：分）。"),
        (_with(price=True), "tariff.price", "计费单价必须是不小于0的整数（单位：分）。"),
        (_with(period_minutes=0), "tariff.period", "计费时段长度必须是1到1440之间的整数（分钟）。"),
        (
            _with(period_minutes=1441),
            "tariff.period",
            "计费时段长度必须是1到1440之间的整数（分钟）。",
        ),
        (
            _with(free_minutes=-5),
            "tariff.free_minutes",
            "免费时长必须是0到1440之间的整数（分钟）。",
        ),
        (
            _with(free_mode="sometimes"),
            "tariff.free_mode",
            "免费时长规则只能是 only_within（免费时长内离场才免费）或 deducted（扣除免费时长后计费）。",
        ),
        (_with(cap=0), "tariff.cap", "封顶金额必须是大于0的整数（单位：分）；不封顶请留空。"),
        (_with(cap=30.5), "tariff.cap", "封顶金额必须是大于0的整数（单位：分）；不封顶请留空。"),
        (
            _with(cap_mode="weekly"),
            "tariff.cap_mode",
            "封顶方式只能是 calendar_day（每自然日）或 rolling_24h（自入场起每24小时）。",
        ),
        (
            _with(night="19:00-07:00"),
            "tariff.night",
            "夜间收费设置必须是一组设置（起止时间、单价、计费时段）或留空。",
        ),
        (
            _with(night_start="7pm"),
            "tariff.night_time",
            "夜间时段的起止时间格式为 HH:MM，且起止时间不能相同。",
        ),
        (
            _with(night_end="24:00"),
            "tariff.night_time",
            "夜间时段的起止时间格式为 HH:MM，且起止时间不能相同。",
        ),
        (
            _with(night_end="19:00"),
            "tariff.night_time",
            "夜间时段的起止时间格式为 HH:MM，且起止时间不能相同。",
        ),
        (
            _with(night_price=-100),
            "tariff.night_price",
            "夜间单价必须是不小于0的整数（单位：分）。",
        ),
        (
            _with(night_period_minutes=0),
            "tariff.night_period",
            "夜间计费时段必须是1到1440之间的整数（分钟）；按夜一次性收费请留空。",
        ),
        (_with(colour="red"), "tariff.unknown_field", "收费标准中有无法识别的设置项：colour。"),
        (
            _with(night_colour="red"),
            "tariff.unknown_field",
            "收费标准中有无法识别的设置项：colour。",
        ),
        ({"free_minutes": 30}, "tariff.missing_field", "收费标准缺少计费单价（price）。"),
        ([500], "tariff.not_a_mapping", "收费标准必须是一组设置（键值对）。"),
    ],
)
def test_bad_tariff_refused(data: Any, code: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Tariff.from_dict(data)
    assert err.value.code == code
    assert err.value.message == message


# rule PK-01: the same checks guard direct construction
def test_bad_tariff_constructed_directly() -> None:
    with pytest.raises(InvalidInput) as err:
        Tariff(price=500, period_minutes=0)
    assert err.value.code == "tariff.period"
    with pytest.raises(InvalidInput) as err:
        Tariff(price=500, free_mode="deducted")  # type: ignore[arg-type]
    assert err.value.code == "tariff.free_mode"
    with pytest.raises(InvalidInput) as err:
        NightRate(price=100, start=time(19, 0, 30))
    assert err.value.code == "tariff.night_time"


# rule PK-01
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            {"default": HOURLY.to_dict(), "classes": {"tractor": HOURLY.to_dict()}},
            "tariff.vehicle_class",
        ),
        ({"classes": {}}, "tariff.default"),
        ({"default": HOURLY.to_dict(), "extra": 1}, "tariff.unknown_field"),
        ({"default": HOURLY.to_dict(), "classes": {"staff": {"price": -1}}}, "tariff.price"),
    ],
)
def test_bad_table_refused(data: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        TariffTable.from_dict(data)
    assert err.value.code == code


def test_duplicate_class_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        TariffTable(HOURLY, ((VehicleClass.STAFF, HOURLY), (VehicleClass.STAFF, HOURLY)))
    assert err.value.code == "tariff.vehicle_class"


# -- postings at the exit -----------------------------------------------------------------------


# rule V-07 (PK-07): the temporary car pays at exit; the charge and its payment are posted
def test_exit_payment_postings() -> None:
    charge = fee(HOURLY, entered_at=ENTRY, left_at=at(24, 13, 10))
    tx = exit_payment_postings(charge, party="京A12345", method=PaymentMethod.QR, at=at(24, 13, 10))
    assert tx is not None
    assert [(e.account, e.side, e.amount, e.kind) for e in tx.entries] == [
        ("receivable:京A12345", Side.DEBIT, 2000, EntryKind.CHARGE),
        (INCOME_PARKING, Side.CREDIT, 2000, EntryKind.CHARGE),
        ("qr", Side.DEBIT, 2000, EntryKind.PAYMENT),
        ("receivable:京A12345", Side.CREDIT, 2000, EntryKind.PAYMENT),
    ]
    assert tx.memo == "临时停车费 11月24日10:00-13:10"
    assert balances([tx]) == {"income:parking": -2000, "qr": 2000, "receivable:京A12345": 0}
    free = fee(HOURLY, entered_at=ENTRY, left_at=ENTRY + 10 * MIN)
    assert exit_payment_postings(free, party="京A12345", method=PaymentMethod.QR, at=ENTRY) is None


# -- properties ---------------------------------------------------------------------------------

_minutes = st.integers(min_value=1, max_value=240)
_clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
_tariffs = st.builds(
    Tariff,
    price=st.integers(0, 2000),
    period_minutes=_minutes,
    free_minutes=st.integers(0, 120),
    free_mode=st.sampled_from(FreeMode),
    cap=st.none() | st.integers(1, 20000),
    cap_mode=st.sampled_from(CapMode),
)
_entries = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(SH)
)
_stays = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4))


@st.composite
def _tariff(draw: st.DrawFn) -> Tariff:
    start, end = draw(_clock), draw(_clock)
    night = None
    if draw(st.booleans()) and start != end:
        night = NightRate(
            price=draw(st.integers(0, 2000)),
            period_minutes=draw(st.none() | _minutes),
            start=start,
            end=end,
        )
    return replace(draw(_tariffs), night=night)


def _windows(tariff: Tariff, entered: datetime, left: datetime) -> int:
    if tariff.cap_mode is CapMode.CALENDAR_DAY:
        return (left.date() - entered.date()).days + 1
    return max(1, -(-(left - entered) // timedelta(days=1)))


# rule PK-01, PK-02: the price never decreases with a longer stay
@given(_tariff(), _entries, _stays, _stays)
def test_fee_never_decreases(tariff: Tariff, entered: datetime, a: timedelta, b: timedelta) -> None:
    short, long = sorted((a, b))
    assert (
        fee(tariff, entered_at=entered, left_at=entered + short).amount
        <= fee(tariff, entered_at=entered, left_at=entered + long).amount
    )


# rule PK-01: never more than the cap per window touched; >= 0; integer fen; lines add up
@given(_tariff(), _entries, _stays)
def test_fee_bounds(tariff: Tariff, entered: datetime, stay: timedelta) -> None:
    left = entered + stay
    charge = fee(tariff, entered_at=entered, left_at=left)
    assert type(charge.amount) is int
    assert charge.amount >= 0
    assert charge.amount == sum(line.amount for line in charge.lines)
    assert all(type(line.amount) is int for line in charge.lines)
    if tariff.cap is not None:
        assert charge.amount <= tariff.cap * _windows(tariff, entered, left)
    assert charge.reason in REASONS


# rule PK-01, PK-02: the free period is free
@given(_tariff(), _entries, st.data())
def test_free_period_is_free(tariff: Tariff, entered: datetime, data: st.DataObject) -> None:
    stay = data.draw(
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(minutes=tariff.free_minutes))
    )
    charge = fee(tariff, entered_at=entered, left_at=entered + stay)
    assert charge.amount == 0
    assert charge.reason == "fee.free"
    # deducted: the free minutes cost nothing at any length of stay, so the fee equals the fee
    # of the same tariff without free minutes for a car that came in when the free time ended
    if tariff.free_mode is FreeMode.DEDUCTED and tariff.cap is None:
        later = entered + timedelta(minutes=tariff.free_minutes)
        left = later + data.draw(_stays)
        plain = replace(tariff, free_minutes=0)
        assert (
            fee(tariff, entered_at=entered, left_at=left).amount
            == fee(plain, entered_at=later, left_at=left).amount
        )


# rule PK-01: the stored form reads back to the same tariff
@given(_tariff())
def test_round_trip_property(tariff: Tariff) -> None:
    assert Tariff.from_dict(json.loads(json.dumps(tariff.to_dict()))) == tariff
