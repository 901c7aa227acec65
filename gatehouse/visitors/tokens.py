"""Signed, expiring QR payloads for invitations (VI-02) and passes.

A payload reads ``GH1.<kind>.<token>.<expires>.<signature>``: ``kind`` is ``inv`` or ``pas``,
``token`` the record's random id, ``expires`` a Unix time, and the signature an HMAC (Django's
signer, salted per kind) over the rest. A gate accepts it only if the signature holds and the
time has not passed; the record itself is then looked up and judged by the core.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing

from gatehouse.core.errors import InvalidInput

PREFIX = "GH1"
KINDS = {"inv": "invitation", "pas": "pass"}


@dataclass(frozen=True)
class QrClaim:
    kind: str  # "inv" or "pas"
    token: str
    expires: datetime


def new_token() -> str:
    return secrets.token_urlsafe(16)


# A terminal's QR reader hands the QR's text to the terminal as a card number, which holds no
# signed payload: an invitation or pass also carries a random 16-digit code for terminals.
TERMINAL_CODE_DIGITS = 16


def new_terminal_code() -> str:
    """A random 16-digit decimal code, never starting with 0 (unique per site: see callers)."""
    low = 10 ** (TERMINAL_CODE_DIGITS - 1)
    return str(low + secrets.randbelow(9 * low))


def looks_like_terminal_code(raw: str) -> bool:
    text = (raw or "").strip()
    return (
        len(text) == TERMINAL_CODE_DIGITS
        and text.isascii()
        and text.isdigit()
        and not text.startswith("0")
    )


def _signer(kind: str) -> signing.Signer:
    return signing.Signer(salt=f"gatehouse.qr.{kind}", sep=".")


def qr_payload(kind: str, token: str, expires: datetime) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    body = f"{PREFIX}.{kind}.{token}.{int(expires.timestamp())}"
    return _signer(kind).sign(body)


def looks_like_qr(raw: str) -> bool:
    return (raw or "").strip().startswith(f"{PREFIX}.")


def read_qr(raw: str, *, now: datetime) -> QrClaim:
    """Verify a scanned payload; raise ``InvalidInput`` (``qr.invalid`` / ``qr.expired``)."""
    text = (raw or "").strip()
    parts = text.split(".")
    if len(parts) != 5 or parts[0] != PREFIX or parts[1] not in KINDS:
        raise InvalidInput("qr.invalid", "无法识别的二维码", {"field": "credential"})
    kind = parts[1]
    try:
        body = _signer(kind).unsign(text)
    except signing.BadSignature as exc:
        raise InvalidInput(
            "qr.invalid", "二维码校验失败（可能被伪造或篡改）", {"field": "credential"}
        ) from exc
    _, _, token, expires_raw = body.split(".")
    try:
        expires = datetime.fromtimestamp(int(expires_raw), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("qr.invalid", "无法识别的二维码", {"field": "credential"}) from exc
    if now >= expires:
        raise InvalidInput("qr.expired", "二维码已过期", {"field": "credential"})
    return QrClaim(kind, token, expires)
