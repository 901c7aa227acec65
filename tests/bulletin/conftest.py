"""Fixtures of the notice-board tests: a second building at site A, and notices made through
the real service. ``NOW`` (tests/conftest.py) is 2026-11-24 09:30 Asia/Shanghai."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW


def post_notice(site, actor, *, at=NOW, **kw):
    from gatehouse.bulletin import services

    args = {
        "category": "property",
        "title": "电梯维保停运通知",
        "body": "2栋电梯定于周四维保。\n\n请提前安排出行。",
        "publish_from": at - timedelta(hours=1),
    } | kw
    return services.notice_create(site=site, actor=actor, now=at, **args)


@pytest.fixture
def building_3(house_a):
    return house_a.unit.building


@pytest.fixture
def building_5(site_a):
    from gatehouse.sites.models import Building

    return Building.objects.create(site=site_a, code="5", name="5栋")
