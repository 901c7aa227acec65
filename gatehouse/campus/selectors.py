"""Reads of a campus (T3): classes, class teachers, a parent's children, the day's appointments
and leave passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gatehouse.campus.models import (
    Delivery,
    FoodSample,
    GuardCheck,
    GuardLodging,
    GuardMeal,
    LeavePass,
    Supplier,
    SupplierCertificate,
)
from gatehouse.core import campus as rules
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


# -- 索证索票 (T3-04) -----------------------------------------------------------------------------


def core_certificate(c: SupplierCertificate) -> rules.Certificate:
    return rules.Certificate(c.kind, c.number, c.valid_until, c.supplier_id, c.pk)


def suppliers_at(site: Site) -> QuerySet[Supplier]:
    return Supplier.objects.filter(site=site).order_by("name", "pk")


def supplier_at(site: Site, pk: Any) -> Supplier | None:
    return Supplier.objects.filter(site=site, pk=pk).first()


def certificates_of(supplier: Supplier) -> list[SupplierCertificate]:
    return list(supplier.certificates.order_by("kind", "-valid_until", "pk"))


def certificate_at(site: Site, pk: Any) -> SupplierCertificate | None:
    return (
        SupplierCertificate.objects.filter(supplier__site=site, pk=pk)
        .select_related("supplier")
        .first()
    )


def certificates_at(site: Site) -> QuerySet[SupplierCertificate]:
    return (
        SupplierCertificate.objects.filter(supplier__site=site)
        .select_related("supplier")
        .order_by("supplier__name", "kind", "pk")
    )


@dataclass(frozen=True)
class CertRow:
    cert: SupplierCertificate
    state: str  # rules.VALID, EXPIRING or EXPIRED


@dataclass(frozen=True)
class SupplierRow:
    """A supplier on the canteen's list: its certificates judged today, and whether a delivery
    may be accepted from it today (the refusal's message if not)."""

    supplier: Supplier
    certificates: list[CertRow]
    refusal: str

    @property
    def expiring(self) -> int:
        return sum(1 for c in self.certificates if c.state == rules.EXPIRING)


def _judged(supplier: Supplier, certs: list[SupplierCertificate], now: datetime) -> SupplierRow:
    today = rules.local_day(now)
    judged = [CertRow(c, rules.cert_state(core_certificate(c), today=today)) for c in certs]
    refusal = rules.supplier_refusal([core_certificate(c) for c in certs], day=today)
    return SupplierRow(supplier, judged, refusal[1] if refusal else "")


def supplier_rows(site: Site, now: datetime) -> list[SupplierRow]:
    """T3-04: every supplier with its certificates judged on today's date."""
    by_supplier: dict[int, list[SupplierCertificate]] = {}
    for c in SupplierCertificate.objects.filter(supplier__site=site).order_by(
        "kind", "-valid_until", "pk"
    ):
        by_supplier.setdefault(c.supplier_id, []).append(c)
    return [_judged(s, by_supplier.get(s.pk, []), now) for s in suppliers_at(site)]


def supplier_row(supplier: Supplier, now: datetime) -> SupplierRow:
    """T3-04: one supplier with its certificates judged on today's date."""
    return _judged(supplier, certificates_of(supplier), now)


def certificate_choices(site: Site) -> list[tuple[int, str]]:
    """Every certificate of the site's suppliers, named for the delivery form's check boxes."""
    return [
        (
            c.pk,
            f"{c.supplier.name} · {c.get_kind_display()} {c.number}"
            + (f"（{c.holder}）" if c.holder else "")
            + (f" · {c.valid_until:%Y-%m-%d}" if c.valid_until else ""),
        )
        for c in certificates_at(site)
    ]


def deliveries_at(site: Site) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(site=site)
        .select_related("supplier", "recorded_by")
        .prefetch_related("certificates")
        .order_by("-delivered_on", "-pk")
    )


# -- guards living on campus (T3·9) ----------------------------------------------------------------


def lodgings_at(site: Site) -> QuerySet[GuardLodging]:
    return GuardLodging.objects.filter(site=site).order_by("-start", "-pk")


def bed_stays(site: Site, room: str, bed: str) -> list[tuple[date, date | None]]:
    return list(
        GuardLodging.objects.filter(site=site, room=room, bed=bed).values_list("start", "end")
    )


def lodging_at(site: Site, pk: Any) -> GuardLodging | None:
    return GuardLodging.objects.filter(site=site, pk=pk).first()


def meals_at(site: Site) -> QuerySet[GuardMeal]:
    return GuardMeal.objects.filter(site=site).order_by("-day", "-pk")


def meal_exists(site: Site, day: date, meal: str) -> bool:
    return GuardMeal.objects.filter(site=site, day=day, meal=meal).exists()


def checks_at(site: Site) -> QuerySet[GuardCheck]:
    return GuardCheck.objects.filter(site=site).order_by("-checked_on", "-pk")


def check_at(site: Site, pk: Any) -> GuardCheck | None:
    return GuardCheck.objects.filter(site=site, pk=pk).first()
