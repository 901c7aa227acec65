"""Part 2 of issue 5: patrols (S-04): signed checkpoint tags, scans judged by the core, missed
checkpoints flagged, the 夜间安保巡查记录表 written by the scans, photos validated."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.guard.models import PatrolScan, Photo, ScanState
from gatehouse.guard.patrol.selectors import patrol_register
from gatehouse.guard.patrol.services import (
    patrol_flag_missed,
    patrol_scan,
    read_tag,
    tag_code,
    tag_payload,
    tag_signature,
)

from .conftest import JPEG, NIGHT, at

pytestmark = pytest.mark.django_db


def scan(route, guard, cp, when, **kw):
    return patrol_scan(route=route, actor=guard, code=tag_code(cp), now=when, **kw)


def test_s04_tags_are_signed_and_a_forged_code_is_refused(site_a, site_b, checkpoints):
    # rule S-04: the printed code is the checkpoint's code and a short check only the server knows
    garage = checkpoints[0]
    code = tag_code(garage)
    check = code.split(".")[1]
    assert code.startswith("cp-garage.") and len(check) == 4
    assert read_tag(site_a, code) == garage
    assert read_tag(site_a, tag_payload(garage)) == garage  # the QR's text
    assert read_tag(site_a, code.lower()) == garage  # typed in lower case
    assert read_tag(site_a, f" cp-garage {check} ") == garage  # a space for the dot
    assert read_tag(site_a, f"cp-garage。{check}") == garage  # a Chinese keyboard's dot
    # a tag printed before the check was shortened (six characters) still reads
    assert read_tag(site_a, f"cp-garage.{tag_signature(site_a.pk, 'cp-garage')}") == garage
    wrong = "A" * 4 if check != "AAAA" else "B" * 4
    cases = {
        f"cp-garage.{wrong}": "校验码不对",
        f"cp-garage.{check}X": "校验码不对",
        "cp-garage": "缺少校验码",
        "cp-garage.": "缺少校验码",
        "": "请输入巡更点标签下方印的编码",
        f"cp-nowhere.{check}": "没有编号为“cp-nowhere”的巡更点",
    }
    for bad, says in cases.items():
        with pytest.raises(InvalidInput) as exc:
            read_tag(site_a, bad)
        assert exc.value.code == "patrol.tag" and says in exc.value.message, (bad, exc.value)
    with pytest.raises(InvalidInput):
        read_tag(site_b, code)  # another site's tag


def test_s04_a_typed_check_forgives_digits_that_look_like_letters(site_a, checkpoints):
    # rule S-04
    garage = checkpoints[0]
    check = tag_code(garage).split(".")[1]
    typed = check.replace("O", "0").replace("I", "1").replace("B", "8")
    assert read_tag(site_a, f"cp-garage.{typed}") == garage


def test_s04_scans_count_on_time_late_or_for_no_round(site_a, patrol_a, route, checkpoints):
    # rule S-04
    garage, canteen = checkpoints
    on_time = scan(route, patrol_a, garage, at(22, 10), note="正常")
    assert (on_time.scan.state, on_time.scan.round_no, on_time.scan.night_of) == (
        ScanState.ON_TIME,
        1,
        NIGHT,
    )
    assert on_time.message == "地下车库：第1轮按时打卡"
    late = scan(route, patrol_a, canteen, at(23, 5))  # round 1 closed 23:00, grace to 23:15
    assert (late.scan.state, late.scan.round_no, late.scan.minutes_late) == (ScanState.LATE, 1, 5)
    assert late.message == "食堂后门：第1轮打卡，超时5分钟"
    early = scan(route, patrol_a, garage, at(21, 0))  # before the first round: last night's
    assert early.scan.state == ScanState.OUTSIDE and early.scan.round_no is None
    assert "不计入" in early.message
    after_midnight = scan(route, patrol_a, garage, at(0, 10, day=1))
    assert (after_midnight.scan.night_of, after_midnight.scan.state) == (NIGHT, ScanState.LATE)


def test_s04_a_checkpoint_not_on_the_route_is_refused(site_a, patrol_a, route):
    from gatehouse.sites.models import Checkpoint

    other = Checkpoint.objects.create(site=site_a, code="cp-roof", name="天台")
    with pytest.raises(DomainError) as exc:
        scan(route, patrol_a, other, at(22, 10))
    assert exc.value.code == "patrol.not_on_route"
    assert not PatrolScan.objects.exists()


def test_s04_missed_checkpoints_are_flagged_once_and_written_in_the_register(
    site_a, patrol_a, route, checkpoints
):
    # rule S-04: round 1's canteen is missed after 23:15; round 2 is still open at 23:20
    scan(route, patrol_a, checkpoints[0], at(22, 10), note="车库正常")
    assert patrol_flag_missed(site=site_a, now=at(23, 14)) == 0  # still in its grace
    assert patrol_flag_missed(site=site_a, now=at(23, 20)) == 1
    assert patrol_flag_missed(site=site_a, now=at(23, 21)) == 0  # idempotent
    notice = Notice.objects.get(kind="patrol.missed")
    assert notice.audience == "monitoring"
    assert notice.message == "巡更漏检：夜间巡更 第1轮 cp-canteen（应于11-24 23:00前打卡）"

    rows = patrol_register(site_a, at(23, 20), date_from=NIGHT, date_to=NIGHT)
    cells = [r.cells for r in rows]
    assert cells[0] == (
        "2026-11-24",
        "夜间巡更",
        "1",
        "地下车库",
        "22:00–23:00",
        "22:10",
        "patrol_a",
        "按时",
        "车库正常",
    )
    assert cells[1][3] == "食堂后门" and cells[1][7] == "漏检" and rows[1].css == "row-missed"
    assert [c[7] for c in cells[2:]] == ["待巡查", "待巡查"]


def test_s04_photos_are_validated(site_a, patrol_a, route, checkpoints, media):
    good = SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")
    result = scan(route, patrol_a, checkpoints[0], at(22, 10), photos=[good])
    photo = Photo.objects.get()
    assert photo.scan == result.scan and photo.name == "现场.jpg"
    assert photo.file.name.startswith("guard/") and "现场" not in photo.file.name
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        scan(route, patrol_a, checkpoints[1], at(22, 11), photos=[fake])
    assert exc.value.code == "photo.content"
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(InvalidInput) as exc:
        scan(route, patrol_a, checkpoints[1], at(22, 12), photos=[exe])
    assert exc.value.code == "photo.type"
    assert PatrolScan.objects.count() == 1  # the refused scans wrote nothing


def test_the_phone_page_records_a_typed_code(client, site_a, patrol_a, guard_a, route, checkpoints):
    client.force_login(guard_a)
    assert client.get(reverse("guard:patrol")).status_code == 403
    client.force_login(patrol_a)
    page = client.get(reverse("guard:patrol")).content.decode()
    assert "BarcodeDetector" not in page  # the script is our own static file
    assert "guard/patrol.js" in page and "巡更点编码" in page
    response = client.post(
        reverse("guard:patrol"),
        {"route": route.pk, "code": tag_code(checkpoints[0]), "note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "patrol-scanned"
    assert "地下车库" in response.content.decode()
    assert PatrolScan.objects.get().guard == patrol_a
    bad = client.post(
        reverse("guard:patrol"),
        {
            "route": route.pk,
            "code": "cp-garage." + ("ZZZZ" if code_zz_free(checkpoints[0]) else "YYYY"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422 and "校验码不对" in bad.content.decode()
    short = client.post(
        reverse("guard:patrol"), {"route": route.pk, "code": "cp-garage"}, HTTP_HX_REQUEST="true"
    )
    assert short.status_code == 422 and "缺少校验码" in short.content.decode()
    assert PatrolScan.objects.count() == 1  # neither was recorded


def code_zz_free(cp) -> bool:
    return not tag_code(cp).endswith(".ZZZZ")


def test_the_tags_print_with_qr_codes(client, manager_a, patrol_a, checkpoints):
    client.force_login(patrol_a)
    assert client.get(reverse("guard:tags")).status_code == 403
    client.force_login(manager_a)
    html = client.get(reverse("guard:tags")).content.decode()
    assert html.count("<svg") == 2 and tag_code(checkpoints[0]) in html


def test_the_register_exports_xlsx(client, monitor_a, patrol_a, route, checkpoints, time_machine):
    from openpyxl import load_workbook

    scan(route, patrol_a, checkpoints[0], at(22, 10))
    client.force_login(monitor_a)
    time_machine.move_to(at(23, 30), tick=False)
    url = reverse("guard:patrol_register")
    response = client.get(url, {"date_from": "2026-11-24", "date_to": "2026-11-24"})
    assert response.status_code == 200 and "夜间安保巡查记录表" in response.content.decode()
    bad = client.get(url, {"date_from": "2026-11-25", "date_to": "2026-11-24"})
    assert "结束日期不能早于开始日期" in bad.content.decode()
    export = client.get(url, {"date_from": "2026-11-24", "date_to": "2026-11-24", "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    assert sheet["A2"].value == "日期" and sheet["D3"].value == "地下车库"
