"""The console's view kit: what every app's views share, written once.

- :func:`is_partial` / :func:`render_partial`: a page answers an htmx request with its fragment and
  a plain (or boosted, or history-restore) request with the whole page; the answer varies on
  ``HX-Request`` so no cache hands one to the other.
- :func:`form_error` / :func:`run_form`: a bound form is validated, its cleaned data handed to a
  service; a :class:`DomainError` (``InvalidInput`` included) lands on the field its
  ``details["field"]`` names, else above the form.
- :func:`xlsx_response`: a register as a spreadsheet download: a title row, a header row and every
  row (no cap), streamed through a write-only workbook whose cells are written by
  :func:`gatehouse.xlsx.text_cell` (user text as text, never a formula).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from gatehouse.core.errors import DomainError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_partial(request: HttpRequest) -> bool:
    """True for an htmx request that swaps a fragment (not boosted, not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_partial(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: Mapping[str, Any],
    status: int = 200,
    *,
    page_context: Callable[[], Mapping[str, Any]] | None = None,
) -> HttpResponse:
    """``fragment`` for htmx, ``page`` otherwise; ``page_context`` (called only for the page)
    adds what the whole page needs beyond the fragment's context."""
    if is_partial(request):
        return render_vary(request, fragment, context, status)
    extra = page_context() if page_context is not None else {}
    return render_vary(request, page, {**context, **extra}, status)


def render_vary(
    request: HttpRequest, template: str, context: Mapping[str, Any], status: int = 200
) -> HttpResponse:
    """``template`` rendered, varying on ``HX-Request`` (the view chose page or fragment)."""
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def form_error(form: forms.BaseForm, exc: DomainError, field: str | None = None) -> None:
    """Show ``exc`` next to ``field`` (default: the field its details name), else above the form."""
    name = str(exc.details.get("field") or "") if field is None else field
    form.add_error(name if name in form.fields else None, exc.message)


def run_form(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    field_of: Callable[[DomainError], str | None] | None = None,
) -> Any:
    """Validate ``form`` and call the service with its cleaned data.

    Returns the service's result (``True`` when it returns nothing), or ``None`` when the form
    shows errors: its own, or the service's :class:`DomainError` on the field ``field_of(exc)``
    names (default: ``details["field"]``)."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data) or True
    except DomainError as exc:
        form_error(form, exc, field_of(exc) if field_of is not None else None)
        return None


def xlsx_response(
    filename: str,
    title: str,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    *,
    sheet_title: str = "",
    width: int = 16,
) -> FileResponse:
    """A download of ``rows`` under a bold ``title`` row and a bold ``headers`` row.

    Every row is written (no cap), one at a time, into a write-only workbook spooled to a
    temporary file, so a long register does not sit in memory twice."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title or title)[:31])
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    title_font, header_font = Font(bold=True, size=14), Font(bold=True)
    sheet.append(_row(sheet, 1, [str(title)], title_font))
    sheet.append(_row(sheet, 2, [str(h) for h in headers], header_font))
    for number, values in enumerate(rows, start=3):
        sheet.append(_row(sheet, number, values))
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _row(sheet: Any, number: int, values: Iterable[Any], font: Any = None) -> list[Any]:
    """Cells for a write-only sheet, each placed (row, column) and written by
    :func:`gatehouse.xlsx.text_cell`, so user text stays text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    from gatehouse.xlsx import text_cell

    cells: list[Any] = []
    for column, value in enumerate(values, start=1):
        if value is None:
            cells.append(None)
            continue
        cell = text_cell(sheet, value)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(sheet, value)
        cell.row, cell.column = number, column
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells
