"""Every register's spreadsheet: one writer for all of them.

:func:`register_workbook` writes a register as the paper has it — the title row (``<site> ·
<title>``, the period, when it was exported), the column labels, then every row — into a
write-only (streaming) openpyxl workbook, through :class:`gatehouse.console.http.XlsxSheet`,
whose cells go through
:func:`gatehouse.xlsx.text_cell`: user text is stored as text (``=cmd`` stays the literal
``=cmd``, ``0012`` keeps its zeros), never as a formula or a number. There is no row cap: the
rows are an iterator (a queryset read in chunks) and each is written as it comes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _t

from gatehouse.console.http import XlsxSheet
from gatehouse.registers.cells import SHANGHAI

XLSX_WIDTH = 16


def period_text(filters: Mapping[str, Any] | None) -> str:
    """The days a register covers, as its heading says: ``2026-11-01 至 2026-11-30``."""
    filters = filters or {}
    start: date | None = filters.get("date_from")
    end: date | None = filters.get("date_to")
    if start and end:
        return _t("%(start)s 至 %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    if start:
        return _t("%(start)s 起") % {"start": f"{start:%Y-%m-%d}"}
    if end:
        return _t("截至 %(end)s") % {"end": f"{end:%Y-%m-%d}"}
    return _t("全部日期")


def filename(title: Any, now: datetime, suffix: str) -> str:
    """``<title>-<YYYYMMDD>.<suffix>`` (the day in Asia/Shanghai)."""
    return f"{title}-{now.astimezone(SHANGHAI):%Y%m%d}.{suffix}"


class RegisterSheet(XlsxSheet):
    """The console's streaming sheet with a register's title row: the title and, beside it, the
    period and when it was exported, all bold (a write-only sheet styles whole rows here)."""

    def title_row(self, title: str, *beside: str) -> None:
        from openpyxl.styles import Font

        self._append([title, *beside], Font(bold=True, size=13))


def register_sheet(
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    now: datetime,
    *,
    widths: Sequence[int] = (),
) -> RegisterSheet:
    """A register written into a streaming sheet (see the module): a title row with the site,
    the period, the header row and every row of ``rows``; ``sheet.book.save(file)`` writes it."""
    sheet = RegisterSheet(str(title), list(widths) or [XLSX_WIDTH] * len(labels))
    sheet.title_row(
        f"{site.name} · {title}",
        _t("期间：%(period)s") % {"period": period},
        _t("导出时间：%(at)s") % {"at": f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"},
    )
    sheet.header(labels)
    for row in rows:
        sheet.row(row)
    return sheet


def register_workbook(
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    now: datetime,
    *,
    widths: Sequence[int] = (),
) -> FileResponse:
    """A register as an xlsx download (see :func:`register_sheet`)."""
    sheet = register_sheet(title, site, period, labels, rows, now, widths=widths)
    return sheet.response(filename(title, now, "xlsx"))
