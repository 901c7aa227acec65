"""Fixtures of the parking tests: site A's garage and spaces, tenants, and money helpers.

Ledger rows are append-only (triggers refuse UPDATE, and DELETE on PostgreSQL); the tests here run
in a transaction that is rolled back (``db``)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import NOW

ID_WANG = "110105198001011238"  # a valid ID (GB 11643 check digit)
ID_ZHAO = "110105198502021231"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def garage_a(site_a):
    from gatehouse.sites.models import Garage

    return Garage.objects.create(site=site_a, code="b1", name="地下车库")


@pytest.fixture
def spaces_a(garage_a):
    from gatehouse.sites.models import ParkingSpace

    return [ParkingSpace.objects.create(garage=garage_a, number=f"B1-{n:03d}") for n in range(1, 5)]


@pytest.fixture
def garage_b(site_b):
    from gatehouse.sites.models import Garage, ParkingSpace

    garage = Garage.objects.create(site=site_b, code="p1", name="西岭停车场")
    ParkingSpace.objects.create(garage=garage, number="P-001")
    return garage


def _person(site, actor, name, kind, id_number=""):
    from gatehouse.people import services

    return services.person_create(
        site=site, actor=actor, name=name, kind=kind, id_number=id_number, now=NOW
    )


@pytest.fixture
def tenant_a(site_a, manager_a):
    """王磊, a shared-rental tenant at site A (T7: one pass per person)."""
    return _person(site_a, manager_a, "王磊", "tenant", ID_WANG)


@pytest.fixture
def tenant2_a(site_a, manager_a):
    """赵敏, another tenant of the same flat."""
    return _person(site_a, manager_a, "赵敏", "tenant", ID_ZHAO)


PDF = b"%PDF-1.4\n% copy of a paper\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


def copies(*kinds: str) -> dict:
    """Uploaded copies of the papers (V-10, T7 第一条 提供复印件备案), by kind."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    kinds = kinds or ("driving_licence", "vehicle_licence", "insurance")
    return {
        kind: SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
        for kind in kinds
    }


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def papers():
    """Every document of V-10 checked and its copy filed, insurance valid for a year,
    environmental label."""
    return {
        "id_checked": True,
        "vehicle_licence_checked": True,
        "driving_licence_checked": True,
        "insurance_checked": True,
        "insurance_valid_until": date(2027, 11, 23),
        "environmental_label": True,
        "documents": copies(),
    }
