"""Registers on paper: an A4 PDF made on the server (WeasyPrint, Debian's Noto CJK fonts).

One template (``registers/paper.html``) prints every register: the site and the title, the
period, the register's own columns (their labels and cells, as the page and the export have
them) sized for A4 — landscape where the paper is wide — with the header row repeated on every
page, ``第 N 页 共 M 页`` at the foot, and the signature and date lines the paper has.

What differs between papers is small and written here, in :data:`PAPERS`, by register key: the
orientation, the sign-off lines, the relative widths of the columns, a line under the title. A
register without an entry prints with :data:`DEFAULT` (landscape when it has more than six
columns).

While the page waits, a PDF holds at most :data:`MAX_ROWS` rows; a longer one is never cut: the
register's page starts a background export (:mod:`gatehouse.registers.jobs`), which lays the
rows out in parts (:func:`render_long_pdf`) and numbers the pages across them. Where no
background export is possible the page refuses it (``paper.too_long``, 422).

A document that is not one table — the daily income report, a company's credit file, a pass,
a release slip, a rectification notice — is printed the same way by :func:`render_document`:
its template extends ``registers/paper_base.html`` (the fonts, the page box of its
:class:`Sheet`, the running site and title, the page numbers, the print time, the sign-off
lines of ``registers/_signoffs.html``) and fills in only its own content.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

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
#: Rows laid out at a time when a long register is made in the background.
PART_ROWS = 1000
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


@dataclass(frozen=True)
class Sheet:
    """The page box of a paper: the size (A4, A5, A6), which way up, the margins."""

    size: str = "A4"
    landscape: bool = False
    margin: str = "14mm 10mm 16mm 10mm"

    def css(self) -> str:
        return f"{self.size} {'landscape' if self.landscape else 'portrait'}"


A4 = Sheet()

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
    # 限期整改通知书登记
    "governance:notices": Paper(
        (_("经办人（签字）"), _("负责人（签字）"), DATE_LINE),
        landscape=True,
        widths=(11, 14, 24, 8, 8, 15, 10, 10),
    ),
    # 入户排查登记 (T8)
    "epidemic:screenings": Paper(
        (_("网格员（签字）"), _("社区负责人（签字）"), DATE_LINE),
        landscape=True,
        widths=(10, 8, 8, 8, 8, 6, 10, 14, 14, 6),
    ),
    # 公共场所、车辆消毒台账 (T8)
    "epidemic:disinfections": Paper(
        (_("消毒人员（签字）"), _("检查人（签字）"), DATE_LINE), landscape=False
    ),
    # 防护物资发放台账 (T8)
    "epidemic:supplies": Paper((_("发放人（签字）"), _("审核人（签字）"), DATE_LINE)),
    # 医废垃圾收集、运输台账 (T8)
    "epidemic:waste": Paper(
        (_("收集人（签字）"), _("运输人（签字）"), _("负责人（签字）"), DATE_LINE),
        landscape=True,
    ),
    # 索证索票登记 (T3-04)
    "campus:deliveries": Paper(
        (_("验收人（签字）"), _("食堂负责人（签字）"), DATE_LINE),
        landscape=True,
        widths=(8, 14, 10, 9, 7, 9, 22, 7, 7),
    ),
    # 供应商证照登记 (T3-04)
    "campus:certificates": Paper(
        (_("登记人（签字）"), _("食堂负责人（签字）"), DATE_LINE), landscape=True
    ),
    # 驻校保安住宿登记、就餐记录、监督检查 (T3·9)
    "campus:guard_lodgings": Paper(
        (_("宿舍管理员（签字）"), _("保安公司负责人（签字）"), DATE_LINE)
    ),
    "campus:guard_meals": Paper((_("供餐人（签字）"), _("食堂负责人（签字）"), DATE_LINE)),
    "campus:guard_checks": Paper(
        (_("检查人（签字）"), _("保安公司负责人（签字）"), _("学校负责人（签字）"), DATE_LINE),
        landscape=True,
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
    html = _html(paper, title, site, period, labels, body, now, count=len(body))
    return bytes(HTML(string=html).write_pdf())


def _html(
    paper: Paper,
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    now: datetime,
    *,
    count: int,
    first: bool = True,
    last: bool = True,
    numbers: bool = True,
) -> str:
    """The paper's HTML: the whole register, or one part of a long one (``first``: the title
    and the period above the rows; ``last``: the sign-off lines under them; ``numbers``: the
    page numbers at the foot, which a long register's parts get afterwards)."""
    sheet = Sheet(landscape=paper.wide(len(labels)))
    return render_to_string(
        "registers/paper.html",
        {
            "paper": paper,
            "period": period,
            "labels": labels,
            "widths": paper.percents(len(labels)),
            "rows": rows,
            "count": count,
            "first": first,
            "last": last,
            "blank_rows": range(paper.blank_rows if last else 0),
            **furniture(sheet, title, site, now, numbers=numbers),
        },
    )


def furniture(
    sheet: Sheet, title: Any, site: Any, now: datetime, *, numbers: bool = True
) -> dict[str, Any]:
    """What every paper has around its content (``registers/paper_base.html``): the page box,
    the site and the title running at the top, ``第 N 页 共 M 页`` (unless ``numbers`` is off:
    a long register's parts get them afterwards) and when it was printed."""
    return {
        "title": title,
        "site": site,
        "page_size": sheet.css(),
        "page_margin": sheet.margin,
        "running_site": css_text(str(site.name)),
        "running_title": css_text(str(title)),
        "page_numbers": _page_numbers() if numbers else "",
        "printed": _css_string(
            _t("打印时间 %(at)s"), at=f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        ),
    }


def _page_numbers() -> str:
    return _css_string(
        _t("第 %(page)s 页 共 %(pages)s 页"), page='" counter(page) "', pages='" counter(pages) "'
    )


def _css_string(text: str, **parts: str) -> str:
    """``text`` as a CSS string for ``content:`` (its quotes and backslashes dropped), with
    ``parts`` put in as they are (``" counter(page) "``)."""
    clean = text.replace('"', "").replace("\\", "")
    return '"' + clean % parts + '"'


def css_text(text: str) -> str:
    """``text`` as a CSS string for ``content:``, every character that could end the string,
    the rule or the style element (quotes, backslashes, angle brackets, controls) escaped."""
    out = []
    for char in text:
        if char in "\\\"'<>&{}();" or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):06x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def render_long_pdf(
    paper: Paper,
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    now: datetime,
    out: BinaryIO,
    *,
    count: int,
    progress: Callable[[int], None] | None = None,
    part_rows: int = PART_ROWS,
) -> int:
    """A register of any length as one A4 PDF written to ``out``; answers its page count.

    The rows are laid out in parts of ``part_rows`` (memory stays bounded: one part is in
    memory at a time, each written to a temporary file); the first part has the title and the
    period (``count`` rows in all), the last the sign-off lines, every page the header row.
    Each part starts on a new page. The parts are then put together (pypdf) and every page gets
    ``第 N 页 共 M 页`` counted across the parts, from one document of footers alone laid out
    with the same page box. ``progress(rows)`` is told the rows laid out after each part."""
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    with tempfile.TemporaryDirectory(prefix="gatehouse-pdf-") as tmp:
        parts: list[Path] = []
        pages = done = 0

        def lay_out(batch: list[Sequence[Any]], *, last: bool) -> None:
            nonlocal pages, done
            html = _html(
                paper,
                title,
                site,
                period,
                labels,
                batch,
                now,
                count=count,
                first=not parts,
                last=last,
                numbers=False,
            )
            document = HTML(string=html).render()
            pages += len(document.pages)
            path = Path(tmp) / f"part-{len(parts):05d}.pdf"
            document.write_pdf(path)
            del document
            parts.append(path)
            done += len(batch)
            if progress is not None:
                progress(done)

        batch: list[Sequence[Any]] = []
        for row in rows:
            if len(batch) >= part_rows:
                lay_out(batch, last=False)
                batch = []
            batch.append(row)
        lay_out(batch, last=True)

        footers = Path(tmp) / "footers.pdf"
        HTML(
            string=render_to_string(
                "registers/paper_numbers.html",
                {
                    "pages": range(pages),
                    "page_size": Sheet(landscape=paper.wide(len(labels))).css(),
                    "page_margin": A4.margin,
                    "page_numbers": _page_numbers(),
                },
            )
        ).write_pdf(footers)
        numbers = PdfReader(footers)
        writer = PdfWriter()
        at = 0
        for path in parts:
            for page in PdfReader(path).pages:
                writer.add_page(page).merge_page(numbers.pages[at])
                at += 1
        writer.write(out)
    return pages


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


def render_document(
    template: str,
    context: dict[str, Any],
    *,
    title: Any,
    site: Any,
    now: datetime,
    sheet: Sheet = A4,
) -> bytes:
    """A document that is not a register's table (a report, a slip, a pass, a notice) as PDF
    bytes: ``template`` extends ``registers/paper_base.html`` and so has the same fonts, page
    box, running site and title, page numbers and print time as every register's paper."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, **furniture(sheet, title, site, now)})
    return bytes(HTML(string=html).write_pdf())


def document_response(
    template: str,
    context: dict[str, Any],
    *,
    title: Any,
    site: Any,
    now: datetime,
    sheet: Sheet = A4,
    name: str = "",
) -> FileResponse:
    """:func:`render_document` shown in the browser (inline), named ``<name>.pdf`` (by default
    the title and the day); never cached (a pass or a slip carries its signed code)."""
    data = render_document(template, context, title=title, site=site, now=now, sheet=sheet)
    response = FileResponse(
        io.BytesIO(data),
        filename=f"{name}.pdf" if name else filename(title, now, "pdf"),
        content_type=PDF_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
