"""Cells of the spreadsheet exports: user text is written as text, never as a formula.

openpyxl reads a string starting with ``=`` as a formula and ``#N/A`` as an error value; Excel and
LibreOffice evaluate ``=``, ``+``, ``-`` and ``@`` starts again when such a cell is edited
(formula or DDE injection from a name, a note, a plate someone typed). Every writer builds its rows
with :func:`append_row`: a string is stored as a string cell (``t="s"``), and one that
:func:`gatehouse.core.text.looks_like_formula` also carries the quote prefix (``quotePrefix``, the
leading apostrophe a person types) so the spreadsheet keeps showing the literal text. Characters
the file format cannot hold (control characters) are dropped instead of failing the export.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from gatehouse.core.text import looks_like_formula


def text_cell(sheet: Worksheet, value: Any) -> Any:
    """``value`` as :meth:`Worksheet.append` should receive it: a string as a text cell,
    anything else (numbers, dates, None) as it is."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append one row of ``values`` to ``sheet`` (see :func:`text_cell`)."""
    sheet.append([text_cell(sheet, value) for value in values])
