"""Signed envelopes: a JSON payload and its Ed25519 signature, as the server hands a gate's
snapshot to an edge agent (issue 15). The signature covers the payload's exact UTF-8 text, so
nothing depends on how either side would re-serialise the JSON.

Pure: the server signs with its private key, the edge verifies with the public key it was
configured with; neither needs Django.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "gatehouse-edge/1"


class EnvelopeRefused(Exception):
    """An envelope that is not what the server signed: malformed, or its signature fails."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def private_key(seed_b64: str) -> Ed25519PrivateKey:
    """The private key from the base64 of its 32-byte seed (``GATEHOUSE_EDGE_SIGNING_KEY``)."""
    try:
        seed = base64.b64decode(seed_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the edge signing key is not base64") from exc
    if len(seed) != 32:
        raise ValueError("the edge signing key must be the base64 of 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """The public key an edge is configured with: base64 of its 32 raw bytes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key(public_b64: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(public_b64, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the server's public key must be the base64 of 32 bytes") from exc


def public_keys(text: str) -> list[Ed25519PublicKey]:
    """The public keys of a comma-separated list: an edge trusts the server's current key and,
    while keys are rotated, the next (or the previous) one too."""
    keys = [public_key(part.strip()) for part in text.split(",") if part.strip()]
    if not keys:
        raise ValueError("no public key given")
    return keys


def key_id_of(key: Ed25519PublicKey) -> str:
    """:func:`key_id` of a key object."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key_id(base64.b64encode(raw).decode("ascii"))


def key_id(public_b64: str) -> str:
    """A short name of a public key (which key signed, when keys are rotated)."""
    return hashlib.sha256(public_b64.encode("ascii")).hexdigest()[:16]


def canonical(data: Any) -> str:
    """The JSON text a payload is signed as: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seal(payload: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, str]:
    """The signed envelope of ``payload``."""
    text = canonical(payload)
    signature = key.sign(text.encode("utf-8"))
    return {
        "format": FORMAT,
        "key_id": key_id(public_key_b64(key)),
        "payload": text,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def open_envelope(
    envelope: object, key: Ed25519PublicKey | Sequence[Ed25519PublicKey]
) -> dict[str, Any]:
    """The payload of an envelope whose signature holds under ``key`` (or one of ``key``, the
    keys trusted while the server's key is rotated); raises :class:`EnvelopeRefused`
    (``envelope.format``, ``envelope.key`` when it names a key not trusted here, or
    ``envelope.signature``) otherwise."""
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise EnvelopeRefused("envelope.format", "不是本系统签发的名单数据")
    text, signature = envelope.get("payload"), envelope.get("signature")
    if not isinstance(text, str) or not isinstance(signature, str):
        raise EnvelopeRefused("envelope.format", "名单数据缺少内容或签名")
    keys = [key] if isinstance(key, Ed25519PublicKey) else list(key)
    named = envelope.get("key_id")
    trusted = {key_id_of(k): k for k in keys}
    if isinstance(named, str) and named in trusted:
        keys = [trusted[named]]
    elif named is not None:
        raise EnvelopeRefused(
            "envelope.key",
            "名单由本网关未配置的服务器密钥签发（服务器已更换签名密钥？请更新网关的 --public-key）",
        )
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeRefused("envelope.signature", "名单数据签名校验失败（可能被篡改）") from exc
    for candidate in keys:
        try:
            candidate.verify(raw, text.encode("utf-8"))
            break
        except (InvalidSignature, ValueError):
            continue
    else:
        raise EnvelopeRefused("envelope.signature", "名单数据签名校验失败（可能被篡改）")
    payload = json.loads(text)
    if not isinstance(payload, dict):
        raise EnvelopeRefused("envelope.format", "名单数据格式不正确")
    return payload
