"""Charts on console pages (issue 16 §3): one JSON shape for every chart, drawn by one script
(``static/gatehouse/charts.js`` with Chart.js from our own static files).

A page holds a ``<section data-charts data-src=… data-every=…>`` with ``<figure
data-chart=NAME>`` elements (``console/_chart.html``) and ``[data-kpi=NAME]`` figures; the
script fetches ``data-src`` (a view answering :func:`payload`), draws each chart, fills its
numbers table ("查看数据") and the figures, and fetches again every ``data-every`` ms. The
same view answers ``?xlsx=NAME`` with chart NAME's numbers table as a spreadsheet ("下载 xlsx"),
written by the shared writer (:class:`gatehouse.console.http.XlsxSheet`, user text as text):
the same columns and rows the page shows, numbers as numbers (money exact, to the fen).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _t

from gatehouse.console.http import XlsxSheet

#: The query-string key asking a chart view for one chart's numbers as xlsx.
XLSX = "xlsx"
XLSX_WIDTH = 16


def series(label: str, data: Sequence[float | int], *, stack: str | None = None) -> dict[str, Any]:
    """One data series of a chart."""
    return {"label": str(label), "data": list(data), **({"stack": stack} if stack else {})}


def chart(
    kind: str,
    labels: Sequence[str],
    data: Sequence[dict[str, Any]],
    *,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: Any = "",
    horizontal: bool = False,
    stacked: bool = False,
    percent: bool = False,
) -> dict[str, Any]:
    """A chart: ``kind`` (bar, line, doughnut), its labels and series, and the numbers table shown
    under it (``columns`` and ``rows``: numbers stay numbers — a :class:`~decimal.Decimal` is
    money, sent as its text to the page and as a number to the xlsx — anything else is text);
    ``title`` names its xlsx (the page's caption)."""
    return {
        "type": kind,
        "title": str(title),
        "labels": [str(label) for label in labels],
        "series": list(data),
        "horizontal": horizontal,
        "stacked": stacked,
        "percent": percent,
        "columns": [str(c) for c in columns],
        "rows": [
            [c if isinstance(c, int | float | Decimal) else str(c) for c in row] for row in rows
        ],
    }


def payload(
    now: datetime, charts: dict[str, dict[str, Any]], kpis: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"now": now.isoformat(timespec="seconds"), "charts": charts, "kpis": kpis or {}}


def response(request: HttpRequest, data: dict[str, Any], site: Any) -> HttpResponse:
    """The charts of ``data`` (:func:`payload`) as JSON for the page, or — ``?xlsx=NAME`` — chart
    NAME's numbers as a spreadsheet; an unknown NAME: 404 ``chart.unknown`` (JSON)."""
    name = request.GET.get(XLSX)
    if name is not None:
        spec = data["charts"].get(name)
        if spec is None:
            error = {"code": "chart.unknown", "message": _t("没有这个图表。"), "name": name[:40]}
            return JsonResponse(error, status=404, json_dumps_params={"ensure_ascii": False})
        now = datetime.fromisoformat(data["now"])
        return workbook(spec, site, now).response(filename(spec, name, now))
    answer = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    answer["Cache-Control"] = "no-store"
    return answer


def workbook(spec: dict[str, Any], site: Any, now: datetime) -> XlsxSheet:
    """A chart's numbers table as a sheet: ``<site> · <title>`` and when it was exported, the
    column labels, then the rows as the page shows them (money as numbers with two decimals)."""
    title = spec["title"] or _t("图表数据")
    sheet = XlsxSheet(title, [XLSX_WIDTH] * max(1, len(spec["columns"])), decimals="0.00")
    at = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    sheet.title(f"{site.name} · {title}")
    sheet.row([_t("导出时间：%(at)s") % {"at": f"{at:%Y-%m-%d %H:%M}"}])
    sheet.header(spec["columns"])
    for row in spec["rows"]:
        sheet.row(row)
    return sheet


def filename(spec: dict[str, Any], name: str, now: datetime) -> str:
    """``<title>-<YYYYMMDD>.xlsx`` (the day in Asia/Shanghai)."""
    day = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{spec['title'] or name}-{day:%Y%m%d}.xlsx"
