"""Fixtures of the register tests: rows built through the real gate services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW

VISITOR_ID = "110105199001011232"
VISITOR_ID_MASKED = "110105********1232"


def admit_visitor(
    *, guard, host_user, lane, at=NOW, name="王五", id_number=VISITOR_ID, purpose="送文件"
):
    """Register a walk-in visitor for 3-2-1201, the host consents, the guard admits (VI-01).

    The visitor is inside from ``at + 3 min``."""
    from gatehouse.core.access import Entrant
    from gatehouse.visitors import services

    first = services.visit_register(
        lane=lane,
        actor=guard,
        kind=Entrant.VISITOR,
        name=name,
        purpose=purpose,
        id_number=id_number,
        phone="13912345678",
        house_number="3-2-1201",
        companions=1,
        now=at,
    )
    assert first.decision.reason == "visitor.await_consent"
    services.request_answer(
        request=first.request,
        actor=host_user,
        granted=True,
        via="host",
        now=at + timedelta(minutes=2),
    )
    admitted = services.request_resolve(
        request=first.request, actor=guard, now=at + timedelta(minutes=3)
    )
    assert admitted.decision.reason == "visitor.consented"
    visit = admitted.visit
    visit.refresh_from_db()
    return visit


@pytest.fixture
def visitor_inside(guard_a, resident_user_a, walk_in_a):
    """王五, admitted at 09:33 on NOW's day, still inside."""
    return admit_visitor(guard=guard_a, host_user=resident_user_a, lane=walk_in_a)


@pytest.fixture
def lanes_b(site_b):
    from gatehouse.sites.models import Gate, Lane

    gate = Gate.objects.create(site=site_b, code="north", name="北门")
    return {
        direction: Lane.objects.create(
            gate=gate,
            code=f"walk-{direction}",
            name=f"北门{direction}",
            kind="non_motor",
            direction=direction,
        )
        for direction in ("in", "out")
    }


@pytest.fixture
def employee_a(site_a, manager_a):
    """刘洋, an employee at site A."""
    from gatehouse.people import services
    from gatehouse.people.models import Enterprise

    firm = Enterprise.objects.create(site=site_a, name="东湖物业工程部")
    return services.person_create(
        site=site_a, actor=manager_a, name="刘洋", kind="employee", enterprise=firm, now=NOW
    )
