"""The signed QR printed on a release slip (放行条).

A payload reads ``GS1.<token>.<expires>.<signature>``: ``token`` is the slip's random id,
``expires`` a Unix time (the end of the slip's day) and the signature an HMAC of Django's signer,
salted for slips, over the rest. ``gatehouse.visitors.tokens`` knows only invitations and passes
(its kinds are fixed), so slips have their own prefix: a slip scanned at the people's booth is
simply not recognised there, and a pass scanned here is not a slip.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing

from gatehouse.core.errors import InvalidInput

PREFIX = "GS1"
_SALT = "gatehouse.goods.slip"


@dataclass(frozen=True)
class SlipClaim:
    token: str
    expires: datetime


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def slip_payload(token: str, expires: datetime) -> str:
    return _signer().sign(f"{PREFIX}.{token}.{int(expires.timestamp())}")


def looks_like_slip(raw: str) -> bool:
    return (raw or "").strip().upper().startswith(f"{PREFIX}.")


def read_slip(raw: str, *, now: datetime) -> SlipClaim:
    """Verify a scanned payload; raise ``InvalidInput`` (``slip_qr.invalid`` / ``.expired``)."""
    text = (raw or "").strip()
    parts = text.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise InvalidInput("slip_qr.invalid", "无法识别的放行条二维码", {"field": "code"})
    try:
        body = _signer().unsign(text)
    except signing.BadSignature as exc:
        raise InvalidInput(
            "slip_qr.invalid", "放行条二维码校验失败（可能被伪造或篡改）", {"field": "code"}
        ) from exc
    _, token, expires_raw = body.split(".")
    try:
        expires = datetime.fromtimestamp(int(expires_raw), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("slip_qr.invalid", "无法识别的放行条二维码", {"field": "code"}) from exc
    if now >= expires:
        raise InvalidInput("slip_qr.expired", "放行条二维码已过期", {"field": "code"})
    return SlipClaim(token, expires)
