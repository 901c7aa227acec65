"""Fixtures of the governance tests: site A (东湖花园, residential) with its property company and
project, and a member of the industry association there.

Today is 24 Nov 2026 (``tests.conftest.NOW``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import NOW, _user

TODAY = date(2026, 11, 24)


@pytest.fixture
def association_a(site_a):
    return _user("assoc_a", site=site_a, role="industry_association")


@pytest.fixture
def association_b(site_b):
    return _user("assoc_b", site=site_b, role="industry_association")


def company(name: str, site, actor):
    from gatehouse.governance import services

    return services.company_create(site=site, actor=actor, now=NOW, name=name)


@pytest.fixture
def chutian(site_a, association_a):
    return company("武汉楚天物业服务有限公司", site_a, association_a)


@pytest.fixture
def project_a(site_a, association_a, chutian):
    from gatehouse.governance import services

    return services.project_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        company=chutian,
        name="东湖花园物业服务项目",
        since=date(2019, 7, 1),
    )


def full_marks() -> dict[str, Decimal]:
    from gatehouse.core.rating import SEED_CHECKLIST

    return {i.key: i.weight for i in SEED_CHECKLIST.items}


def marks(total_off: dict[str, int] | None = None) -> dict[str, Decimal]:
    """Full marks less the points in ``total_off`` per item."""
    points = full_marks()
    for key, off in (total_off or {}).items():
        points[key] -= off
    return points


def score(project, actor, *, year=2026, assessed_on=TODAY, off=None):
    from gatehouse.governance import services

    return services.assessment_score(
        project=project,
        actor=actor,
        now=NOW,
        year=year,
        assessed_on=assessed_on,
        points=marks(off),
    )


def sign_all(assessment, actor, on=TODAY):
    from gatehouse.governance import services
    from gatehouse.governance.models import Party

    for party in Party.values:
        services.signoff_record(
            assessment=assessment,
            actor=actor,
            now=NOW,
            party=party,
            signer="签署人",
            opinion="同意",
            signed_on=on,
        )
