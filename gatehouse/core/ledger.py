"""Double-entry money records in integer fen (SPEC PK-07).

Every charge, payment, refund, deposit, deposit refund, forfeit and fee is an :class:`Entry` in a
:class:`Transaction` whose entries sum to zero. Amounts are ``int`` fen (1 yuan = 100 fen), always
positive on the entry; the side (debit or credit) carries the direction. Floats never enter: text
typed by a clerk goes through :func:`parse_amount`, display goes through :func:`format_fen`.

Sign convention
    :attr:`Entry.signed` is ``+amount`` for a debit and ``-amount`` for a credit. A balance is the
    sum of the signed amounts posted to an account: money and claims we hold (cash, receivables)
    have positive balances; what we owe back or earned (deposits held, income) negative ones.
    Because every transaction sums to zero, all balances together always sum to zero.

Chart of accounts
    =========================  =======  ====================================================
    account                    type     meaning
    =========================  =======  ====================================================
    ``cash``                   asset    现金 taken at a booth or the service centre
    ``qr``                     asset    扫码 (WeChat Pay / Alipay QR) received
    ``card``                   asset    刷卡 (bank card POS) received
    ``receivable:<party>``     asset    what ``<party>`` (a plate, a tenant, a house) owes us
    ``deposits:<party>``       liab.    押金 held for ``<party>`` (pass, gate remote), owed back
    ``income:parking``         income   停车费: temporary parking and space leases
    ``income:fees``            income   工本费: pass and remote card fees, reissue fees
    ``income:forfeits``        income   没收押金: deposits kept after misuse (V-10)
    =========================  =======  ====================================================

    The three money accounts are the payment methods (:class:`PaymentMethod`). ``<party>`` is
    any non-blank label up to 64 characters chosen by the service layer (a plate number, a
    tenant id); it is opaque here.

Postings (what each event writes; every entry carries the event's kind)
    ==============  ===========================================  ==============================
    kind            debit                                        credit
    ==============  ===========================================  ==============================
    charge          ``receivable:<party>``                       ``income:parking``
    fee             ``receivable:<party>``                       ``income:fees``
    payment         ``cash`` / ``qr`` / ``card``                 ``receivable:<party>``
    refund          ``income:parking``, then ``receivable:<p>``  ``receivable:<p>``, then money
    deposit         ``cash`` / ``qr`` / ``card``                 ``deposits:<party>``
    deposit_refund  ``deposits:<party>``                         ``cash`` / ``qr`` / ``card``
    forfeit         ``deposits:<party>``                         ``income:forfeits``
    ==============  ===========================================  ==============================

    Charges and fees are claims on a party; a payment settles the claim with money, so "money
    received by method" is exactly the payment entries on the money accounts. A refund reduces
    parking income directly (no credit-note account); it passes through the party's receivable
    (credited, then settled by the pay-out) so the party's history shows it. The builders of
    these postings live next to their rules: :func:`gatehouse.core.tariff.exit_payment_postings`
    (V-07) and the lease and device functions of :mod:`gatehouse.core.lease` (PK-03 … PK-06).

Daily income report
    :func:`daily_summary` totals one day's transactions (the day in Asia/Shanghai) per kind and
    per payment method: the structure the per-site daily income report renders. The service
    layer hands it the site's transactions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from gatehouse.core.errors import DomainError, InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Side(StrEnum):
    DEBIT = "debit"  # 借
    CREDIT = "credit"  # 贷


class EntryKind(StrEnum):
    CHARGE = "charge"  # 停车费应收
    PAYMENT = "payment"  # 收款
    REFUND = "refund"  # 退款
    DEPOSIT = "deposit"  # 收押金
    DEPOSIT_REFUND = "deposit_refund"  # 退押金
    FORFEIT = "forfeit"  # 没收押金
    FEE = "fee"  # 工本费


KIND_LABELS: dict[EntryKind, str] = {
    EntryKind.CHARGE: "停车费",
    EntryKind.PAYMENT: "收款",
    EntryKind.REFUND: "退款",
    EntryKind.DEPOSIT: "收押金",
    EntryKind.DEPOSIT_REFUND: "退押金",
    EntryKind.FORFEIT: "没收押金",
    EntryKind.FEE: "工本费",
}


class PaymentMethod(StrEnum):
    """How money changed hands; each value is also the name of its money account."""

    CASH = "cash"
    QR = "qr"
    CARD = "card"


METHOD_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.CASH: "现金",
    PaymentMethod.QR: "扫码支付",
    PaymentMethod.CARD: "刷卡",
}

INCOME_PARKING = "income:parking"
INCOME_FEES = "income:fees"
INCOME_FORFEITS = "income:forfeits"
INCOME_ACCOUNTS = frozenset({INCOME_PARKING, INCOME_FEES, INCOME_FORFEITS})
MONEY_ACCOUNTS = frozenset(m.value for m in PaymentMethod)
RECEIVABLE = "receivable:"
DEPOSITS = "deposits:"
_PARTY_MAX = 64


# -- amounts ------------------------------------------------------------------------------------

_AMOUNT_RE = re.compile(r"(?P<sign>-?)(?P<yuan>[0-9]+)(?:\.(?P<fen>[0-9]+))?")
_YUAN_DIGITS_MAX = 12  # up to 999,999,999,999.99 yuan; anything longer is a typing accident


def parse_amount(raw: str | Decimal) -> int:
    """Return the amount in fen for a yuan amount typed by a person (``"12.50"`` -> ``1250``).

    Accepts a non-negative number of yuan with at most two decimals, surrounded by spaces, with
    an optional leading ``¥``/``￥`` and an optional trailing ``元``; full-width digits are folded.
    A :class:`~decimal.Decimal` (as a form or API schema hands it over) is accepted on the same
    terms. Floats and anything else are refused: a float cannot say 0.10 exactly.
    """
    if isinstance(raw, Decimal):
        return _parse_decimal(raw)
    if not isinstance(raw, str):
        raise InvalidInput(
            "amount.type",
            "金额必须以文字（如 12.50）输入，不接受浮点数或其他类型。",
            {"field": "amount", "type": type(raw).__name__},
        )
    text = unicodedata.normalize("NFKC", raw).strip()
    text = text.removeprefix("¥").removesuffix("元").strip()
    details: dict[str, object] = {"field": "amount", "value": raw[:32]}
    if not text:
        raise InvalidInput("amount.empty", "请输入金额。", details)
    match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        raise InvalidInput(
            "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。", details
        )
    if match["sign"]:
        raise InvalidInput("amount.negative", "金额不能为负数。", details)
    fen_text = match["fen"] or ""
    if len(fen_text) > 2:
        raise InvalidInput("amount.precision", "金额最多保留两位小数（精确到分）。", details)
    if len(match["yuan"].lstrip("0")) > _YUAN_DIGITS_MAX:
        raise InvalidInput("amount.too_large", "金额过大，请核对。", details)
    return int(match["yuan"]) * 100 + int(fen_text.ljust(2, "0"))


def _parse_decimal(value: Decimal) -> int:
    details: dict[str, object] = {"field": "amount", "value": str(value)[:32]}
    if not value.is_finite():
        raise InvalidInput(
            "amount.format", "金额格式不正确，请输入以元为单位的数字，如 12.50。", details
        )
    if value < 0:
        raise InvalidInput("amount.negative", "金额不能为负数。", details)
    try:
        fen = value.scaleb(2)
        exact = fen.to_integral_value()
    except InvalidOperation:  # pragma: no cover - only for exponents beyond the context
        raise InvalidInput("amount.too_large", "金额过大，请核对。", details) from None
    if exact != fen:
        raise InvalidInput("amount.precision", "金额最多保留两位小数（精确到分）。", details)
    if exact >= 10 ** (_YUAN_DIGITS_MAX + 2):
        raise InvalidInput("amount.too_large", "金额过大，请核对。", details)
    return int(exact)


def _require_fen(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            "amount.invalid",
            "金额必须是整数（单位：分），不能是浮点数或其他类型。",
            {"field": "amount", "type": type(value).__name__},
        )
    return value


def format_fen(fen: int, *, symbol: bool = False) -> str:
    """``1250`` -> ``"12.50"`` (``"¥12.50"`` with ``symbol``); negatives get a leading ``-``."""
    value = _require_fen(fen)
    yuan, cents = divmod(abs(value), 100)
    sign = "-" if value < 0 else ""
    return f"{sign}{'¥' if symbol else ''}{yuan}.{cents:02d}"


def to_decimal(fen: int) -> Decimal:
    """The exact yuan amount as a two-place :class:`~decimal.Decimal` (``1250`` -> ``12.50``)."""
    return Decimal(_require_fen(fen)).scaleb(-2)


# -- accounts -----------------------------------------------------------------------------------


def _party(party: str) -> str:
    if (
        not isinstance(party, str)
        or not party.strip()
        or party != party.strip()
        or len(party) > _PARTY_MAX
        or any(unicodedata.category(ch).startswith("C") for ch in party)
    ):
        raise InvalidInput(
            "account.party",
            "往来对象（车牌、住户等）不能为空，且不超过64个字符、不含首尾空格。",
            {"field": "party"},
        )
    return party


def receivable(party: str) -> str:
    """The account of what ``party`` owes (``receivable:京A12345``)."""
    return RECEIVABLE + _party(party)


def deposits(party: str) -> str:
    """The account of the deposits held for ``party`` (``deposits:3-1201``)."""
    return DEPOSITS + _party(party)


def check_account(account: str) -> str:
    """Return ``account`` if it belongs to the chart of accounts, else raise InvalidInput."""
    if isinstance(account, str):
        if account in MONEY_ACCOUNTS or account in INCOME_ACCOUNTS:
            return account
        for prefix in (RECEIVABLE, DEPOSITS):
            if account.startswith(prefix):
                _party(account.removeprefix(prefix))
                return account
    raise InvalidInput(
        "account.invalid", "未知的记账科目。", {"field": "account", "value": str(account)[:80]}
    )


# -- entries and transactions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a transaction: ``amount`` fen (> 0) on one side of ``account``."""

    account: str
    side: Side
    amount: int
    kind: EntryKind
    memo: str = ""

    def __post_init__(self) -> None:
        check_account(self.account)
        if _require_fen(self.amount) <= 0:
            raise InvalidInput(
                "amount.invalid",
                "记账金额必须是大于0的整数（单位：分）。",
                {"field": "amount", "value": self.amount},
            )
        if not isinstance(self.side, Side) or not isinstance(self.kind, EntryKind):
            raise InvalidInput("entry.invalid", "记账方向或类型无效。", {"field": "entry"})

    @property
    def signed(self) -> int:
        """``+amount`` for a debit, ``-amount`` for a credit."""
        return self.amount if self.side is Side.DEBIT else -self.amount


def debit(account: str, amount: int, *, kind: EntryKind, memo: str = "") -> Entry:
    return Entry(account, Side.DEBIT, amount, kind, memo)


def credit(account: str, amount: int, *, kind: EntryKind, memo: str = "") -> Entry:
    return Entry(account, Side.CREDIT, amount, kind, memo)


@dataclass(frozen=True, slots=True)
class Transaction:
    """Entries that move money together; they always sum to zero (checked on construction)."""

    entries: tuple[Entry, ...]
    at: datetime
    memo: str = ""
    ref: str = ""  # the record it belongs to (a parking session, a lease, a pass), for the service

    def __post_init__(self) -> None:
        if (
            not isinstance(self.at, datetime)
            or self.at.tzinfo is None
            or self.at.utcoffset() is None
        ):
            raise InvalidInput("ledger.naive_datetime", "记账时间必须带时区。", {"field": "at"})
        if not self.entries:
            raise DomainError("ledger.empty", "一笔账至少要有借贷两条分录。", {})
        for entry in self.entries:
            if not isinstance(entry, Entry):
                raise InvalidInput("entry.invalid", "记账方向或类型无效。", {"field": "entry"})
        difference = sum(e.signed for e in self.entries)
        if difference != 0:
            raise DomainError(
                "ledger.unbalanced",
                f"借贷不平衡：相差{format_fen(difference, symbol=True)}，本笔账未记录。",
                {"difference": difference},
            )

    @property
    def total(self) -> int:
        """The amount moved: the sum of the debits (equal to the sum of the credits)."""
        return sum(e.amount for e in self.entries if e.side is Side.DEBIT)

    @property
    def day(self) -> date:
        """The calendar day of the transaction in Asia/Shanghai (the report's day)."""
        return self.at.astimezone(SHANGHAI).date()


def transaction(*entries: Entry, at: datetime, memo: str = "", ref: str = "") -> Transaction:
    """Group ``entries`` into a balanced transaction, or raise DomainError ``ledger.unbalanced``."""
    return Transaction(tuple(entries), at, memo, ref)


def balances(transactions: Iterable[Transaction]) -> dict[str, int]:
    """Signed balance per account (debit positive), sorted by account, zero balances kept."""
    totals: dict[str, int] = {}
    for tx in transactions:
        for entry in tx.entries:
            totals[entry.account] = totals.get(entry.account, 0) + entry.signed
    return dict(sorted(totals.items()))


# -- the daily income summary -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DailySummary:
    """One day's money, as the daily income report (日收入报表) shows it. All amounts in fen."""

    day: date
    transactions: int
    charges: int  # parking charged (临时停车费、车位租赁费)
    fees: int  # card and reissue fees charged (工本费)
    refunds: int  # parking fees refunded (退车位费)
    forfeits: int  # deposits forfeited (没收押金)
    deposits_received: int  # 收押金
    deposits_refunded: int  # 退押金
    received: Mapping[PaymentMethod, int] = field(default_factory=dict)  # payments, per method
    paid_out: Mapping[PaymentMethod, int] = field(default_factory=dict)  # refunds, per method
    net_by_method: Mapping[PaymentMethod, int] = field(default_factory=dict)  # money to count

    @property
    def income(self) -> int:
        """Net income of the day: charges + fees + forfeits - refunds."""
        return self.charges + self.fees + self.forfeits - self.refunds

    @property
    def deposits_held_change(self) -> int:
        """How much the deposits held grew (negative: shrank) this day."""
        return self.deposits_received - self.deposits_refunded - self.forfeits

    @property
    def payments_received(self) -> int:
        return sum(self.received.values())


def daily_summary(transactions: Iterable[Transaction], *, day: date) -> DailySummary:
    """Total the transactions of ``day`` (Asia/Shanghai) per kind and per payment method.

    Transactions of other days are ignored, so the caller may hand over a wider list.
    """
    by_kind = dict.fromkeys(EntryKind, 0)
    received = dict.fromkeys(PaymentMethod, 0)
    paid_out = dict.fromkeys(PaymentMethod, 0)
    net = dict.fromkeys(PaymentMethod, 0)
    count = 0
    for tx in transactions:
        if tx.day != day:
            continue
        count += 1
        for e in tx.entries:
            if e.account in MONEY_ACCOUNTS:
                method = PaymentMethod(e.account)
                net[method] += e.signed
                if e.kind is EntryKind.PAYMENT:
                    received[method] += e.signed
                elif e.kind is EntryKind.REFUND:
                    paid_out[method] -= e.signed
            # each kind is counted once, on the side that measures it
            if e.kind in (EntryKind.CHARGE, EntryKind.FEE, EntryKind.FORFEIT):
                if e.account in INCOME_ACCOUNTS:
                    by_kind[e.kind] -= e.signed
            elif e.kind is EntryKind.REFUND:
                if e.account in INCOME_ACCOUNTS:
                    by_kind[e.kind] += e.signed
            elif e.kind is EntryKind.DEPOSIT:
                if e.account.startswith(DEPOSITS):
                    by_kind[e.kind] -= e.signed
            elif e.kind is EntryKind.DEPOSIT_REFUND and e.account.startswith(DEPOSITS):
                by_kind[e.kind] += e.signed
    return DailySummary(
        day=day,
        transactions=count,
        charges=by_kind[EntryKind.CHARGE],
        fees=by_kind[EntryKind.FEE],
        refunds=by_kind[EntryKind.REFUND],
        forfeits=by_kind[EntryKind.FORFEIT],
        deposits_received=by_kind[EntryKind.DEPOSIT],
        deposits_refunded=by_kind[EntryKind.DEPOSIT_REFUND],
        received=received,
        paid_out=paid_out,
        net_by_method=net,
    )
