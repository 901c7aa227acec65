"""Registers on paper: an A4 PDF made on the server (WeasyPrint, Debian's Noto CJK fonts).

One template (``registers/paper.html``) prints every register: the site and the title, the
period, the register's own columns (their labels and cells, as the page and the export have
them) sized for A4 — landscape where the paper is wide — with the header row repeated on every
page, ``第 N 页 共 M 页`` at the foot, and the signature and date lines the paper has.

What differs between papers is small and written here, in :data:`PAPERS`, by register key: the
orientation, the sign-off lines, the relative widths of the columns, a line under the title. A
register without an entry prints with :data:`DEFAULT` (landscape when it has more than six
columns).

The PDF of a long register is refused (``paper.too_long``, 422) rather than cut: the page says to
narrow the days or to export the spreadsheet, which has every row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gatehouse.registers.cells import SHANGHAI
from gatehouse.registers.export import filename

type Label = str | Promise

#: Rows one PDF holds at most (some 40 pages, about 40 s to make); more is refused, not cut.
MAX_ROWS = 2000
PORTRAIT_COLUMNS = 6  # more columns than this print landscape unless the paper says otherwise
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Paper:
    """How one register is laid out on paper (everything else comes from its columns)."""

    signoffs: tuple[Label, ...] = (_("登记人（签字）"), _("审核人（签字）"), _("日期"))
    landscape: bool | None = None  # None: landscape when the register is wide
    widths: tuple[float, ...] = ()  # relative column widths; () shares the width evenly
    note: Label = ""
    blank_rows: int = 0  # empty ruled lines after the rows, to fill in by hand

    def wide(self, columns: int) -> bool:
        return self.landscape if self.landscape is not None else columns > PORTRAIT_COLUMNS

    def percents(self, columns: int) -> list[str]:
        """Each column's width in percent of the table, or none (the browser lays it out)."""
        if len(self.widths) != columns:
            return []
        total = sum(self.widths)
        return [f"{100 * w / total:.2f}%" for w in self.widths]


DEFAULT = Paper()
GUARD_SIGNS = _("值班门卫（签字）")
DATE_LINE = _("日期")

#: The papers of the company-gatehouse template (工业园区封闭管理方案范本, 门卫岗位职责) and the
#: event log, by register key.
PAPERS: dict[str, Paper] = {
    # 来客进出登记表
    "registers:visits": Paper(
        (GUARD_SIGNS, _("行政人事部审核（签字）"), DATE_LINE),
        landscape=True,
        widths=(7, 6, 11, 7, 6, 9, 9, 4, 7, 7, 5, 6),
    ),
    # 外来车辆进出登记表
    "vehicles:register": Paper(
        (GUARD_SIGNS, _("审核人（签字）"), DATE_LINE),
        landscape=True,
        widths=(11, 6, 9, 7, 9, 10, 10, 6, 6, 6),
    ),
    # 外来信件报刊登记表
    "registers:mail": Paper(
        (GUARD_SIGNS, _("领取人确认（签字）"), DATE_LINE),
        landscape=True,
        widths=(10, 6, 12, 8, 10, 4, 10, 10, 7, 7),
    ),
    # 上班中途进出员工登记表
    "registers:staff_exits": Paper(
        (GUARD_SIGNS, _("部门负责人（签字）"), DATE_LINE),
        landscape=True,
        widths=(8, 7, 9, 9, 9, 16, 8, 8),
    ),
    # 夜间安保巡查记录表
    "guard:patrol_register": Paper(
        (_("巡查人（签字）"), _("安保主管（签字）"), DATE_LINE), landscape=True
    ),
    # 门卫日常卫生轮流表
    "guard:cleaning": Paper(
        (_("安保主管检查（签字）"), DATE_LINE),
        landscape=False,
        widths=(16, 14, 12, 14),
        note=_("门卫室、大门口、公司招牌等周边日常卫生，按轮流表保洁。"),
    ),
    # 交接班记录表
    "guard:handover_register": Paper(
        (_("交班人（签字）"), _("接班人（签字）"), _("安保主管（签字）"), DATE_LINE),
        landscape=True,
    ),
    # 异常情况记录表
    "guard:anomalies": Paper(
        (_("记录人（签字）"), _("行政人事部（签字）"), _("公司领导（签字）"), DATE_LINE),
        landscape=True,
        widths=(8, 6, 4, 8, 18, 6, 8, 6, 8, 14),
    ),
    # 通行事件记录
    "registers:events": Paper(
        (_("值班人员（签字）"), _("审核人（签字）"), DATE_LINE),
        landscape=True,
        widths=(10, 10, 4, 6, 8, 9, 5, 22, 8, 6),
    ),
}


def paper_for(key: str) -> Paper:
    return PAPERS.get(key, DEFAULT)


class TooLong(Exception):
    """More rows than one PDF holds (:data:`MAX_ROWS`)."""


def render_pdf(
    paper: Paper,
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    now: datetime,
) -> bytes:
    """The register as A4 PDF bytes (see the module); :class:`TooLong` past :data:`MAX_ROWS`."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # no stubs, no py.typed

    body: list[Sequence[Any]] = []
    for row in rows:
        body.append(row)
        if len(body) > MAX_ROWS:
            raise TooLong
    wide = paper.wide(len(labels))
    html = render_to_string(
        "registers/paper.html",
        {
            "paper": paper,
            "title": title,
            "site": site,
            "period": period,
            "labels": labels,
            "widths": paper.percents(len(labels)),
            "rows": body,
            "blank_rows": range(paper.blank_rows),
            "page_numbers": _css_string(
                _t("第 %(page)s 页 共 %(pages)s 页"),
                page='" counter(page) "',
                pages='" counter(pages) "',
            ),
            "printed": _css_string(
                _t("打印时间 %(at)s"), at=f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
            ),
            "wide": wide,
        },
    )
    return bytes(HTML(string=html).write_pdf())


def _css_string(text: str, **parts: str) -> str:
    """``text`` as a CSS string for ``content:`` (its quotes and backslashes dropped), with
    ``parts`` put in as they are (``" counter(page) "``)."""
    clean = text.replace('"', "").replace("\\", "")
    return '"' + clean % parts + '"'


def pdf_response(
    paper: Paper,
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    now: datetime,
) -> FileResponse:
    """The PDF, shown in the browser (inline) with the register's file name."""
    data = render_pdf(paper, title, site, period, labels, rows, now)
    return FileResponse(
        io.BytesIO(data), filename=filename(title, now, "pdf"), content_type=PDF_TYPE
    )
