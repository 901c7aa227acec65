"""The register engine: an app declares its registers, ``registers`` serves them.

An app keeps a small ``registers.py`` (``gatehouse/goods/registers.py`` …) that calls
:func:`declare` with a :class:`Register` — its title, its :class:`Column` s (the label, and how
a cell is rendered from one object), the filter form, the selector that answers the filters, who
may read it — and, for a page of tiles, an :class:`Index`. ``RegistersConfig.ready`` imports every
app's ``registers`` module; ``gatehouse.registers.views`` serves each declaration with one view and
one template, so every register page has the same shape: the filters, the count, the result table
with its pager, the xlsx export (every row, streamed through
:func:`gatehouse.registers.export.register_workbook`, user text as text) and the A4 PDF of the
paper form (:mod:`gatehouse.registers.paper`, laid out as :data:`~gatehouse.registers.paper.PAPERS`
says for the register's key).

A declaration is found by its URL name (``"goods:register_releases"``); the app's ``urls.py``
routes that name to the engine with :func:`gatehouse.registers.views.register_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise

from gatehouse.accounts.models import Role
from gatehouse.registers.paper import Paper, paper_for

type Label = str | Promise

#: Who reads the gate's registers: the guards, the front desk, the monitoring centre, the manager.
REGISTER_ROLES = frozenset(
    str(role) for role in (Role.GUARD, Role.FRONT_DESK, Role.MONITORING, Role.SECURITY_MANAGER)
)
PER_PAGE = 50


@dataclass(frozen=True)
class Row:
    """One line of a register as shown and exported: text cells, a CSS class, the object."""

    cells: tuple[str, ...]
    css: str = ""
    obj: Any = None


@dataclass(frozen=True)
class Column:
    """A column: its label, how a cell is made (unless the register renders whole rows) and,
    if its cell leads to the row's own page, that page's address."""

    label: Label
    cell: Callable[[Any], str] | None = None
    link: Callable[[Any], str] | None = None


class Pair(tuple[Any, str]):
    """A cell beside its column label — ``(label, text)`` — and the address it links to."""

    href: str = ""

    def __new__(cls, label: Any, text: str, href: str = "") -> Pair:
        pair = super().__new__(cls, (label, text))
        pair.href = href
        return pair


def columns(*labels: Label) -> tuple[Column, ...]:
    """Columns known by their labels only (the register's ``row`` renders the cells)."""
    return tuple(Column(label) for label in labels)


@dataclass(frozen=True)
class Register:
    """One register: what the page, the export and the print show.

    ``query(site, **cleaned_filters)`` returns the rows newest first, a queryset or a list; a
    register judged at the time it is read (``takes_now``) gets ``query(site, now, **filters)``.
    ``row(obj)`` renders a whole :class:`Row` at once (when cells share work), else each
    column's ``cell(obj)`` does and ``css(obj)`` gives the row's class. ``parent`` is the crumb
    back and ``actions`` the buttons above the filters, each a URL name and a label; ``aside`` is
    a panel above them, a template and ``context(site, now)`` (the leases coming due)."""

    key: str
    title: Label
    columns: tuple[Column, ...]
    form: type[forms.Form]
    query: Callable[..., QuerySet | Sequence[Any]]
    empty: Label
    row: Callable[[Any], Row] | None = None
    css: Callable[[Any], str] | None = None
    roles: frozenset[str] = REGISTER_ROLES
    parent: tuple[str, Label] | None = None
    actions: tuple[tuple[str, Label], ...] = ()
    per_page: int = PER_PAGE
    export: bool = True
    printable: bool = True
    takes_now: bool = False
    aside: tuple[str, Callable[[Any, Any], Mapping[str, Any]]] | None = None

    def __post_init__(self) -> None:
        if self.row is None and any(c.cell is None for c in self.columns):
            raise ValueError(f"register {self.key}: a column without a cell and no row renderer")

    @property
    def paper(self) -> Paper:
        """How the register prints (its orientation, widths and sign-off lines)."""
        return paper_for(self.key)

    @property
    def labels(self) -> tuple[Label, ...]:
        return tuple(c.label for c in self.columns)

    def find(self, site: Any, now: Any, filters: dict[str, Any] | None) -> QuerySet | Sequence[Any]:
        """The rows the filters ask for; ``filters=None`` (filters refused): none."""
        if filters is None:
            return []
        return self.query(site, now, **filters) if self.takes_now else self.query(site, **filters)

    @staticmethod
    def each(found: QuerySet | Sequence[Any]) -> Iterable[Any]:
        """Every row found, a queryset read in chunks (the export and the print: no cap)."""
        return found.iterator(chunk_size=2000) if isinstance(found, QuerySet) else found

    def every(self, found: QuerySet | Sequence[Any]) -> Iterator[tuple[str, ...]]:
        """The cells of every row found."""
        return (self.render(obj).cells for obj in self.each(found))

    def render(self, obj: Any) -> Row:
        if self.row is not None:
            return self.row(obj)
        cells = tuple(c.cell(obj) for c in self.columns if c.cell is not None)
        return Row(cells, self.css(obj) if self.css is not None else "", obj)

    def table(self, objects: Iterable[Any]) -> list[dict[str, Any]]:
        """Rows for the template, each cell with its column label (a narrow screen's cards)."""
        out = []
        for obj in objects:
            row = self.render(obj)
            pairs = [
                Pair(c.label, text, c.link(obj) if c.link is not None else "")
                for c, text in zip(self.columns, row.cells, strict=True)
            ]
            out.append({"css": row.css, "pairs": pairs})
        return out


def table(labels: Sequence[Label], rows: Iterable[Row]) -> list[dict[str, Any]]:
    """``rows`` for ``console/partials/_table.html``: each cell beside its column label."""
    return [
        {
            "css": r.css,
            "pairs": [Pair(label, text) for label, text in zip(labels, r.cells, strict=True)],
        }
        for r in rows
    ]


@dataclass(frozen=True)
class Tile:
    """A link on an index page: where it goes, its title and one line saying what is there."""

    url_name: str
    title: Label
    text: Label


@dataclass(frozen=True)
class Index:
    """A page of tiles leading to registers (and the pages that go with them)."""

    key: str
    title: Label
    tiles: tuple[Tile, ...]
    roles: frozenset[str] = REGISTER_ROLES
    parent: tuple[str, Label] | None = None


_DECLARED: dict[str, Register | Index] = {}


def declare(*items: Register | Index) -> None:
    """Make ``items`` servable by their keys (each key once)."""
    for item in items:
        known = _DECLARED.get(item.key)
        if known is not None and known is not item:
            raise ValueError(f"register {item.key} is declared twice")
        _DECLARED[item.key] = item


def register(key: str) -> Register:
    item = _DECLARED.get(key)
    if not isinstance(item, Register):
        raise LookupError(f"no register is declared as {key}")
    return item


def index(key: str) -> Index:
    item = _DECLARED.get(key)
    if not isinstance(item, Index):
        raise LookupError(f"no register index is declared as {key}")
    return item


def declared() -> list[Register | Index]:
    return list(_DECLARED.values())
