"""The guard's vehicle booth: decide at a lane, take the fee, the register; roles and sites."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.parking.models import LedgerTransaction
from gatehouse.vehicles.models import ParkingSession, VehicleVisit
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PLATE = "京A12345"


@pytest.fixture
def booth(client, guard_a, vlanes):
    client.force_login(guard_a)
    return client


def test_page_lists_the_vehicle_lanes(booth):
    html = booth.get(reverse("vehicles:index")).content.decode()
    assert "北门" in html and "车库口" in html and "地下车库B1" in html
    assert 'name="plate"' in html and "autofocus" in html


def test_garage_entry_exit_and_payment_at_the_booth(booth, vlanes):
    # rule V-07 / PK-07: the guard takes the fee by QR and the barrier opens
    with time_machine.travel(NOW, tick=False):
        html = booth.post(
            reverse("vehicles:decide"), {"lane": vlanes["garage/in"].pk, "plate": PLATE}, **HX
        ).content.decode()
    assert "放行" in html and PLATE in html
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        html = booth.post(
            reverse("vehicles:decide"), {"lane": vlanes["garage/out"].pk, "plate": PLATE}, **HX
        ).content.decode()
        assert "应缴停车费 ¥10.00" in html and 'value="qr"' in html
        session = ParkingSession.objects.get()
        html = booth.post(
            reverse("vehicles:pay"),
            {"session": session.pk, "lane": vlanes["garage/out"].pk, "method": "qr"},
            **HX,
        ).content.decode()
    assert "已收取 ¥10.00" in html and "停车费已缴清，放行" in html
    session.refresh_from_db()
    assert (session.status, session.paid_fen) == ("closed", 1000)
    assert LedgerTransaction.objects.count() == 1
    assert list(AccessEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "allow",
        "pending",
        "allow",
    ]


def _water_delivery(booth, vlanes):
    """A water delivery van at the north gate on NOW, verified by the guard."""
    with time_machine.travel(NOW, tick=False):
        return booth.post(
            reverse("vehicles:decide"),
            {
                "lane": vlanes["north/in"].pk,
                "plate": "沪B6789D",
                "kind": "delivery",
                "errand": "water",
                "verified": "yes",
                "driver": "李师傅",
                "destination": "5-1-302",
            },
            **HX,
        )


def test_delivery_flow_writes_the_register(booth, vlanes, guard_a):
    # rule V-03
    response = _water_delivery(booth, vlanes)
    assert response.status_code == 200
    row = VehicleVisit.objects.get()
    assert (row.plate, row.errand, row.driver, row.registered_by) == (
        "沪B6789D",
        "water",
        "李师傅",
        guard_a,
    )
    html = booth.get(reverse("vehicles:register") + "?plate=沪B").content.decode()
    assert "沪B6789D" in html and "李师傅" in html


def test_the_register_is_served_by_the_engine_filtered_exported_and_printable(
    booth, vlanes, guard_a, site_b
):
    # rule V-03: 外来车辆进出登记表, with the same filters, export and print as every register
    from io import BytesIO

    from openpyxl import load_workbook

    _water_delivery(booth, vlanes)
    VehicleVisit.objects.create(
        site=site_b, plate="沪C11111", kind="delivery", registered_at=NOW, driver="外场"
    )
    url = reverse("vehicles:register")
    response = booth.get(url)
    rows = [dict(r["pairs"]) for r in response.context["rows"]]
    assert len(rows) == 1 and rows[0]["车牌号"] == "沪B6789D"
    assert rows[0]["事由"] == "送水" and rows[0]["驾驶人"] == "李师傅"
    assert rows[0]["进入时间"].startswith("2026-11-24")
    assert "外场" not in response.content.decode()
    assert booth.get(url, {"status": "left"}).context["rows"] == []
    assert len(booth.get(url, {"plate": "b67"}).context["rows"]) == 1
    bad = booth.get(url, {"date_from": "2026-11-25", "date_to": "2026-11-24"})
    assert "结束日期不能早于开始日期" in bad.content.decode() and bad.context["rows"] == []
    export = booth.get(url, {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "车牌号" and values[2][0] == "沪B6789D" and len(values) == 3
    printed = booth.get(url, {"print": "1"}).content.decode()
    assert "window.print()" in printed and "沪B6789D" in printed


def test_bad_plate_is_422_and_writes_nothing(booth, vlanes):
    response = booth.post(
        reverse("vehicles:decide"), {"lane": vlanes["garage/in"].pk, "plate": "XYZ"}, **HX
    )
    assert response.status_code == 422 and "车牌" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_a_lane_of_another_site_is_404(booth, site_b):
    from gatehouse.sites.models import Gate, Lane

    gate = Gate.objects.create(site=site_b, code="n", name="他处北门")
    lane = Lane.objects.create(gate=gate, code="in", name="入", kind="motor", direction="in")
    response = booth.post(reverse("vehicles:decide"), {"lane": lane.pk, "plate": PLATE}, **HX)
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_residents_may_not_use_the_vehicle_booth(client, resident_user_a, vlanes):
    client.force_login(resident_user_a)
    assert client.get(reverse("vehicles:index")).status_code == 403
