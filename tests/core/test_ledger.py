"""Tests for gatehouse.core.ledger: fen amounts, balanced transactions, balances, the daily summary.

Every test here checks SPEC PK-07: money is integer fen, never float, and every charge, refund,
deposit and forfeit is a balanced double entry.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ledger import (
    INCOME_FEES,
    INCOME_FORFEITS,
    INCOME_PARKING,
    EntryKind,
    PaymentMethod,
    Side,
    Transaction,
    balances,
    check_account,
    credit,
    daily_summary,
    debit,
    deposits,
    format_fen,
    parse_amount,
    receivable,
    to_decimal,
    transaction,
)

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
K = EntryKind


# -- parse_amount / format_fen ------------------------------------------------------------------


# rule PK-07: yuan typed by a clerk become exact fen
@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("0.01", 1),
        ("0", 0),
        ("0.10", 10),  # the float 0.1 is not exact; the string is
        (" 30.00 ", 3000),
        ("¥5", 500),
        ("￥5.00", 500),  # full-width yen sign
        ("５.５０", 550),  # full-width digits from a Chinese input method
        ("200元", 20000),
        ("007", 700),
        (Decimal("12.50"), 1250),
        (Decimal("12.5"), 1250),
        (Decimal("3"), 300),
    ],
)
def test_parse_amount(raw: Any, fen: int) -> None:
    assert parse_amount(raw) == fen


# rule PK-07: anything that is not a non-negative yuan amount with at most 2 decimals is refused
@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("1.234", "amount.precision", "金额最多保留两位小数（精确到分）。"),
        (Decimal("0.005"), "amount.precision", "金额最多保留两位小数（精确到分）。"),
        ("abc", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        ("12.", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        (".5", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        ("1,000", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        ("1e3", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        ("١٢", "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        (Decimal("NaN"), "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。"),
        ("-1", "amount.negative", "金额不能为负数。"),
        (Decimal("-0.01"), "amount.negative", "金额不能为负数。"),
        ("", "amount.empty", "请输入金额。"),
        ("  ¥ ", "amount.empty", "请输入金额。"),
        ("1" * 13, "amount.too_large", "金额过大，请核对。"),
        (12.5, "amount.type", "金额必须以文字（如 12.50）输入，不接受浮点数或其他类型。"),
        (12, "amount.type", "金额必须以文字（如 12.50）输入，不接受浮点数或其他类型。"),
        (None, "amount.type", "金额必须以文字（如 12.50）输入，不接受浮点数或其他类型。"),
    ],
)
def test_parse_amount_refuses(raw: Any, code: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_amount(raw)
    assert err.value.code == code
    assert err.value.message == message
    assert err.value.details["field"] == "amount"


# rule PK-07
@pytest.mark.parametrize(
    ("fen", "plain", "with_symbol"),
    [
        (1250, "12.50", "¥12.50"),
        (1, "0.01", "¥0.01"),
        (0, "0.00", "¥0.00"),
        (100000, "1000.00", "¥1000.00"),
        (-305, "-3.05", "-¥3.05"),
    ],
)
def test_format_fen(fen: int, plain: str, with_symbol: str) -> None:
    assert format_fen(fen) == plain
    assert format_fen(fen, symbol=True) == with_symbol
    assert to_decimal(fen) == Decimal(plain)
    assert str(to_decimal(fen)) == plain


# rule PK-07: format_fen takes fen as int only
@pytest.mark.parametrize("bad", [12.5, "1250", True, Decimal("12.50")])
def test_format_fen_refuses_non_int(bad: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        format_fen(bad)
    assert err.value.code == "amount.invalid"


# rule PK-07: formatting and parsing are inverse on every non-negative amount
@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_format_then_parse_round_trip(fen: int) -> None:
    assert parse_amount(format_fen(fen)) == fen
    assert parse_amount(format_fen(fen, symbol=True)) == fen
    assert parse_amount(to_decimal(fen)) == fen


# -- accounts and entries -----------------------------------------------------------------------


# rule PK-07: the chart of accounts
def test_accounts() -> None:
    assert receivable("京A12345") == "receivable:京A12345"
    assert deposits("3-1201") == "deposits:3-1201"
    for account in ("cash", "qr", "card", INCOME_PARKING, INCOME_FEES, INCOME_FORFEITS):
        assert check_account(account) == account
    assert check_account("receivable:京A12345") == "receivable:京A12345"


@pytest.mark.parametrize(
    ("account", "code"),
    [
        ("bank", "account.invalid"),
        ("income:misc", "account.invalid"),
        ("Cash", "account.invalid"),
        ("receivable:", "account.party"),
        ("deposits: x", "account.party"),
        ("receivable:a\tb", "account.party"),
        ("deposits:" + "x" * 65, "account.party"),
    ],
)
def test_unknown_accounts_refused(account: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        debit(account, 100, kind=K.CHARGE)
    assert err.value.code == code


# rule PK-07: amounts on entries are positive int fen; floats, negatives, zero, bools refused
@pytest.mark.parametrize("bad", [12.5, -100, 0, True, "100", Decimal("1.00"), None])
def test_entry_amount_must_be_positive_int(bad: Any) -> None:
    with pytest.raises(InvalidInput) as err:
        credit("cash", bad, kind=K.PAYMENT)
    assert err.value.code == "amount.invalid"
    assert "整数（单位：分）" in err.value.message


def test_entry_sign() -> None:
    assert debit("cash", 500, kind=K.PAYMENT).signed == 500
    assert credit("cash", 500, kind=K.REFUND).signed == -500
    assert debit("cash", 500, kind=K.PAYMENT).side is Side.DEBIT


# -- transactions -------------------------------------------------------------------------------


# rule PK-07: a transaction balances or is not recorded
def test_balanced_transaction() -> None:
    tx = transaction(
        debit("receivable:京A12345", 2000, kind=K.CHARGE),
        credit(INCOME_PARKING, 2000, kind=K.CHARGE),
        at=AT,
        memo="临时停车费",
    )
    assert tx.total == 2000
    assert tx.day == date(2026, 11, 24)
    assert len(tx.entries) == 2


# rule PK-07
def test_unbalanced_transaction_refused() -> None:
    with pytest.raises(DomainError) as err:
        transaction(
            debit("qr", 2000, kind=K.PAYMENT),
            credit("receivable:京A12345", 1950, kind=K.PAYMENT),
            at=AT,
        )
    assert err.value.code == "ledger.unbalanced"
    assert err.value.message == "借贷不平衡：相差¥0.50，本笔账未记录。"
    assert err.value.details == {"difference": 50}
    assert not isinstance(err.value, InvalidInput)  # a rule said no, not malformed input


# rule PK-07
def test_empty_transaction_and_naive_time_refused() -> None:
    with pytest.raises(DomainError) as err:
        transaction(at=AT)
    assert err.value.code == "ledger.empty"
    with pytest.raises(InvalidInput) as bad:
        transaction(
            debit("cash", 1, kind=K.PAYMENT),
            credit("receivable:x", 1, kind=K.PAYMENT),
            at=datetime(2026, 11, 24, 9, 30),
        )
    assert bad.value.code == "ledger.naive_datetime"


# rule PK-07: the report's day is the day in Shanghai, whatever zone the time came in
def test_transaction_day_in_shanghai() -> None:
    utc_evening = datetime(2026, 11, 24, 17, 0, tzinfo=ZoneInfo("UTC"))  # 01:00 on 25 Nov in SH
    tx = transaction(
        debit("cash", 1, kind=K.PAYMENT), credit("receivable:x", 1, kind=K.PAYMENT), at=utc_evening
    )
    assert tx.day == date(2026, 11, 25)


# -- balances and the daily summary -------------------------------------------------------------


def _day() -> list[Transaction]:
    """One day at a site; the amounts are distinct so a mix-up shows."""
    plate, tenant = "receivable:京A12345", "3-1201"
    return [
        # a temporary car pays ¥20.00 at exit by QR (V-07)
        transaction(
            debit(plate, 2000, kind=K.CHARGE),
            credit(INCOME_PARKING, 2000, kind=K.CHARGE),
            debit("qr", 2000, kind=K.PAYMENT),
            credit(plate, 2000, kind=K.PAYMENT),
            at=AT,
        ),
        # a lease prepaid in cash ¥1,800.00 (PK-03)
        transaction(
            debit(receivable(tenant), 180000, kind=K.CHARGE),
            credit(INCOME_PARKING, 180000, kind=K.CHARGE),
            debit("cash", 180000, kind=K.PAYMENT),
            credit(receivable(tenant), 180000, kind=K.PAYMENT),
            at=AT,
        ),
        # a pass: ¥100.00 deposit and ¥20.00 card fee by bank card (PK-06)
        transaction(
            debit("card", 10000, kind=K.DEPOSIT),
            credit(deposits(tenant), 10000, kind=K.DEPOSIT),
            debit(receivable(tenant), 2000, kind=K.FEE),
            credit(INCOME_FEES, 2000, kind=K.FEE),
            debit("card", 2000, kind=K.PAYMENT),
            credit(receivable(tenant), 2000, kind=K.PAYMENT),
            at=AT,
        ),
        # a remote returned: ¥50.00 deposit back in cash (PK-06)
        transaction(
            debit(deposits("5-0301"), 5000, kind=K.DEPOSIT_REFUND),
            credit("cash", 5000, kind=K.DEPOSIT_REFUND),
            at=AT,
        ),
        # a pass lent out: ¥100.00 deposit forfeited (V-10)
        transaction(
            debit(deposits("7-0702"), 10000, kind=K.FORFEIT),
            credit(INCOME_FORFEITS, 10000, kind=K.FORFEIT),
            at=AT,
        ),
        # an early termination refunds ¥300.00 by QR (PK-04)
        transaction(
            debit(INCOME_PARKING, 30000, kind=K.REFUND),
            credit("qr", 30000, kind=K.REFUND),
            at=AT,
        ),
    ]


# rule PK-07
def test_balances() -> None:
    result = balances(_day())
    assert result == {
        "card": 12000,
        "cash": 175000,
        "deposits:3-1201": -10000,
        "deposits:5-0301": 5000,
        "deposits:7-0702": 10000,
        "income:fees": -2000,
        "income:forfeits": -10000,
        "income:parking": -152000,
        "qr": -28000,
        "receivable:3-1201": 0,
        "receivable:京A12345": 0,
    }
    assert list(result) == sorted(result)
    assert sum(result.values()) == 0


# rule PK-07: the daily income report
def test_daily_summary() -> None:
    other_day = transaction(
        debit("cash", 99, kind=K.PAYMENT),
        credit("receivable:x", 99, kind=K.PAYMENT),
        at=datetime(2026, 11, 25, 0, 0, tzinfo=SH),
    )
    s = daily_summary([*_day(), other_day], day=date(2026, 11, 24))
    assert s.day == date(2026, 11, 24)
    assert s.transactions == 6
    assert s.charges == 182000  # ¥20 + ¥1,800
    assert s.fees == 2000
    assert s.refunds == 30000
    assert s.forfeits == 10000
    assert s.deposits_received == 10000
    assert s.deposits_refunded == 5000
    assert s.received == {
        PaymentMethod.CASH: 180000,
        PaymentMethod.QR: 2000,
        PaymentMethod.CARD: 2000,
    }
    assert s.paid_out == {PaymentMethod.CASH: 0, PaymentMethod.QR: 30000, PaymentMethod.CARD: 0}
    # money to count per method: cash 1800 - 50; QR 20 - 300; card 100 + 20
    assert s.net_by_method == {
        PaymentMethod.CASH: 175000,
        PaymentMethod.QR: -28000,
        PaymentMethod.CARD: 12000,
    }
    assert s.payments_received == 184000
    assert s.income == 182000 + 2000 + 10000 - 30000
    assert s.deposits_held_change == 10000 - 5000 - 10000

    empty = daily_summary(_day(), day=date(2026, 11, 23))
    assert empty.transactions == 0
    assert empty.income == 0
    assert empty.received == dict.fromkeys(PaymentMethod, 0)


# -- the property: balances always sum to zero --------------------------------------------------

_parties = st.sampled_from(["京A12345", "3-1201", "苏E99999"])
_accounts = st.one_of(
    st.sampled_from(["cash", "qr", "card", INCOME_PARKING, INCOME_FEES, INCOME_FORFEITS]),
    _parties.map(receivable),
    _parties.map(deposits),
)
_amounts = st.integers(min_value=1, max_value=10**9)
_times = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SH)
)


@st.composite
def _transactions(draw: st.DrawFn) -> Transaction:
    """A balanced transaction: some debits, and credits splitting the same total."""
    kind = draw(st.sampled_from(EntryKind))
    debits = draw(st.lists(st.tuples(_accounts, _amounts), min_size=1, max_size=3))
    total = sum(a for _, a in debits)
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=2))) if total > 1 else []
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    entries = [debit(acc, amt, kind=kind) for acc, amt in debits]
    entries += [credit(draw(_accounts), amt, kind=kind) for amt in parts]
    return transaction(*draw(st.permutations(entries)), at=draw(_times))


# rule PK-07: any sequence of valid transactions keeps the total of all balances at zero
@given(st.lists(_transactions(), max_size=20))
def test_balances_always_sum_to_zero(txs: list[Transaction]) -> None:
    result = balances(txs)
    assert sum(result.values()) == 0
    assert all(type(v) is int for v in result.values())
    # and the daily summaries of all days account for every transaction exactly once
    days = {tx.day for tx in txs}
    assert sum(daily_summary(txs, day=d).transactions for d in days) == len(txs)


# rule PK-07: and an unbalanced set of entries never becomes a transaction
@given(
    st.lists(st.tuples(_accounts, _amounts), min_size=1, max_size=3),
    st.lists(st.tuples(_accounts, _amounts), min_size=1, max_size=3),
)
def test_unbalanced_never_recorded(
    debits: list[tuple[str, int]], credits: list[tuple[str, int]]
) -> None:
    entries = [debit(a, n, kind=K.CHARGE) for a, n in debits]
    entries += [credit(a, n, kind=K.CHARGE) for a, n in credits]
    difference = sum(n for _, n in debits) - sum(n for _, n in credits)
    if difference == 0:
        assert transaction(*entries, at=AT).total == sum(n for _, n in debits)
    else:
        with pytest.raises(DomainError) as err:
            transaction(*entries, at=AT)
        assert err.value.code == "ledger.unbalanced"
        assert err.value.details["difference"] == difference
