"""Protection of personal data at rest: encryption for ID numbers and phones, keyed hashes for
exact look-ups, and the last four characters for the forgotten-card check (SPEC P-04).

The Fernet keys come from ``GATEHOUSE_DATA_KEYS`` (newest first, so keys can be rotated); the
hash key from ``GATEHOUSE_LOOKUP_KEY``. Neither is ever stored in the database.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@dataclass(frozen=True)
class Sealed:
    cipher: str
    digest: str
    last4: str


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.GATEHOUSE_DATA_KEYS])


def lookup_hash(kind: str, canonical: str) -> str:
    """Keyed hash of a canonical value; ``kind`` keeps ID numbers and phones apart."""
    key = settings.GATEHOUSE_LOOKUP_KEY.encode()
    return hmac.new(key, f"{kind}:{canonical}".encode(), hashlib.sha256).hexdigest()


def seal(kind: str, canonical: str) -> Sealed:
    if not canonical:
        return Sealed("", "", "")
    cipher = _fernet().encrypt(canonical.encode()).decode()
    return Sealed(cipher, lookup_hash(kind, canonical), canonical[-4:])


def unseal(cipher: str) -> str:
    """The clear value, for the few roles and documents that need it. Empty in, empty out."""
    if not cipher:
        return ""
    try:
        return _fernet().decrypt(cipher.encode()).decode()
    except InvalidToken as exc:  # a key was lost or rotated away
        raise RuntimeError(
            "stored personal data cannot be decrypted with the configured keys"
        ) from exc
