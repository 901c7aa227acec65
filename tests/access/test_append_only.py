"""Access events are append-only: the database refuses an UPDATE (trigger of access/0003)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from gatehouse.access.models import AccessEvent, EventSource
from gatehouse.gate.decide import gate_read
from tests.conftest import CARD_ZHANG, NOW


@pytest.fixture
def event(walk_in_a, card_a):
    return gate_read(lane=walk_in_a, kind="card", value=CARD_ZHANG, now=NOW).event


def test_updating_an_event_through_the_orm_is_refused(event):
    # rule P-03: the record of a decision cannot be rewritten
    event.reason = "resident.card.forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert AccessEvent.objects.get(pk=event.pk).reason == "resident.card"


def test_a_queryset_update_is_refused_too(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(outcome="refuse")
    assert AccessEvent.objects.get(pk=event.pk).outcome == "allow"


def test_new_events_can_still_be_appended(event, walk_in_a):
    second = gate_read(
        lane=walk_in_a, kind="card", value=CARD_ZHANG, now=NOW, source=EventSource.CONSOLE
    )
    assert AccessEvent.objects.count() == 2 and second.event.pk != event.pk
