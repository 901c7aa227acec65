"""Vzenith (臻识) and compatible lane cameras, as their HTTP push manual defines them.

- :mod:`.protocol`: the plate push (``AlarmInfoPlate``) read, and its reply;
- :mod:`.led`: the frames of the RS-485 LED/voice board sent through ``serialData``;
- :mod:`.heartbeat`: the heartbeat / comet polling, answered with the outbox's commands;
- :mod:`.simulator`: a camera that speaks all of it over HTTP (tests, bench, demo).

The names callers used when this was one module stay importable from the package.
"""

from gatehouse.devices.adapters.vzenith.protocol import (
    NAME,
    RETRANSFER_STOP,
    error_reply,
    offline_reply,
    parse,
    plate_id,
    push,
    reply,
)

__all__ = [
    "NAME",
    "RETRANSFER_STOP",
    "error_reply",
    "offline_reply",
    "parse",
    "plate_id",
    "push",
    "reply",
]
