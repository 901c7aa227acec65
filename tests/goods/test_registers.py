"""The goods registers in the console: 物品放行登记 and the goods-in register — filters, search,
tenancy, masking, paging and the xlsx export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.core.goods import CarriedItem, Hazard
from gatehouse.goods import services
from tests.conftest import NOW
from tests.goods.conftest import items, make_slip, member

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def register_rows(site_a, desk_a, guard_a, gate_a, house_a):
    """Three checks on NOW's day (released, held, refused) and one the day before."""
    released = make_slip(site_a, desk_a, plate="苏E12345")
    services.goods_out_check(
        site=site_a,
        guard=guard_a,
        now=NOW,
        goods=items(),
        slip=released,
        gate=gate_a,
        plate="苏E12345",
    )
    held = make_slip(site_a, desk_a)
    services.goods_out_check(
        site=site_a,
        guard=guard_a,
        now=NOW + timedelta(minutes=5),
        goods=items([("冰箱", 1, "台")]),
        slip=held,
    )
    services.goods_out_check(
        site=site_a, guard=guard_a, now=NOW + timedelta(minutes=9), goods=items(), gate=gate_a
    )
    yesterday = NOW - timedelta(days=1)
    old = make_slip(site_a, desk_a, at=yesterday)
    services.goods_out_check(site=site_a, guard=guard_a, now=yesterday, goods=items(), slip=old)
    return released, held, old


def test_the_release_register_lists_every_check_newest_first(client, guard_a, register_rows):
    # rule G-05: 物品放行登记
    client.force_login(guard_a)
    response = client.get(reverse("goods:register_releases"))
    html = response.content.decode()
    assert response.status_code == 200 and "物品放行登记" in html
    rows = response.context["rows"]
    assert [r["css"] for r in rows] == ["row-refused", "row-waiting", "row-allow", "row-allow"]
    cells = dict(rows[2]["pairs"])
    assert cells["放行条号"] == "FX-2026-0001"
    assert cells["携物人"] == "张*（业主）"
    assert cells["车牌号"] == "苏E·12345"
    assert cells["物品"] == "纸箱3箱、电视机1台"
    assert cells["出入口"] == "东门" and cells["时间"] == "09:30"
    assert "待确认（暂扣待处置）" in dict(rows[1]["pairs"])["结果"]
    assert "张伟" not in html


@pytest.mark.parametrize(
    ("query", "slips"),
    [
        (
            {"date_from": "2026-11-24", "date_to": "2026-11-24"},
            ["—", "FX-2026-0002", "FX-2026-0001"],
        ),
        ({"date_to": "2026-11-23"}, ["FX-2026-0003"]),
        ({"outcome": "refuse"}, ["—"]),
        ({"held": "held"}, ["FX-2026-0002"]),
        ({"q": "冰箱"}, ["FX-2026-0002"]),
        ({"q": "苏e12345"}, ["FX-2026-0001"]),
    ],
)
def test_the_release_register_filters(client, guard_a, register_rows, query, slips):
    client.force_login(guard_a)
    response = client.get(reverse("goods:register_releases"), query, **HTMX)
    assert "<html" not in response.content.decode()
    assert [dict(r["pairs"])["放行条号"] for r in response.context["rows"]] == slips


def test_a_bad_filter_says_why_and_lists_nothing(client, guard_a, register_rows):
    client.force_login(guard_a)
    response = client.get(
        reverse("goods:register_releases"), {"date_from": "2026-11-25", "date_to": "2026-11-24"}
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert response.context["rows"] == []
    response = client.get(reverse("goods:register_releases"), {"date_from": "24/11/2026"})
    assert "日期格式不正确" in response.content.decode()


def test_the_release_register_exports_xlsx(client, desk_a, register_rows):
    client.force_login(desk_a)
    response = client.get(reverse("goods:register_releases"), {"export": "xlsx", "held": "held"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "东湖花园 · 物品放行登记"
    assert values[1][:4] == ["日期", "时间", "出入口", "放行条号"]
    assert len(values) == 3 and values[2][3] == "FX-2026-0002"


def test_another_sites_rows_are_not_shown(client, site_b, register_rows):
    client.force_login(member("guard_b2", site_b, "guard"))
    response = client.get(reverse("goods:register_releases"))
    assert response.context["rows"] == []
    assert "FX-2026-0001" not in response.content.decode()


def test_the_registers_are_for_staff(client, site_a, resident_user_a):
    client.force_login(resident_user_a)
    for name in ("goods:registers", "goods:register_releases", "goods:register_entries"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(member("monitor_x", site_a, "monitoring"))
    assert client.get(reverse("goods:registers")).status_code == 200


def test_the_goods_in_register(client, site_a, guard_a, house_a, manager_a):
    # rule G-03, G-04: what came in, as registered
    services.goods_in_check(
        site=site_a,
        guard=guard_a,
        now=NOW,
        carrier="resident",
        items=[CarriedItem("汽油", Hazard.FLAMMABLE)],
        insists=True,
        carrier_name="张伟",
        house_number="3-2-1201",
    )
    services.decoration_check(
        site=site_a,
        guard=guard_a,
        now=NOW + timedelta(minutes=1),
        house_number="3-2-1201",
        items=[CarriedItem("瓷砖")],
    )
    client.force_login(manager_a)
    response = client.get(reverse("goods:register_entries"))
    rows = [dict(r["pairs"]) for r in response.context["rows"]]
    assert [(r["类别"], r["结果"]) for r in rows] == [("装修材料", "拒绝"), ("危险物品", "放行")]
    assert rows[1]["物品"] == "汽油（易燃）" and rows[1]["携带人"] == "张*（业主/住户）"
    assert "住户执意带入汽油（易燃）" in rows[1]["说明"]
    only = client.get(reverse("goods:register_entries"), {"kind": "hazard"}).context["rows"]
    assert len(only) == 1
    export = client.get(reverse("goods:register_entries"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 4
