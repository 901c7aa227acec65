"""``manage.py device_worker --once``: one round of the outbox through the vendor's driver."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from gatehouse.devices import outbox
from gatehouse.devices.adapters import DRIVERS
from gatehouse.devices.models import CommandKind, CommandState, Device
from gatehouse.devices.services import device_issue_key

SENT: list[tuple[str, str]] = []


def record(device, command) -> None:
    """A driver the worker finds by its import path, as it finds a vendor's."""
    SENT.append((device.name, command.kind))


@pytest.fixture
def terminal(site_a, walk_in_a, manager_a, now):
    device = Device.objects.create(
        site=site_a, lane=walk_in_a, name="东门终端", kind="face_terminal", vendor="recording"
    )
    device_issue_key(device=device, actor=manager_a, now=now)
    return device


def test_one_round_delivers_through_the_vendors_driver(terminal, monkeypatch, frozen_now):
    monkeypatch.setitem(DRIVERS, "recording", f"{__name__}.record")
    SENT.clear()
    command = outbox.enqueue(device=terminal, kind=CommandKind.DOOR_OPEN, now=frozen_now)
    out = StringIO()
    call_command("device_worker", "--once", stdout=out)
    assert SENT == [("东门终端", "door.open")]
    command.refresh_from_db()
    assert command.state == CommandState.DONE
    assert "delivered 1" in out.getvalue()


def test_a_device_without_a_driver_keeps_its_commands_for_polling(terminal, frozen_now):
    command = outbox.enqueue(device=terminal, kind=CommandKind.BARRIER_LIFT, now=frozen_now)
    call_command("device_worker", "--once", stdout=StringIO())
    command.refresh_from_db()
    assert command.state == CommandState.QUEUED
