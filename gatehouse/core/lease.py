"""Parking-space leases, renewals, passes and gate remotes: the money side (SPEC PK-03 … PK-06).

Source: T7 (Suzhou Industrial Park rental housing) 第二条, 第十六条 … 第十八条.

Lease and proration (PK-03, 第十七条)
    At signing the tenant pays the space from the lease start to the end date of the housing
    lease (both days included). The schedule is per calendar month: a month the lease covers
    entirely costs ``monthly_fee``; a part month ("不足一月的按天折算") costs
    ``monthly_fee × leased days / days in that calendar month``, rounded half-up to the fen. So a
    lease from 15 March to 14 March next year is 11 whole months plus 17/31 and 14/31 of a month;
    the two part months are rounded separately and may differ from one month by a fen.

Early termination (PK-04, 第十七条 "预缴的车位费退回（当月不退）")
    Everything charged for the months after the month containing the termination date is
    refunded; that month (and the ones before) is kept in full, even if the lease is ended on
    its first day. A lease ended before its start date has no current month and is refunded in
    full (a cancellation). A date after the lease end is refused: the lease has simply expired.

Renewal (PK-05, 第十七条, 第十八条)
    A tenant renewing the housing lease pays the next lease year's space fee before the new
    housing contract starts, else the space is given up. :func:`renewal_status` takes the lease
    end, the due date (normally the lease end itself: the last day before the new contract), the
    payment date if any and ``today``: renewed, due, or lapsed; a lapsed lease frees the space
    once it has ended. :func:`renew` makes the next lease, starting the day after the old one.

Pass and gate remote (PK-06, 第二条, 第十六条; V-10)
    A vehicle pass (车辆出入证) and a gate remote (道闸遥控器) each cost a deposit (押金) and a
    card fee (工本费) on issue; a lost one or a changed car is reissued for a fee (T7 calls it
    the 工本费 again; it is a separate setting defaulting to the card fee); the deposit comes back
    when the device is returned; a pass lent to someone else is taken back and its deposit kept.
    Each event returns the ledger :class:`~gatehouse.core.ledger.Transaction` to post (PK-07).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from gatehouse.core.errors import InvalidInput
from gatehouse.core.ledger import (
    INCOME_FEES,
    INCOME_FORFEITS,
    INCOME_PARKING,
    Entry,
    EntryKind,
    PaymentMethod,
    Transaction,
    credit,
    debit,
    deposits,
    format_fen,
    receivable,
    transaction,
)

_ONE_DAY = timedelta(days=1)


def _date(value: object, field: str) -> date:
    # a datetime is a date too; a day is meant here, so it is refused
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(
            "lease.date", "日期格式不正确，请输入日期（年-月-日）。", {"field": field}
        )
    return value


def _fen(value: object, field: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0):
        raise InvalidInput(
            "amount.invalid",
            "金额必须是大于0的整数（单位：分）。"
            if positive
            else "金额必须是不小于0的整数（单位：分）。",
            {"field": field, "value": repr(value)[:40]},
        )
    return value


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cn_month(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


# -- lease and schedule (PK-03) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpaceLease:
    """A parking-space lease (车位租赁协议): ``start`` to ``end`` inclusive, ``monthly_fee`` fen."""

    start: date
    end: date  # the housing lease's end date, the last leased day
    monthly_fee: int

    def __post_init__(self) -> None:
        _date(self.start, "start")
        _date(self.end, "end")
        _fen(self.monthly_fee, "monthly_fee", positive=True)
        if self.end < self.start:
            raise InvalidInput(
                "lease.dates",
                "车位租赁结束日期不能早于起租日期。",
                {"start": self.start.isoformat(), "end": self.end.isoformat()},
            )


@dataclass(frozen=True, slots=True)
class MonthCharge:
    """One calendar month of a lease's schedule."""

    month: date  # the first day of the calendar month
    first: date  # the first leased day in it
    last: date  # the last leased day in it (inclusive)
    days: int
    days_in_month: int
    amount: int  # fen

    @property
    def full(self) -> bool:
        return self.days == self.days_in_month

    @property
    def label(self) -> str:
        if self.full:
            return f"{_cn_month(self.month)}（整月）"
        return (
            f"{_cn_month(self.month)}（{self.first.day}日至{self.last.day}日，"
            f"按天折算{self.days}/{self.days_in_month}）"
        )


def prorate(monthly_fee: int, days: int, days_in_month: int) -> int:
    """``monthly_fee × days / days_in_month`` rounded half-up to the fen, in integers only."""
    return (2 * monthly_fee * days + days_in_month) // (2 * days_in_month)


def schedule(lease: SpaceLease) -> tuple[MonthCharge, ...]:
    """The lease's charges per calendar month, from the start month to the end month (PK-03)."""
    months: list[MonthCharge] = []
    month = _month_of(lease.start)
    while month <= lease.end:
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        first = max(month, lease.start)
        last = min(month.replace(day=days_in_month), lease.end)
        days = (last - first).days + 1
        if days == days_in_month:
            amount = lease.monthly_fee
        else:
            amount = prorate(lease.monthly_fee, days, days_in_month)
        months.append(MonthCharge(month, first, last, days, days_in_month, amount))
        month = _next_month(month)
    return tuple(months)


def total_due(lease: SpaceLease) -> int:
    """What the tenant pays at signing: the whole schedule (T7 第十七条)."""
    return sum(m.amount for m in schedule(lease))


# -- early termination (PK-04) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Termination:
    """The money outcome of ending a lease early."""

    on: date
    reason: str  # lease.terminated | lease.cancelled
    message: str
    kept: int  # fen kept: the current month and the months before
    refund: int  # fen refunded: the prepaid months after the current one
    kept_months: tuple[MonthCharge, ...]
    refunded_months: tuple[MonthCharge, ...]


def terminate(lease: SpaceLease, *, on: date) -> Termination:
    """End ``lease`` early on ``on``: refund the prepaid months after the current one (PK-04)."""
    _date(on, "on")
    if on > lease.end:
        raise InvalidInput(
            "lease.terminate_after_end",
            f"终止日期晚于租约结束日期（{_cn_date(lease.end)}），租约已到期，无需提前终止。",
            {"on": on.isoformat(), "end": lease.end.isoformat()},
        )
    months = schedule(lease)
    if on < lease.start:
        refund = sum(m.amount for m in months)
        message = (
            f"租约尚未开始（起租日{_cn_date(lease.start)}），取消租约，"
            f"全额退还车位费{format_fen(refund, symbol=True)}。"
        )
        return Termination(on, "lease.cancelled", message, 0, refund, (), months)
    current = _month_of(on)
    kept_months = tuple(m for m in months if m.month <= current)
    refunded_months = tuple(m for m in months if m.month > current)
    kept = sum(m.amount for m in kept_months)
    refund = sum(m.amount for m in refunded_months)
    message = (
        f"于{_cn_date(on)}提前终止车位租赁：当月（{_cn_month(current)}）车位费不退"
        f"{'' if kept_months[-1].full else '（当月按租期折算）'}"
    )
    if refunded_months:
        message += (
            f"，退还预缴车位费{format_fen(refund, symbol=True)}"
            f"（{_cn_month(refunded_months[0].month)}至{_cn_month(refunded_months[-1].month)}，"
            f"共{len(refunded_months)}个月）。"
        )
    else:
        message += "，无可退车位费。"
    return Termination(on, "lease.terminated", message, kept, refund, kept_months, refunded_months)


# -- renewal (PK-05) ----------------------------------------------------------------------------


class RenewalStatus(StrEnum):
    RENEWED = "renewed"  # paid in time: the space stays the tenant's for the next lease year
    DUE = "due"  # not paid yet, still in time
    LAPSED = "lapsed"  # not paid in time: the space is given up


@dataclass(frozen=True, slots=True)
class Renewal:
    status: RenewalStatus
    reason: str
    message: str
    due: date
    space_free: bool  # the space may be let to someone else now
    days_left: int | None = None  # for DUE: days until the due date (0: today is the last day)


def renewal_status(*, lease_end: date, due: date, paid_on: date | None, today: date) -> Renewal:
    """Renewed, due or lapsed, with a reason code and a Chinese sentence (PK-05).

    ``due`` is the last day the next lease year's fee is accepted (normally ``lease_end``: the
    fee is paid before the new housing contract starts). Payment on the due date is in time. An
    unpaid or late renewal lapses; the space is free once the current lease has ended too.
    """
    _date(lease_end, "lease_end")
    _date(due, "due")
    _date(today, "today")
    if paid_on is not None:
        _date(paid_on, "paid_on")
        if paid_on > today:
            raise InvalidInput(
                "renewal.paid_in_future",
                "缴费日期不能晚于今天。",
                {"paid_on": paid_on.isoformat(), "today": today.isoformat()},
            )
    ended = today > lease_end
    if paid_on is not None and paid_on <= due:
        return Renewal(
            RenewalStatus.RENEWED,
            "renewal.paid",
            f"已于{_cn_date(paid_on)}缴纳下一租赁年车位费，车位续租。",
            due,
            space_free=False,
        )
    if paid_on is not None:
        free = "，车位已释放" if ended else f"，车位于{_cn_date(lease_end)}租约到期后释放"
        return Renewal(
            RenewalStatus.LAPSED,
            "renewal.paid_late",
            f"续租车位费逾期缴纳（应于{_cn_date(due)}前缴纳），视为放弃租赁车位{free}；"
            "逾期所缴款项应予退回。",
            due,
            space_free=ended,
        )
    if today <= due:
        days_left = (due - today).days
        return Renewal(
            RenewalStatus.DUE,
            "renewal.due",
            f"请于{_cn_date(due)}前缴纳下一租赁年车位费（还剩{days_left}天），"
            "逾期视为放弃租赁车位。",
            due,
            space_free=False,
            days_left=days_left,
        )
    if ended:
        return Renewal(
            RenewalStatus.LAPSED,
            "renewal.expired",
            f"租约已于{_cn_date(lease_end)}到期，未续签、未缴车位费，视为自动放弃该车位，车位已释放。",
            due,
            space_free=True,
        )
    return Renewal(
        RenewalStatus.LAPSED,
        "renewal.lapsed",
        f"未在{_cn_date(due)}前缴纳下一租赁年车位费，视为放弃租赁车位；"
        f"车位于{_cn_date(lease_end)}租约到期后释放。",
        due,
        space_free=False,
    )


def renew(lease: SpaceLease, *, until: date, monthly_fee: int | None = None) -> SpaceLease:
    """The next lease: from the day after ``lease.end`` to ``until`` (the new housing lease end)."""
    return SpaceLease(
        start=lease.end + _ONE_DAY,
        end=_date(until, "until"),
        monthly_fee=lease.monthly_fee if monthly_fee is None else monthly_fee,
    )


# -- lease postings (PK-03, PK-04 -> PK-07) -----------------------------------------------------


def lease_payment_postings(
    lease: SpaceLease, *, party: str, method: PaymentMethod, at: datetime
) -> Transaction | None:
    """PK-03: the prepayment at signing, one charge per month of the schedule, paid by ``method``.

    None when the schedule totals 0 fen (a fee so small that every month rounds to nothing).
    """
    owed = receivable(party)
    months = schedule(lease)
    total = sum(m.amount for m in months)
    if total == 0:
        return None
    memo = f"车位租赁费 {_cn_date(lease.start)}至{_cn_date(lease.end)}"
    entries: list[Entry] = [debit(owed, total, kind=EntryKind.CHARGE, memo=memo)]
    entries += [
        credit(INCOME_PARKING, m.amount, kind=EntryKind.CHARGE, memo=f"车位费 {m.label}")
        for m in months
        if m.amount
    ]
    entries += [
        debit(method.value, total, kind=EntryKind.PAYMENT, memo=memo),
        credit(owed, total, kind=EntryKind.PAYMENT, memo=memo),
    ]
    return transaction(*entries, at=at, memo=memo)


def lease_refund_postings(
    termination: Termination, *, party: str, method: PaymentMethod, at: datetime
) -> Transaction | None:
    """PK-04: the refund reduces parking income and is paid to ``party`` by ``method``.

    Posted through ``receivable:<party>`` (credited, then settled) so the party's account shows
    the refund. None when nothing is refunded.
    """
    amount = termination.refund
    if amount == 0:
        return None
    owed = receivable(party)
    memo = f"提前终止车位租赁退款（{_cn_date(termination.on)}）"
    return transaction(
        debit(INCOME_PARKING, amount, kind=EntryKind.REFUND, memo=memo),
        credit(owed, amount, kind=EntryKind.REFUND, memo=memo),
        debit(owed, amount, kind=EntryKind.REFUND, memo=memo),
        credit(method.value, amount, kind=EntryKind.REFUND, memo=memo),
        at=at,
        memo=memo,
    )


# -- pass and gate remote (PK-06, V-10) ---------------------------------------------------------


class Device(StrEnum):
    PASS = "pass"  # 车辆出入证
    REMOTE = "remote"  # 道闸遥控器


DEVICE_LABELS: dict[Device, str] = {Device.PASS: "车辆出入证", Device.REMOTE: "道闸遥控器"}


class ReissueCause(StrEnum):
    LOST = "lost"  # 遗失补办
    CAR_CHANGED = "car_changed"  # 车辆变更重办


_CAUSE_LABELS: dict[ReissueCause, str] = {
    ReissueCause.LOST: "遗失补办",
    ReissueCause.CAR_CHANGED: "换车重办",
}


@dataclass(frozen=True, slots=True)
class DevicePrice:
    """The posted deposit and fees of one device kind, in fen (收费标准见小区公示)."""

    deposit: int  # 押金, refunded on return
    card_fee: int  # 工本费 on issue, kept
    reissue_fee: int | None = None  # 补办/重办工本费; None: the card fee

    def __post_init__(self) -> None:
        _fen(self.deposit, "deposit", positive=False)
        _fen(self.card_fee, "card_fee", positive=False)
        if self.reissue_fee is not None:
            _fen(self.reissue_fee, "reissue_fee", positive=False)

    @property
    def reissue(self) -> int:
        return self.card_fee if self.reissue_fee is None else self.reissue_fee


def _fee_entries(party: str, amount: int, method: PaymentMethod, memo: str) -> list[Entry]:
    owed = receivable(party)
    return [
        debit(owed, amount, kind=EntryKind.FEE, memo=memo),
        credit(INCOME_FEES, amount, kind=EntryKind.FEE, memo=memo),
        debit(method.value, amount, kind=EntryKind.PAYMENT, memo=memo),
        credit(owed, amount, kind=EntryKind.PAYMENT, memo=memo),
    ]


def device_issue_postings(
    device: Device, price: DevicePrice, *, party: str, method: PaymentMethod, at: datetime
) -> Transaction | None:
    """PK-06: issuing a pass or remote takes its deposit and its card fee; None if both are 0."""
    name = DEVICE_LABELS[device]
    entries: list[Entry] = []
    if price.deposit:
        memo = f"{name}押金"
        entries += [
            debit(method.value, price.deposit, kind=EntryKind.DEPOSIT, memo=memo),
            credit(deposits(party), price.deposit, kind=EntryKind.DEPOSIT, memo=memo),
        ]
    if price.card_fee:
        entries += _fee_entries(party, price.card_fee, method, f"{name}工本费")
    if not entries:
        return None
    return transaction(*entries, at=at, memo=f"办理{name}")


def device_reissue_postings(
    device: Device,
    price: DevicePrice,
    *,
    cause: ReissueCause,
    party: str,
    method: PaymentMethod,
    at: datetime,
) -> Transaction | None:
    """PK-06 / V-10: a lost device or a changed car is reissued for the reissue fee.

    The deposit already held stays held for the new device. None when the fee is 0.
    """
    if price.reissue == 0:
        return None
    memo = f"{DEVICE_LABELS[device]}{_CAUSE_LABELS[cause]}工本费"
    return transaction(*_fee_entries(party, price.reissue, method, memo), at=at, memo=memo)


def deposit_refund_postings(
    device: Device, *, deposit: int, party: str, method: PaymentMethod, at: datetime
) -> Transaction:
    """PK-06: the device is returned; the deposit held for it (``deposit`` fen) is paid back."""
    memo = f"退还{DEVICE_LABELS[device]}押金"
    amount = _fen(deposit, "deposit", positive=True)
    return transaction(
        debit(deposits(party), amount, kind=EntryKind.DEPOSIT_REFUND, memo=memo),
        credit(method.value, amount, kind=EntryKind.DEPOSIT_REFUND, memo=memo),
        at=at,
        memo=memo,
    )


def deposit_forfeit_postings(
    device: Device, *, deposit: int, party: str, at: datetime
) -> Transaction:
    """V-10: a device lent to someone else is taken back and its deposit kept (没收押金)."""
    memo = f"{DEVICE_LABELS[device]}转借他人，收回并没收押金"
    amount = _fen(deposit, "deposit", positive=True)
    return transaction(
        debit(deposits(party), amount, kind=EntryKind.FORFEIT, memo=memo),
        credit(INCOME_FORFEITS, amount, kind=EntryKind.FORFEIT, memo=memo),
        at=at,
        memo=memo,
    )
