"""Tests for gatehouse.core.lease: space leases, proration, early termination, renewal, and the
deposits and fees of passes and gate remotes (SPEC PK-03 … PK-06, V-10), with their postings.

The worked examples use one lease: a space at ¥300.00 a month from 15 March 2026 to 14 March 2027
(the end of the tenant's housing lease).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import InvalidInput
from gatehouse.core.lease import (
    Device,
    DevicePrice,
    MonthCharge,
    ReissueCause,
    RenewalStatus,
    SpaceLease,
    deposit_forfeit_postings,
    deposit_refund_postings,
    device_issue_postings,
    device_reissue_postings,
    lease_payment_postings,
    lease_refund_postings,
    prorate,
    renew,
    renewal_status,
    schedule,
    terminate,
    total_due,
)
from gatehouse.core.ledger import (
    INCOME_FEES,
    INCOME_FORFEITS,
    INCOME_PARKING,
    EntryKind,
    PaymentMethod,
    Side,
    Transaction,
    balances,
    daily_summary,
)

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 3, 15, 10, 0, tzinfo=SH)
LEASE = SpaceLease(start=date(2026, 3, 15), end=date(2027, 3, 14), monthly_fee=30000)
TENANT = "3-1201"
CASH, QR, CARD = PaymentMethod.CASH, PaymentMethod.QR, PaymentMethod.CARD


def rows(months: tuple[MonthCharge, ...]) -> list[tuple[str, int, int]]:
    return [(m.month.strftime("%Y-%m"), m.days, m.amount) for m in months]


def postings(tx: Transaction) -> list[tuple[str, Side, int, EntryKind]]:
    return [(e.account, e.side, e.amount, e.kind) for e in tx.entries]


# -- PK-03: schedule and proration --------------------------------------------------------------


# rule PK-03: a part month is prorated by the day, rounded half-up to the fen
@pytest.mark.parametrize(
    ("fee", "days", "dim", "fen"),
    [
        (30000, 17, 31, 16452),  # 16451.61 -> 16452
        (30000, 14, 31, 13548),  # 13548.39 -> 13548
        (25001, 14, 28, 12501),  # 12500.5  -> 12501 (half goes up)
        (1, 15, 30, 1),  # 0.5 -> 1
        (1, 15, 31, 0),  # 0.48 -> 0
        (30000, 30, 30, 30000),
    ],
)
def test_prorate(fee: int, days: int, dim: int, fen: int) -> None:
    assert prorate(fee, days, dim) == fen


# rule PK-03
def test_schedule_from_lease_start_to_housing_lease_end() -> None:
    # March 2026: 15-31 = 17 days of 31 -> 30000 × 17/31 = 16451.61 -> ¥164.52
    # April 2026 ... February 2027: 11 whole months × ¥300.00 = ¥3,300.00
    # March 2027: 1-14 = 14 days of 31 -> 30000 × 14/31 = 13548.39 -> ¥135.48
    # total ¥3,600.00 (the two part months happen to round back to one whole month)
    months = schedule(LEASE)
    whole = [(2026, m) for m in range(4, 13)] + [(2027, 1), (2027, 2)]
    assert rows(months) == [
        ("2026-03", 17, 16452),
        *[(f"{y}-{m:02d}", calendar.monthrange(y, m)[1], 30000) for y, m in whole],
        ("2027-03", 14, 13548),
    ]
    assert total_due(LEASE) == 360000
    assert months[0].label == "2026年3月（15日至31日，按天折算17/31）"
    assert months[1].label == "2026年4月（整月）"
    assert months[-1].label == "2027年3月（1日至14日，按天折算14/31）"
    assert (months[0].first, months[0].last) == (date(2026, 3, 15), date(2026, 3, 31))


# rule PK-03
def test_schedule_short_and_leap_leases() -> None:
    # inside one month: 10-20 May = 11 days of 31 -> 30000 × 11/31 = 10645.16 -> ¥106.45
    short = SpaceLease(start=date(2026, 5, 10), end=date(2026, 5, 20), monthly_fee=30000)
    assert rows(schedule(short)) == [("2026-05", 11, 10645)]
    # a leap February: 15-29 Feb 2028 = 15 days of 29 -> 30000 × 15/29 = 15517.24 -> ¥155.17
    leap = SpaceLease(start=date(2028, 2, 15), end=date(2028, 3, 31), monthly_fee=30000)
    assert rows(schedule(leap)) == [("2028-02", 15, 15517), ("2028-03", 31, 30000)]
    # whole months only: 12 × ¥300.00
    year = SpaceLease(start=date(2026, 4, 1), end=date(2027, 3, 31), monthly_fee=30000)
    assert total_due(year) == 12 * 30000
    assert all(m.full for m in schedule(year))
    # one day
    day = SpaceLease(start=date(2026, 4, 30), end=date(2026, 4, 30), monthly_fee=30000)
    assert rows(schedule(day)) == [("2026-04", 1, 1000)]  # 30000 / 30


# rule PK-03: each day of the lease is charged exactly once, whatever the dates
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
    st.integers(min_value=1, max_value=10**6),
)
def test_schedule_property(start: date, length: int, fee: int) -> None:
    lease = SpaceLease(start=start, end=start + timedelta(days=length), monthly_fee=fee)
    months = schedule(lease)
    assert sum(m.days for m in months) == length + 1
    assert months[0].first == lease.start and months[-1].last == lease.end
    for m in months:
        assert 0 <= m.amount <= fee
        if m.full:
            assert m.amount == fee
        assert abs(m.amount * m.days_in_month - fee * m.days) * 2 <= m.days_in_month


# rule PK-03: bad leases are refused
@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"end": date(2026, 3, 14)}, "lease.dates", "车位租赁结束日期不能早于起租日期。"),
        ({"monthly_fee": 0}, "amount.invalid", "金额必须是大于0的整数（单位：分）。"),
        ({"monthly_fee": 300.0}, "amount.invalid", "金额必须是大于0的整数（单位：分）。"),
        (
            {"start": datetime(2026, 3, 15, tzinfo=SH)},
            "lease.date",
            "日期格式不正确，请输入日期（年-月-日）。",
        ),
        ({"end": "2027-03-14"}, "lease.date", "日期格式不正确，请输入日期（年-月-日）。"),
    ],
)
def test_bad_lease_refused(kwargs: dict[str, Any], code: str, message: str) -> None:
    fields = {"start": LEASE.start, "end": LEASE.end, "monthly_fee": LEASE.monthly_fee, **kwargs}
    with pytest.raises(InvalidInput) as err:
        SpaceLease(**fields)
    assert err.value.code == code
    assert err.value.message == message


# rule PK-03 (PK-07): the prepayment at signing, month by month
def test_lease_payment_postings() -> None:
    tx = lease_payment_postings(LEASE, party=TENANT, method=CASH, at=AT)
    assert tx is not None
    entries = postings(tx)
    assert entries[0] == ("receivable:3-1201", Side.DEBIT, 360000, EntryKind.CHARGE)
    assert entries[1:-2] == [
        (INCOME_PARKING, Side.CREDIT, m.amount, EntryKind.CHARGE) for m in schedule(LEASE)
    ]
    assert entries[-2:] == [
        ("cash", Side.DEBIT, 360000, EntryKind.PAYMENT),
        ("receivable:3-1201", Side.CREDIT, 360000, EntryKind.PAYMENT),
    ]
    assert tx.entries[1].memo == "车位费 2026年3月（15日至31日，按天折算17/31）"
    assert tx.memo == "车位租赁费 2026年3月15日至2027年3月14日"


# -- PK-04: early termination -------------------------------------------------------------------


# rule PK-04: prepaid fees come back except the current month
def test_terminate_mid_lease() -> None:
    # ended 10 June 2026: kept March (part) + April + May + June (current month, in full)
    #   = 16452 + 3 × 30000 = ¥1,064.52
    # refunded July 2026 ... March 2027: 8 × 30000 + 13548 = ¥2,535.48 (9 months)
    t = terminate(LEASE, on=date(2026, 6, 10))
    assert t.reason == "lease.terminated"
    assert (t.kept, t.refund) == (106452, 253548)
    assert t.kept + t.refund == total_due(LEASE)
    assert t.kept_months[-1].month == date(2026, 6, 1)
    assert t.refunded_months[0].month == date(2026, 7, 1)
    assert len(t.refunded_months) == 9
    assert t.message == (
        "于2026年6月10日提前终止车位租赁：当月（2026年6月）车位费不退，"
        "退还预缴车位费¥2535.48（2026年7月至2027年3月，共9个月）。"
    )
    # the last day of the month keeps the same month: same money
    assert terminate(LEASE, on=date(2026, 6, 30)).refund == 253548
    # the first day of the next month keeps one month more
    assert terminate(LEASE, on=date(2026, 7, 1)).refund == 253548 - 30000


# rule PK-04
def test_terminate_on_first_day_and_in_last_month() -> None:
    # on the start day: the (part) start month is the current month, kept: ¥164.52
    first = terminate(LEASE, on=LEASE.start)
    assert (first.kept, first.refund) == (16452, 360000 - 16452)
    assert first.message.startswith(
        "于2026年3月15日提前终止车位租赁：当月（2026年3月）车位费不退（当月按租期折算），"
    )
    # in the last month nothing is left to refund
    last = terminate(LEASE, on=date(2027, 3, 1))
    assert (last.kept, last.refund, last.refunded_months) == (360000, 0, ())
    assert last.message == (
        "于2027年3月1日提前终止车位租赁：当月（2027年3月）车位费不退（当月按租期折算），无可退车位费。"
    )


# rule PK-04: before the start there is no current month: a cancellation, refunded in full
def test_cancel_before_start() -> None:
    t = terminate(LEASE, on=date(2026, 3, 1))
    assert t.reason == "lease.cancelled"
    assert (t.kept, t.refund) == (0, 360000)
    assert t.message == "租约尚未开始（起租日2026年3月15日），取消租约，全额退还车位费¥3600.00。"


# rule PK-04
def test_terminate_after_end_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        terminate(LEASE, on=date(2027, 3, 15))
    assert err.value.code == "lease.terminate_after_end"
    assert (
        err.value.message == "终止日期晚于租约结束日期（2027年3月14日），租约已到期，无需提前终止。"
    )


# rule PK-04 (PK-07): the refund is posted against parking income and paid out
def test_lease_refund_postings() -> None:
    t = terminate(LEASE, on=date(2026, 6, 10))
    at = datetime(2026, 6, 10, 15, 0, tzinfo=SH)
    tx = lease_refund_postings(t, party=TENANT, method=QR, at=at)
    assert tx is not None
    assert postings(tx) == [
        (INCOME_PARKING, Side.DEBIT, 253548, EntryKind.REFUND),
        ("receivable:3-1201", Side.CREDIT, 253548, EntryKind.REFUND),
        ("receivable:3-1201", Side.DEBIT, 253548, EntryKind.REFUND),
        ("qr", Side.CREDIT, 253548, EntryKind.REFUND),
    ]
    assert tx.memo == "提前终止车位租赁退款（2026年6月10日）"
    last = terminate(LEASE, on=date(2027, 3, 1))
    assert lease_refund_postings(last, party=TENANT, method=QR, at=at) is None


# -- PK-05: renewal -----------------------------------------------------------------------------

END = date(2027, 3, 14)


R, D, L = RenewalStatus.RENEWED, RenewalStatus.DUE, RenewalStatus.LAPSED
FEB28 = date(2027, 2, 28)  # a due date before the lease end

# rule PK-05: the next year's fee is paid before the new housing contract, else the space lapses
# (due, paid on, today) -> (status, reason, space free, message)
# fmt: off
RENEWALS = [
    pytest.param(END, date(2027, 3, 1), date(2027, 3, 20), R, "renewal.paid", False,
                 "已于2027年3月1日缴纳下一租赁年车位费，车位续租。", id="paid-early"),
    pytest.param(END, END, END, R, "renewal.paid", False,
                 "已于2027年3月14日缴纳下一租赁年车位费，车位续租。", id="paid-on-due-day"),
    pytest.param(END, None, date(2027, 3, 1), D, "renewal.due", False,
                 "请于2027年3月14日前缴纳下一租赁年车位费（还剩13天），逾期视为放弃租赁车位。", id="due"),
    pytest.param(END, None, END, D, "renewal.due", False,
                 "请于2027年3月14日前缴纳下一租赁年车位费（还剩0天），逾期视为放弃租赁车位。", id="due-last-day"),
    pytest.param(END, None, date(2027, 3, 15), L, "renewal.expired", True,
                 "租约已于2027年3月14日到期，未续签、未缴车位费，视为自动放弃该车位，车位已释放。", id="expired-frees-space"),
    pytest.param(FEB28, None, date(2027, 3, 5), L, "renewal.lapsed", False,
                 "未在2027年2月28日前缴纳下一租赁年车位费，视为放弃租赁车位；车位于2027年3月14日租约到期后释放。", id="lapsed-lease-running"),
    pytest.param(END, date(2027, 3, 16), date(2027, 3, 20), L, "renewal.paid_late", True,
                 "续租车位费逾期缴纳（应于2027年3月14日前缴纳），视为放弃租赁车位，车位已释放；逾期所缴款项应予退回。", id="paid-late"),
    pytest.param(FEB28, date(2027, 3, 5), date(2027, 3, 6), L, "renewal.paid_late", False,
                 "续租车位费逾期缴纳（应于2027年2月28日前缴纳），视为放弃租赁车位，车位于2027年3月14日租约到期后释放；逾期所缴款项应予退回。", id="paid-late-lease-running"),
]
# fmt: on


@pytest.mark.parametrize(
    ("due", "paid_on", "today", "status", "reason", "space_free", "message"), RENEWALS
)
def test_renewal_status(
    due: date,
    paid_on: date | None,
    today: date,
    status: RenewalStatus,
    reason: str,
    space_free: bool,
    message: str,
) -> None:
    r = renewal_status(lease_end=END, due=due, paid_on=paid_on, today=today)
    assert r.status is status
    assert r.reason == reason
    assert r.space_free is space_free
    assert r.message == message
    assert r.due == due
    assert r.days_left == ((due - today).days if status is RenewalStatus.DUE else None)


# rule PK-05
def test_renewal_bad_input() -> None:
    with pytest.raises(InvalidInput) as err:
        renewal_status(lease_end=END, due=END, paid_on=date(2027, 3, 2), today=date(2027, 3, 1))
    assert err.value.code == "renewal.paid_in_future"
    assert err.value.message == "缴费日期不能晚于今天。"
    with pytest.raises(InvalidInput) as err:
        renewal_status(lease_end=END, due=END, paid_on=None, today=datetime(2027, 3, 1, tzinfo=SH))
    assert err.value.code == "lease.date"


# rule PK-05: the renewed lease runs on from the day after the old one
def test_renew() -> None:
    nxt = renew(LEASE, until=date(2028, 3, 14))
    assert nxt == SpaceLease(start=date(2027, 3, 15), end=date(2028, 3, 14), monthly_fee=30000)
    dearer = renew(LEASE, until=date(2028, 3, 14), monthly_fee=32000)
    assert dearer.monthly_fee == 32000
    with pytest.raises(InvalidInput) as err:
        renew(LEASE, until=date(2027, 3, 1))
    assert err.value.code == "lease.dates"


# -- PK-06 / V-10: pass and gate remote ---------------------------------------------------------

PASS_PRICE = DevicePrice(deposit=10000, card_fee=2000)  # ¥100 deposit, ¥20 card fee
REMOTE_PRICE = DevicePrice(deposit=20000, card_fee=5000, reissue_fee=8000)


# rule PK-06: deposit plus card fee on issue
def test_device_issue_postings() -> None:
    tx = device_issue_postings(Device.PASS, PASS_PRICE, party=TENANT, method=CARD, at=AT)
    assert tx is not None
    assert postings(tx) == [
        ("card", Side.DEBIT, 10000, EntryKind.DEPOSIT),
        ("deposits:3-1201", Side.CREDIT, 10000, EntryKind.DEPOSIT),
        ("receivable:3-1201", Side.DEBIT, 2000, EntryKind.FEE),
        (INCOME_FEES, Side.CREDIT, 2000, EntryKind.FEE),
        ("card", Side.DEBIT, 2000, EntryKind.PAYMENT),
        ("receivable:3-1201", Side.CREDIT, 2000, EntryKind.PAYMENT),
    ]
    assert [e.memo for e in tx.entries[:3]] == [
        "车辆出入证押金",
        "车辆出入证押金",
        "车辆出入证工本费",
    ]
    assert tx.memo == "办理车辆出入证"
    # a site charging no card fee posts the deposit only; nothing at all when both are zero
    deposit_only = device_issue_postings(
        Device.REMOTE, DevicePrice(deposit=20000, card_fee=0), party=TENANT, method=CASH, at=AT
    )
    assert deposit_only is not None
    assert {e.kind for e in deposit_only.entries} == {EntryKind.DEPOSIT}
    free = DevicePrice(deposit=0, card_fee=0)
    assert device_issue_postings(Device.PASS, free, party=TENANT, method=CASH, at=AT) is None


# rule PK-06 (V-10: lost pass or changed car: reissue for a fee; the deposit stays held)
@pytest.mark.parametrize(
    ("device", "price", "cause", "fen", "memo"),
    [
        (Device.PASS, PASS_PRICE, ReissueCause.LOST, 2000, "车辆出入证遗失补办工本费"),
        (Device.PASS, PASS_PRICE, ReissueCause.CAR_CHANGED, 2000, "车辆出入证换车重办工本费"),
        (Device.REMOTE, REMOTE_PRICE, ReissueCause.LOST, 8000, "道闸遥控器遗失补办工本费"),
    ],
)
def test_device_reissue_postings(
    device: Device, price: DevicePrice, cause: ReissueCause, fen: int, memo: str
) -> None:
    tx = device_reissue_postings(device, price, cause=cause, party=TENANT, method=QR, at=AT)
    assert tx is not None
    assert postings(tx) == [
        ("receivable:3-1201", Side.DEBIT, fen, EntryKind.FEE),
        (INCOME_FEES, Side.CREDIT, fen, EntryKind.FEE),
        ("qr", Side.DEBIT, fen, EntryKind.PAYMENT),
        ("receivable:3-1201", Side.CREDIT, fen, EntryKind.PAYMENT),
    ]
    assert tx.memo == memo
    assert not any(e.account.startswith("deposits:") for e in tx.entries)


# rule PK-06: the deposit comes back on return
def test_deposit_refund_postings() -> None:
    tx = deposit_refund_postings(Device.REMOTE, deposit=20000, party=TENANT, method=CASH, at=AT)
    assert postings(tx) == [
        ("deposits:3-1201", Side.DEBIT, 20000, EntryKind.DEPOSIT_REFUND),
        ("cash", Side.CREDIT, 20000, EntryKind.DEPOSIT_REFUND),
    ]
    assert tx.memo == "退还道闸遥控器押金"
    with pytest.raises(InvalidInput) as err:
        deposit_refund_postings(Device.REMOTE, deposit=0, party=TENANT, method=CASH, at=AT)
    assert err.value.code == "amount.invalid"


# rule V-10: a pass lent to someone else is taken back and the deposit kept
def test_deposit_forfeit_postings() -> None:
    tx = deposit_forfeit_postings(Device.PASS, deposit=10000, party=TENANT, at=AT)
    assert postings(tx) == [
        ("deposits:3-1201", Side.DEBIT, 10000, EntryKind.FORFEIT),
        (INCOME_FORFEITS, Side.CREDIT, 10000, EntryKind.FORFEIT),
    ]
    assert tx.memo == "车辆出入证转借他人，收回并没收押金"


# rule PK-06
def test_bad_device_price_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        DevicePrice(deposit=-1, card_fee=0)
    assert err.value.code == "amount.invalid"
    assert err.value.message == "金额必须是不小于0的整数（单位：分）。"
    assert DevicePrice(deposit=1, card_fee=300).reissue == 300
    assert DevicePrice(deposit=1, card_fee=300, reissue_fee=0).reissue == 0


# rule PK-03, PK-04, PK-06 (PK-07): a tenant's year on the books
def test_tenant_story_balances() -> None:
    june = datetime(2026, 6, 10, 15, 0, tzinfo=SH)
    txs = [
        lease_payment_postings(LEASE, party=TENANT, method=CASH, at=AT),
        device_issue_postings(Device.PASS, PASS_PRICE, party=TENANT, method=CASH, at=AT),
        device_issue_postings(Device.REMOTE, REMOTE_PRICE, party=TENANT, method=CASH, at=AT),
        device_reissue_postings(
            Device.PASS, PASS_PRICE, cause=ReissueCause.LOST, party=TENANT, method=QR, at=june
        ),
        lease_refund_postings(terminate(LEASE, on=june.date()), party=TENANT, method=QR, at=june),
        deposit_refund_postings(Device.REMOTE, deposit=20000, party=TENANT, method=QR, at=june),
        deposit_forfeit_postings(Device.PASS, deposit=10000, party=TENANT, at=june),
    ]
    books = [tx for tx in txs if tx is not None]
    assert len(books) == len(txs)
    assert balances(books) == {
        "cash": 360000 + 12000 + 25000,  # lease, pass, remote
        "deposits:3-1201": 0,  # both deposits settled: one returned, one forfeited
        "income:fees": -(2000 + 5000 + 2000),
        "income:forfeits": -10000,
        "income:parking": -(360000 - 253548),  # the kept months
        "qr": 2000 - 253548 - 20000,
        "receivable:3-1201": 0,  # the tenant owes nothing
    }
    day = daily_summary(books, day=june.date())
    assert (day.charges, day.fees, day.refunds, day.forfeits) == (0, 2000, 253548, 10000)
    assert day.deposits_refunded == 20000
    assert day.paid_out[QR] == 253548
    assert day.received[QR] == 2000
