"""索证索票 (seed T3 "严把食品运输、索证、加工、用餐、留样等关口", rule T3-04): the canteen's
suppliers with their certificates (and copies), and the deliveries it accepts — refused, with
the code and the Chinese reason and nothing written, when the supplier's licence is missing or
expired on the delivery day; certificates ending within 30 days flagged; the registers with
xlsx and A4."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import NOW, _user

DAY = timedelta(days=1)
TODAY = NOW.date()
PDF = b"%PDF-1.4\n% a certificate's copy\n"


@pytest.fixture
def supplier(school, school_manager):
    from gatehouse.campus import services

    found = services.supplier_add(
        site=school,
        actor=school_manager,
        name="绿源蔬菜配送",
        phone="13971234501",
        goods="蔬菜",
        now=NOW,
    )
    for kind, number, until in (
        ("business_licence", "420111000123456", None),
        ("food_licence", "JY14201110012345", TODAY + 200 * DAY),
        ("health", "鄂健0817", TODAY + 20 * DAY),
    ):
        services.certificate_add(
            supplier=found,
            actor=school_manager,
            kind=kind,
            number=number,
            valid_until=until,
            now=NOW,
        )
    return found


def _deliver(school, actor, supplier, **kw):
    from gatehouse.campus import selectors, services

    args = {
        "site": school,
        "actor": actor,
        "supplier": supplier,
        "delivered_on": TODAY,
        "goods": "青菜",
        "quantity": Decimal("60"),
        "unit": "千克",
        "receipt_no": "SH-0412",
        "certificates": selectors.certificates_of(supplier),
        "accepted_by": "食堂主管 王强",
        "now": NOW,
    }
    return services.delivery_record(**{**args, **kw})


def test_a_delivery_is_accepted_with_its_receipt_and_the_certificates_checked(
    school, school_manager, supplier
):
    # rule T3-04
    from gatehouse.audit.models import AuditEntry

    d = _deliver(school, school_manager, supplier)
    assert d.receipt_no == "SH-0412" and d.accepted_by == "食堂主管 王强"
    assert sorted(c.kind for c in d.certificates.all()) == [
        "business_licence",
        "food_licence",
        "health",
    ]
    entry = AuditEntry.objects.get(action="supply.delivery")
    assert entry.after["receipt_no"] == "SH-0412" and len(entry.after["certificates"]) == 3
    assert supplier.phone_masked == "139****4501"


def test_a_supplier_whose_licence_expired_on_the_day_is_refused_and_nothing_is_written(
    school, school_manager, supplier
):
    # rule T3-04
    from gatehouse.campus.models import Delivery
    from gatehouse.campus.selectors import supplier_rows
    from gatehouse.core.errors import InvalidInput

    food = supplier.certificates.get(kind="food_licence")
    food.valid_until = TODAY - DAY
    food.save()
    with pytest.raises(InvalidInput) as exc:
        _deliver(school, school_manager, supplier)
    assert exc.value.code == "supply.certificate_expired"
    assert "JY14201110012345" in exc.value.message and "不得验收" in exc.value.message
    assert exc.value.details["field"] == "supplier"
    assert not Delivery.objects.exists()
    # yesterday, its last valid day, the delivery was acceptable
    assert _deliver(school, school_manager, supplier, delivered_on=TODAY - DAY).pk
    (row,) = supplier_rows(school, NOW)
    assert "不得验收" in row.refusal
    assert [c.state for c in row.certificates if c.cert.kind == "health"] == ["expiring"]


def test_a_supplier_without_a_food_licence_is_refused(school, school_manager, supplier):
    # rule T3-04
    from gatehouse.campus.models import Delivery
    from gatehouse.core.errors import InvalidInput

    supplier.certificates.filter(kind="food_licence").delete()
    with pytest.raises(InvalidInput) as exc:
        _deliver(school, school_manager, supplier)
    assert exc.value.code == "supply.certificate_missing"
    assert not Delivery.objects.exists()


def test_another_suppliers_certificate_is_not_a_check(school, school_manager, supplier):
    # rule T3-04
    from gatehouse.campus import services
    from gatehouse.core.errors import InvalidInput

    other = services.supplier_add(site=school, actor=school_manager, name="江夏鲜肉", now=NOW)
    stray = services.certificate_add(
        supplier=other, actor=school_manager, kind="health", number="X1", valid_until=TODAY, now=NOW
    )
    with pytest.raises(InvalidInput) as exc:
        _deliver(school, school_manager, supplier, certificates=[stray])
    assert exc.value.code == "supply.not_suppliers"


def test_bad_suppliers_and_certificates_are_refused(school, school_manager, supplier):
    from gatehouse.campus import services
    from gatehouse.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.supplier_add(site=school, actor=school_manager, name="绿源蔬菜配送", now=NOW)
    assert exc.value.code == "supplier.exists"
    with pytest.raises(InvalidInput) as exc:
        services.supplier_add(
            site=school, actor=school_manager, name="某公司", credit_code="123", now=NOW
        )
    assert exc.value.details["field"] == "credit_code"
    with pytest.raises(InvalidInput) as exc:
        services.certificate_add(
            supplier=supplier,
            actor=school_manager,
            kind="health",
            number="H1",
            copy=SimpleUploadedFile("copy.pdf", b"MZ not a pdf"),
            valid_until=TODAY,
            now=NOW,
        )
    assert exc.value.code == "upload.content"
    assert supplier.certificates.count() == 3


@pytest.fixture
def desk(client, school_manager):
    client.force_login(school_manager)
    return client


def _post(client, url, data, at=NOW):
    with time_machine.travel(at, tick=False):
        return client.post(url, data)


def test_the_supply_pages_add_a_supplier_a_certificate_with_its_copy_and_a_delivery(
    desk, school, supplier, school_guard
):
    # rule T3-04
    from gatehouse.campus.models import Delivery, Supplier

    response = _post(
        desk, reverse("campus:supplier_new"), {"name": "楚粮米业", "phone": "", "goods": "大米"}
    )
    rice = Supplier.objects.get(name="楚粮米业")
    assert response.status_code == 302 and response.url == reverse(
        "campus:supplier", args=[rice.pk]
    )
    page = reverse("campus:supplier", args=[rice.pk])
    copy = SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")
    form = {"kind": "food_licence", "number": "SC101", "valid_until": "2026-11-20", "copy": copy}
    assert _post(desk, page, form).status_code == 302
    cert = rice.certificates.get()
    assert cert.file_name == "licence.pdf" and "楚粮" not in cert.file.name
    copy_url = reverse("campus:certificate_copy", args=[cert.pk])
    got = desk.get(copy_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Cache-Control"] == "private, no-store"
    # a food licence without an end date is refused on its field, nothing written
    refused = _post(desk, page, {"kind": "food_licence", "number": "SC102"})
    assert refused.status_code == 422 and "只有营业执照可为长期" in refused.content.decode()
    assert rice.certificates.count() == 1

    with time_machine.travel(NOW, tick=False):
        listing = desk.get(reverse("campus:supply")).content.decode()
    assert "楚粮米业" in listing and "供应商没有登记营业执照" in listing and "30天内到期" in listing

    url = reverse("campus:delivery_new")
    checked = [c.pk for c in supplier.certificates.all()]
    form = {
        "supplier": supplier.pk,
        "delivered_on": "2026-11-24",
        "goods": "青菜",
        "quantity": "60",
        "unit": "千克",
        "receipt_no": "SH-0412",
        "certificates": checked,
        "accepted_by": "王强",
    }
    assert _post(desk, url, form).status_code == 302
    assert Delivery.objects.get().goods == "青菜"
    # the rice mill's licence: refused with the code on the page, nothing written
    refused = _post(desk, url, {**form, "supplier": rice.pk, "certificates": [cert.pk]})
    body = refused.content.decode()
    assert refused.status_code == 422 and 'data-code="supply.certificate_missing"' in body
    assert Delivery.objects.count() == 1

    # the guard is not the canteen's desk; another site's staff do not see the copy
    desk.force_login(school_guard)
    assert desk.get(reverse("campus:supply")).status_code == 403
    from gatehouse.sites.models import Site

    other = Site.objects.create(code="school2", name="西湖中学", kind="campus")
    desk.force_login(_user("other_manager", site=other, role="security_manager", staff=True))
    assert desk.get(copy_url).status_code == 404
    assert desk.get(reverse("campus:supplier", args=[rice.pk])).status_code == 404


def test_the_registers_export_xlsx_and_print_a4(desk, school, school_manager, supplier):
    # rule T3-04
    from openpyxl import load_workbook

    _deliver(school, school_manager, supplier)
    response = desk.get(reverse("campus:deliveries"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = next(r for r in rows if r and r[0] == "2026-11-24")
    assert [row[1], row[2], row[4], row[5]] == ["绿源蔬菜配送", "青菜", "60 千克", "SH-0412"]
    assert "健康证" in row[6] and row[7] == "食堂主管 王强"
    pdf = desk.get(reverse("campus:deliveries"), {"print": "pdf"})
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    with time_machine.travel(NOW, tick=False):
        certs = desk.get(reverse("campus:certificates"), {"state": "expiring"})
    body = certs.content.decode()
    assert "鄂健0817" in body and "JY14201110012345" not in body
    pdf = desk.get(reverse("campus:certificates"), {"print": "pdf"})
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_models_kinds_are_the_cores():
    from gatehouse.campus.models import CertKind
    from gatehouse.core.campus import CERT_KINDS

    assert dict(CertKind.choices).keys() == CERT_KINDS.keys()
