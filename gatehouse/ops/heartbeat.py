"""The workers' heartbeats: one row per worker name, its time updated by the worker's loop."""

from __future__ import annotations

import time
from datetime import datetime

from gatehouse.ops.models import Heartbeat

# A loop turning twice a second writes its row at most this often (seconds, monotonic).
BEAT_EVERY = 5.0
_last: dict[str, float] = {}


def beat(name: str, now: datetime, *, force: bool = False) -> bool:
    """Record that the worker ``name`` is alive at ``now``; skipped (False) when this process
    wrote the row less than :data:`BEAT_EVERY` seconds ago, unless ``force``."""
    tick = time.monotonic()
    if not force and name in _last and tick - _last[name] < BEAT_EVERY:
        return False
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
    _last[name] = tick
    return True


def beats() -> dict[str, datetime]:
    """Every worker's latest heartbeat, by name."""
    return dict(Heartbeat.objects.values_list("name", "beat_at"))
