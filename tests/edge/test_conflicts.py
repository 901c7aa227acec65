"""Conflicts found when an edge's journal is uploaded (issue 15 §Conflicts): recorded as what
happened at the gate, never merged away, and raised to the monitoring centre."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.core import signed
from gatehouse.people import services as people
from gatehouse.visitors.models import Invitation
from gatehouse_edge.offline import Edge
from gatehouse_edge.store import Store
from gatehouse_edge.sync import Syncer
from tests.access.test_device_api import make_invitation
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import PUBLIC, DjangoClient, read


def upload(syncer: Syncer) -> list[dict]:
    """Push the journal and return the server's results for it."""
    entries = [e.upload_json() for e in syncer.store.pending()]
    results = syncer.client.upload(entries).json()["results"]
    syncer.store.mark_uploaded(results, now=NOW)
    return results


def event_of(result: dict) -> AccessEvent:
    return AccessEvent.objects.get(pk=result["event_id"])


def alarms(event: AccessEvent) -> list[Notice]:
    return list(Notice.objects.filter(event=event, audience="monitoring"))


def test_card_revoked_before_an_offline_use_is_a_conflict(
    syncer, edge, server, turnstile_key, card_a, manager_a
):
    # rule P-11: the monitoring centre hears of whoever passed but should not have
    _device, key = turnstile_key
    syncer.pull()
    server.down = True
    people.credential_set_status(
        credential=card_a, status="revoked", actor=manager_a, now=NOW - timedelta(minutes=20)
    )
    told = edge.answer(key, read("card", CARD_ZHANG, "c-1"), NOW - timedelta(minutes=10))
    assert told.body["outcome"] == "allow"  # the edge did not know yet
    server.down = False
    [result] = upload(syncer)
    assert (result["status"], result["conflict"]) == ("recorded", "edge.passed_against_rule")
    event = event_of(result)
    assert (event.outcome, event.reason, event.rule) == (
        "allow",
        "edge.passed_against_rule",
        "P-11",
    )
    assert "此卡已注销" in event.message  # what the server knew
    [alarm] = alarms(event)
    assert alarm.kind == "edge.passed_against_rule" and "credential.revoked" in alarm.message


def test_card_revoked_after_the_offline_use_is_no_conflict(
    syncer, edge, server, turnstile_key, card_a, manager_a
):
    # rule P-03: admitted while the card was still valid
    _device, key = turnstile_key
    syncer.pull()
    edge.answer(key, read("card", CARD_ZHANG, "c-2"), NOW - timedelta(minutes=30))
    people.credential_set_status(
        credential=card_a, status="revoked", actor=manager_a, now=NOW - timedelta(minutes=20)
    )
    [result] = upload(syncer)
    assert result["conflict"] == ""
    event = event_of(result)
    assert (event.outcome, event.reason) == ("allow", "resident.card")
    assert alarms(event) == []


def test_holder_blacklisted_before_the_offline_use_is_a_conflict(
    syncer, edge, server, turnstile_key, card_a, resident_a, manager_a
):
    # rule P-11
    _device, key = turnstile_key
    syncer.pull()
    people.blacklist_add(
        site=resident_a.site,
        actor=manager_a,
        reason="盗窃",
        person=resident_a,
        now=NOW - timedelta(minutes=20),
    )
    edge.answer(key, read("card", CARD_ZHANG, "c-3"), NOW - timedelta(minutes=10))
    [result] = upload(syncer)
    assert result["conflict"] == "edge.passed_against_rule"
    [alarm] = alarms(event_of(result))
    assert "blacklist.hit" in alarm.message


@pytest.fixture
def second_edge(tmp_path, site_a, edge_device):
    store = Store(tmp_path / "b.sqlite3", site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    yield Syncer(store, DjangoClient(edge_device[1]), lambda: NOW), Edge(store)
    store.close()


def test_single_use_invitation_used_at_two_offline_gates(
    syncer, edge, second_edge, turnstile_key, site_a, resident_a, house_a, frozen_now
):
    # rule VI-02: a single-use invitation admits once; the second use is raised, not merged
    inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=1)
    other_syncer, other_edge = second_edge
    syncer.pull()
    other_syncer.pull()
    _device, key = turnstile_key
    at = NOW - timedelta(minutes=5)
    assert edge.answer(key, read("qr", qr, "i-1"), at).body["reason"] == "invitation.valid"
    assert other_edge.answer(key, read("qr", qr, "i-2"), at).body["reason"] == "invitation.valid"

    [first] = upload(syncer)
    assert (first["status"], first["conflict"]) == ("recorded", "")
    inv.refresh_from_db()
    assert inv.uses == 1  # the offline use took the invitation's use on the server
    [second] = upload(other_syncer)
    assert second["conflict"] == "edge.invitation_reused"
    event = event_of(second)
    assert (event.outcome, event.reason, event.rule) == ("allow", "edge.invitation_reused", "VI-02")
    [alarm] = alarms(event)
    assert alarm.kind == "edge.invitation_reused"
    assert Invitation.objects.get(pk=inv.pk).uses == 1


def test_an_uploaded_use_reaches_the_edge_count_by_delta(
    syncer, edge, turnstile_key, site_a, resident_a, house_a, frozen_now
):
    # rule VI-02: a two-use invitation used once offline still has one use after the upload
    _inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=2)
    syncer.pull()
    _device, key = turnstile_key
    edge.answer(key, read("qr", qr, "i-3"), NOW - timedelta(minutes=5))
    syncer.push()
    syncer.pull()
    again = edge.answer(key, read("qr", qr, "i-4"), NOW)
    assert again.body["reason"] == "invitation.valid"
    third = edge.answer(key, read("qr", qr, "i-5"), NOW)
    assert third.body["reason"] == "invitation.used"
