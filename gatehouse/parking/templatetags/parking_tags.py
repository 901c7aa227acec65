"""``{{ fen|yuan }}``: integer fen shown as yuan with two decimals (the core's ``format_fen``)."""

from __future__ import annotations

from django import template

from gatehouse.core.ledger import format_fen

register = template.Library()


@register.filter
def yuan(fen: object) -> str:
    """``1250`` -> ``12.50``; anything that is not an int fen (None, "") -> ``—``."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        return "—"
    return format_fen(fen)


@register.filter
def yuan_sign(fen: object) -> str:
    """``1250`` -> ``¥12.50``."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        return "—"
    return format_fen(fen, symbol=True)


@register.filter
def plate(number: object) -> str:
    """A stored canonical plate as printed (``鄂A12345`` -> ``鄂A·12345``)."""
    from gatehouse.core.errors import DomainError
    from gatehouse.core.ids import parse_plate

    text = str(number or "")
    try:
        return parse_plate(text).display
    except DomainError:
        return text


@register.filter
def money_in(row: object) -> int:
    """What a stored ledger transaction moved into (+) or out of (-) the money accounts."""
    from gatehouse.core.ledger import MONEY_ACCOUNTS

    entries = getattr(row, "entries", None)
    if entries is None:
        return 0
    return sum(
        e.amount_fen if e.side == "debit" else -e.amount_fen
        for e in entries.all()
        if e.account in MONEY_ACCOUNTS
    )
