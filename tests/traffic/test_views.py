"""The parking-violation pages: the phone form, the violation's page with its steps, the photos
served only to the site's readers, the register with filters, xlsx and A4 PDF."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from gatehouse.traffic.models import Violation, ViolationStep
from tests.conftest import NOW
from tests.traffic.conftest import JPEG, photo, record


def test_t7_14_a_guard_records_a_violation_from_the_phone(client, guard_a, company_car):
    client.force_login(guard_a)
    page = client.get(reverse("traffic:violation_new")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'capture="environment"' in page
    response = client.post(
        reverse("traffic:violation_new"),
        {
            "plate": "苏e12345",
            "kind": "disabled_bay",
            "place": "1号楼残疾人车位",
            "note": "司机不在车上",
            "photos": [photo()],
        },
    )
    v = Violation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("traffic:violation", args=[v.pk])
    # rule T7-14: the verdict is shown with the employer to tell
    detail = client.get(response["Location"]).content.decode()
    assert "苏E·12345 · 占用残疾人专用车位" in detail
    assert "首次违规：当场劝阻、警告" in detail and "苏州恒达精密机械有限公司" in detail
    picture = reverse("traffic:photo", args=[v.pk, v.photos.get().pk])
    assert picture in detail


def test_bad_input_is_a_422_with_the_message_and_nothing_written(client, guard_a):
    client.force_login(guard_a)
    response = client.post(
        reverse("traffic:violation_new"),
        {"plate": "苏E12345", "kind": "horn", "place": "东门", "photos": [photo("a.exe")]},
    )
    assert response.status_code == 422
    assert "照片只能是 JPG、PNG 或 WebP 格式" in response.content.decode()
    assert not Violation.objects.exists()


def test_a_patrol_records_and_a_resident_may_not(client, patrol_a, resident_user_a):
    client.force_login(patrol_a)
    response = client.post(
        reverse("traffic:violation_new"),
        {"plate": "苏E12345", "kind": "speeding", "place": "园区主干道"},
    )
    assert response.status_code == 302 and Violation.objects.get().reported_by == patrol_a
    client.force_login(resident_user_a)
    assert client.get(reverse("traffic:violation_new")).status_code == 403


def test_t7_14_steps_from_the_page(client, site_a, guard_a, desk_a):
    v = record(site_a, guard_a, kind="fire_lane")
    client.force_login(desk_a)
    url = reverse("traffic:violation_step", args=[v.pk])
    refused = client.post(url, {"step": "2", "note": ""})
    assert refused.status_code == 422 and not ViolationStep.objects.exists()
    assert "请写明通报了哪个单位或车主" in refused.content.decode()
    done = client.post(url, {"step": "2", "note": "电话通知所在单位保卫科"})
    assert done.status_code == 302
    step = ViolationStep.objects.get()
    assert (step.step, step.by) == (2, desk_a)
    v.refresh_from_db()
    assert v.handled_at is not None
    page = client.get(reverse("traffic:violation", args=[v.pk])).content.decode()
    assert "通报所在单位/车主" in page and "电话通知所在单位保卫科" in page and "已处理" in page


def test_the_police_outcome_form_appears_once_police_are_called(client, site_a, guard_a):
    v = record(site_a, guard_a)
    client.force_login(guard_a)
    outcome_url = reverse("traffic:violation_outcome", args=[v.pk])
    assert outcome_url not in client.get(reverse("traffic:violation", args=[v.pk])).content.decode()
    client.post(reverse("traffic:violation_step", args=[v.pk]), {"step": "3", "note": "110"})
    assert outcome_url in client.get(reverse("traffic:violation", args=[v.pk])).content.decode()
    assert client.post(outcome_url, {"outcome": "民警到场，车主道歉挪车"}).status_code == 302
    assert ViolationStep.objects.get(step=3).outcome == "民警到场，车主道歉挪车"


def test_photos_are_private_to_the_site(client, site_a, guard_a, guard_b, resident_user_a):
    v = record(site_a, guard_a, photos=[photo()])
    url = reverse("traffic:photo", args=[v.pk, v.photos.get().pk])
    client.force_login(guard_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == JPEG
    client.force_login(guard_b)  # another site's guard: not theirs
    assert client.get(url).status_code in (403, 404)
    client.force_login(resident_user_a)
    assert client.get(url).status_code == 403
    other = reverse("traffic:violation", args=[v.pk])
    client.force_login(guard_b)
    assert client.get(other).status_code in (403, 404)


def test_the_register_filters_exports_and_prints(client, site_a, guard_a):
    record(site_a, guard_a, at=NOW - timedelta(days=3), kind="horn", place="南门岗亭旁")
    record(site_a, guard_a, plate="苏E54321", kind="fire_lane", place="5号楼消防通道")
    client.force_login(guard_a)
    url = reverse("traffic:violations")
    page = client.get(url).content.decode()
    assert "车辆违规登记表" in page and "5号楼消防通道" in page and "南门岗亭旁" in page
    found = client.get(url, {"kind": "fire_lane"}).content.decode()
    assert "5号楼消防通道" in found and "南门岗亭旁" not in found
    open_only = client.get(url, {"status": "open", "step": "2"}).content.decode()
    assert "5号楼消防通道" in open_only and "南门岗亭旁" not in open_only
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    pdf = client.get(url, {"print": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
