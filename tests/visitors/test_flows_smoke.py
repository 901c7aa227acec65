"""Smoke of the visitor pipeline: register → pending → host consent → admit → leave."""

from __future__ import annotations

from datetime import timedelta

from gatehouse.access.models import AccessEvent
from gatehouse.core.access import Entrant
from gatehouse.visitors import services
from gatehouse.visitors.models import RequestStatus, VisitStatus
from tests.conftest import NOW


def test_walk_in_visitor_round_trip(guard_a, resident_a, resident_user_a, walk_in_a, walk_out_a):
    # rule VI-01
    first = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.VISITOR,
        name="王五",
        purpose="送文件",
        id_number="110105199001011232",
        phone="13912345678",
        house_number="3-2-1201",
        now=NOW,
    )
    assert first.decision.reason == "visitor.await_consent"
    assert first.request is not None and first.request.host == resident_a
    services.request_answer(
        request=first.request,
        actor=resident_user_a,
        granted=True,
        via="host",
        now=NOW + timedelta(minutes=2),
    )
    admitted = services.request_resolve(
        request=first.request, actor=guard_a, now=NOW + timedelta(minutes=3)
    )
    assert admitted.decision.reason == "visitor.consented"
    visit = admitted.visit
    visit.refresh_from_db()
    assert visit.status == VisitStatus.INSIDE and visit.time_in == NOW + timedelta(minutes=3)
    left = services.visit_leave(
        visit=visit, lane=walk_out_a, actor=guard_a, now=NOW + timedelta(hours=1)
    )
    assert left.decision.reason == "visitor.left"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.LEFT and visit.time_out == NOW + timedelta(hours=1)
    assert list(
        AccessEvent.objects.filter(visit=visit).order_by("pk").values_list("reason", flat=True)
    ) == ["visitor.await_consent", "visitor.consented", "visitor.left"]


def test_unanswered_request_expires_refused(guard_a, resident_a, walk_in_a):
    first = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.RELATIVE,
        name="王五",
        purpose="探亲",
        house_number="3-2-1201",
        now=NOW,
    )
    assert services.requests_expire(now=NOW + timedelta(minutes=11)) == 1
    first.request.refresh_from_db()
    assert first.request.status == RequestStatus.EXPIRED
    first.visit.refresh_from_db()
    assert first.visit.status == VisitStatus.REFUSED
    assert AccessEvent.objects.filter(visit=first.visit, outcome="refuse").count() == 1
