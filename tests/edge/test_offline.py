"""The edge decides offline as the server decides online (issue 15 §Offline): for the same facts
the same outcome, reason, rule, message and obligations, journaled before the device is
answered; with the server's status codes for what is malformed, unknown or replayed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gatehouse.people import services as people
from gatehouse.sites.models import Site
from tests.access.test_device_api import make_invitation
from tests.api.conftest import ApiClient
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import read

SAME = ("outcome", "pending", "reason", "rule", "message", "obligations")


@pytest.fixture
def both(syncer, edge, turnstile_key, frozen_now):
    """``both(body)``: the edge's answer from a fresh snapshot, then the server's to the same
    read (its own nonce), each as (status, JSON)."""
    _device, key = turnstile_key
    api = ApiClient(headers={"X-Device-Key": key})

    def ask(body: bytes) -> tuple[dict, dict]:
        syncer.pull()
        at_edge = edge.answer(key, body, NOW)
        assert at_edge.status == 200, at_edge.body
        online = json.loads(body)
        online["nonce"] = "server-" + online["nonce"]
        response = api.post("/gate/decisions", online)
        assert response.status_code == 200, response.content
        return at_edge.body, response.json()

    return ask


def assert_same(at_edge: dict, online: dict) -> None:
    assert {k: at_edge[k] for k in SAME} == {k: online[k] for k in SAME}
    assert at_edge["decided_at_edge"] is True and at_edge["event_id"] < 0
    assert at_edge["at"] == online["at"]


def test_resident_card_is_admitted(both, card_a, store):
    # rule P-03: a resident enters with their card
    at_edge, online = both(read("card", CARD_ZHANG, "n-1"))
    assert at_edge["outcome"] == "allow" and at_edge["reason"] == "resident.card"
    assert at_edge["rule"] == "P-03"
    assert_same(at_edge, online)
    # journaled (the edge's register of what it decided), waiting for upload
    [entry] = store.pending()
    assert entry.nonce == "n-1" and entry.decision["reason"] == "resident.card"


def test_blacklisted_holder_is_refused_and_the_centre_alerted(both, card_a, resident_a, manager_a):
    # rule P-11: anyone on the blacklist is refused and the monitoring centre alerted
    people.blacklist_add(
        site=resident_a.site, actor=manager_a, reason="盗窃", person=resident_a, now=NOW
    )
    at_edge, online = both(read("card", CARD_ZHANG, "n-2"))
    assert (at_edge["outcome"], at_edge["reason"], at_edge["rule"]) == (
        "refuse",
        "blacklist.hit",
        "P-11",
    )
    assert at_edge["obligations"][0]["duty"] == "notify_monitoring"
    assert_same(at_edge, online)


def test_blacklisted_by_id_number_only(both, card_a, resident_a, manager_a):
    # rule P-11: an entry naming the ID number (not the person) matches the holder too
    from tests.conftest import ID_ZHANG

    people.blacklist_add(
        site=resident_a.site,
        actor=manager_a,
        reason="冒用",
        name="张伟",
        id_number=ID_ZHANG,
        now=NOW,
    )
    at_edge, online = both(read("card", CARD_ZHANG, "n-2b"))
    assert at_edge["reason"] == "blacklist.hit"
    assert_same(at_edge, online)


def test_revoked_card_is_refused(both, card_a, manager_a):
    # rule P-03: a revoked card does not open, with its own reason
    people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
    at_edge, online = both(read("card", CARD_ZHANG, "n-3"))
    assert (at_edge["outcome"], at_edge["reason"], at_edge["rule"]) == (
        "refuse",
        "credential.revoked",
        "P-03",
    )
    assert_same(at_edge, online)


def test_unknown_card_is_refused(both, card_a):
    # rule P-11: strangers are not admitted
    at_edge, online = both(read("card", "FFEEDDCC", "n-4"))
    assert (at_edge["reason"], at_edge["rule"]) == ("credential.unknown", "P-11")
    assert_same(at_edge, online)


def test_motor_lane_is_not_for_people(both, card_a):
    # rule P-01: pedestrians use non-motor lanes only
    at_edge, online = both(read("card", CARD_ZHANG, "n-5", lane="east/motor-in"))
    assert (at_edge["reason"], at_edge["rule"]) == ("lane.not_for_people", "P-01")
    assert_same(at_edge, online)


def test_exit_lane_lets_the_resident_out(both, card_a):
    # rule P-02: the out-lane exits only — a card read there is an exit
    at_edge, online = both(read("card", CARD_ZHANG, "n-6", lane="east/walk-out"))
    assert at_edge["reason"] == "resident.exit"
    assert_same(at_edge, online)


def test_tightened_mode_closes_the_other_entrance(both, card_a, site_a):
    # rule M-01: in tightened mode only the designated entrance admits
    Site.objects.filter(pk=site_a.pk).update(mode="tightened")
    at_edge, online = both(read("card", CARD_ZHANG, "n-7", lane="west/walk-in"))
    assert (at_edge["reason"], at_edge["rule"]) == ("mode.entrance_closed", "M-01")
    assert_same(at_edge, online)
    at_edge, online = both(read("card", CARD_ZHANG, "n-8", lane="east/walk-in"))
    assert at_edge["reason"] == "resident.card"
    assert_same(at_edge, online)


def test_single_use_invitation_opens_once_at_the_edge(
    syncer, edge, turnstile_key, site_a, resident_a, house_a, frozen_now
):
    # rule VI-02: a host's invitation QR admits the visitor in its window, once when single-use
    _inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=1)
    syncer.pull()
    _device, key = turnstile_key
    first = edge.answer(key, read("qr", qr, "v-1"), NOW)
    assert (first.body["outcome"], first.body["reason"], first.body["rule"]) == (
        "allow",
        "invitation.valid",
        "VI-02",
    )
    again = edge.answer(key, read("qr", qr, "v-2"), NOW + timedelta(minutes=1))
    assert (again.body["outcome"], again.body["reason"]) == ("refuse", "invitation.used")


def test_invitation_answer_matches_the_server(both, site_a, resident_a, house_a):
    # rule VI-02
    _inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=None)
    at_edge, online = both(read("qr", qr, "v-3"))
    assert at_edge["reason"] == "invitation.valid"
    assert_same(at_edge, online)


def test_a_stale_snapshot_refuses_and_raises_the_alarm(syncer, edge, store, turnstile_key, card_a):
    # §12: offline without a snapshot that holds, the gate refuses and tells the centre
    syncer.pull()
    _device, key = turnstile_key
    expires = store.freshness(NOW)
    assert expires.usable
    later = NOW + timedelta(days=30)
    answer = edge.answer(key, read("card", CARD_ZHANG, "s-1", at=later.isoformat()), later)
    assert answer.status == 200
    assert (answer.body["outcome"], answer.body["reason"], answer.body["rule"]) == (
        "refuse",
        "edge.snapshot_invalid",
        "§12",
    )
    assert answer.body["obligations"][0]["duty"] == "notify_monitoring"
    assert "过期" in answer.body["obligations"][0]["note"]
    [entry] = store.pending()
    assert entry.decision["reason"] == "edge.snapshot_invalid"


def test_nonce_answers_once_and_refuses_another_body(syncer, edge, store, turnstile_key, card_a):
    syncer.pull()
    _device, key = turnstile_key
    first = edge.answer(key, read("card", CARD_ZHANG, "r-1"), NOW)
    again = edge.answer(key, read("card", CARD_ZHANG, "r-1"), NOW + timedelta(seconds=5))
    assert again.status == 200 and again.body["replayed"] is True
    assert {**again.body, "replayed": False} == first.body
    other = edge.answer(key, read("card", "FFEEDDCC", "r-1"), NOW)
    assert (other.status, other.body["code"]) == (409, "nonce.reused")
    assert len(store.pending()) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (read("card", "not-a-card", "e-1"), 422, "card.format"),
        (read("card", CARD_ZHANG, "e-2", lane="north/walk-in"), 404, "lane.unknown"),
        (read("card", CARD_ZHANG, "e-3", lane="east"), 422, "lane.format"),
        (read("card", CARD_ZHANG, "e-4", lane=None), 422, "lane.required"),
        (read("card", CARD_ZHANG, "bad nonce"), 422, "invalid_request"),
        (b"{not json", 422, "invalid_request"),
        (read("qr", "GH1.inv.unknowntoken.9999999999.sig", "e-5"), 422, "qr.invalid"),
        (read("card", CARD_ZHANG, "e-6", temperature="99"), 422, "temperature.out_of_range"),
    ],
)
def test_bad_input_gets_the_servers_error_and_journals_nothing(
    syncer, edge, store, turnstile_key, card_a, body, status, code
):
    syncer.pull()
    _device, key = turnstile_key
    answer = edge.answer(key, body, NOW)
    assert (answer.status, answer.body["code"]) == (status, code)
    assert set(answer.body) == {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.body["message"])
    assert store.pending() == []


def test_unknown_key_is_refused(syncer, edge, store, card_a):
    syncer.pull()
    answer = edge.answer("gd_nobody", read("card", CARD_ZHANG, "k-1"), NOW)
    assert (answer.status, answer.body["code"]) == (401, "unauthenticated")
    assert store.pending() == []


def test_an_edge_without_any_snapshot_says_so(edge, turnstile_key):
    answer = edge.answer(turnstile_key[1], read("card", CARD_ZHANG, "k-2"), NOW)
    assert (answer.status, answer.body["code"]) == (503, "edge.no_snapshot")
