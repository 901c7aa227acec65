"""The outbox driver of Hikvision terminals (``DRIVERS["hikvision"]``): one command, one
terminal, over ISAPI (:mod:`.client`).

- ``person.sync``: the payload is the whole wanted state of one person (:class:`.isapi.Person`).
  The person is recorded (or modified when the terminal already has the number), the cards the
  terminal holds for them that are no longer wanted are deleted and the wanted ones added, and
  the face is set up (only sent when consent is recorded) or removed. Sending it twice leaves
  the terminal as once: every step sets, none adds twice.
- ``person.delete``: ``UserInfoDetail/Delete`` by employee number (cards and face go with it).
- ``door.open``: ``RemoteControl/door/<n>`` with ``cmd`` open.
"""

from __future__ import annotations

import threading
from typing import Any

from gatehouse.devices.adapters.hikvision import isapi
from gatehouse.devices.adapters.hikvision.client import Client, decode_face
from gatehouse.devices.models import CommandKind, Device, DeviceCommand
from gatehouse.devices.outbox import Refused, Unreached
from gatehouse.devices.services import device_password


def client_for(device: Device, **kwargs: Any) -> Client:
    """The ISAPI client of ``device`` (its address, login and decrypted password)."""
    if not device.address:
        raise Unreached("未配置终端地址")
    return Client(device.address, device.username, device_password(device), **kwargs)


# One kept client per terminal for the worker's life: its connection is reused and the digest
# challenge answered once, not once per command. Replaced when the address or login changes.
_kept: dict[int, tuple[tuple[str, str, str], Client]] = {}
_kept_lock = threading.Lock()


def kept_client(device: Device) -> Client:
    login = (device.address, device.username, device.password_cipher)
    with _kept_lock:
        found = _kept.get(device.pk)
        if found is not None and found[0] == login:
            return found[1]
        if found is not None:
            found[1].close()
        client = client_for(device)
        _kept[device.pk] = (login, client)
        return client


def deliver(device: Device, command: DeviceCommand) -> None:
    """The outbox driver: carry out ``command`` on ``device`` (raises the outbox's errors)."""
    apply(kept_client(device), command.kind, command.payload)


def apply(client: Client, kind: str, payload: dict[str, Any]) -> None:
    """Carry out one command on the terminal behind ``client``."""
    if kind == CommandKind.PERSON_SYNC:
        try:
            person = isapi.Person.from_payload(payload)
        except isapi.ProtocolError as exc:
            raise Refused(str(exc)) from exc
        person_put(client, person)
    elif kind == CommandKind.PERSON_DELETE:
        number = str(payload.get("employeeNo", ""))
        if not number:
            raise Refused("删除指令缺少人员编号")
        client.users_delete([number])
    elif kind == CommandKind.DOOR_OPEN:
        client.door_open(int(payload.get("door", 1) or 1))
    else:
        raise Refused(f"海康终端不支持指令 {kind}")


def person_put(client: Client, person: isapi.Person) -> None:
    client.user_put(person)
    wanted = set(person.cards)
    held: set[str] = set()
    if not person.fresh:
        held = {
            str(c.get("cardNo", ""))
            for c in client.cards([person.employee_no])
            if c.get("employeeNo") == person.employee_no
        }
        stale = sorted(held - wanted)
        if stale:
            client.cards_delete(stale)
    for card in sorted(wanted - held):
        client.card_put(person.employee_no, card)
    if person.face:
        client.face_put(person.employee_no, decode_face(person.face))
    elif person.had_face and not person.fresh:
        client.face_delete(person.employee_no)
