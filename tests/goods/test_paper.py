"""The release slip (物品放行条) printed on the server (issue 16 §1): A4, its number, its QR,
the goods, the sign-off lines; only the desk of its site gets it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.registers.test_paper import _assert_clean, _flat, _read

pytestmark = pytest.mark.django_db


def test_the_release_slip_prints_with_its_number_items_and_qr(client, desk_a, slip_a):
    client.force_login(desk_a)
    url = reverse("goods:slip_print", args=[slip_a.pk])
    page = client.get(url).content.decode()
    assert f'href="{url}?print=pdf"' in page and "window.print()" not in page
    response = client.get(url, {"print": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "FX-2026-0001.pdf" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    reader, text = _read(data)
    flat = _flat(text)
    assert "物品放行条" in flat and "东湖花园" in flat and "编号：FX-2026-0001" in flat
    assert "序号物品名称数量单位" in flat and "1纸箱3箱" in flat and "2电视机1台" in flat
    assert "张伟" in flat and "苏E·12345" in flat and "放行条二维码" in flat
    for line in ("服务中心（签章）", "门岗核验（签字）", "日期"):
        assert line in flat, line
    assert "第1页共1页" in flat
    # the QR is drawn (vector paths of the SVG), not an empty box
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b" re") + content.count(b" l\n") > 50
    _assert_clean(reader, text)


def test_the_slip_pdf_is_the_desks_of_its_site(client, guard_a, manager_b, slip_a):
    url = reverse("goods:slip_print", args=[slip_a.pk])
    client.force_login(guard_a)
    assert client.get(url, {"print": "pdf"}).status_code == 403
    client.force_login(manager_b)
    assert client.get(url, {"print": "pdf"}).status_code == 404
