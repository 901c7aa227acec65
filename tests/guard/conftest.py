"""Personas and places for the guard-operations tests (issue 5).

Site A (东湖花园) gets a gate post and a patrol post, a patrol route of two checkpoints (22:00,
two rounds an hour apart, 15 minutes' grace), keys, and the people who work there: guard_a
(already in tests/conftest.py), a second guard 赵六 (guard2_a), a patrol guard and the monitoring
centre.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import NOW, _user

SH = ZoneInfo("Asia/Shanghai")
NIGHT = NOW.date()  # 2026-11-24, a Tuesday


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A wall-clock time on NOW's day (``day`` days later)."""
    midnight = datetime.combine(NIGHT + timedelta(days=day), time(0), tzinfo=SH)
    return midnight + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def guard2_a(site_a):
    user = _user("guard2_a", site=site_a, role="guard")
    user.first_name = "赵六"
    user.save(update_fields=["first_name"])
    return user


@pytest.fixture
def patrol_a(site_a):
    return _user("patrol_a", site=site_a, role="patrol")


@pytest.fixture
def monitor_a(site_a):
    return _user("monitor_a", site=site_a, role="monitoring")


@pytest.fixture
def gate_post(site_a):
    from gatehouse.sites.models import Post

    return Post.objects.create(site=site_a, name="东门岗", kind="gate", headcount=2)


@pytest.fixture
def patrol_post(site_a):
    from gatehouse.sites.models import Post

    return Post.objects.create(site=site_a, name="户外巡逻", kind="patrol", headcount=1)


@pytest.fixture
def checkpoints(site_a):
    from gatehouse.sites.models import Checkpoint

    return [
        Checkpoint.objects.create(site=site_a, code="cp-garage", name="地下车库"),
        Checkpoint.objects.create(site=site_a, code="cp-canteen", name="食堂后门"),
    ]


@pytest.fixture
def route(site_a, checkpoints):
    from gatehouse.guard.models import PatrolRoute, RouteStop

    r = PatrolRoute.objects.create(
        site=site_a, name="夜间巡更", first_round=time(22, 0), rounds=2, every_minutes=60
    )
    for i, cp in enumerate(checkpoints):
        RouteStop.objects.create(route=r, checkpoint=cp, order=i)
    return r


@pytest.fixture
def keys_a(site_a, guard_a):
    from gatehouse.guard.keys.services import key_add

    return [
        key_add(site=site_a, actor=guard_a, label=label, door=door, holder="guard_a", now=at(0))
        for label, door in (("东门钥匙", "东门伸缩门"), ("仓库钥匙", "一号仓库"))
    ]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
