"""A parking violation, recorded from the guard's phone and found in the register (issue 17 §5;
T7 第十一条, 第十四条 — SPEC has no id for it, the reasons name T7's articles).

On a phone-sized screen the guard records 苏E·12345 parked in the fire lane with a photo; the
page says what the violation calls for (told to the employer at once); the guard records the
persuasion step, then opens 车辆违规登记表 and finds the row, still to be handled."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-parking-violation.png")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guard_records_a_violation_on_the_phone_and_sees_it_in_the_register(
    browser, live_server, guard_a, tmp_path, settings
):
    # rule T7-14
    from gatehouse.traffic.models import Violation

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG)
    base = live_server.url
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "guard_a")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/traffic/violations/new/")
    form = page.get_by_test_id("violation-form")
    form.get_by_label("车牌号").fill("苏E12345")
    form.get_by_label("违规类别").select_option(label="占用消防通道")
    form.get_by_label("地点").fill("3号楼北侧消防通道")
    form.get_by_label("现场照片").set_input_files(str(photo))
    form.get_by_label("情况说明").fill("车主不在车上，已贴提示单")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    form.get_by_role("button", name="登记").click()

    verdict = page.get_by_test_id("verdict")
    verdict.wait_for()
    assert "通报所在单位/车主" in verdict.inner_text()
    assert "苏E·12345 · 占用消防通道" in page.locator("h1").inner_text()
    assert page.locator(".photos img").count() == 1
    page.get_by_label("处理措施").select_option(label="劝阻警告")
    page.get_by_label("说明").fill("电话联系车主挪车")
    page.get_by_role("button", name="登记处理措施").click()
    page.get_by_test_id("steps").get_by_text("电话联系车主挪车").wait_for()

    page.get_by_role("link", name="车辆违规登记表").first.click()
    row = page.locator("tr", has_text="3号楼北侧消防通道")
    row.wait_for()
    text = row.inner_text()
    assert "苏E·12345" in text and "占用消防通道" in text and "待处理" in text
    assert "劝阻" in text
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    v = Violation.objects.get()
    assert (v.reported_by, v.required_step, v.handled_at) == (guard_a, 2, None)
