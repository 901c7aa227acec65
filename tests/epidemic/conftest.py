"""Fixtures of the epidemic tests: 东湖花园's grids (东湖街道 → 东湖社区 → 3栋网格 with house_a's
building) and its grid officer 王芳, made through the real services. ``NOW``
(tests/conftest.py) is 2026-11-24 09:30 Asia/Shanghai."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW, _user


@pytest.fixture
def officer_a(site_a):
    """王芳, grid officer at site A (a user with the role and a person record)."""
    from gatehouse.people.models import Person

    user = _user("wangfang", site=site_a, role="grid_officer")
    user.first_name = "王芳"
    user.save(update_fields=["first_name"])
    Person.objects.create(site=site_a, name="王芳", kind="property_staff", user=user)
    return user


@pytest.fixture
def grids_a(site_a, house_a, manager_a, officer_a):
    """{"street", "community", "building"}: the three levels, 3栋 in the building grid."""
    from gatehouse.epidemic import services

    street = services.grid_create(
        site=site_a, actor=manager_a, now=NOW, level="street", name="东湖街道"
    )
    community = services.grid_create(
        site=site_a,
        actor=manager_a,
        now=NOW,
        level="community",
        name="东湖社区",
        parent_id=street.pk,
    )
    building = services.grid_create(
        site=site_a,
        actor=manager_a,
        now=NOW,
        level="building",
        name="3栋网格",
        parent_id=community.pk,
        officer_id=officer_a.pk,
        volunteers="李明、赵丽",
    )
    services.grid_assign(
        grid=building, actor=manager_a, now=NOW, building_ids=[house_a.unit.building_id]
    )
    return {"street": street, "community": community, "building": building}


def open_case(site, actor, *, at=NOW, arrived=None, **kw):
    from gatehouse.epidemic import services

    arrived_on = arrived or at.date()
    args = {
        "house_number": "3-2-1201",
        "name": "张伟",
        "origin": "outside",
        "came_from": "广东省深圳市",
        "arrived_on": arrived_on,
        "test_on": arrived_on - timedelta(days=2),
        "test_result": "negative",
        "temperature": "36.5",
    } | kw
    return services.case_open(site=site, actor=actor, now=at, **args)
