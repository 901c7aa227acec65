"""Fixtures of the screening tests (seed template T3): 东湖中学 with a student 陈小明, a teacher
刘老师, a canteen worker 赵师傅; the security manager, the counsellor (心理老师) and the
德育安保主任 as console users. ``NOW`` (tests/conftest.py) is 2026-11-24 09:30 Shanghai."""

from __future__ import annotations

import pytest

from tests.conftest import _user


@pytest.fixture
def school(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="school", name="东湖中学", kind="campus")


@pytest.fixture
def school_manager(school):
    return _user("school_manager", site=school, role="security_manager", staff=True)


@pytest.fixture
def counsellor(school):
    return _user("counsellor", site=school, role="counsellor")


@pytest.fixture
def safety(school):
    return _user("safety", site=school, role="school_safety")


@pytest.fixture
def persons(school):
    from gatehouse.people.models import Person

    return {
        key: Person.objects.create(site=school, name=name, kind=kind)
        for key, name, kind in (
            ("student", "陈小明", "student"),
            ("other", "李小军", "student"),
            ("teacher", "刘老师", "teacher"),
            ("cook", "赵师傅", "school_staff"),
        )
    }
