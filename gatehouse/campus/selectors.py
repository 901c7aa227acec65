"""Reads of a campus (T3): classes, class teachers, a parent's children, the day's appointments
and leave passes."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from gatehouse.campus.models import FoodSample, LeavePass
from gatehouse.people.models import Guardianship, HouseMembership, HouseRelation, Person
from gatehouse.sites.models import House, HouseKind, Site
from gatehouse.visitors.models import Invitation


def class_of(student: Person) -> House | None:
    """The class a student belongs to (a house of kind ``class``)."""
    link = (
        HouseMembership.objects.filter(
            person=student, relation=HouseRelation.STUDENT, house__kind=HouseKind.CLASS
        )
        .select_related("house")
        .order_by("pk")
        .first()
    )
    return link.house if link is not None else None


def class_teacher_of(house: House) -> Person | None:
    link = (
        HouseMembership.objects.filter(
            house=house, relation=HouseRelation.CLASS_TEACHER, person__is_active=True
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return link.person if link is not None else None


def classes_of_teacher(teacher: Person) -> list[House]:
    return [
        link.house
        for link in HouseMembership.objects.filter(
            person=teacher, relation=HouseRelation.CLASS_TEACHER
        )
        .select_related("house")
        .order_by("house__number")
    ]


def students_of(houses: list[House]) -> QuerySet[Person]:
    return Person.objects.filter(
        house_links__house__in=houses,
        house_links__relation=HouseRelation.STUDENT,
        is_active=True,
    ).order_by("name", "pk")


def children_of(parent: Person) -> list[Person]:
    return [
        g.student
        for g in Guardianship.objects.filter(parent=parent, student__is_active=True)
        .select_related("student")
        .order_by("student__name", "pk")
    ]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day, time.max), tz)
    return start, end


def appointments_on(site: Site, day: date) -> QuerySet[Invitation]:
    """The campus's appointments whose window touches ``day`` (the guard's list at the gate)."""
    start, end = _day_bounds(day)
    return (
        Invitation.objects.filter(
            site=site, window_start__lte=end, window_end__gt=start, revoked_at__isnull=True
        )
        .select_related("host", "pupil", "booked_by")
        .order_by("window_start", "pk")
    )


def bookings_for(teacher: Person) -> QuerySet[Invitation]:
    """Parents' bookings addressed to ``teacher``, newest first."""
    return (
        Invitation.objects.filter(host=teacher, booked_by__isnull=False)
        .select_related("pupil", "booked_by")
        .order_by("-created_at", "-pk")
    )


def bookings_of(parent: Person) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(booked_by=parent)
        .select_related("pupil", "host")
        .order_by("-created_at", "-pk")
    )


def leave_passes_at(site: Site) -> QuerySet[LeavePass]:
    return (
        LeavePass.objects.filter(site=site)
        .select_related("student", "teacher", "used_event")
        .order_by("-window_start", "-pk")
    )


def leave_passes_by(teacher: Person) -> QuerySet[LeavePass]:
    return leave_passes_at(teacher.site).filter(teacher=teacher)


def samples_at(site: Site) -> QuerySet[FoodSample]:
    """The canteen's 留样记录, newest first (T3-03)."""
    return FoodSample.objects.filter(site=site).order_by("-kept_at", "-pk")
