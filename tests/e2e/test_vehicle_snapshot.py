"""The camera's snapshot beside the decision at the vehicle booth, in a real browser (issue 16
§2): a plate camera pushes a read with its picture over HTTP, the guard opens the booth at a
1366×768 desk screen and on a 1024×768 touch tablet, and the decision, the picture and the
判定 button are all above the fold; the next read replaces them without a reload."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PLATE = "京A12345"
NEXT_PLATE = "京C11111"
SERIAL = "fe71e106-57263272"


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 180), colour).save(out, format="JPEG")
    return out.getvalue()


def _above_the_fold(page, selector: str, height: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)


def test_the_snapshot_stands_beside_the_decision_above_the_fold(
    browser, live_server, guard_a, manager_a, site_a
):
    from gatehouse.devices.adapters.vzenith.simulator import SimulatedCamera
    from gatehouse.devices.models import Device
    from gatehouse.devices.services import device_issue_camera_token, device_issue_key
    from gatehouse.sites.models import Garage, Gate, Lane
    from gatehouse.vehicles.models import PlateCapture
    from tests.conftest import NOW

    garage = Garage.objects.create(site=site_a, code="b1", name="地下车库B1")
    ramp = Gate.objects.create(site=site_a, code="garage", name="车库口")
    lane_in = Lane.objects.create(
        gate=ramp, code="in", name="车库入口", kind="garage", direction="in", garage=garage
    )
    Lane.objects.create(
        gate=ramp, code="out", name="车库出口", kind="garage", direction="out", garage=garage
    )
    device = Device.objects.create(
        site=site_a, lane=lane_in, name="车库入口相机", kind="plate_camera"
    )
    device_issue_key(device=device, actor=manager_a, now=NOW)
    token = device_issue_camera_token(device=device, actor=manager_a, now=NOW)
    Device.objects.filter(pk=device.pk).update(serial_no=SERIAL, vendor="vzenith")

    camera = SimulatedCamera(live_server.url, serial=SERIAL, token=token, first_id=1000)
    try:
        camera.see(PLATE, NOW, picture=_jpeg((200, 30, 30)))
        capture = PlateCapture.objects.get()
        assert capture.license == PLATE and bytes(capture.picture)[:3] == b"\xff\xd8\xff"

        base = live_server.url
        for width, height, touch in ((1366, 768, False), (1024, 768, True)):
            context = browser.new_context(
                locale="zh-CN",
                viewport={"width": width, "height": height},
                has_touch=touch,
                is_mobile=False,
            )
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "guard_a")
            page.fill("#id_password", "pass-1234")
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/vehicles/")

            picture = page.locator("img.snapshot-picture")
            picture.wait_for()
            page.wait_for_function(
                "() => { const i = document.querySelector('img.snapshot-picture');"
                " return i && i.complete && i.naturalWidth > 0; }"
            )
            decision = page.get_by_test_id("lane-decision")
            assert "放行" in decision.locator(".decision-word").inner_text()
            assert PLATE in decision.inner_text()
            caption = page.locator(".snapshot figcaption").inner_text()
            assert PLATE in caption and "09:30" in caption
            for selector in (
                "[data-testid=lane-decision] .decision-word",
                "[data-testid=lane-decision]",
                "img.snapshot-picture",
                ".snapshot figcaption",
                "[data-testid=decide]",  # 判定, beside the plate (a 1024×768 touch screen too)
            ):
                _above_the_fold(page, selector, height)
            # beside, not under: the picture starts level with the decision
            d, p = decision.bounding_box(), picture.bounding_box()
            assert d is not None and p is not None
            assert p["x"] >= d["x"] + d["width"] - 1 and abs(p["y"] - d["y"]) < 60
            context.close()

        # The next car, with no picture: the open booth follows the newest read by itself.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "guard_a")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/vehicles/")
        page.locator("img.snapshot-picture").wait_for()
        camera.see(NEXT_PLATE, NOW + timedelta(seconds=20))  # no picture this time
        page.get_by_test_id("snapshot-none").wait_for(timeout=10_000)
        assert NEXT_PLATE in page.get_by_test_id("lane-decision").inner_text()
        assert page.locator("img.snapshot-picture").count() == 0
        _above_the_fold(page, "[data-testid=snapshot-none]", 768)
        context.close()
    finally:
        camera.close()
