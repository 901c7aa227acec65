"""``manage.py backup DEST_DIR [--keys-to FILE]``: copy the database, the uploaded files and, in a
separate file, the keys into a new folder with a manifest (:mod:`gatehouse.backup.archive`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.backup.archive import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, MEDIA_ROOT and (in a separate 0600 file) the data keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", metavar="DEST_DIR", help="a new or empty folder")
        parser.add_argument(
            "--keys-to",
            metavar="FILE",
            help="write the keys file here instead of into DEST_DIR (e.g. a removable medium)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        dest = Path(options["dest"])
        keys_to = Path(options["keys_to"]) if options.get("keys_to") else None
        try:
            manifest = backup(dest, now=timezone.now(), alias=options["database"], keys_to=keys_to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"backup written to {dest}: {manifest['database_vendor']} database "
            f"({len(manifest['row_counts'])} tables, {rows} rows), media, manifest"
        )
        keys = keys_to or dest / manifest["keys_file"]
        self.stdout.write(
            self.style.WARNING(
                f"KEYS written to {keys} (mode 0600). Store it APART from the data backup: "
                "without it no ID number or phone can be read; with both, anyone can read them."
            )
        )
