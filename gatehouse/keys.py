"""Secret keys handed to people (API tokens) and devices: random, shown once, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

PREFIX_LENGTH = 10


class NewKey(NamedTuple):
    key: str  # the clear key: shown once, never stored
    prefix: str  # its first characters, to recognise it in a list
    digest: str  # its SHA-256, the only thing stored


def key_digest(key: str) -> str:
    """The SHA-256 (hex) under which a key is stored and looked up."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(scheme: str) -> NewKey:
    """``scheme`` (``gh_`` for tokens, ``gd_`` for devices) followed by 32 random bytes."""
    key = scheme + secrets.token_urlsafe(32)
    return NewKey(key, key[:PREFIX_LENGTH], key_digest(key))
