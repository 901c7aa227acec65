"""Devices at site A for the console tests: 东门's face terminal on the walk-in lane, a plate
camera on the motor-in lane, and the monitoring centre's operator."""

from __future__ import annotations

import pytest

from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from tests.campus.conftest import (  # noqa: F401 (the campus fixtures, T3 tests here)
    people,
    school,
    school_lanes,
    school_manager,
)
from tests.conftest import NOW, _user
from tests.epidemic.conftest import grids_a, officer_a  # noqa: F401 (the grids, M-03 here)


@pytest.fixture
def monitor_a(site_a):
    return _user("monitor_a", site=site_a, role="monitoring")


def live_device(site, lane, name, kind, actor, vendor="fake"):
    device = Device.objects.create(site=site, lane=lane, name=name, kind=kind, vendor=vendor)
    device_issue_key(device=device, actor=actor, now=NOW)
    device.refresh_from_db()
    return device


@pytest.fixture
def door_a(site_a, walk_in_a, manager_a):
    """东门人脸终端, live on 东门's walk-in lane, last heard from at NOW."""
    device = live_device(site_a, walk_in_a, "东门人脸终端", "face_terminal", manager_a)
    Device.objects.filter(pk=device.pk).update(last_seen_at=NOW)
    device.refresh_from_db()
    return device


@pytest.fixture
def camera_a(site_a, lanes_a, manager_a):
    """东门车牌相机, live on 东门's motor-in lane, never heard from."""
    return live_device(site_a, lanes_a["east/motor-in"], "东门车牌相机", "plate_camera", manager_a)


class FakeTerminal:
    """A driver that applies what it is sent, or fails as told."""

    def __init__(self) -> None:
        self.applied: list[tuple[str, int]] = []
        self.fail: Exception | None = None

    def __call__(self, device, command) -> None:
        if self.fail is not None:
            raise self.fail
        self.applied.append((command.kind, device.pk))


@pytest.fixture
def terminal():
    return FakeTerminal()
