"""Rotation of the data-encryption keys (GATEHOUSE_DATA_KEYS, issue 18 §3).

Every encrypted personal field is a text column whose name ends in ``_cipher`` holding a Fernet
token (:mod:`gatehouse.privacy`); they are found by walking the installed models, so a field
added later is rotated too. A Fernet token does not name its key, so a row's *key id* — the first
eight hex digits of the key's SHA-256 — is the id of the configured key that decrypts it.

Re-encryption goes table by table in primary-key batches; a row already under the newest key is
left alone, so a run is idempotent and an interrupted run is resumed by running it again. Each
row is updated only if its cipher is still the one read, so a concurrent write is never lost.

The keyed hashes used for look-ups (``*_hash``, GATEHOUSE_LOOKUP_KEY) are not touched: a new
look-up key would have to replace every hash and every server's key at one instant, and some keyed
values (the messages' de-duplication keys) have no cipher to recompute them from. A data-key
rotation changes no hash, so look-ups keep working throughout.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models

from gatehouse import privacy

UNREADABLE = "unreadable"


@dataclass(frozen=True)
class CipherField:
    model: type[models.Model]
    attname: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.attname}"


def cipher_fields() -> list[CipherField]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if f.attname.endswith("_cipher") and isinstance(f, models.CharField | models.TextField):
                found.append(CipherField(model, f.attname))
    return sorted(found, key=lambda c: c.label)


def key_id(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()[:8]


def configured() -> list[tuple[str, Fernet]]:
    """(key id, Fernet) for every configured data key, newest first."""
    return [(key_id(k), Fernet(k.encode())) for k in settings.GATEHOUSE_DATA_KEYS]


def key_of(token: str, keys: list[tuple[str, Fernet]]) -> str:
    for kid, fernet in keys:
        try:
            fernet.decrypt(token.encode())
        except InvalidToken:
            continue
        return kid
    return UNREADABLE


def _rows(cf: CipherField, batch: int) -> Iterator[list[tuple[int, str]]]:
    manager = cf.model._default_manager
    last = None
    while True:
        qs = manager.exclude(**{cf.attname: ""}).order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        chunk = list(qs.values_list("pk", cf.attname)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def usage(batch: int = 500) -> dict[str, Counter[str]]:
    """Per cipher field, how many rows each key id (or nothing: ``unreadable``) decrypts."""
    keys = configured()
    result: dict[str, Counter[str]] = {}
    for cf in cipher_fields():
        seen: Counter[str] = Counter()
        for chunk in _rows(cf, batch):
            seen.update(key_of(token, keys) for _, token in chunk)
        result[cf.label] = seen
    return result


@dataclass
class Rotated:
    field: str
    rewritten: int
    already: int


def rotate(batch: int = 500) -> list[Rotated]:
    """Re-encrypt every cipher not under the newest key with the newest key."""
    keys = configured()
    newest = keys[0][1]
    multi = MultiFernet([f for _, f in keys])
    done = []
    for cf in cipher_fields():
        rewritten = already = 0
        for chunk in _rows(cf, batch):
            for pk, token in chunk:
                try:
                    newest.decrypt(token.encode())
                except InvalidToken:
                    pass
                else:
                    already += 1
                    continue
                try:
                    fresh = multi.rotate(token.encode()).decode()
                except InvalidToken as exc:
                    raise RuntimeError(
                        f"{cf.label} row {pk}: no configured key decrypts it; rotation stopped"
                    ) from exc
                manager = cf.model._default_manager
                rewritten += manager.filter(pk=pk, **{cf.attname: token}).update(
                    **{cf.attname: fresh}
                )
        done.append(Rotated(cf.label, rewritten, already))
    return done


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def apply_keys(keys: list[str]) -> None:
    """Use ``keys`` (newest first) in this process from now on."""
    settings.GATEHOUSE_DATA_KEYS = list(keys)
    privacy._fernet.cache_clear()


def env_file() -> Path:
    return Path(os.environ.get("GATEHOUSE_ENV_FILE", Path(settings.BASE_DIR) / ".env"))


_LINE = re.compile(r"^(\s*GATEHOUSE_DATA_KEYS\s*=).*$", re.MULTILINE)


def env_keys(path: Path) -> list[str] | None:
    """The keys the GATEHOUSE_DATA_KEYS line of ``path`` holds; None without such a line."""
    if not path.is_file():
        return None
    match = _LINE.search(path.read_text("utf-8"))
    if not match:
        return None
    value = match.group(0).split("=", 1)[1]
    return [k.strip() for k in value.split(",") if k.strip()]


def write_env_keys(path: Path, keys: list[str]) -> bool:
    """Replace the GATEHOUSE_DATA_KEYS line of ``path``; False when there is no such line."""
    if not path.is_file():
        return False
    text = path.read_text("utf-8")
    if not _LINE.search(text):
        return False
    joined = ",".join(keys)
    path.write_text(_LINE.sub(lambda m: m.group(1) + joined, text, count=1), "utf-8")
    return True
