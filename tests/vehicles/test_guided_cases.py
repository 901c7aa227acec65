"""The vehicle booth's guided cases (issue 16 §2): a delivery in three touches — 送货, the
errand, then the guard's confirmation — with the lane the booth last used still chosen."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _decide(client, data):
    return client.post(reverse("vehicles:decide"), data, **HX)


def test_a_delivery_is_one_touch_for_the_errand_and_one_for_the_confirmation(
    client, clock, guard_a, lanes_a
):
    # rule V-03: a water-delivery van is verified, then let in and registered
    client.force_login(guard_a)
    lane = lanes_a["east/motor-in"]
    first = _decide(client, {"lane": lane.pk, "plate": "京A12345", "case": "delivery:water"})
    body = first.content.decode()
    assert first.status_code == 200 and "decision-pending" in body
    assert "vehicle.delivery_verify" in body and 'data-testid="answer-yes"' in body
    assert '<input type="hidden" name="errand" value="water">' in body
    pending = AccessEvent.objects.get()
    assert (pending.outcome, pending.reason, pending.rule) == (
        "pending",
        "vehicle.delivery_verify",
        "V-03",
    )
    # the confirmation sends the same input again with 已核实 = yes
    second = _decide(
        client,
        {
            "lane": lane.pk,
            "plate": "京A12345",
            "kind": "delivery",
            "errand": "water",
            "verified": "yes",
        },
    )
    assert second.status_code == 200 and "decision-allow" in second.content.decode()
    allowed = AccessEvent.objects.order_by("-pk").first()
    assert allowed.outcome == "allow" and allowed.rule == "V-03" and allowed.plate == "京A12345"


def test_an_unknown_case_is_refused_and_nothing_recorded(client, clock, guard_a, lanes_a):
    client.force_login(guard_a)
    for case in ("delivery:rocket", "emergency:", "spaceship", "visitor:water"):
        answer = _decide(
            client, {"lane": lanes_a["east/motor-in"].pk, "plate": "京A12345", "case": case}
        )
        assert answer.status_code == 422, case
    assert not AccessEvent.objects.exists()


def test_the_booth_keeps_the_lane_it_last_decided_at(client, clock, guard_a, lanes_a):
    client.force_login(guard_a)
    west = lanes_a["west/motor-in"]
    _decide(client, {"lane": west.pk, "plate": "京A12345", "case": "taxi"})
    page = client.get(reverse("vehicles:index"))
    assert page.context["form"].initial["lane"] == west.pk
    east = lanes_a["east/motor-in"]
    _decide(client, {"lane": east.pk, "plate": "京A12345", "case": "taxi"})
    assert client.get(reverse("vehicles:index")).context["form"].initial["lane"] == east.pk
