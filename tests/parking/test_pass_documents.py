"""The copies filed with a vehicle pass application (V-10; T7 第一条: 出示驾驶证、机动车行驶证、
车辆保险等单证并提供复印件备案): required at issue, checked by type, visible to the approver on
the pass's page, served only to the front desk and the security manager of the site."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.parking.models import LedgerTransaction, PassDocument, VehiclePass
from gatehouse.parking.services import pass_document_add, pass_issue
from tests.conftest import NOW
from tests.parking.conftest import JPEG, PDF, copies

pytestmark = pytest.mark.django_db


def _issue(site, actor, holder, papers, **kw):
    return pass_issue(
        site=site,
        actor=actor,
        holder=holder,
        plate="鄂A12345",
        kind="owner",
        method="cash",
        now=NOW,
        **(papers | kw),
    )


@pytest.mark.parametrize(
    ("filed", "missing"),
    [
        ((), ["driving_licence", "vehicle_licence", "insurance"]),
        (("driving_licence", "vehicle_licence"), ["insurance"]),
        (("id_card", "insurance"), ["driving_licence", "vehicle_licence"]),
    ],
)
def test_v10_no_pass_without_the_copies(site_a, desk_a, resident_a, papers, filed, missing):
    with pytest.raises(DomainError) as caught:  # rule V-10
        _issue(site_a, desk_a, resident_a, papers, documents=copies(*filed) if filed else {})
    assert caught.value.code == "pass.copies_missing"
    assert caught.value.details["missing"] == missing
    assert caught.value.details["field"] == f"copy_{missing[0]}"
    assert "须提供复印件备案" in caught.value.message
    assert not VehiclePass.objects.exists() and not PassDocument.objects.exists()
    assert not LedgerTransaction.objects.exists()


def test_v10_the_copies_are_filed_with_the_pass(site_a, desk_a, resident_a, papers):
    p = _issue(site_a, desk_a, resident_a, papers)  # rule V-10
    filed = {d.kind: d for d in p.documents.all()}
    assert set(filed) == {"driving_licence", "vehicle_licence", "insurance"}
    doc = filed["insurance"]
    assert (doc.name, doc.uploaded_by, doc.uploaded_at) == ("insurance.pdf", desk_a, NOW)
    assert "insurance" not in doc.file.name  # stored under a random name
    audit = AuditEntry.objects.filter(action="vehicle_pass.document")
    assert audit.count() == 3 and audit.first().after["vehicle_pass"] == p.pk


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "upload.type"),
        (SimpleUploadedFile("a.pdf", b"MZ not a pdf"), "upload.content"),
        (SimpleUploadedFile("a.docx", b"PK\x03\x04 word"), "pass.document_type"),
    ],
)
def test_a_copy_that_is_not_a_pdf_or_picture_is_refused(
    site_a, desk_a, resident_a, papers, upload, code
):
    documents = copies() | {"insurance": upload}
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, desk_a, resident_a, papers, documents=documents)
    assert caught.value.code == code and caught.value.details["field"] == "copy_insurance"
    assert not VehiclePass.objects.exists()


def test_a_copy_added_later(site_a, desk_a, resident_a, papers):
    p = _issue(site_a, desk_a, resident_a, papers)
    photo = SimpleUploadedFile("新保单.jpg", JPEG, content_type="image/jpeg")
    doc = pass_document_add(vehicle_pass=p, actor=desk_a, now=NOW, kind="insurance", file=photo)
    assert doc.name == "新保单.jpg" and p.documents.count() == 4
    with pytest.raises(InvalidInput):
        pass_document_add(vehicle_pass=p, actor=desk_a, now=NOW, kind="passport", file=photo)


def test_the_desk_issues_with_copies_and_the_approver_reads_them(
    client, site_a, desk_a, manager_a, resident_a, spaces_a
):
    client.force_login(desk_a)
    url = f"{reverse('parking:pass_issue')}?holder={resident_a.pk}"
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="copy_driving_licence"' in page
    form = {
        "holder": resident_a.pk,
        "plate": "鄂A12345",
        "kind": "owner",
        "space": spaces_a[0].pk,
        "id_checked": "on",
        "vehicle_licence_checked": "on",
        "driving_licence_checked": "on",
        "insurance_checked": "on",
        "insurance_valid_until": "2030-01-01",
        "environmental_label": "on",
        "method": "cash",
    }
    refused = client.post(
        url, form | {"copy_driving_licence": copies("driving_licence")["driving_licence"]}
    )
    assert refused.status_code == 422
    assert "尚缺：机动车行驶证、车辆保险单" in refused.content.decode()
    assert not VehiclePass.objects.exists()
    done = client.post(url, form | {f"copy_{k}": f for k, f in copies().items()})
    assert done.status_code == 302
    p = VehiclePass.objects.get()
    doc = p.documents.get(kind="driving_licence")
    link = reverse("parking:pass_document", args=[p.pk, doc.pk])
    client.force_login(manager_a)  # the approver sees the copies beside the pass
    detail = client.get(reverse("parking:pass_detail", args=[p.pk])).content.decode()
    assert link in detail and "驾驶证" in detail
    served = client.get(link)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content) == PDF


def test_the_copies_are_private(client, site_a, desk_a, guard_a, manager_b, resident_a, papers):
    p = _issue(site_a, desk_a, resident_a, papers)
    link = reverse("parking:pass_document", args=[p.pk, p.documents.first().pk])
    client.force_login(guard_a)  # a guard does not read the copies
    assert client.get(link).status_code == 403
    client.force_login(manager_b)  # another site's manager: not found
    assert client.get(link).status_code in (403, 404)
    client.force_login(desk_a)
    other = reverse("parking:pass_document", args=[p.pk, 999999])
    assert client.get(other).status_code == 404


def test_a_copy_is_added_from_the_pass_page(client, site_a, desk_a, resident_a, papers):
    p = _issue(site_a, desk_a, resident_a, papers)
    client.force_login(desk_a)
    url = reverse("parking:pass_document_add", args=[p.pk])
    bad = client.post(url, {"kind": "other", "file": SimpleUploadedFile("合同.txt", b"hello")})
    assert bad.status_code == 422 and p.documents.count() == 3
    good = client.post(url, {"kind": "other", "file": SimpleUploadedFile("合同.pdf", PDF)})
    assert good.status_code == 302 and p.documents.filter(kind="other").count() == 1
