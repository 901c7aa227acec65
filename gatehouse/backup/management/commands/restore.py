"""``manage.py restore SRC_DIR [--force] [--keys FILE]``: restore a backup made by
``manage.py backup`` and prove it sound — SHA-256 of every file, migration state, the events'
hash chains (``verify_events``), row counts per table and a decryption check. Any mismatch ends the
command with an error."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gatehouse.backup import archive
from gatehouse.backup.archive import BackupError


class Command(BaseCommand):
    help = "Restore a backup into an empty database, then verify the event chains and row counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", metavar="SRC_DIR")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database or MEDIA_ROOT in use"
        )
        parser.add_argument(
            "--keys", metavar="FILE", help="the backup's keys file, to check its SHA-256"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._restore(Path(options["src"]), options)
        except BackupError as exc:
            raise CommandError(f"RESTORE FAILED: {exc}") from exc

    def _restore(self, src: Path, options: dict[str, Any]) -> None:
        alias, force = "default", options["force"]  # the checks read the default database
        manifest = archive.read_manifest(src)
        archive.check_files(src, manifest, Path(options["keys"]) if options.get("keys") else None)
        self.stdout.write(f"files match the manifest of {manifest['created_at']}")
        notes = archive.check_migrations(manifest, alias)
        busy = archive.in_use(alias)
        if busy and not force:
            sample = ", ".join(sorted(busy)[:5])
            raise BackupError(
                f"the target database is not empty ({len(busy)} tables with rows: {sample}…); "
                "give --force to overwrite it"
            )
        if archive.media_in_use() and not force:
            raise BackupError(f"MEDIA_ROOT {settings.MEDIA_ROOT} is not empty: give --force")
        archive.restore_database(src, manifest, alias=alias)
        archive.restore_media(src, manifest)
        self.stdout.write("database and media restored; verifying")
        out = io.StringIO()
        try:
            call_command("verify_events", stdout=out, stderr=out)
        except CommandError as exc:
            raise BackupError(f"event chain verification failed: {exc}\n{out.getvalue()}") from exc
        self.stdout.write(out.getvalue().strip().splitlines()[-2] if out.getvalue() else "")
        wrong = archive.compare_counts(manifest, alias)
        if wrong:
            raise BackupError("row counts differ from the manifest: " + "; ".join(wrong))
        self.stdout.write(f"row counts match the manifest ({len(manifest['row_counts'])} tables)")
        checked = archive.check_decryption()
        self.stdout.write(
            f"{checked} encrypted value(s) sampled: readable with the configured keys"
        )
        for note in notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(self.style.SUCCESS("restore complete"))
