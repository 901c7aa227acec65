"""The epidemic ledgers (seed T8): disinfection of public places and vehicles, protective
equipment issued, and the medical-waste collection and transport (医废垃圾收集、运输台账) — each
a row written through its page, refused with a code when wrong, in a register with xlsx and
A4 print."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import NOW


def _post(client, name, data, at=NOW):
    with time_machine.travel(at, tick=False):
        return client.post(reverse(name), data)


def _sheet(response):
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def desk(client, manager_a):
    client.force_login(manager_a)
    return client


def test_the_waste_ledger_records_the_handover(desk, site_a, manager_a):
    # seed T8: 医废垃圾收集、运输台账 — date, weight, bags, collector, transporter, signature
    from gatehouse.audit.models import AuditEntry
    from gatehouse.epidemic.models import WasteCollection

    data = {
        "collected_on": "2026-11-24",
        "weight": "12.50",
        "bags": "3",
        "collector": "保洁员 刘强",
        "transporter": "市医疗废物处置中心 赵师傅",
        "signed_by": "赵建国",
    }
    response = _post(desk, "epidemic:ledger_waste", data)
    assert response.status_code == 302 and response["Location"] == reverse("epidemic:waste")
    row = WasteCollection.objects.get()
    assert (row.weight, row.bags, row.signed_by, row.recorded_by) == (
        Decimal("12.50"),
        3,
        "赵建国",
        manager_a,
    )
    assert AuditEntry.objects.filter(action="epidemic.waste").count() == 1
    rows = _sheet(desk.get(reverse("epidemic:waste"), {"export": "xlsx"}))
    assert rows[1] == [
        "收集日期",
        "重量（千克）",
        "袋数",
        "收集人",
        "运输单位/人",
        "交接签字",
        "登记人",
    ]
    assert rows[2][:6] == [
        "2026-11-24",
        "12.50",
        "3",
        "保洁员 刘强",
        "市医疗废物处置中心 赵师傅",
        "赵建国",
    ]
    pdf = desk.get(reverse("epidemic:waste"), {"print": "pdf"})
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_bad_ledger_rows_are_refused_with_their_codes(desk, site_a):
    from gatehouse.epidemic.models import Disinfection, SupplyIssue, WasteCollection

    waste = {
        "collected_on": "2026-11-24",
        "weight": "0",
        "bags": "3",
        "collector": "刘强",
        "transporter": "赵师傅",
        "signed_by": "赵建国",
    }
    for name, data, code in (
        ("epidemic:ledger_waste", waste, "ledger.weight"),
        ("epidemic:ledger_waste", waste | {"weight": "5", "signed_by": " "}, "form.invalid"),
        (
            "epidemic:ledger_waste",
            waste | {"weight": "5", "collected_on": "2026-11-25"},
            "ledger.future",
        ),
        (
            "epidemic:ledger_supplies",
            {
                "item": "医用口罩",
                "quantity": "0",
                "issued_to": "3栋志愿者",
                "issued_on": "2026-11-24",
            },
            "ledger.quantity",
        ),
        (
            "epidemic:ledger_supplies",
            {
                "item": "医用口罩",
                "quantity": "20",
                "issued_to": "3栋志愿者",
                "issued_on": "2026-11-25",
            },
            "ledger.future",
        ),
        (
            "epidemic:ledger_disinfection",
            {
                "target": "place",
                "place": "3栋电梯",
                "agent": "84消毒液 1:100",
                "done_at": "2026-11-24T10:30",
                "done_by": "刘强",
            },
            "ledger.future",
        ),
    ):
        response = _post(desk, name, data)
        assert response.status_code == 422, name
        assert f'data-code="{code}"'.encode() in response.content, (name, code)
    assert not WasteCollection.objects.exists()
    assert not SupplyIssue.objects.exists() and not Disinfection.objects.exists()


def test_disinfection_and_supplies_reach_their_registers(desk, site_a, manager_a):
    from gatehouse.epidemic.models import Disinfection, SupplyIssue

    _post(
        desk,
        "epidemic:ledger_disinfection",
        {
            "target": "vehicle",
            "place": "粤B12345 班车",
            "agent": "75%酒精",
            "done_at": "2026-11-24T08:00",
            "done_by": "刘强",
        },
    )
    _post(
        desk,
        "epidemic:ledger_supplies",
        {
            "item": "医用外科口罩",
            "quantity": "200",
            "issued_to": "东门岗",
            "issued_on": "2026-11-24",
        },
        NOW + timedelta(minutes=5),
    )
    assert Disinfection.objects.get().target == "vehicle"
    assert SupplyIssue.objects.get().quantity == 200
    page = desk.get(reverse("epidemic:disinfections")).content.decode()
    assert "粤B12345 班车" in page and "75%酒精" in page and "车辆" in page
    rows = _sheet(desk.get(reverse("epidemic:supplies"), {"export": "xlsx"}))
    assert rows[2][:4] == ["2026-11-24", "医用外科口罩", "200", "东门岗"]
    index = desk.get(reverse("epidemic:ledgers")).content.decode()
    assert reverse("epidemic:waste") in index and reverse("epidemic:outings") in index


def test_a_guard_may_not_write_the_ledgers(client, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("epidemic:ledger_waste")).status_code == 403
    assert client.get(reverse("epidemic:waste")).status_code == 403
