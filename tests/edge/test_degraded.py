"""Degraded operation at the edge (issue 15): an unusable snapshot still lets the site's own
always-admitted people through, every problem is alarmed to the monitoring centre as soon as
the server can hear it, and the fire mode opens the exits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.core import edge as core
from gatehouse.core.access import Outcome
from gatehouse.people import services as people
from gatehouse.people.models import Person
from gatehouse_edge.client import ServerReply
from gatehouse_edge.store import Store
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import PUBLIC, read

TTL = 60
STALE = NOW + timedelta(seconds=90)  # past the snapshot's expiry, within the server's skew


@pytest.fixture
def short_snapshot(settings, frozen_now):
    """Snapshots that expire a minute after they are issued (at NOW)."""
    settings.GATEHOUSE_EDGE_SNAPSHOT_TTL = TTL


def flag(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(edge_always_admitted=True)


def tamper(server) -> None:
    """The server's next snapshots arrive with a broken signature."""
    real = server.snapshot

    def broken(since, health=None):
        reply = real(since, health)
        envelope = reply.json()
        envelope["signature"] = envelope["signature"][::-1]
        return ServerReply(reply.status, json.dumps(envelope).encode(), reply.content_type)

    server.snapshot = broken


# -- always admitted ------------------------------------------------------------------------------


def test_snapshot_carries_the_always_admitted_flag(syncer, store, resident_a, card_a):
    syncer.pull()
    assert store.index.get("person", resident_a.pk)["always_admitted"] is False
    flag(resident_a)
    syncer.pull()  # the change reaches the edge by delta
    assert store.index.get("person", resident_a.pk)["always_admitted"] is True


def test_stale_snapshot_still_admits_an_always_admitted_person(
    short_snapshot, syncer, edge, store, server, turnstile_key, resident_a, card_a
):
    # §12: offline with an expired snapshot, the flagged person's own card still opens, the
    # monitoring centre told; uploaded, the server records it under the edge's reason
    device, key = turnstile_key
    flag(resident_a)
    syncer.pull()
    assert not store.freshness(STALE).usable
    answer = edge.answer(key, read("card", CARD_ZHANG, "aa-1"), STALE)
    assert answer.status == 200
    body = answer.body
    assert (body["outcome"], body["reason"], body["rule"]) == (
        "allow",
        "edge.always_admitted",
        "§12",
    )
    assert [o["duty"] for o in body["obligations"]] == ["notify_monitoring"]
    assert "过期" in body["obligations"][0]["note"]
    [entry] = store.pending()
    assert entry.decision["reason"] == "edge.always_admitted"

    before = AccessEvent.objects.count()
    syncer.push()
    assert store.pending_count() == 0 and store.rejected_count() == 0
    [event] = AccessEvent.objects.order_by("id")[before:]
    assert (event.reason, event.outcome, event.at) == ("edge.always_admitted", "allow", STALE)
    assert event.person_id == resident_a.pk and event.device_id == device.pk
    assert Notice.objects.filter(event=event, audience="monitoring").exists()


def test_stale_snapshot_refuses_everyone_else(
    short_snapshot, syncer, edge, store, turnstile_key, resident_a, card_a, manager_a
):
    # §12: not flagged, a revoked card, or blacklisted: refused as without a snapshot
    _device, key = turnstile_key
    syncer.pull()
    plain = edge.answer(key, read("card", CARD_ZHANG, "aa-2"), STALE)
    assert (plain.body["outcome"], plain.body["reason"]) == ("refuse", "edge.snapshot_invalid")

    flag(resident_a)
    people.blacklist_add(
        site=resident_a.site, actor=manager_a, reason="测试", person=resident_a, now=NOW
    )
    syncer.pull()
    listed = edge.answer(key, read("card", CARD_ZHANG, "aa-3"), STALE)
    assert (listed.body["outcome"], listed.body["reason"]) == ("refuse", "edge.snapshot_invalid")

    unknown = edge.answer(key, read("card", "FFEEDDCC", "aa-4"), STALE)
    assert unknown.body["reason"] == "edge.snapshot_invalid"
    assert [e.decision["reason"] for e in store.pending()] == ["edge.snapshot_invalid"] * 3


def test_always_admitted_is_for_people_lanes_only(
    short_snapshot, syncer, edge, turnstile_key, resident_a, card_a
):
    # rule P-01, §12: a motor lane is not for people, even for the always-admitted
    _device, key = turnstile_key
    flag(resident_a)
    syncer.pull()
    motor = edge.answer(key, read("card", CARD_ZHANG, "aa-8", lane="east/motor-in"), STALE)
    assert (motor.body["outcome"], motor.body["reason"]) == ("refuse", "edge.snapshot_invalid")
    walk = edge.answer(key, read("card", CARD_ZHANG, "aa-9", lane="east/walk-out"), STALE)
    assert (walk.body["outcome"], walk.body["reason"]) == ("allow", "edge.always_admitted")


def test_always_admitted_needs_an_active_valid_card_of_their_own():
    # §12: the core's rule, case by case
    person = {"id": 7, "active": True, "always_admitted": True, "kind": "staff"}
    card = {
        "id": 1,
        "person_id": 7,
        "kind": "staff_badge",
        "status": "active",
        "valid_from": (NOW - timedelta(days=1)).isoformat(),
        "valid_until": None,
    }

    def decide(p, c, **kw):
        kw.setdefault("blacklisted", False)
        return core.always_admitted(p, c, at=NOW, problem="名单已过期", **kw)

    assert decide(person, card).reason == "edge.always_admitted"
    assert decide(person, card).outcome is Outcome.ALLOW
    refused = "edge.snapshot_invalid"
    assert decide({**person, "always_admitted": False}, card).reason == refused
    assert decide({**person, "active": False}, card).reason == refused
    assert decide(person, card, blacklisted=True).reason == refused
    assert decide(person, {**card, "status": "lost"}).reason == refused
    assert decide(person, {**card, "person_id": 8}).reason == refused
    assert decide(person, {**card, "kind": "parking_card"}).reason == refused
    assert decide(
        person, {**card, "valid_from": (NOW + timedelta(hours=1)).isoformat()}
    ).reason == (refused)
    assert decide(person, {**card, "valid_until": NOW.isoformat()}).reason == refused
    assert decide(person, None).reason == refused
    assert decide(person, card, lane_kind="motor").reason == refused  # rule P-01
    assert decide(person, None, face=True).reason == "edge.always_admitted"
    assert decide(None, None, face=True).reason == refused
    # the server accepts the edge's new reasons on upload
    for reason in ("edge.always_admitted", "edge.fire_evacuation"):
        assert core.decision_from_json({"outcome": "allow", "reason": reason}).reason == reason


def test_face_of_an_always_admitted_person_passes_a_stale_edge(
    short_snapshot, syncer, edge, turnstile_key, resident_a, card_a
):
    # §12: a face terminal names the person; flagged and active, they pass
    _device, key = turnstile_key
    flag(resident_a)
    syncer.pull()
    answer = edge.answer(key, read("face", str(resident_a.pk), "aa-5"), STALE)
    assert (answer.body["outcome"], answer.body["reason"]) == ("allow", "edge.always_admitted")


def test_a_refused_newer_snapshot_disables_the_old_one_and_alarms(
    syncer, edge, store, server, turnstile_key, resident_a, card_a
):
    # §12: a snapshot with a broken signature leaves the edge without a trusted one: reads are
    # refused (the always-admitted excepted) and the monitoring centre is alarmed at once
    _device, key = turnstile_key
    assert syncer.run_once()
    assert store.freshness(NOW).usable
    tamper(server)
    assert not syncer.run_once()
    assert syncer.online  # the server was reached: the alarm went out in the same round
    fresh = store.freshness(NOW)
    assert (fresh.usable, fresh.code) == (False, "snapshot.signature")
    [alarm] = store.alarms()
    assert alarm.code == "snapshot.signature" and "不可用" in alarm.message
    assert alarm.sent_at is not None and server.received[alarm.seq]["code"] == "snapshot.signature"
    refused = edge.answer(key, read("card", CARD_ZHANG, "aa-6"), NOW)
    assert refused.body["reason"] == "edge.snapshot_invalid"
    assert "被拒绝" in refused.body["obligations"][0]["note"]

    flag(resident_a)
    assert not syncer.run_once()  # still refused: no second alarm for the same problem
    assert len(store.alarms()) == 1
    del server.snapshot  # the server signs properly again
    assert syncer.run_once()
    assert store.freshness(NOW).usable
    admitted = edge.answer(key, read("card", CARD_ZHANG, "aa-7"), NOW)
    assert admitted.body["reason"] == "resident.card"


# -- alarms ---------------------------------------------------------------------------------------


def test_expiry_is_alarmed_once_and_delivered_when_the_link_returns(
    short_snapshot, syncer, store, server, tmp_path, site_a
):
    # S-05 / §12: the snapshot expires while the link is cut; the alarm is queued durably at
    # once and posted, once, as soon as the server is reached
    assert syncer.run_once()
    server.down = True
    syncer.clock = lambda: STALE
    assert not syncer.run_once()
    [alarm] = store.alarms(pending=True)
    assert alarm.code == "snapshot.expired" and alarm.at == STALE.isoformat()
    assert not syncer.run_once()
    assert len(store.alarms()) == 1  # raised once, not every round

    # durable: another process opening the file sees it waiting
    from gatehouse.core import signed

    again = Store(store.path, site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    try:
        assert [a.seq for a in again.alarms(pending=True)] == [alarm.seq]
    finally:
        again.close()

    server.down = False
    server.alarms_down = True  # the server is back but its alarm endpoint fails: retried
    syncer.run_once()
    assert store.alarms(pending=True)
    server.alarms_down = False
    syncer.run_once()
    assert store.alarms(pending=True) == []
    assert server.received[alarm.seq] == {
        "seq": alarm.seq,
        "code": "snapshot.expired",
        "message": alarm.message,
        "at": STALE.isoformat(),
    }
    assert store.alarms()[0].sent_status == "recorded"


def test_an_unacknowledged_alarm_waits_and_the_edge_stays_online(syncer, store, server):
    # S-05: a server without the alarm endpoint (or any answer but 200) acknowledges nothing;
    # the alarm stays queued, the rest of the sync goes on
    server.alarms = lambda alarms: ServerReply(404, b'{"code": "not_found"}', "application/json")
    store.set_fire(True, now=NOW)
    assert syncer.run_once() and syncer.online
    [alarm] = store.alarms(pending=True)
    assert alarm.code == "edge.fire_on"
    del server.alarms  # the server answers the protocol again
    assert syncer.run_once()
    assert server.received[alarm.seq]["code"] == "edge.fire_on"
    assert store.alarms(pending=True) == []


def test_every_snapshot_request_reports_the_edges_health(
    syncer, edge, store, server, turnstile_key, card_a
):
    _device, key = turnstile_key
    syncer.pull()
    issued = store.meta["issued_at"]
    server.down = True
    edge.answer(key, read("card", CARD_ZHANG, "h-1"), NOW)
    store.set_fire(True, now=NOW)
    server.down = False
    server.sent_headers.clear()
    syncer.pull()
    assert server.sent_headers[0] == {
        "X-Edge-Pending": "1",
        "X-Edge-Rejected": "0",
        "X-Edge-Snapshot-Issued-At": issued,
        "X-Edge-Fire": "1",
    }


# -- fire mode ------------------------------------------------------------------------------------


def test_fire_mode_opens_exits_only_and_alarms_its_switching(
    short_snapshot, syncer, edge, store, server, turnstile_key, card_a
):
    # S-13: with the fire mode on, any read at an exit opens at once (even an unknown card,
    # even with a stale snapshot); entries are decided as usual; switching is alarmed
    _device, key = turnstile_key
    syncer.pull()
    assert store.set_fire(True, now=NOW, by="张三").code == "edge.fire_on"
    assert store.set_fire(True, now=NOW) is None  # already on: nothing new
    out = edge.answer(key, read("card", "FFEEDDCC", "f-1", lane="east/walk-out"), STALE)
    assert (out.body["outcome"], out.body["reason"], out.body["rule"]) == (
        "allow",
        "edge.fire_evacuation",
        "S-13",
    )
    assert out.body["obligations"][0]["duty"] == "notify_monitoring"
    inward = edge.answer(key, read("card", "FFEEDDCC", "f-2", lane="east/walk-in"), NOW)
    assert (inward.body["outcome"], inward.body["reason"]) == ("refuse", "credential.unknown")
    # the server records the evacuation as it happened, no conflict raised
    before = AccessEvent.objects.count()
    syncer.push()
    events = list(AccessEvent.objects.order_by("id")[before:])
    assert [(e.reason, e.outcome) for e in events] == [
        ("edge.fire_evacuation", "allow"),
        ("credential.unknown", "refuse"),
    ]
    assert store.rejected_count() == 0
    assert store.set_fire(False, now=NOW).code == "edge.fire_off"
    after = edge.answer(key, read("card", "FFEEDDCC", "f-3", lane="east/walk-out"), NOW)
    assert after.body["reason"] == "credential.unknown"
    assert [a.code for a in store.alarms(pending=True)] == ["edge.fire_on", "edge.fire_off"]
    assert "张三" in store.alarms(pending=True)[0].message


def test_fire_mode_is_no_conflict_on_upload():
    # S-13: the server's refusal of an evacuating read is no conflict
    fired = core.fire_exit(fire_on=True, lane_direction="out")
    assert fired is not None
    server = core.refuse_without_snapshot("x")
    kept = core.uploaded_decision(fired, server, known_before_use=True, invitation_taken=None)
    assert kept.reason == "edge.fire_evacuation"
    assert core.fire_exit(fire_on=True, lane_direction="in") is None
    assert core.fire_exit(fire_on=False, lane_direction="out") is None


def test_fire_exit_is_answered_without_asking_the_server(
    syncer, edge, store, server, turnstile_key, card_a
):
    # S-13: no forwarding delay at an exit during an evacuation
    from gatehouse_edge.server import EdgeApp

    _device, key = turnstile_key
    syncer.pull()
    app = EdgeApp(edge, server, syncer, lambda: NOW, fire_pin="2468")
    app.switch_fire(True, "2468", "值班员")
    server.calls.clear()
    status, body = app.decision(key, read("card", CARD_ZHANG, "f-4", lane="east/walk-out"))
    assert status == 200 and json.loads(body)["reason"] == "edge.fire_evacuation"
    assert server.calls == []
    status, body = app.decision(key, read("card", CARD_ZHANG, "f-5", lane="east/walk-in"))
    assert server.calls == ["POST /api/v1/gate/decisions"]  # entries still go to the server
    assert json.loads(body)["reason"] == "resident.card"


def test_fire_switch_needs_the_pin_and_locks_after_wrong_ones(syncer, edge, store):
    # rule S-13
    from gatehouse_edge.server import PIN_TRIES, EdgeApp, FireSwitchRefused

    now = [NOW]
    app = EdgeApp(edge, None, None, lambda: now[0], fire_pin="2468")
    for _ in range(PIN_TRIES):
        with pytest.raises(FireSwitchRefused) as wrong:
            app.switch_fire(True, "0000", client="10.0.0.66")
        assert wrong.value.code == "fire.pin"
    with pytest.raises(FireSwitchRefused) as locked:
        app.switch_fire(True, "2468", client="10.0.0.66")  # even the right PIN, for a minute
    assert locked.value.code == "fire.locked"
    assert not store.fire
    [alarm] = store.alarms()  # the guessing is told to the monitoring centre
    assert alarm.code == "fire.pin_locked" and "10.0.0.66" in alarm.message
    # the booth is another address: its PIN still works while the guesser is locked out
    assert app.switch_fire(True, "2468", client="127.0.0.1") is True and store.fire
    assert app.switch_fire(False, "2468", client="127.0.0.1") is False
    with pytest.raises(FireSwitchRefused, match="一分钟"):
        app.switch_fire(True, "2468", client="10.0.0.66")
    now[0] = NOW + timedelta(minutes=2)
    assert app.switch_fire(True, "2468", client="10.0.0.66") is True and store.fire
    no_pin = EdgeApp(edge, None, None, lambda: NOW)
    with pytest.raises(FireSwitchRefused) as disabled:
        no_pin.switch_fire(False, "2468")
    assert disabled.value.code == "fire.disabled" and store.fire
