"""Epidemic mode (M-02) through the real pipeline: ``mode_switch`` → ``gate_decide`` and the
guard's ``visit_register`` with health facts."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest

from gatehouse.access import modes
from gatehouse.access.models import AccessEvent, Notice
from gatehouse.core.access import Entrant, Outcome, Pending
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.sites.models import Lane
from gatehouse.visitors import services
from gatehouse.visitors.models import GateRequest, Visit, VisitStatus
from tests.conftest import ID_LI, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def epidemic(site_a, manager_a, lanes_a):
    modes.mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情防控", now=NOW)
    return site_a


def lane(lanes_a, key):
    """The lane as the gate loads it, with the site's current mode and policy."""
    return Lane.objects.select_related("gate__site").get(pk=lanes_a[key].pk)


def register(guard, at_lane, *, health, name="王五", id_number=ID_LI, now=NOW):
    return services.visit_register(
        lane=at_lane,
        actor=guard,
        kind=Entrant.VISITOR,
        name=name,
        purpose="探望",
        id_number=id_number,
        house_number="3-2-1201",
        health=health,
        now=now,
    )


def test_west_gate_closed_for_entry(epidemic, lanes_a, guard_a, resident_a, card_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "west/walk-in"),
        health=services.health_facts(necessary=True, temperature="36.5", code="green"),
    )
    assert flow.decision.outcome is Outcome.REFUSE
    assert flow.decision.reason == "mode.epidemic_entrance_closed"
    assert flow.event.outcome == "refuse" and flow.event.rule == "M-02"
    assert flow.visit.status == VisitStatus.REFUSED
    assert flow.request is None
    by_card = gate_decide(GateInput(lane=lane(lanes_a, "west/walk-in"), credential=card_a), now=NOW)
    assert by_card.decision.reason == "mode.epidemic_entrance_closed"
    assert AccessEvent.objects.filter(reason="mode.epidemic_entrance_closed").count() == 2


def test_checked_visitor_goes_on_to_host_consent(epidemic, lanes_a, guard_a, resident_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="36.5", code="green"),
    )
    assert flow.decision.outcome is Outcome.PENDING
    assert flow.decision.pending is Pending.HOST_CONSENT
    assert flow.decision.reason == "visitor.await_consent"
    visit = Visit.objects.get(pk=flow.visit.pk)
    assert visit.temperature == Decimal("36.5") and visit.health_code == "green"
    assert visit.id_number_masked == "110105********1232"
    assert visit.status == VisitStatus.WAITING
    assert flow.request.host == resident_a and flow.event.outcome == "pending"


def test_fever_refused_and_monitoring_told(epidemic, lanes_a, guard_a, resident_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="37.3", code="green"),
    )
    assert flow.decision.outcome is Outcome.REFUSE and flow.decision.reason == "epidemic.fever"
    visit = Visit.objects.get(pk=flow.visit.pk)
    assert visit.status == VisitStatus.REFUSED and visit.temperature == Decimal("37.3")
    notice = Notice.objects.get(kind="epidemic.fever")
    assert notice.audience == "monitoring" and notice.event == flow.event
    assert notice.site == epidemic
    assert flow.request is None


def test_abnormal_code_refused(epidemic, lanes_a, guard_a, resident_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="36.4", code="yellow"),
    )
    assert flow.decision.reason == "epidemic.code_abnormal"
    visit = Visit.objects.get(pk=flow.visit.pk)
    assert visit.status == VisitStatus.REFUSED and visit.health_code == "yellow"
    assert Notice.objects.filter(kind="epidemic.code_abnormal", audience="monitoring").exists()


def test_unnecessary_visit_refused(epidemic, lanes_a, guard_a, resident_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=False, temperature="36.5", code="green"),
    )
    assert flow.decision.reason == "epidemic.not_necessary"
    assert Visit.objects.get(pk=flow.visit.pk).status == VisitStatus.REFUSED
    assert AccessEvent.objects.get(visit=flow.visit).outcome == "refuse"


def test_unchecked_visitor_must_be_checked(epidemic, lanes_a, guard_a, resident_a):
    # rule M-02
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, code="green"),
    )
    assert flow.decision.reason == "epidemic.check_required"
    assert flow.decision.pending is Pending.VERIFY


def test_resident_needs_temperature(epidemic, lanes_a, card_a):
    # rule M-02
    east = lane(lanes_a, "east/walk-in")
    first = gate_decide(GateInput(lane=east, credential=card_a), now=NOW)
    assert first.decision.outcome is Outcome.PENDING
    assert first.decision.pending is Pending.VERIFY
    assert first.decision.reason == "epidemic.check_required"
    assert first.event.outcome == "pending"
    checked = gate_decide(
        GateInput(lane=east, credential=card_a, health=services.health_facts(temperature="36.6")),
        now=NOW,
    )
    assert checked.decision.allowed and checked.decision.reason == "resident.card"
    assert checked.event.outcome == "allow" and checked.event.person == card_a.person
    hot = gate_decide(
        GateInput(lane=east, credential=card_a, health=services.health_facts(temperature="37.8")),
        now=NOW,
    )
    assert hot.decision.reason == "epidemic.fever"
    assert Notice.objects.filter(kind="epidemic.fever", event=hot.event).exists()


def test_exits_never_blocked(epidemic, lanes_a, guard_a, resident_a, resident_user_a, card_a):
    # rule M-02
    out = gate_decide(GateInput(lane=lane(lanes_a, "west/walk-out"), credential=card_a), now=NOW)
    assert out.decision.allowed and out.decision.reason == "resident.exit"
    # a checked visitor admitted at the east gate after the host's consent leaves by the west gate
    flow = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="36.5", code="green"),
    )
    services.request_answer(
        request=flow.request,
        actor=resident_user_a,
        granted=True,
        via="host",
        now=NOW + timedelta(minutes=1),
    )
    admitted = services.request_resolve(
        request=flow.request, actor=guard_a, now=NOW + timedelta(minutes=2)
    )
    assert admitted.decision.reason == "visitor.consented"
    left = services.visit_leave(
        visit=admitted.visit,
        lane=lane(lanes_a, "west/walk-out"),
        actor=guard_a,
        now=NOW + timedelta(hours=1),
    )
    assert left.decision.allowed and left.decision.reason == "visitor.left"
    visit = Visit.objects.get(pk=flow.visit.pk)
    assert visit.status == VisitStatus.LEFT and visit.time_out == NOW + timedelta(hours=1)
    assert GateRequest.objects.get(pk=flow.request.pk).closed_at is not None


def test_lower_threshold_applies_at_the_gate(epidemic, lanes_a, guard_a, manager_a, resident_a):
    # rule M-02
    before = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="37.1", code="green"),
    )
    assert before.decision.reason == "visitor.await_consent"  # 37.1 < 37.3, the default
    modes.site_policy_update(
        site=epidemic,
        actor=manager_a,
        fever_threshold=Decimal("37.0"),
        request_timeout_minutes=10,
        visitor_closing_time=time(22, 0),
        anti_passback=False,
        visit_minutes=None,
        now=NOW,
    )
    after = register(
        guard_a,
        lane(lanes_a, "east/walk-in"),
        health=services.health_facts(necessary=True, temperature="37.1", code="green"),
        name="赵六",
    )
    assert after.decision.reason == "epidemic.fever"
    assert Visit.objects.get(pk=after.visit.pk).status == VisitStatus.REFUSED
    assert Notice.objects.filter(kind="epidemic.fever", event=after.event).exists()


def test_normal_mode_has_no_checks(site_a, lanes_a, card_a):
    # rule M-02 (only in epidemic mode)
    result = gate_decide(GateInput(lane=lane(lanes_a, "west/walk-in"), credential=card_a), now=NOW)
    assert result.decision.allowed and result.decision.reason == "resident.card"
