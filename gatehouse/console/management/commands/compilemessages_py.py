"""Compile every ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` with polib (no GNU gettext needed).

Fuzzy and untranslated entries are left out of the ``.mo``, as ``msgfmt`` does. ``--check``
fails when a catalogue has untranslated or fuzzy entries, so a missing English string is caught.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def catalogues() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    found: list[Path] = []
    for root in roots:
        found.extend(sorted(root.glob("*/LC_MESSAGES/*.po")))
    return found


class Command(BaseCommand):
    help = "Compile the .po catalogues under LOCALE_PATHS to .mo files with polib."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail if a catalogue has untranslated or fuzzy entries.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        problems: list[str] = []
        paths = catalogues()
        for po_path in paths:
            try:
                po = polib.pofile(str(po_path), encoding="utf-8")
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            mo_path = po_path.with_suffix(".mo")
            po.save_as_mofile(str(mo_path))
            missing = [e.msgid for e in po.untranslated_entries()]
            fuzzy = [e.msgid for e in po.fuzzy_entries()]
            if verbosity >= 1:
                self.stdout.write(
                    f"{po_path} -> {mo_path.name}: {len(po.translated_entries())} translated, "
                    f"{len(missing)} untranslated, {len(fuzzy)} fuzzy"
                )
            problems += [f"{po_path}: untranslated: {m!r}" for m in missing]
            problems += [f"{po_path}: fuzzy: {m!r}" for m in fuzzy]
        if not paths and verbosity >= 1:
            self.stdout.write("no .po catalogues found")
        if options["check"] and problems:
            raise CommandError("\n".join(problems))
