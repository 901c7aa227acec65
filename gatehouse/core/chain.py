"""The seal of an access event: a keyed hash (HMAC-SHA256) chaining the events of one site.

Each event of a site gets the next number of the site's chain (``seq``, from 1) and a seal::

    seal = HMAC-SHA256(key, content || "|" || seq || "|" || id || "|" || previous seal)

written as 64 lowercase hex digits; the first event of a site has the empty string as its
previous seal. ``content`` is the canonical serialisation of the event's columns that matter
(:data:`FIELDS`, in that order): a JSON array, UTF-8, no spaces, keys of objects sorted, not
ASCII-escaped; a datetime as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, a decimal as its string, a
missing value as ``null``. ``seq``, ``id`` are decimal digits.

The content is always made here, from Python values, and the database (when it seals in SQL)
only appends the numbers and the previous seal: so the seal a statement writes can be
recomputed exactly from what is read back, on any backend. :func:`pads` gives the two padded
keys of RFC 2104 so that a database with nothing but SHA-256 can compute the HMAC:
``sha256(opad_key || sha256(ipad_key || message))``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# The columns an event's seal covers (attribute names of the model), in serialisation order.
FIELDS: tuple[str, ...] = (
    "site_id",
    "lane_id",
    "at",
    "recorded_at",
    "source",
    "device_id",
    "guard_id",
    "direction",
    "entrant",
    "credential_kind",
    "credential_masked",
    "credential_id",
    "person_id",
    "visit_id",
    "subject",
    "plate",
    "vehicle_kind",
    "outcome",
    "pending",
    "reason",
    "rule",
    "message",
    "obligations",
    "note",
)
GENESIS = ""  # the "previous seal" of a site's first event
BLOCK = 64  # SHA-256's block size, in bytes


# Values that serialise as they are (exactly these types: a subclass such as an enumeration's
# member is looked at below). Most of an event's values are, so they are let through first.
_AS_IS = frozenset((str, int, bool, float, type(None)))


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("an event's times must carry a zone")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def content(values: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an event's :data:`FIELDS` (``values`` maps each name to its
    value; enumerations by their ``value``)."""
    plain = []
    for name in FIELDS:
        value = values[name]
        if type(value) not in _AS_IS:
            value = _plain(getattr(value, "value", value))
        plain.append(value)
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.encode("utf-8")


def message(body: bytes, seq: int, event_id: int, previous: str) -> bytes:
    return body + f"|{seq}|{event_id}|{previous}".encode()


def seal(key: bytes, body: bytes, seq: int, event_id: int, previous: str) -> str:
    """The seal of the event with canonical ``body``, number ``seq`` and primary key
    ``event_id`` that follows the seal ``previous`` (:data:`GENESIS` for the first)."""
    return hmac.new(key, message(body, seq, event_id, previous), hashlib.sha256).hexdigest()


def pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (``key ⊕ ipad``, ``key ⊕ opad``, 64 bytes each), for
    computing the same seal with plain SHA-256."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def anchor_seal(
    key: bytes, site_id: int, first: int, last: int, before: str, last_seal: str, cutoff: str
) -> str:
    """The seal of a retention anchor (:mod:`gatehouse.core.retention`): the site's events
    ``first``..``last`` were removed by the purge with ``cutoff``; the seal before ``first`` was
    ``before`` and the seal of ``last`` was ``last_seal``. Without the key an anchor cannot be
    made, so a gap in the chain that no purge left still shows as deleted events."""
    text = f"anchor|{site_id}|{first}|{last}|{before}|{last_seal}|{cutoff}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()
