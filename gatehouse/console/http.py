"""The console's view kit: what every app's views share, written once.

- :func:`is_partial` / :func:`render_partial`: a page answers an htmx request with its fragment and
  a plain (or boosted, or history-restore) request with the whole page; the answer varies on
  ``HX-Request`` so no cache hands one to the other.
- :func:`form_error` / :func:`run_form`: a bound form is validated, its cleaned data handed to a
  service; a :class:`DomainError` (``InvalidInput`` included) lands on the field its
  ``details["field"]`` names, else above the form.
- :class:`XlsxSheet`, :func:`xlsx_response`, :func:`register_xlsx`: a spreadsheet download written
  row by row (every row, no cap) into a write-only workbook whose cells go through
  :func:`gatehouse.xlsx.text_cell` (user text as text, never a formula); ``xlsx_response`` is a
  title row, a header row and the rows, ``register_xlsx`` names them as every register does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
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
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


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


def renamed(fields: Mapping[str, str]) -> Callable[[DomainError], str]:
    """A ``field_of`` for :func:`run_form` where the service names a field the form calls
    otherwise (``{"service name": "form field"}``)."""

    def field_of(exc: DomainError) -> str:
        name = str(exc.details.get("field") or "")
        return fields.get(name, name)

    return field_of


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


class XlsxSheet:
    """One sheet written row by row into a write-only workbook, every cell through
    :func:`gatehouse.xlsx.text_cell` (user text as text); :meth:`response` spools the workbook
    to a temporary file and answers with it, so a long export does not sit in memory twice.

    ``widths`` are the column widths from column A on; ``decimals`` is the number format of a
    :class:`~decimal.Decimal` cell (money), none by default."""

    def __init__(self, title: str, widths: Sequence[int], *, decimals: str = "") -> None:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(str(title)[:31])
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.decimals = decimals
        self.rows = 0

    def title(self, text: str) -> None:
        """A big bold line."""
        from openpyxl.styles import Font

        self._append([text], Font(bold=True, size=14))

    def header(self, labels: Iterable[Any]) -> None:
        """A bold row of column labels."""
        from openpyxl.styles import Font

        self._append([str(label) for label in labels], Font(bold=True))

    def row(self, values: Iterable[Any]) -> None:
        self._append(values)

    def blank(self) -> None:
        self._append([])

    def response(self, filename: str) -> FileResponse:
        out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
        self.book.save(out)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)

    def _append(self, values: Iterable[Any], font: Any = None) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import Cell

        from gatehouse.xlsx import text_cell

        self.rows += 1
        cells: list[Any] = []
        for column, value in enumerate(values, start=1):
            if value is None:
                cells.append(None)
                continue
            cell = text_cell(self.sheet, value)
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(self.sheet, value)
            cell.row, cell.column = self.rows, column  # placed, as a write-only sheet wants
            if font is not None:
                cell.font = font
            if self.decimals and isinstance(value, Decimal):
                cell.number_format = self.decimals
            cells.append(cell)
        self.sheet.append(cells)


def xlsx_response(
    filename: str,
    title: str,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    *,
    sheet_title: str = "",
    width: int = 16,
) -> FileResponse:
    """A register as a download: a bold ``title`` row, a bold ``headers`` row and every row
    (no cap), streamed through :class:`XlsxSheet`."""
    sheet = XlsxSheet(sheet_title or title, [width] * len(headers))
    sheet.title(str(title))
    sheet.header(headers)
    for row in rows:
        sheet.row(row)
    return sheet.response(filename)


def register_xlsx(
    title: Any, site: Any, columns: Sequence[Any], rows: Iterable[Iterable[Any]]
) -> FileResponse:
    """A register's export as every register names it: ``<title>-<YYYYMMDD>.xlsx``, the sheet
    called ``title``, the first line ``<site> · <title>``."""
    from django.utils import timezone

    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(
        f"{title}-{stamp}.xlsx", f"{site.name} · {title}", columns, rows, sheet_title=str(title)
    )
