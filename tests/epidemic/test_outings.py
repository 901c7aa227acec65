"""Residents' outings in epidemic mode and the travel code at the gate (SPEC M-02): the site's
limit of outings per household every N days, counted at the gate on the way out, and the travel
code (行程卡) beside the health code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.core.errors import DomainError
from tests.conftest import CARD_ZHANG, ID_LI, NOW

CARD_LI = "0B2C3D4E"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def epidemic(site_a, manager_a, lanes_a):
    from gatehouse.access import modes

    modes.mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情防控", now=NOW)
    return site_a


@pytest.fixture
def spouse(site_a, house_a, manager_a):
    """李娜, living in the same house as 张伟 (3-2-1201), with her own card."""
    from gatehouse.people import services

    person = services.person_create(
        site=site_a, actor=manager_a, name="李娜", kind="family", id_number=ID_LI, now=NOW
    )
    services.house_link(person=person, house=house_a, relation="family", actor=manager_a)
    services.credential_issue(
        site=site_a,
        person=person,
        kind="owner_card",
        number=CARD_LI,
        valid_from=NOW - timedelta(days=30),
        actor=manager_a,
        now=NOW,
    )
    return person


def _out(lane, card, at):
    from gatehouse.gate.decide import gate_read
    from gatehouse.sites.models import Lane

    fresh = Lane.objects.select_related("gate__site").get(pk=lane.pk)
    return gate_read(lane=fresh, kind="card", value=card, now=at)


def test_the_site_limit_is_counted_per_household_and_says_when_next(
    epidemic, site_a, manager_a, card_a, spouse, walk_out_a
):
    # rule M-02: one person per household every two days, enforced on the way out
    from gatehouse.access.models import AccessEvent
    from gatehouse.epidemic import services

    services.outing_set(site=site_a, actor=manager_a, now=NOW, persons="1", days="2")
    first = _out(walk_out_a, CARD_ZHANG, NOW)
    assert first.decision.allowed
    refused = _out(walk_out_a, CARD_LI, NOW + timedelta(hours=3))
    assert refused.decision.outcome == "refuse"
    assert refused.decision.reason == "epidemic.outing_limit"
    event = AccessEvent.objects.get(pk=refused.event.pk)
    assert (event.outcome, event.reason, event.rule, event.person) == (
        "refuse",
        "epidemic.outing_limit",
        "M-02",
        spouse,
    )
    assert "本户2天内限1人次，已外出1人次" in event.message
    assert "11月26日09:30后可再外出" in event.message
    # the refusal is not an outing: two days after the first, the household may go again
    assert not _out(
        walk_out_a, CARD_ZHANG, NOW + timedelta(days=2) - timedelta(minutes=1)
    ).decision.allowed
    assert _out(walk_out_a, CARD_LI, NOW + timedelta(days=2)).decision.allowed


def test_no_limit_outside_epidemic_mode_or_for_another_house(
    site_a, manager_a, card_a, spouse, walk_out_a, lanes_a
):
    # rule M-02: the limit is of epidemic mode only
    from gatehouse.epidemic import services

    services.outing_set(site=site_a, actor=manager_a, now=NOW, persons=1, days=2)
    assert _out(walk_out_a, CARD_ZHANG, NOW).decision.allowed
    assert _out(walk_out_a, CARD_LI, NOW + timedelta(hours=1)).decision.allowed


def test_a_bad_limit_is_refused_with_its_code_and_nothing_written(site_a, manager_a):
    # rule M-02
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import OutingRule

    for persons, days, code in (
        (0, 2, "outing.persons"),
        (1, 30, "outing.days"),
        ("x", 2, "outing.not_a_number"),
    ):
        with pytest.raises(DomainError) as info:
            services.outing_set(site=site_a, actor=manager_a, now=NOW, persons=persons, days=days)
        assert info.value.code == code
    assert not OutingRule.objects.exists()


def test_the_outing_page_sets_the_limit_and_refuses_bad_input(client, site_a, manager_a):
    # rule M-02
    from gatehouse.audit.models import AuditEntry
    from gatehouse.epidemic.models import OutingRule

    client.force_login(manager_a)
    url = reverse("epidemic:outings")
    bad = client.post(url, {"persons": "0", "days": "2"})
    assert bad.status_code == 422 and b'data-code="outing.persons"' in bad.content
    assert not OutingRule.objects.exists()
    with time_machine.travel(NOW, tick=False):
        assert client.post(url, {"persons": "1", "days": "2"}).status_code == 302
    rule = OutingRule.objects.get(site=site_a)
    assert (rule.persons, rule.days, rule.updated_by) == (1, 2, manager_a)
    assert AuditEntry.objects.filter(action="epidemic.outing_set").count() == 1
    assert "每户每2天限1人次外出" in client.get(url).content.decode()


def test_a_starred_travel_code_is_refused_at_the_booth(
    client, guard_a, epidemic, resident_a, card_a
):
    # rule M-02: the travel code beside the health code; anything but green is refused
    from gatehouse.access.models import AccessEvent, Notice

    client.force_login(guard_a)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("booth:index")).content.decode()
        assert "行程卡" in page and "带星号" in page
        html = client.post(
            reverse("booth:scan"),
            {
                "value": CARD_ZHANG,
                "temperature": "36.5",
                "health_code": "green",
                "travel_code": "starred",
            },
            **HX,
        ).content.decode()
    assert "decision-refuse" in html and "行程卡异常" in html
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == (
        "refuse",
        "epidemic.travel_abnormal",
        "M-02",
    )
    assert Notice.objects.filter(audience="monitoring", kind="epidemic.travel_abnormal").exists()


def test_a_visitor_register_row_keeps_the_travel_code(epidemic, guard_a, resident_a, lanes_a):
    # rule M-02: the visitor register row records the travel code; a red one is refused
    from gatehouse.core.access import Entrant
    from gatehouse.sites.models import Lane
    from gatehouse.visitors import services

    lane = Lane.objects.select_related("gate__site").get(pk=lanes_a["east/walk-in"].pk)
    flow = services.visit_register(
        lane=lane,
        actor=guard_a,
        kind=Entrant.VISITOR,
        name="王五",
        purpose="探望",
        id_number=ID_LI,
        house_number="3-2-1201",
        health=services.health_facts(
            necessary=True, temperature="36.5", code="green", travel="red"
        ),
        now=NOW,
    )
    assert flow.decision.reason == "epidemic.travel_abnormal"
    assert (flow.visit.travel_code, flow.visit.status) == ("red", "refused")
    with pytest.raises(DomainError) as info:
        services.health_facts(temperature="36.5", code="green", travel="purple")
    assert info.value.code == "travel_code.invalid"


def test_the_device_api_takes_the_travel_code(epidemic, card_a):
    # rule M-02 (the schema knows the travel code)
    from gatehouse.access.schemas import GateDecisionIn

    body = GateDecisionIn.model_validate(
        {
            "credential": {"kind": "card", "value": CARD_ZHANG},
            "travel_code": "starred",
            "nonce": "n1",
        }
    )
    assert body.travel_code == "starred"


def test_a_person_of_no_house_is_not_counted(epidemic, site_a, manager_a, walk_out_a):
    # rule M-02: the limit is per household; staff registered in no house are not limited
    from gatehouse.people import services as people

    staff = people.person_create(
        site=site_a, actor=manager_a, name="陈刚", kind="property_staff", now=NOW
    )
    people.credential_issue(
        site=site_a,
        person=staff,
        kind="owner_card",
        number="0C3D4E5F",
        valid_from=NOW - timedelta(days=30),
        actor=manager_a,
        now=NOW,
    )
    from gatehouse.epidemic import services

    services.outing_set(site=site_a, actor=manager_a, now=NOW, persons=1, days=2)
    assert _out(walk_out_a, "0C3D4E5F", NOW).decision.allowed
    second = _out(walk_out_a, "0C3D4E5F", NOW + timedelta(hours=1))
    assert (second.decision.outcome, second.decision.reason) == ("allow", "resident.exit")
