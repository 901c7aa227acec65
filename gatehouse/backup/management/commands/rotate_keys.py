"""``manage.py rotate_keys [--new-key] [--batch N] [--retire KEY_ID]``: rotate the data keys
(:mod:`gatehouse.backup.rotation`).

``--new-key`` makes a fresh key and puts it first in GATEHOUSE_DATA_KEYS of the .env file; then,
with or without it, every encrypted field is re-encrypted under the newest key (idempotent; run
it again to resume or to catch rows written meanwhile by servers not yet restarted). At the end
it lists which key ids are still referenced. ``--retire KEY_ID`` removes an older key from .env,
refusing while any row is still encrypted under it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gatehouse.backup import rotation


class Command(BaseCommand):
    help = "Add a data key, re-encrypt all personal data under it, and retire an old key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="add a fresh key, newest first")
        parser.add_argument("--batch", type=int, default=500, help="rows read per query")
        parser.add_argument("--retire", metavar="KEY_ID", help="remove this (old) key id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        if options.get("retire"):
            self._retire(options["retire"])
            return
        keys = list(settings.GATEHOUSE_DATA_KEYS)
        if options["new_key"]:
            path = self._env_path(keys)
            keys = [rotation.new_key(), *keys]
            if not rotation.write_env_keys(path, keys):
                raise CommandError(
                    f"{path} has no GATEHOUSE_DATA_KEYS line: put a new key first in "
                    "GATEHOUSE_DATA_KEYS where it is set, then run rotate_keys without --new-key"
                )
            rotation.apply_keys(keys)
            self.stdout.write(
                f"new key {rotation.key_id(keys[0])} written first in {path}; restart the servers "
                "so that new writes use it, then run rotate_keys again"
            )
        newest = rotation.key_id(keys[0])
        for done in rotation.rotate(options["batch"]):
            self.stdout.write(
                f"{done.field}: {done.rewritten} re-encrypted, "
                f"{done.already} already under {newest}"
            )
        self._report(newest)

    def _env_path(self, keys: list[str]) -> Path:
        """The .env file to edit — only if the keys in use are the ones it holds (keys set in the
        real environment win over .env, and editing it would then change nothing)."""
        path = rotation.env_file()
        if rotation.env_keys(path) != keys:
            raise CommandError(
                f"GATEHOUSE_DATA_KEYS in use are not those of {path}: change them where they are "
                "set (newest first), restart, then run rotate_keys without --new-key / --retire"
            )
        return path

    def _report(self, newest: str) -> None:
        used: set[str] = set()
        for counts in rotation.usage().values():
            used |= {k for k, n in counts.items() if n}
        for kid in [rotation.key_id(k) for k in settings.GATEHOUSE_DATA_KEYS]:
            if kid == newest:
                self.stdout.write(f"key {kid}: newest, used for new writes")
            elif kid in used:
                self.stdout.write(f"key {kid}: still referenced; run rotate_keys again")
            else:
                self.stdout.write(f"key {kid}: no longer referenced; remove it with --retire {kid}")
        if rotation.UNREADABLE in used:
            raise CommandError("some rows cannot be decrypted with any configured key")

    def _retire(self, kid: str) -> None:
        keys = list(settings.GATEHOUSE_DATA_KEYS)
        ids = [rotation.key_id(k) for k in keys]
        if kid not in ids:
            raise CommandError(f"no configured key has id {kid} (configured: {', '.join(ids)})")
        if ids[0] == kid:
            raise CommandError(f"{kid} is the newest key: add a new one first (--new-key)")
        still = {
            field: counts[kid] for field, counts in rotation.usage().items() if counts.get(kid)
        }
        if still:
            detail = ", ".join(f"{f}: {n}" for f, n in sorted(still.items()))
            raise CommandError(f"key {kid} is still used by {detail}; run rotate_keys first")
        remaining = [k for k, i in zip(keys, ids, strict=True) if i != kid]
        path = self._env_path(keys)
        if not rotation.write_env_keys(path, remaining):
            raise CommandError(
                f"{path} has no GATEHOUSE_DATA_KEYS line: remove {kid} where it is set"
            )
        rotation.apply_keys(remaining)
        self.stdout.write(f"key {kid} retired: removed from {path}; restart the servers")
