"""Fixtures of the goods tests: slips made through the real services, a tenant, an enterprise,
the gate. ``NOW`` (tests/conftest.py) is Tuesday 2026-11-24 09:30, inside the default service
hours 08:00–18:00; ``NIGHT`` is the same day at 21:30, after them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import NOW, SHANGHAI

NIGHT = datetime(2026, 11, 24, 21, 30, tzinfo=SHANGHAI)
TODAY = NOW.date()
ID_TENANT = "110105198506150014"  # 刘洋, tenant of 3-2-1202


def it(name: str, qty: int | str, unit: str):
    from gatehouse.core.goods import Item

    return Item(name, Decimal(str(qty)), unit)


GOODS = (("纸箱", 3, "箱"), ("电视机", 1, "台"))


def items(rows=GOODS):
    return [it(*r) for r in rows]


def member(username: str, site, *roles: str):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password="pass-1234")
    for role in roles:
        Membership.objects.create(user=user, site=site, role=role)
    return user


def make_slip(site, actor, *, issue=True, at=NOW, rows=GOODS, **kw):
    from gatehouse.goods import services

    args = {
        "applicant_kind": "owner",
        "applicant_name": "张伟",
        "house_number": "3-2-1201",
        "valid_on": at.astimezone(SHANGHAI).date(),
    } | kw
    return services.slip_apply(
        site=site, actor=actor, now=at, items=items(rows), issue=issue, **args
    )


@pytest.fixture
def gate_a(site_a):
    from gatehouse.sites.models import Gate

    return Gate.objects.create(site=site_a, code="east", name="东门")


@pytest.fixture
def slip_a(site_a, desk_a, house_a):
    """FX-2026-0001: 张伟 of 3-2-1201 takes 纸箱 3 箱 and 电视机 1 台 out today, in 苏E·12345."""
    return make_slip(site_a, desk_a, plate="苏E12345")


@pytest.fixture
def enterprise_a(site_a):
    from gatehouse.people.models import Enterprise

    return Enterprise.objects.create(site=site_a, name="东湖物流有限公司")


@pytest.fixture
def tenant_house_a(house_a):
    from gatehouse.sites.models import House

    return House.objects.create(
        site=house_a.site, unit=house_a.unit, number="3-2-1202", room="1202"
    )


@pytest.fixture
def tenant_a(site_a, tenant_house_a, manager_a):
    from gatehouse.people import services

    person = services.person_create(
        site=site_a, actor=manager_a, name="刘洋", kind="tenant", id_number=ID_TENANT, now=NOW
    )
    services.house_link(person=person, house=tenant_house_a, relation="tenant", actor=manager_a)
    return person


@pytest.fixture
def owner_card_a(resident_a, manager_a):
    from gatehouse.people import services

    return services.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="owner_card",
        number="0A1B2C3D",
        valid_from=NOW - timedelta(days=365),
        actor=manager_a,
        now=NOW,
    )


@pytest.fixture
def patrol_a(site_a):
    return member("patrol_a", site_a, "patrol")


@pytest.fixture
def monitor_a(site_a):
    return member("monitor_a", site_a, "monitoring")
