"""Fixtures of the campus tests (seed template T3): 东湖中学 with its south gate, 初二（1）班
(a house of kind "class") with its class teacher 刘老师, the student 陈小明 with a campus card,
his mother 陈母 linked as guardian, and 初二（2）班's teacher 王老师. ``NOW``
(tests/conftest.py) is 2026-11-24 09:30 Asia/Shanghai: inside the default school hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW, _user

CARD_STUDENT = "5C0DE001"


@pytest.fixture
def school(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="school", name="东湖中学", kind="campus")


@pytest.fixture
def school_lanes(school):
    from gatehouse.sites.models import Gate, Lane

    gate = Gate.objects.create(site=school, code="south", name="南校门", open_when_tightened=True)
    return {
        d: Lane.objects.create(
            gate=gate, code=f"walk-{d}", name=f"人行{d}", kind="non_motor", direction=d
        )
        for d in ("in", "out")
    }


def _class(school, grade: str, number: str, label: str):
    from gatehouse.sites.models import Building, House, Unit

    building, _ = Building.objects.get_or_create(site=school, code="JX", name="教学楼")
    unit, _ = Unit.objects.get_or_create(building=building, code=grade)
    return House.objects.create(
        site=school, unit=unit, number=f"{grade}-{number}", room=number, kind="class", label=label
    )


@pytest.fixture
def school_manager(school):
    return _user("school_manager", site=school, role="security_manager", staff=True)


@pytest.fixture
def school_guard(school):
    return _user("school_guard", site=school, role="guard")


@pytest.fixture
def people(school, school_manager):
    """{"class", "teacher", "other_teacher", "student", "parent", "card"}, with logins for the
    teachers and the parent."""
    from gatehouse.people import services
    from gatehouse.people.models import Guardianship, Person

    klass = _class(school, "8", "1", "初二（1）班")
    other_class = _class(school, "8", "2", "初二（2）班")
    made = {}
    for key, name, kind, house, relation, username, role in (
        ("teacher", "刘老师", "teacher", klass, "class_teacher", "teacher", "teacher"),
        ("other_teacher", "王老师", "teacher", other_class, "class_teacher", "teacher2", "teacher"),
        ("student", "陈小明", "student", klass, "student", "", ""),
        ("parent", "陈母", "parent", None, "", "parent", "parent"),
    ):
        person = Person.objects.create(site=school, name=name, kind=kind)
        if house is not None:
            services.house_link(person=person, house=house, relation=relation, actor=school_manager)
        if username:
            person.user = _user(username, site=school, role=role)
            person.save(update_fields=["user"])
        made[key] = person
    Guardianship.objects.create(parent=made["parent"], student=made["student"])
    made["card"] = services.credential_issue(
        site=school,
        person=made["student"],
        kind="owner_card",
        number=CARD_STUDENT,
        actor=school_manager,
        now=NOW,
        valid_from=NOW - timedelta(days=90),
    )
    made["class"] = klass
    return made
