"""The layer contracts in pyproject.toml cover every view module (issue 13 §7).

import-linter's wildcards replace whole module names only, so view modules not called
``views`` (``pass_views``, ``desk_views`` …) are listed by name in the contract that keeps
services, selectors and models below the views. This test fails when a new view module is
added without being listed, so the contract cannot quietly stop covering it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = "Layers: services, selectors and models import no view, API or URL module"


def _contract(name: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"] == name)


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _covered(module: str, patterns: list[str]) -> bool:
    parts = module.split(".")
    for pattern in patterns:
        head, _, tail = pattern.partition(".**.")
        if tail and module.startswith(head + ".") and parts[-1] == tail:
            return True
        if module == pattern or module.startswith(pattern + "."):
            return True
    return False


def test_every_view_module_is_above_the_services():
    forbidden = _contract(LAYERS)["forbidden_modules"]
    views = [
        _module(p)
        for p in (ROOT / "gatehouse").rglob("*.py")
        if "views" in p.stem or p.stem in ("api", "urls")
    ]
    assert views, "no view module found: the test looks in the wrong place"
    missing = [m for m in views if not _covered(m, forbidden)]
    assert missing == [], f"add these view modules to the contract {LAYERS!r}: {missing}"


def test_the_matcher_tells_covered_from_missing():
    patterns = ["gatehouse.**.views", "gatehouse.visitors.pass_views"]
    assert _covered("gatehouse.guard.patrol.views", patterns)
    assert _covered("gatehouse.visitors.pass_views", patterns)
    assert not _covered("gatehouse.visitors.desk_views", patterns)
