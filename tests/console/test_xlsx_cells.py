"""Spreadsheet exports never emit a formula from user text (issue 12 §5): the shared cell helper
and each of the four writers, read back with openpyxl."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gatehouse.visitors.models import MailItem
from gatehouse.xlsx import append_row
from tests.conftest import NOW
from tests.guard.conftest import monitor_a  # noqa: F401 (fixture)

HOSTILE = [
    "=1+2",
    '=HYPERLINK("http://x.invalid","点我")',
    "+86 138",
    "-2+3",
    "@SUM(A1:A2)",
    "  =1+2",
    "\t=1+2",
    "\r=1+2",
    "#N/A",
    "=cmd|' /C calc'!A0",
]


def _round_trip(rows: list[list[object]]) -> Workbook:
    book = Workbook()
    for row in rows:
        append_row(book.active, row)
    out = BytesIO()
    book.save(out)
    return load_workbook(BytesIO(out.getvalue()))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_is_written_as_text(text):
    cell = _round_trip([[text]]).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "\n")  # XML reads a carriage return as a new line
    assert cell.quotePrefix or text == "#N/A"


def test_ordinary_values_keep_their_types():
    sheet = _round_trip([["张伟", 3, 1.5, None, "1-2"]]).active
    assert [c.value for c in sheet[1]] == ["张伟", 3, 1.5, None, "1-2"]
    assert [c.data_type for c in sheet[1]][:3] == ["s", "n", "n"]
    assert not sheet["A1"].quotePrefix and not sheet["E1"].quotePrefix


def test_characters_a_file_cannot_hold_are_dropped_not_fatal():
    assert _round_trip([["张\x01伟\x1f"]]).active["A1"].value == "张伟"


def test_an_empty_row_is_kept():
    sheet = _round_trip([["a"], [], ["b"]]).active
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value) == ("a", None, "b")


# -- the four writers ---------------------------------------------------------------------------

SITE_NAME = '=HYPERLINK("http://x.invalid","东湖")'


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def _assert_title_is_text(sheet):
    title = sheet["A1"]
    assert title.data_type == "s" and title.quotePrefix
    assert title.value.startswith(SITE_NAME + " · ")


@pytest.fixture
def hostile_site(site_a):
    site_a.name = SITE_NAME
    site_a.save(update_fields=["name"])
    return site_a


def test_the_parking_income_export(client, hostile_site, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("parking:income"), {"day": "2026-11-24", "export": "xlsx"})
    _assert_title_is_text(_sheet(response))


def test_the_goods_register_export(client, hostile_site, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("goods:register_releases"), {"export": "xlsx"})
    _assert_title_is_text(_sheet(response))


def test_the_registers_export_writes_a_senders_formula_as_text(
    client, hostile_site, manager_a, guard_a
):
    MailItem.objects.create(
        site=hostile_site,
        kind="letter",
        sender="=cmd|' /C calc'!A0",
        recipient_name="张伟",
        recipient_unit="3-2-1201",
        received_at=NOW,
        received_by=guard_a,
    )
    client.force_login(manager_a)
    day = {"date_from": "2026-11-24", "date_to": "2026-11-24", "export": "xlsx"}
    sheet = _sheet(client.get(reverse("registers:mail"), day))
    _assert_title_is_text(sheet)
    cells = [
        c for row in sheet.iter_rows(min_row=3) for c in row if c.value == "=cmd|' /C calc'!A0"
    ]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].quotePrefix


@pytest.mark.usefixtures("monitor_a")
def test_the_guard_register_export(client, hostile_site, django_user_model):
    client.force_login(django_user_model.objects.get(username="monitor_a"))
    day = {"date_from": "2026-11-24", "date_to": "2026-11-24", "export": "xlsx"}
    _assert_title_is_text(_sheet(client.get(reverse("guard:patrol_register"), day)))
