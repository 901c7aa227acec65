"""Fixtures of the admission tests: site B (西岭工业园) with two T1 sub-parks, its park committee,
an enterprise, and uploads that are real files of their type.

Amounts are in fen: ``WAN`` is 1万元."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import NOW, _user

WAN = 1_000_000
TODAY = date(2026, 11, 24)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ALL_DOCS = ("application", "feasibility", "licence_and_id", "credit_proof", "prior_approval")


def pdf(name: str = "材料.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auto_zone(site_b):
    from gatehouse.sites.models import Zone

    return Zone.objects.create(
        site=site_b, code="auto", name="汽车产业城", industry_focus="汽车零配件加工和整车装配"
    )


@pytest.fixture
def mixed_zone(site_b):
    from gatehouse.sites.models import Zone

    return Zone.objects.create(
        site=site_b,
        code="mixed",
        name="综合产业园(朝阳产业城)",
        industry_focus="电子、电器加工和农副产品加工",
    )


@pytest.fixture
def committee_b(site_b):
    return _user("committee_b", site=site_b, role="park_committee", staff=True)


@pytest.fixture
def committee_a(site_a):
    """A park-committee member of another site (tenancy tests)."""
    return _user("committee_a", site=site_a, role="park_committee", staff=True)


@pytest.fixture
def enterprise_b(site_b, auto_zone, committee_b):
    from gatehouse.admission import services

    return services.enterprise_create(
        site=site_b,
        actor=committee_b,
        now=NOW,
        name="安康精工汽车零部件有限公司",
        zone=auto_zone,
        industry="汽车零配件加工",
        contact_name="陈志强",
        contact_phone="13912345678",
    )


def apply(site, actor, enterprise, zone, *, docs=ALL_DOCS, now=NOW, **kw):
    """A sound application unless ``kw`` says otherwise: 2000万元 capital, 12000万元 on 100 mu."""
    from gatehouse.admission import services

    args = {
        "name": "精密齿轮生产线",
        "sector": "汽车零配件加工",
        "registered_capital_fen": 2000 * WAN,
        "paid_in_capital_fen": 2000 * WAN,
        "fixed_investment_fen": 12000 * WAN,
        "land_mu": Decimal(100),
        "applied_on": TODAY - timedelta(days=200),
        "documents": {kind: pdf(f"{kind}.pdf") for kind in docs},
    }
    args.update(kw)
    return services.project_apply(
        site=site, actor=actor, now=now, enterprise=enterprise, zone=zone, **args
    )


@pytest.fixture
def project_b(site_b, committee_b, enterprise_b, auto_zone):
    return apply(site_b, committee_b, enterprise_b, auto_zone)


def record_steps(project, actor, steps, *, start=TODAY - timedelta(days=190), gap=10):
    """Record ``steps`` in order, ``gap`` days apart from ``start``; returns the last day."""
    from gatehouse.admission import services

    day = start
    for step in steps:
        services.step_record(project=project, step=step, done_on=day, actor=actor, now=NOW)
        day += timedelta(days=gap)
    return day - timedelta(days=gap)


def reload(project):
    from gatehouse.admission.models import Project

    return Project.objects.get(pk=project.pk)


@pytest.fixture
def early_b(site_b, committee_b, enterprise_b, auto_zone):
    """A project applied for on 1 Jun 2024, for histories that go back that far."""
    return apply(site_b, committee_b, enterprise_b, auto_zone, applied_on=date(2024, 6, 1))
