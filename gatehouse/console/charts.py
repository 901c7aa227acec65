"""Charts on console pages (issue 16 §3): one JSON shape for every chart, drawn by one script
(``static/gatehouse/charts.js`` with Chart.js from our own static files).

A page holds a ``<section data-charts data-src=… data-every=…>`` with ``<figure
data-chart=NAME>`` elements (``console/_chart.html``) and ``[data-kpi=NAME]`` figures; the
script fetches ``data-src`` (a view answering :func:`payload`), draws each chart, fills its
numbers table ("查看数据") and the figures, and fetches again every ``data-every`` ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.http import JsonResponse


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
    horizontal: bool = False,
    stacked: bool = False,
    percent: bool = False,
) -> dict[str, Any]:
    """A chart: ``kind`` (bar, line, doughnut), its labels and series, and the numbers table shown
    under it (``columns`` and ``rows``, the same figures as text)."""
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "series": list(data),
        "horizontal": horizontal,
        "stacked": stacked,
        "percent": percent,
        "columns": [str(c) for c in columns],
        "rows": [[c if isinstance(c, int | float) else str(c) for c in row] for row in rows],
    }


def payload(
    now: datetime, charts: dict[str, dict[str, Any]], kpis: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"now": now.isoformat(timespec="seconds"), "charts": charts, "kpis": kpis or {}}


def response(data: dict[str, Any]) -> JsonResponse:
    answer = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    answer["Cache-Control"] = "no-store"
    return answer
