"""What an uploaded journal writes on the server beyond the event (issue 15 §Conflicts): the
visitor-register row of an offline invitation or pass admission, the entries the server refuses
(kept and raised, never silently lost), and anti-passback broken across gates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, Notice, Presence
from gatehouse.core.access import Decision, Direction, Outcome
from gatehouse.core.edge import Passback, passback_refusal, uploaded_decision
from gatehouse.edge.models import EdgeRejection
from gatehouse.gate.decide import gate_read
from gatehouse.visitors.models import Pass, Visit
from gatehouse.visitors.tokens import new_token, qr_payload
from tests.access.test_device_api import make_invitation
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import read
from tests.edge.test_conflicts import alarms, event_of, upload

# -- the visitor register ------------------------------------------------------------------------


def test_offline_invitation_admission_writes_the_visit_row(
    syncer, edge, server, turnstile_key, site_a, resident_a, house_a, walk_in_a, frozen_now
):
    # rule VI-02: the visitor register holds whoever came in on an invitation, offline too
    inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=1)
    syncer.pull()
    server.down = True
    at = NOW - timedelta(minutes=7)
    assert edge.answer(turnstile_key[1], read("qr", qr, "v-1"), at).body["outcome"] == "allow"
    server.down = False
    [result] = upload(syncer)
    assert (result["status"], result["conflict"]) == ("recorded", "")
    event = event_of(result)
    assert (event.outcome, event.reason, event.rule) == ("allow", "invitation.valid", "VI-02")
    visit = Visit.objects.get()
    assert event.visit_id == visit.pk and visit.invitation == inv
    assert (visit.status, visit.time_in, visit.lane_in) == ("inside", at, walk_in_a)
    assert visit.name == "王小明" and visit.host == resident_a
    # the same entry again: no second row
    syncer.store.db.execute("UPDATE journal SET uploaded_at = NULL")
    [again] = upload(syncer)
    assert again["status"] == "replayed" and Visit.objects.count() == 1


def test_offline_pass_admission_writes_the_visit_row(
    syncer, edge, server, turnstile_key, site_a, frozen_now
):
    # rule P-11: a temporary pass admits and is registered
    p = Pass.objects.create(
        site=site_a,
        kind="temporary",
        number="P-T1",
        token=new_token(),
        holder_name="钱进",
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=1),
        issued_at=NOW - timedelta(days=1),
    )
    qr = qr_payload("pas", p.token, NOW + timedelta(days=1))
    syncer.pull()
    server.down = True
    answer = edge.answer(turnstile_key[1], read("qr", qr, "v-2"), NOW - timedelta(minutes=2))
    assert answer.body["reason"] == "pass.temporary"
    server.down = False
    [result] = upload(syncer)
    event = event_of(result)
    assert (event.outcome, event.reason, event.rule) == ("allow", "pass.temporary", "P-11")
    visit = Visit.objects.get()
    assert (visit.pass_ref, visit.status, event.visit_id) == (p, "inside", visit.pk)


def test_a_card_admission_writes_no_visit_row(syncer, edge, server, turnstile_key, card_a):
    # rule P-03
    syncer.pull()
    edge.answer(turnstile_key[1], read("card", CARD_ZHANG, "v-3"), NOW - timedelta(minutes=2))
    [result] = upload(syncer)
    assert event_of(result).reason == "resident.card"
    assert not Visit.objects.exists()


# -- entries the server refuses ------------------------------------------------------------------


def entry(seq: int, device_id: object, **kw) -> dict:
    return {
        "seq": seq,
        "device_id": device_id,
        "request": {
            "lane": "east/walk-in",
            "credential": {"kind": "id_card", "value": "11010519491231002X"},
            "nonce": f"r-{seq}",
        },
        "at": (NOW - timedelta(minutes=1)).isoformat(),
        "decision": {"outcome": "allow", "reason": "resident.card", "obligations": []},
        **kw,
    }


def test_a_refused_entry_is_kept_once_and_raised(server, turnstile_key, site_b, frozen_now):
    # rule §12: a decision a gate took is never silently lost
    device, _key = turnstile_key
    bad_reason = entry(1, device.pk, decision={"outcome": "allow", "reason": "made.up"})
    foreign = entry(2, 999_999)
    results = server.upload([bad_reason, foreign]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "entry.invalid"),
        ("rejected", "device.unknown"),
    ]
    kept = {r.seq: r for r in EdgeRejection.objects.all()}
    assert (kept[1].code, kept[2].code) == ("entry.invalid", "device.unknown")
    assert kept[1].entry["decision"]["reason"] == "made.up"
    assert kept[1].entry["request"]["nonce"] == "r-1"
    # an ID number is kept masked
    assert kept[1].entry["request"]["credential"]["value"] == "110105********002X"
    assert "11010519491231002X" not in str(kept[1].entry)
    notice = kept[2].notice
    assert (notice.audience, notice.kind) == ("monitoring", "edge.entry_rejected")
    assert "#2" in notice.message and "device.unknown" in notice.message
    assert not AccessEvent.objects.exists()
    # uploaded again: still rejected, nothing kept or raised twice
    again = server.upload([bad_reason, foreign]).json()["results"]
    assert [r["status"] for r in again] == ["rejected", "rejected"]
    assert EdgeRejection.objects.count() == 2
    assert Notice.objects.filter(kind="edge.entry_rejected").count() == 2


# -- anti-passback across gates ------------------------------------------------------------------


@pytest.fixture
def passback_on(site_a):
    site_a.anti_passback = True
    site_a.save(update_fields=["anti_passback"])
    return site_a


def test_entry_at_an_offline_gate_of_someone_already_inside_is_a_conflict(
    passback_on, syncer, edge, server, turnstile_key, card_a, lanes_a, resident_a
):
    # rule P-02: anti-passback broken across gates is recorded and raised, not merged
    syncer.pull()
    server.down = True
    # 张伟 comes in through 西门 (online) …
    online = gate_read(
        lane=lanes_a["west/walk-in"], kind="card", value=CARD_ZHANG, now=NOW - timedelta(minutes=9)
    )
    assert online.decision.allowed
    # … and the same card enters again at the offline east gate
    told = edge.answer(
        turnstile_key[1], read("card", CARD_ZHANG, "p-1"), NOW - timedelta(minutes=4)
    )
    assert told.body["outcome"] == "allow"
    server.down = False
    [result] = upload(syncer)
    assert (result["status"], result["conflict"]) == ("recorded", "edge.passback_conflict")
    event = event_of(result)
    assert (event.outcome, event.reason, event.rule) == ("allow", "edge.passback_conflict", "P-02")
    assert "此卡已在场内" in event.message
    [alarm] = alarms(event)
    assert alarm.kind == "edge.passback_conflict" and "antipassback.already_inside" in alarm.message
    # the passage is what happened: the holder is inside
    assert Presence.objects.get(person=resident_a).inside is True


def test_exit_at_an_offline_gate_of_someone_not_inside_is_a_conflict(
    passback_on, syncer, edge, server, turnstile_key, card_a, lanes_a
):
    # rule P-02
    syncer.pull()
    gate_read(
        lane=lanes_a["west/walk-out"],
        kind="card",
        value=CARD_ZHANG,
        now=NOW - timedelta(minutes=30),
    )
    gate_read(
        lane=lanes_a["west/walk-in"], kind="card", value=CARD_ZHANG, now=NOW - timedelta(minutes=20)
    )
    gate_read(
        lane=lanes_a["west/walk-out"], kind="card", value=CARD_ZHANG, now=NOW - timedelta(minutes=9)
    )
    out = read("card", CARD_ZHANG, "p-2", lane="east/walk-out")
    edge.answer(turnstile_key[1], out, NOW - timedelta(minutes=4))
    [result] = upload(syncer)
    assert result["conflict"] == "edge.passback_conflict"
    [alarm] = alarms(event_of(result))
    assert "antipassback.not_inside" in alarm.message


def test_in_then_out_at_one_offline_gate_is_no_conflict(
    passback_on, syncer, edge, server, turnstile_key, card_a, lanes_a
):
    # rule P-02: a passage in order is no conflict
    syncer.pull()
    gate_read(
        lane=lanes_a["west/walk-out"], kind="card", value=CARD_ZHANG, now=NOW - timedelta(hours=1)
    )
    key = turnstile_key[1]
    edge.answer(key, read("card", CARD_ZHANG, "p-3"), NOW - timedelta(minutes=8))
    edge.answer(
        key, read("card", CARD_ZHANG, "p-4", lane="east/walk-out"), NOW - timedelta(minutes=4)
    )
    results = upload(syncer)
    assert [r["conflict"] for r in results] == ["", ""]
    assert [event_of(r).reason for r in results] == ["resident.card", "resident.exit"]
    assert not Notice.objects.filter(audience="monitoring").exists()


def test_without_anti_passback_a_second_entry_is_no_conflict(
    syncer, edge, server, turnstile_key, card_a, lanes_a
):
    # rule P-02 applies only when the site's policy turns it on
    syncer.pull()
    gate_read(
        lane=lanes_a["west/walk-in"], kind="card", value=CARD_ZHANG, now=NOW - timedelta(minutes=9)
    )
    edge.answer(turnstile_key[1], read("card", CARD_ZHANG, "p-5"), NOW - timedelta(minutes=4))
    [result] = upload(syncer)
    assert result["conflict"] == "" and event_of(result).reason == "resident.card"


ALLOW = Decision(Outcome.ALLOW, "resident.card", "业主卡有效，放行", "P-03", None, ())


def test_passback_refusal_judges_the_presence_as_it_stood_at_the_passage():
    # rule P-02, in the pure core
    at = NOW

    def facts(inside, since, direction=Direction.IN, on=True):
        return Passback(anti_passback=on, direction=direction, inside=inside, since=since)

    before = NOW - timedelta(minutes=5)
    assert passback_refusal(facts(True, before), at) == "antipassback.already_inside"
    assert passback_refusal(facts(False, before, Direction.OUT), at) == "antipassback.not_inside"
    assert passback_refusal(facts(True, before, Direction.OUT), at) is None
    assert passback_refusal(facts(True, before, on=False), at) is None
    assert passback_refusal(facts(None, None), at) is None  # never seen: unknown
    # set by a later passage: what it was at the passage is not known
    assert passback_refusal(facts(True, NOW + timedelta(minutes=1)), at) is None
    server_refusal = Decision(Outcome.REFUSE, "antipassback.already_inside", "x", "P-02", None, ())
    # the server's own anti-passback (presence now) is not used; the facts at ``at`` are
    kept = uploaded_decision(
        ALLOW,
        server_refusal,
        known_before_use=True,
        invitation_taken=None,
        passback=facts(True, NOW + timedelta(minutes=1)),
        at=at,
    )
    assert kept is ALLOW
    conflict = uploaded_decision(
        ALLOW,
        ALLOW,
        known_before_use=True,
        invitation_taken=None,
        passback=facts(True, before),
        at=at,
    )
    assert (conflict.reason, conflict.rule, conflict.outcome) == (
        "edge.passback_conflict",
        "P-02",
        Outcome.ALLOW,
    )
    assert [o.duty.value for o in conflict.obligations] == ["notify_monitoring"]
