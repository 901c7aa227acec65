"""A repair, filed on the resident's phone and finished on the worker's (issue 17 §4; SPEC GV-05
小修不过夜).

On a phone-sized screen 张伟 files a dripping tap with a photo and is told it is due tonight;
the service centre dispatches it to 刘师傅 (through the page's form); on his phone 刘师傅 sees
the order, starts it and finishes it with a note; 张伟 sees it finished and confirms."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-repair-order.png")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _phone(browser, base, username):
    page = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    return page


def test_a_resident_files_and_the_worker_finishes_on_their_phones(
    browser, live_server, resident_user_a, desk_a, site_a, tmp_path, settings
):
    # rule GV-05
    from gatehouse.repairs.models import RepairOrder
    from tests.conftest import _user

    worker = _user("worker_a", site=site_a, role="maintenance")
    worker.first_name = "刘师傅"
    worker.save()
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "漏水.jpg"
    photo.write_bytes(JPEG)
    base = live_server.url

    resident = _phone(browser, base, "zhangwei")
    resident.goto(f"{base}/my/repairs/")
    resident.get_by_test_id("repair-new").click()
    form = resident.get_by_test_id("repair-form")
    form.get_by_label("报修类别").select_option(label="水（漏水、堵塞、龙头）")
    form.get_by_label("具体位置").fill("厨房")
    form.get_by_label("问题描述").fill("厨房水龙头关不紧，一直滴水")
    form.get_by_label("照片").set_input_files(str(photo))
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    form.get_by_role("button", name="提交报修").click()
    resident.get_by_test_id("due").wait_for()
    assert "23:59" in resident.get_by_test_id("due").inner_text()
    assert resident.get_by_test_id("state").inner_text() == "待派单"
    assert resident.locator(".photos img").count() == 1
    order = RepairOrder.objects.get()

    desk = _phone(browser, base, "desk_a")
    desk.goto(f"{base}/repairs/{order.pk}/")
    desk.get_by_test_id("dispatch-form").get_by_label("维修人员").select_option(label="刘师傅")
    desk.get_by_role("button", name="派单").click()
    desk.get_by_test_id("state").get_by_text("已派单").wait_for()

    phone = _phone(browser, base, "worker_a")
    phone.goto(f"{base}/repairs/work/")
    phone.get_by_test_id(f"work-{order.pk}").click()
    phone.get_by_test_id("start").click()
    phone.get_by_test_id("state").get_by_text("维修中").wait_for()
    finish = phone.get_by_test_id("finish-form")
    finish.get_by_label("维修说明").fill("更换阀芯，已试水")
    finish.get_by_label("完工照片").set_input_files(str(photo))
    finish.get_by_role("button", name="完工", exact=True).click()
    phone.get_by_test_id("finish-note").wait_for()
    assert phone.get_by_test_id("state").inner_text() == "待住户确认"

    resident.reload()
    assert "更换阀芯，已试水" in resident.get_by_test_id("finish-note").inner_text()
    resident.get_by_test_id("confirm").click()
    resident.get_by_test_id("state").get_by_text("待回访").wait_for()
    resident.screenshot(path=str(SCREENSHOT), full_page=True)
    order.refresh_from_db()
    assert (order.state, order.assignee, order.finish_note) == (
        "confirmed",
        worker,
        "更换阀芯，已试水",
    )
    assert order.photos.count() == 2
