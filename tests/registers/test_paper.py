"""The registers on paper (issue 16 §1): each of the eight paper registers of the company-gatehouse
template as an A4 PDF made on the server, read back with pypdf — the title, the column headings,
the period, the page numbers, the sign-off lines, in Chinese, in Noto CJK and without a missing
glyph."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.urls import reverse

from gatehouse.registers import engine, paper
from gatehouse.registers.selectors import EVENT_COLUMNS

from .conftest import VISITOR_ID, VISITOR_ID_MASKED

pypdf = pytest.importorskip("pypdf")

DAY = {"date_from": "2026-11-24", "date_to": "2026-11-24"}


def _labels(key: str) -> tuple[str, ...]:
    if key == "guard:anomalies":
        from gatehouse.guard.incidents.selectors import ANOMALY_COLUMNS

        return tuple(str(c) for c in ANOMALY_COLUMNS)
    if key == "guard:cleaning":
        from gatehouse.guard.duties.selectors import CLEANING_COLUMNS

        return tuple(str(c) for c in CLEANING_COLUMNS)
    if key == "registers:events":
        return tuple(str(c) for c in EVENT_COLUMNS)
    return tuple(str(c) for c in engine.register(key).labels)


#: The eight papers of 工业园区封闭管理方案范本 (门卫岗位职责) and the register each is.
EIGHT = [
    ("来客进出登记表", "registers:visits"),
    ("外来车辆进出登记表", "vehicles:register"),
    ("外来信件报刊登记表", "registers:mail"),
    ("上班中途进出员工登记表", "registers:staff_exits"),
    ("夜间安保巡查记录表", "guard:patrol_register"),
    ("门卫日常卫生轮流表", "guard:cleaning"),
    ("交接班记录表", "guard:handover_register"),
    ("异常情况记录表", "guard:anomalies"),
]


def _read(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fonts(reader: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _assert_clean(reader: pypdf.PdfReader, text: str) -> None:
    """Chinese text extracted, no replacement character, every font embedded is Noto Sans CJK
    (a glyph Noto lacked would have come from another font, or as .notdef)."""
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert "\ufffd" not in text and "\x00" not in text
    fonts = _fonts(reader)
    assert fonts and all("Noto-Sans-CJK" in f or "NotoSansCJK" in f for f in fonts), fonts


def _demo_rows(labels: tuple[str, ...], n: int) -> list[tuple[str, ...]]:
    """Rows shaped like the demo's: Chinese names and places, times, masked numbers."""
    words = ["王*", "东门·人行通道", "送水", "3-2-1201", "2026-11-24 09:33", "110105********1232"]
    return [tuple(f"{words[(i + j) % len(words)]}" for j in range(len(labels))) for i in range(n)]


@pytest.mark.parametrize(("title", "key"), EIGHT)
def test_each_paper_prints_with_its_title_columns_and_signoff_lines(title, key, site_a, now):
    labels = _labels(key)
    sheet = paper.paper_for(key)
    assert sheet is not paper.DEFAULT  # each of the eight has its paper description
    rows = _demo_rows(labels, 60)  # enough for a second page
    data = paper.render_pdf(sheet, title, site_a, "2026-11-24 至 2026-11-24", labels, rows, now)
    reader, text = _read(data)
    flat = _flat(text)
    assert len(reader.pages) >= 2
    assert title in flat and site_a.name in flat and "2026-11-24至2026-11-24" in flat
    for label in labels:
        assert _flat(label) in flat, label
    for line in sheet.signoffs:
        assert _flat(str(line)) in flat, line
    # the header row again on the last page, and the page numbers at the foot
    last = _flat(reader.pages[-1].extract_text())
    assert all(_flat(label) in last for label in labels)
    pages = len(reader.pages)
    assert f"第1页共{pages}页" in flat and f"第{pages}页共{pages}页" in last
    # landscape where the paper is wide, A4 either way
    box = reader.pages[0].mediabox
    short, long = sorted((float(box.width), float(box.height)))
    assert abs(short - 595.3) < 1 and abs(long - 841.9) < 1
    assert (box.width > box.height) == sheet.wide(len(labels))
    _assert_clean(reader, text)


@pytest.mark.django_db
@pytest.mark.parametrize(("title", "key"), EIGHT)
def test_each_register_page_answers_its_pdf(title, key, client, manager_a, visitor_inside):
    client.force_login(manager_a)
    url = reverse(key)
    page = client.get(url, DAY if key != "guard:cleaning" else {})
    assert page.status_code == 200
    response = client.get(
        url, {**DAY, "print": "pdf"} if key != "guard:cleaning" else {"print": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader, text = _read(b"".join(response.streaming_content))
    flat = _flat(text)
    assert title in flat and "东湖" in flat
    for line in paper.paper_for(key).signoffs:
        assert _flat(str(line)) in flat
    _assert_clean(reader, text)


@pytest.mark.django_db
def test_the_visit_pdf_has_the_filtered_row_masked(client, manager_a, visitor_inside):
    client.force_login(manager_a)
    page = client.get(reverse("registers:visits"), DAY).content.decode()
    assert "print=pdf" in page  # the 打印 button leads to the PDF of the filters shown
    response = client.get(reverse("registers:visits"), {**DAY, "print": "pdf"})
    _reader, text = _read(b"".join(response.streaming_content))
    flat = _flat(text)
    assert "王*" in flat and VISITOR_ID_MASKED in flat and "送文件" in flat
    assert VISITOR_ID not in flat and "王五" not in flat
    assert "共1条" in flat and "期间：2026-11-24至2026-11-24" in flat


@pytest.mark.django_db
def test_a_pdf_longer_than_one_file_holds_is_refused_not_cut(
    client, manager_a, visitor_inside, monkeypatch
):
    monkeypatch.setattr(paper, "MAX_ROWS", 0)
    client.force_login(manager_a)
    response = client.get(reverse("registers:visits"), {**DAY, "print": "pdf"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-code="paper.too_long"' in html and "导出 Excel" in html


def test_500_rows_print_in_reasonable_time(site_a, now):
    key = "registers:visits"
    labels = _labels(key)
    start = time.perf_counter()
    data = paper.render_pdf(
        paper.paper_for(key),
        "来客进出登记表",
        site_a,
        "全部日期",
        labels,
        _demo_rows(labels, 500),
        now,
    )
    took = time.perf_counter() - start
    reader, _text = _read(data)
    assert len(reader.pages) >= 10
    assert took < 60, took  # measured about 5 s on the 2-core CI machine
