"""Every register's spreadsheet through one writer (issue 16 §1): a title row with the site, the
period, the header row and every row — no cap — with user text kept as text."""

from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.registers.export import period_text, register_workbook
from tests.conftest import NOW

DAY = {"date_from": "2026-11-24", "date_to": "2026-11-24"}
SITE = SimpleNamespace(name="东湖花园")


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def test_formula_looking_and_zero_led_text_stays_literal_text():
    rows = [("=cmd|' /C calc'!A0", "0012", "+86 139", "@SUM(A1)", "-1", "#N/A")]
    sheet = _sheet(
        register_workbook("来客进出登记表", SITE, "全部日期", list("甲乙丙丁戊己"), rows, NOW)
    )
    row = next(sheet.iter_rows(min_row=3, max_row=3))
    assert [c.value for c in row] == list(rows[0])
    assert all(c.data_type == "s" for c in row)  # strings, not formulas, numbers or errors
    assert row[0].quotePrefix and row[3].quotePrefix  # shown as typed when the cell is edited


def test_the_title_row_names_the_site_and_the_period_then_the_header():
    sheet = _sheet(
        register_workbook(
            "外来信件报刊登记表", SITE, "2026-11-01 至 2026-11-30", ["收到时间"], [], NOW
        )
    )
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "东湖花园 · 外来信件报刊登记表"
    assert values[0][1] == "期间：2026-11-01 至 2026-11-30"
    assert values[0][2] == "导出时间：2026-11-24 09:30"  # NOW in Asia/Shanghai
    assert values[1][0] == "收到时间"


def test_more_than_ten_thousand_rows_are_all_exported():
    count = 10_250
    rows = ((f"{i:05d}", f"王{i}") for i in range(count))  # a generator: written as it comes
    sheet = _sheet(register_workbook("通行事件记录", SITE, "全部日期", ["序号", "姓名"], rows, NOW))
    values = [r[:2] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(values) == count
    assert values[0] == ("00000", "王0") and values[-1] == (f"{count - 1:05d}", f"王{count - 1}")


def test_the_period_as_the_filters_say():
    from datetime import date

    assert period_text({}) == "全部日期"
    assert period_text(None) == "全部日期"
    d1, d2 = date(2026, 11, 1), date(2026, 11, 30)
    assert period_text({"date_from": d1, "date_to": d2}) == "2026-11-01 至 2026-11-30"
    assert period_text({"date_from": d1}) == "2026-11-01 起"
    assert period_text({"date_to": d2}) == "截至 2026-11-30"


@pytest.mark.django_db
def test_the_event_log_exports_every_filtered_event(client, manager_a, visitor_inside):
    from gatehouse.access.models import AccessEvent

    client.force_login(manager_a)
    page = client.get(reverse("registers:events"), DAY).content.decode()
    assert "export=xlsx" in page and "print=pdf" in page
    sheet = _sheet(client.get(reverse("registers:events"), {**DAY, "export": "xlsx"}))
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].endswith("通行事件记录")
    assert values[1][:3] == ["时间", "出入口/通道", "方向"]
    assert len(values) - 2 == AccessEvent.objects.filter(site=visitor_inside.site).count() > 0
    none = _sheet(
        client.get(
            reverse("registers:events"),
            {"date_from": "2026-11-25", "date_to": "2026-11-25", "export": "xlsx"},
        )
    )
    assert none.max_row == 2  # the filters hold: no event that day


@pytest.mark.django_db
def test_the_vehicle_register_exports(client, manager_a):
    client.force_login(manager_a)
    sheet = _sheet(client.get(reverse("vehicles:register"), {**DAY, "export": "xlsx"}))
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].endswith("外来车辆进出登记表")
    assert values[1][0] == "车牌号"


@pytest.mark.django_db
def test_the_cleaning_rota_exports_its_days_with_the_guards_names(client, manager_a, guard_a):
    from gatehouse.guard.duties.services import rota_set

    guard_a.first_name = "小明"
    guard_a.last_name = "李"
    guard_a.save()
    rota_set(
        site=manager_a.memberships.first().site,
        actor=manager_a,
        guards=[guard_a],
        first_day=NOW.date(),
        now=NOW,
    )
    client.force_login(manager_a)
    page = client.get(reverse("guard:cleaning")).content.decode()
    assert "export=xlsx" in page and "print=pdf" in page
    sheet = _sheet(client.get(reverse("guard:cleaning"), {"export": "xlsx"}))
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].endswith("门卫日常卫生轮流表")
    assert values[1][:4] == ["日期", "值日门卫", "完成时间", "检查人签字"]
    assert len(values) - 2 == 21  # a week back, two weeks ahead
    assert {row[1] for row in values[2:]} == {guard_a.get_full_name()}
    assert "guard_a" not in {row[1] for row in values[2:]}  # the name, not the username
