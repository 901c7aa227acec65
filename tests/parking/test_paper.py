"""The parking documents on paper (issue 16 §1): the daily income report (日收入报表) and the
vehicle pass (车辆出入证) as PDFs made on the server by the registers' paper machinery, read
back with pypdf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gatehouse.core.ledger import format_fen
from tests.registers.test_paper import _assert_clean, _flat, _read

from .test_passes import _issue

pytestmark = pytest.mark.django_db

A4 = (595.3, 841.9)


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return _read(b"".join(response.streaming_content))


def _portrait_a4(reader) -> None:
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1


@pytest.fixture
def issued(site_a, desk_a, resident_a, spaces_a, papers):
    return _issue(site_a, desk_a, resident_a, papers, plate="鄂a·12345", space=spaces_a[0])


def test_the_income_report_prints_with_the_screens_totals(client, desk_a, issued):
    client.force_login(desk_a)
    screen = client.get(reverse("parking:income"), {"day": "2026-11-24"})
    html = screen.content.decode()
    assert "day=2026-11-24&amp;print=pdf" in html  # the 打印 button
    summary = screen.context["summary"]
    reader, text = _pdf(
        client.get(reverse("parking:income"), {"day": "2026-11-24", "print": "pdf"})
    )
    flat = _flat(text)
    assert "日收入报表" in flat and "东湖花园" in flat and "日期：2026-11-24" in flat
    for label in ("项目", "金额（元）", "付款方式", "收款（元）", "退款（元）", "净额（元）"):
        assert label in flat, label
    for label in ("时间", "摘要", "类型", "收付金额（元）", "关联单据", "经办人"):
        assert label in flat, label
    # the pass: deposit 100.00 and card fee 20.00, both cash; the day's income is the card fee
    assert summary.income == 2000 and summary.payments_received == 2000
    assert f"当日收入（元）：{format_fen(summary.income)}" in flat
    assert f"当日收款（元）：{format_fen(summary.payments_received)}" in flat
    for line in screen.context["income_lines"]:
        assert f"{_flat(str(line.label))}{format_fen(line.fen)}" in flat, line
    (*_methods, total) = screen.context["method_lines"]
    assert (
        f"合计{format_fen(total.received)}{format_fen(total.paid_out)}{format_fen(total.net)}"
        in flat
    )
    rows_total = sum(r.money for r in screen.context["rows"])
    assert rows_total == total.net == 12000
    assert f"明细合计（收入为正，支出为负）{format_fen(rows_total)}" in flat
    assert "收费员（签字）" in flat and "复核人（签字）" in flat
    assert "第1页共1页" in flat
    _portrait_a4(reader)
    _assert_clean(reader, text)


def test_only_the_roles_that_see_the_report_get_its_pdf(client, guard_a, manager_a, issued):
    client.force_login(guard_a)
    response = client.get(reverse("parking:income"), {"day": "2026-11-24", "print": "pdf"})
    assert response.status_code == 403
    client.force_login(manager_a)
    reader, _text = _pdf(
        client.get(reverse("parking:income"), {"day": "2026-11-24", "print": "pdf"})
    )
    assert len(reader.pages) == 1


def test_a_bad_day_prints_nothing(client, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("parking:income"), {"day": "2026-13-40", "print": "pdf"})
    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")


def test_the_vehicle_pass_prints_as_an_a6_card_on_a4(client, desk_a, issued, manager_b):
    client.force_login(desk_a)
    url = reverse("parking:pass_print", args=[issued.pk])
    page = client.get(url).content.decode()
    assert f'href="{url}?print=pdf"' in page and "window.print()" not in page
    response = client.get(url, {"print": "pdf"})
    assert response["Cache-Control"] == "private, no-store"
    assert "CL-2026-0001.pdf" in response["Content-Disposition"]
    reader, text = _pdf(response)
    flat = _flat(text)
    assert "车辆出入证" in flat and "东湖花园" in flat and "证号：CL-2026-0001" in flat
    assert "鄂A·12345" in flat and "B1-001" in flat and "沿四角裁切线裁下" in flat
    assert "第1页共1页" in flat and "已收回" not in flat
    _portrait_a4(reader)
    _assert_clean(reader, text)
    # another site's desk does not find it
    client.force_login(manager_b)
    assert client.get(url, {"print": "pdf"}).status_code == 404
