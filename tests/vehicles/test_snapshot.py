"""The camera's snapshot beside the lane's decision at the vehicle booth (issue 16 §2): served
only to the site's guards and security managers, private, 404 once purged or for another site;
a placeholder when the pass has no picture; the booth's refresh follows the newest read."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.devices.adapters.vzenith import protocol
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_camera_token, device_issue_key
from gatehouse.vehicles.cameras import camera_push, purge_pictures
from gatehouse.vehicles.models import PlateCapture
from gatehouse.vehicles.views import picture_type
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
SERIAL = "fe71e106-57263272"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
PLATE = "京A12345"


@pytest.fixture
def camera(site_a, manager_a, vlanes):
    """The plate camera of the garage entrance (``garage/in``)."""
    device = Device.objects.create(
        site=site_a, lane=vlanes["garage/in"], name="车库入口相机", kind="plate_camera"
    )
    device_issue_key(device=device, actor=manager_a, now=NOW)
    device_issue_camera_token(device=device, actor=manager_a, now=NOW)
    Device.objects.filter(pk=device.pk).update(serial_no=SERIAL, vendor="vzenith")
    device.refresh_from_db()
    return device


def _push(device, plate: str, plate_id: int, at=NOW, **kw) -> PlateCapture:
    camera_push(device=device, body=protocol.push(SERIAL, plate, plate_id, at, **kw), now=at)
    return PlateCapture.objects.order_by("-pk").first()


def _booth(client, user, lane) -> str:
    client.force_login(user)
    session = client.session
    session["vehicle_booth_lane"] = lane.pk
    session.save()
    return client.get(reverse("vehicles:index")).content.decode()


def _picture_url(capture: PlateCapture) -> str:
    return reverse("vehicles:capture_picture", args=[capture.pk])


# -- the picture's view ------------------------------------------------------------------------


def test_a_guard_of_the_site_gets_the_picture_private(client, camera, guard_a):
    capture = _push(camera, PLATE, 1, picture=JPEG)
    client.force_login(guard_a)
    response = client.get(_picture_url(capture))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == JPEG
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_a_security_manager_of_the_site_gets_it_too(client, camera, manager_a):
    capture = _push(camera, PLATE, 1, picture=JPEG)
    client.force_login(manager_a)
    assert client.get(_picture_url(capture)).status_code == 200


def test_another_sites_guard_gets_404(client, camera, guard_b):
    capture = _push(camera, PLATE, 1, picture=JPEG)
    client.force_login(guard_b)
    assert client.get(_picture_url(capture)).status_code == 404


def test_anonymous_is_sent_to_log_in_and_other_roles_are_refused(client, camera, desk_a):
    capture = _push(camera, PLATE, 1, picture=JPEG)
    anonymous = client.get(_picture_url(capture))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(desk_a)  # the front desk: not a booth role
    assert client.get(_picture_url(capture)).status_code == 403


def test_a_purged_picture_and_a_pass_without_one_are_404(client, camera, guard_a, settings):
    settings.GATEHOUSE_PLATE_PICTURE_DAYS = 90
    old = _push(camera, PLATE, 1, at=NOW - timedelta(days=91), picture=JPEG)
    bare = _push(camera, "京B54321", 2)
    assert purge_pictures(now=NOW) == 1
    client.force_login(guard_a)
    assert client.get(_picture_url(old)).status_code == 404
    assert client.get(_picture_url(bare)).status_code == 404
    assert client.get(reverse("vehicles:capture_picture", args=[99999])).status_code == 404


def test_the_content_type_is_read_from_the_pictures_bytes():
    assert picture_type(JPEG) == "image/jpeg"
    assert picture_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert picture_type(b"GIF89a...") == "image/gif"
    assert picture_type(b"<svg onload=alert(1)>") == ""


# -- the booth ---------------------------------------------------------------------------------


def test_the_booth_shows_the_cameras_decision_beside_its_snapshot(client, camera, guard_a, vlanes):
    capture = _push(camera, PLATE, 1, picture=JPEG)
    html = _booth(client, guard_a, vlanes["garage/in"])
    assert f'src="{_picture_url(capture)}"' in html
    assert 'data-testid="lane-decision"' in html and "放行" in html
    assert f"<strong>{PLATE}</strong>" in html and "2026-11-24 09:30:00" in html  # under it
    assert "无抓拍图片" not in html
    # the result area comes before the form: above the fold
    assert html.index('id="vehicle-result"') < html.index('class="card vehicle-form"')


def test_a_pass_without_picture_shows_the_placeholder(client, camera, guard_a, vlanes):
    _push(camera, PLATE, 1)
    html = _booth(client, guard_a, vlanes["garage/in"])
    assert "无抓拍图片" in html and "capture_picture" not in html
    assert "/picture/" not in html
    assert f"<strong>{PLATE}</strong>" in html  # the plate and time all the same


def test_a_purged_pass_and_a_lane_without_passes_show_the_placeholder(
    client, camera, guard_a, vlanes, settings
):
    settings.GATEHOUSE_PLATE_PICTURE_DAYS = 1
    _push(camera, PLATE, 1, at=NOW - timedelta(days=2), picture=JPEG)
    purge_pictures(now=NOW)
    html = _booth(client, guard_a, vlanes["garage/in"])
    assert "无抓拍图片" in html and "/picture/" not in html
    html = _booth(client, guard_a, vlanes["north/in"])
    assert "本车道暂无通行记录" in html and "无抓拍图片" in html


def test_the_guards_own_decision_has_the_placeholder(client, guard_a, vlanes):
    client.force_login(guard_a)
    with time_machine.travel(NOW, tick=False):
        html = client.post(
            reverse("vehicles:decide"), {"lane": vlanes["north/in"].pk, "plate": PLATE}, **HX
        ).content.decode()
    assert "decision-word" in html and "无抓拍图片" in html


def test_the_refresh_follows_the_newest_read(client, camera, guard_a, vlanes):
    lane = vlanes["garage/in"]
    first = _push(camera, PLATE, 1, picture=JPEG)
    client.force_login(guard_a)
    url = reverse("vehicles:lane")
    shown = f"{lane.pk}:{first.event_id}"
    unchanged = client.get(url, {"lane": lane.pk, "shown": shown}, **HX)
    assert unchanged.status_code == 204  # nothing newer: the screen stays as it is
    second = _push(camera, "京C11111", 2, at=NOW + timedelta(seconds=30), picture=JPEG)
    html = client.get(url, {"lane": lane.pk, "shown": shown}, **HX).content.decode()
    assert f'src="{_picture_url(second)}"' in html and "京C11111" in html
    assert f"shown={lane.pk}%3A{second.event_id}" in html
    # another lane chosen: its own newest pass (none here), whatever was shown before
    other = client.get(url, {"lane": vlanes["north/in"].pk, "shown": shown}, **HX)
    assert other.status_code == 200 and "本车道暂无通行记录" in other.content.decode()


def test_a_late_buffered_read_does_not_replace_the_car_at_the_barrier(
    client, camera, guard_a, vlanes
):
    now_read = _push(camera, PLATE, 1, picture=JPEG)
    _push(camera, "京D22222", 2, at=NOW - timedelta(hours=1), offline=True, picture=JPEG)
    html = _booth(client, guard_a, vlanes["garage/in"])
    assert f'src="{_picture_url(now_read)}"' in html


def test_a_refused_input_stays_up_until_a_newer_pass(client, camera, guard_a, vlanes):
    lane = vlanes["garage/in"]
    first = _push(camera, PLATE, 1, picture=JPEG)
    client.force_login(guard_a)
    refused = client.post(reverse("vehicles:decide"), {"lane": lane.pk, "no_plate": "on"}, **HX)
    assert refused.status_code == 422
    # the refusal's area watches the lane at its newest pass: the refresh leaves it up
    shown = f"{lane.pk}:{first.event_id}"
    assert f"shown={lane.pk}%3A{first.event_id}" in refused.content.decode()
    url = reverse("vehicles:lane")
    assert client.get(url, {"lane": lane.pk, "shown": shown}, **HX).status_code == 204
