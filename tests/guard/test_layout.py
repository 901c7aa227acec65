"""The guard areas' pages hold no query of their own: every read is a selector of the area
(issue 13 §3). Import-linter keeps the selectors off the services; this keeps the ORM off the
views, which import-linter cannot see."""

from __future__ import annotations

import re
from pathlib import Path

import gatehouse.guard

GUARD = Path(gatehouse.guard.__file__).parent
QUERY = re.compile(r"\.objects\b|\bget_object_or_404\(|\bget_list_or_404\(")


def view_modules() -> list[Path]:
    found = [*GUARD.glob("*/views.py"), *GUARD.glob("*views.py"), GUARD / "web.py"]
    return sorted(p for p in found if "migrations" not in p.parts)


def test_every_area_has_its_views_module():
    areas = {p.parent.name for p in view_modules() if p.name == "views.py"}
    expected = {"roster", "handover", "patrol", "incidents", "keys", "absence", "duties", "setup"}
    assert areas == expected


def test_no_guard_view_module_queries_the_database():
    offending = [
        f"{path.relative_to(GUARD)}:{number}: {line.strip()}"
        for path in view_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if QUERY.search(line)
    ]
    assert offending == []
