"""POST /api/v1/gate/decisions: a device posts a read, the server decides and records it once.

Every test runs twice: through :mod:`gatehouse.fastpath` (as the WSGI application serves the
route) and through Django's full stack (as the OpenAPI documents it); the answers must agree."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, DeviceRequest, Notice, Presence
from gatehouse.access.schemas import GateDecisionOut
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key, device_revoke
from gatehouse.people import services as people
from gatehouse.visitors.models import Invitation, Pass, Visit, VisitStatus
from gatehouse.visitors.tokens import new_token, qr_payload
from tests.api.conftest import ApiClient, FastPathClient, assert_error_shape, issue_key
from tests.conftest import CARD_ZHANG, ID_ZHANG, NOW

PATH = "/gate/decisions"
# Set per test by ``stack``; other modules importing these helpers go through the fast path.
FULL_STACK = False


@pytest.fixture(autouse=True, params=["fast", "full"])
def stack(request, monkeypatch):
    monkeypatch.setattr(f"{__name__}.FULL_STACK", request.param == "full")
    return request.param


# -- helpers shared with test_concurrency -------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The API's clock stands at NOW."""
    monkeypatch.setattr("gatehouse.access.api._clock", lambda: NOW)
    return NOW


def make_device(site, actor, *, lane=None, name="东门人行闸机") -> tuple[Device, str]:
    device = Device.objects.create(site=site, lane=lane, name=name, kind="turnstile")
    return device, device_issue_key(device=device, actor=actor, now=NOW)


def device_client(key: str) -> ApiClient:
    return ApiClient(FastPathClient(full=FULL_STACK), headers={"X-Device-Key": key})


@pytest.fixture
def turnstile(site_a, manager_a, lanes_a, clock):
    """An unbound device of site A and a client holding its key."""
    device, key = make_device(site_a, manager_a)
    return device, device_client(key)


def read(kind: str, value: str, nonce: str, lane: str = "east/walk-in", **extra) -> dict:
    return {"lane": lane, "credential": {"kind": kind, "value": value}, "nonce": nonce, **extra}


def make_invitation(site, host, house, *, max_uses=1, **kw) -> tuple[Invitation, str]:
    inv = Invitation.objects.create(
        site=site,
        host=host,
        house=house,
        token=new_token(),
        visitor_name="王小明",
        purpose="探亲",
        window_start=kw.pop("window_start", NOW - timedelta(hours=1)),
        window_end=kw.pop("window_end", NOW + timedelta(hours=8)),
        max_uses=max_uses,
        created_at=NOW - timedelta(days=1),
    )
    expires = kw.pop("expires", NOW + timedelta(hours=8))
    return inv, qr_payload("inv", inv.token, expires)


def counts() -> tuple[int, int, int, int]:
    return (
        AccessEvent.objects.count(),
        DeviceRequest.objects.count(),
        Visit.objects.count(),
        Notice.objects.count(),
    )


# -- allowed -------------------------------------------------------------------------------------


def test_allowed_card_writes_one_event_and_presence(turnstile, card_a, resident_a):
    # rule P-03
    device, api = turnstile
    response = api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "allow"
    assert body["reason"] == "resident.card"
    assert body["rule"] == "P-03"
    assert body["message"] == "业主/住户，放行"
    assert body["replayed"] is False and body["pending"] is None
    assert body["at"] == "2026-11-24T09:30:00+08:00"
    event = AccessEvent.objects.get()
    assert body["event_id"] == event.pk
    assert (event.outcome, event.reason, event.source) == ("allow", "resident.card", "device")
    assert event.device == device and event.credential == card_a and event.person == resident_a
    assert event.credential_masked == "****2C3D" and CARD_ZHANG not in api.all_bodies()
    assert event.at == NOW and event.recorded_at == NOW
    assert Presence.objects.get(person=resident_a).inside is True
    stored = DeviceRequest.objects.get()
    assert (stored.device, stored.nonce, stored.event) == (device, "n-1", event)
    assert len(stored.body_digest) == 64
    assert stored.response["event_id"] == event.pk and stored.response["reason"] == "resident.card"
    assert api.client.fast == (0 if FULL_STACK else 1)  # the answer came the way it was meant to
    GateDecisionOut.model_validate(body)  # the documented shape
    # Liveness is the authentication's bookkeeping (at most once a minute, by the server clock).
    device.refresh_from_db()
    assert device.last_seen_at is not None


def test_card_number_in_any_accepted_form(turnstile, card_a):
    # rule P-03: the decimal form of the same UID is the same card
    _, api = turnstile
    body = api.post(PATH, read("card", "0169552957", "n-dec")).json()
    assert (body["outcome"], body["reason"]) == ("allow", "resident.card")
    assert AccessEvent.objects.get().credential == card_a


def test_walk_out_lane_lets_the_holder_out(turnstile, card_a, resident_a):
    # rule P-02
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-out", lane="east/walk-out")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "resident.exit", "P-03")
    event = AccessEvent.objects.get()
    assert event.direction == "out"
    assert Presence.objects.get(person=resident_a).inside is False


def test_anti_passback_refuses_a_second_entry(turnstile, card_a, site_a):
    # rule P-02
    site_a.anti_passback = True
    site_a.save(update_fields=["anti_passback"])
    _, api = turnstile
    assert api.post(PATH, read("card", CARD_ZHANG, "n-a")).json()["outcome"] == "allow"
    body = api.post(PATH, read("card", CARD_ZHANG, "n-b")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == (
        "refuse",
        "antipassback.already_inside",
        "P-02",
    )
    assert AccessEvent.objects.filter(outcome="refuse").count() == 1
    assert AccessEvent.objects.count() == 2


# -- refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "lost"}, "credential.lost"),
        ({"status": "revoked"}, "credential.revoked"),
        ({"valid_until": NOW - timedelta(days=1)}, "credential.expired"),
        ({"valid_from": NOW + timedelta(days=1)}, "credential.not_yet_valid"),
    ],
)
def test_card_not_usable_is_refused_with_its_reason(turnstile, card_a, change, reason):
    # rule P-03
    type(card_a).objects.filter(pk=card_a.pk).update(**change)
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("refuse", reason, "P-03")
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.credential) == ("refuse", reason, card_a)
    assert not Presence.objects.exists()


def test_lost_card_notifies_monitoring(turnstile, card_a):
    # rule P-03
    type(card_a).objects.filter(pk=card_a.pk).update(status="lost")
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert body["obligations"] == [
        {"duty": "notify_monitoring", "register": None, "minutes": None, "note": ""}
    ]
    notice = Notice.objects.get()
    assert (notice.audience, notice.kind, notice.event) == (
        "monitoring",
        "credential.lost",
        AccessEvent.objects.get(),
    )


def test_reissued_number_prefers_the_active_card(turnstile, card_a, resident_a, manager_a):
    # rule P-03: the lost card and its replacement share the number; the active one decides
    people.credential_set_status(credential=card_a, status="lost", actor=manager_a, now=NOW)
    new = people.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="owner_card",
        number=CARD_ZHANG,
        valid_from=NOW - timedelta(hours=1),
        actor=manager_a,
        now=NOW,
    )
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert (body["outcome"], body["reason"]) == ("allow", "resident.card")
    assert AccessEvent.objects.get().credential == new


def test_unknown_card_is_refused_and_monitoring_notified(turnstile):
    # rule P-11
    _, api = turnstile
    body = api.post(PATH, read("card", "DEADBEEF", "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == (
        "refuse",
        "credential.unknown",
        "P-11",
    )
    event = AccessEvent.objects.get()
    assert event.credential is None and event.person is None
    assert event.credential_masked == "****BEEF"
    notice = Notice.objects.get()
    assert (notice.audience, notice.kind, notice.event) == (
        "monitoring",
        "credential.unknown",
        event,
    )


def test_blacklisted_holder_is_refused(turnstile, card_a, resident_a, manager_a):
    # rule P-11
    people.blacklist_add(
        site=resident_a.site, actor=manager_a, reason="多次滋事", person=resident_a, now=NOW
    )
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("refuse", "blacklist.hit", "P-11")
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.person) == ("refuse", "blacklist.hit", resident_a)
    assert Notice.objects.get().kind == "blacklist.hit"
    assert not Presence.objects.exists()


@pytest.mark.parametrize(
    ("starts", "expires", "lifted", "refused"),
    [
        (-1, None, False, True),  # in force
        (+1, None, False, False),  # not yet in force
        (-2, -1, False, False),  # expired
        (-1, None, True, False),  # lifted
    ],
)
def test_a_blacklisted_id_number_refuses_its_card_holder(
    turnstile, card_a, resident_a, manager_a, starts, expires, lifted, refused
):
    # rule P-11: an entry naming only the ID number (no person) still stops the holder's card
    entry = people.blacklist_add(
        site=resident_a.site,
        actor=manager_a,
        reason="冒用他人身份",
        name="张伟",
        id_number=ID_ZHANG,
        starts_at=NOW + timedelta(days=starts),
        expires_at=None if expires is None else NOW + timedelta(days=expires),
        now=NOW - timedelta(days=3),
    )
    assert entry.person is None
    if lifted:
        people.blacklist_lift(entry=entry, actor=manager_a, now=NOW - timedelta(hours=1))
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    expected = ("refuse", "blacklist.hit") if refused else ("allow", "resident.card")
    assert (body["outcome"], body["reason"]) == expected
    assert AccessEvent.objects.get().reason == expected[1]


def test_motor_lane_refuses_people(turnstile, card_a):
    # rule P-01
    _, api = turnstile
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1", lane="east/motor-in")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == (
        "refuse",
        "lane.not_for_people",
        "P-01",
    )
    assert AccessEvent.objects.get().reason == "lane.not_for_people"


def test_tightened_mode_closes_the_west_gate(turnstile, card_a, site_a):
    # rule M-01
    site_a.mode = "tightened"
    site_a.save(update_fields=["mode"])
    _, api = turnstile
    west = api.post(PATH, read("card", CARD_ZHANG, "n-w", lane="west/walk-in")).json()
    east = api.post(PATH, read("card", CARD_ZHANG, "n-e", lane="east/walk-in")).json()
    assert (west["outcome"], west["reason"]) == ("refuse", "mode.entrance_closed")
    assert (east["outcome"], east["reason"]) == ("allow", "resident.card")
    assert AccessEvent.objects.count() == 2


def test_epidemic_fever_is_refused(turnstile, card_a, site_a):
    # rule M-02
    site_a.mode = "epidemic"
    site_a.save(update_fields=["mode"])
    _, api = turnstile
    hot = api.post(PATH, read("card", CARD_ZHANG, "n-1", temperature="38.2")).json()
    assert (hot["outcome"], hot["reason"], hot["rule"]) == ("refuse", "epidemic.fever", "M-02")
    unchecked = api.post(PATH, read("card", CARD_ZHANG, "n-2")).json()
    assert (unchecked["outcome"], unchecked["pending"]) == ("pending", "verify")
    ok = api.post(PATH, read("card", CARD_ZHANG, "n-3", temperature=36.5, health_code="green"))
    assert ok.json()["outcome"] == "allow"
    assert AccessEvent.objects.count() == 3


# -- idempotency ---------------------------------------------------------------------------------


def test_replay_with_the_same_nonce_returns_the_stored_answer(turnstile, card_a):
    # rule P-03
    _, api = turnstile
    first = api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    before = counts()
    second = api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    assert second.status_code == 200
    a, b = first.json(), second.json()
    assert a.pop("replayed") is False and b.pop("replayed") is True
    assert a == b
    assert counts() == before == (1, 1, 0, 0)


def test_a_retry_gets_its_answer_even_if_the_read_would_now_be_rejected(
    turnstile, card_a, clock, monkeypatch
):
    # rule P-03: the first answer stands; the retry is not re-validated (its read time is now
    # more than 7 days old, which a new read would be refused for)
    _, api = turnstile
    at = (NOW - timedelta(days=6)).isoformat()
    first = api.post(PATH, read("card", CARD_ZHANG, "n-1", at=at)).json()
    monkeypatch.setattr("gatehouse.access.api._clock", lambda: NOW + timedelta(days=2))
    again = api.post(PATH, read("card", CARD_ZHANG, "n-1", at=at))
    assert again.status_code == 200
    assert again.json() == {**first, "replayed": True}
    fresh = api.post(PATH, read("card", CARD_ZHANG, "n-2", at=at))
    assert_error_shape(fresh, 422, "at.invalid")
    assert counts() == (1, 1, 0, 0)


def test_an_older_replayed_read_does_not_overwrite_newer_presence(turnstile, card_a, resident_a):
    # rule P-03: a read uploaded late (the person went in at 9:00) must not undo a later exit
    _, api = turnstile
    out = api.post(PATH, read("card", CARD_ZHANG, "n-1", lane="east/walk-out")).json()
    assert out["outcome"] == "allow"
    late = read("card", CARD_ZHANG, "n-2", at=(NOW - timedelta(minutes=30)).isoformat())
    assert api.post(PATH, late).json()["outcome"] == "allow"
    presence = Presence.objects.get(person=resident_a)
    assert (presence.inside, presence.at) == (False, NOW)
    assert AccessEvent.objects.count() == 2


def test_same_nonce_with_a_different_body_is_a_conflict(turnstile, card_a):
    _, api = turnstile
    api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    response = api.post(PATH, read("card", "DEADBEEF", "n-1"))
    body = assert_error_shape(response, 409, "nonce.reused")
    assert "nonce" in body["message"]
    assert counts() == (1, 1, 0, 0)


def test_the_same_nonce_of_another_device_is_independent(turnstile, card_a, site_a, manager_a):
    _, api = turnstile
    _, other_key = make_device(site_a, manager_a, name="东门人行闸机2")
    api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    body = device_client(other_key).post(PATH, read("card", CARD_ZHANG, "n-1")).json()
    assert body["replayed"] is False
    assert AccessEvent.objects.count() == 2


# -- QR codes ------------------------------------------------------------------------------------


def test_invitation_qr_at_the_turnstile_admits_and_registers_the_visitor(
    turnstile, resident_a, house_a
):
    # rule VI-02
    inv, qr = make_invitation(resident_a.site, resident_a, house_a)
    _, api = turnstile
    body = api.post(PATH, read("qr", qr, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "invitation.valid", "VI-02")
    duties = [o["duty"] for o in body["obligations"]]
    assert {"register", "check_identity", "notify_host"} <= set(duties)
    event = AccessEvent.objects.get()
    visit = Visit.objects.get()
    assert event.visit == visit and event.entrant == "invited" and event.subject == "王**"
    assert (visit.status, visit.invitation, visit.time_in) == (VisitStatus.INSIDE, inv, NOW)
    inv.refresh_from_db()
    assert inv.uses == 1
    assert Notice.objects.get(audience="person").person == resident_a
    again = api.post(PATH, read("qr", qr, "n-2")).json()
    assert (again["outcome"], again["reason"]) == ("refuse", "invitation.used")
    assert Visit.objects.count() == 1 and AccessEvent.objects.count() == 2


def test_forged_and_expired_qr_are_rejected_and_nothing_is_written(turnstile, resident_a, house_a):
    # rule VI-02
    _, qr = make_invitation(resident_a.site, resident_a, house_a)
    _, expired = make_invitation(
        resident_a.site, resident_a, house_a, expires=NOW - timedelta(minutes=1)
    )
    _, api = turnstile
    forged = qr[:-3] + ("AAA" if not qr.endswith("AAA") else "BBB")
    assert_error_shape(api.post(PATH, read("qr", forged, "n-1")), 422, "qr.invalid")
    assert_error_shape(api.post(PATH, read("qr", expired, "n-2")), 422, "qr.expired")
    assert counts() == (0, 0, 0, 0)
    assert Invitation.objects.filter(uses__gt=0).count() == 0


def test_qr_of_another_site_is_invalid(turnstile, site_b, resident_b):
    # rule VI-02
    _, qr = make_invitation(site_b, resident_b, None)
    _, api = turnstile
    assert_error_shape(api.post(PATH, read("qr", qr, "n-1")), 422, "qr.invalid")
    assert counts() == (0, 0, 0, 0)


def test_decoration_pass_qr_admits_the_worker(turnstile, site_a, house_a):
    # rule P-09
    p = Pass.objects.create(
        site=site_a,
        kind="decoration",
        number="ZX-001",
        token=new_token(),
        holder_name="赵师傅",
        house=house_a,
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=30),
        issued_at=NOW - timedelta(days=1),
    )
    _, api = turnstile
    qr = qr_payload("pas", p.token, NOW + timedelta(days=30))
    body = api.post(PATH, read("qr", qr, "n-1")).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "worker.pass", "P-09")
    event = AccessEvent.objects.get()
    assert event.entrant == "decoration_worker"
    assert Visit.objects.get().pass_ref == p


# -- other readers -------------------------------------------------------------------------------


def test_id_card_and_face_reads_use_the_persons_card(turnstile, card_a, resident_a):
    # rule P-03
    _, api = turnstile
    by_id = api.post(PATH, read("id_card", ID_ZHANG, "n-1")).json()
    by_face = api.post(PATH, read("face", str(resident_a.pk), "n-2")).json()
    assert (by_id["outcome"], by_id["reason"]) == ("allow", "resident.card")
    assert (by_face["outcome"], by_face["reason"]) == ("allow", "resident.card")
    first, second = AccessEvent.objects.order_by("pk")
    assert first.credential_kind == "id_card" and first.credential_masked == "110105********002X"
    assert second.credential_kind == "face" and second.person == resident_a
    assert ID_ZHANG not in api.all_bodies()


def test_unknown_face_is_refused_as_unknown(turnstile):
    # rule P-11
    _, api = turnstile
    body = api.post(PATH, read("face", "999999", "n-1")).json()
    assert (body["outcome"], body["reason"]) == ("refuse", "credential.unknown")
    assert AccessEvent.objects.get().person is None


# -- read time -----------------------------------------------------------------------------------


def test_a_replayed_read_is_judged_at_its_own_time(turnstile, card_a):
    # rule P-03: valid when read, expired by the time it is uploaded → allowed
    type(card_a).objects.filter(pk=card_a.pk).update(valid_until=NOW - timedelta(hours=1))
    _, api = turnstile
    at = NOW - timedelta(hours=2)
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1", at=at.isoformat())).json()
    assert (body["outcome"], body["reason"]) == ("allow", "resident.card")
    assert body["at"] == "2026-11-24T07:30:00+08:00"
    event = AccessEvent.objects.get()
    assert event.at == at and event.recorded_at == NOW
    # and the same card read now is refused
    now_body = api.post(PATH, read("card", CARD_ZHANG, "n-2")).json()
    assert (now_body["outcome"], now_body["reason"]) == ("refuse", "credential.expired")


def test_a_read_before_the_card_was_valid_is_refused(turnstile, card_a):
    # rule P-03: vice versa — valid now, not yet valid when read
    type(card_a).objects.filter(pk=card_a.pk).update(valid_from=NOW - timedelta(hours=1))
    _, api = turnstile
    at = (NOW - timedelta(hours=3)).isoformat()
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1", at=at)).json()
    assert (body["outcome"], body["reason"]) == ("refuse", "credential.not_yet_valid")
    assert AccessEvent.objects.get().at == NOW - timedelta(hours=3)


@pytest.mark.parametrize(
    "at",
    [
        (NOW + timedelta(minutes=3)).isoformat(),
        (NOW - timedelta(days=7, minutes=1)).isoformat(),
        "2026-11-24T09:00:00",  # no offset
    ],
)
def test_read_time_out_of_bounds_is_rejected(turnstile, card_a, at):
    _, api = turnstile
    assert_error_shape(api.post(PATH, read("card", CARD_ZHANG, "n-1", at=at)), 422, "at.invalid")
    assert counts() == (0, 0, 0, 0)


# -- bad input, lanes, keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (read("card", CARD_ZHANG, "bad nonce!"), "invalid_request"),
        (read("card", CARD_ZHANG, "x" * 65), "invalid_request"),
        ({"lane": "east/walk-in", "credential": {"kind": "card", "value": "1"}}, "invalid_request"),
        (read("iris", "1234", "n-1"), "invalid_request"),
        (read("card", "not-a-card", "n-1"), "card.format"),
        (read("id_card", "110105194912310021", "n-1"), "id_number.checksum"),
        (read("face", "abc", "n-1"), "face.invalid"),
        (read("card", CARD_ZHANG, "n-1", temperature="50"), "temperature.out_of_range"),
        (read("card", CARD_ZHANG, "n-1", lane="east"), "lane.format"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(turnstile, card_a, payload, code):
    _, api = turnstile
    assert_error_shape(api.post(PATH, payload), 422, code)
    assert counts() == (0, 0, 0, 0)


def test_unknown_lane_is_404(turnstile, card_a):
    _, api = turnstile
    assert_error_shape(
        api.post(PATH, read("card", CARD_ZHANG, "n-1", lane="north/x")), 404, "lane.unknown"
    )
    assert counts() == (0, 0, 0, 0)


def test_a_device_of_another_site_cannot_reach_site_a_lanes(
    lanes_a, card_a, site_b, manager_b, clock
):
    _, key = make_device(site_b, manager_b, name="西岭闸机")
    api = device_client(key)
    assert_error_shape(api.post(PATH, read("card", CARD_ZHANG, "n-1")), 404, "lane.unknown")
    assert counts() == (0, 0, 0, 0)


def test_a_device_bound_to_another_sites_lane_is_403(walk_in_a, card_a, site_b, manager_b, clock):
    _, key = make_device(site_b, manager_b, lane=walk_in_a, name="错配闸机")
    body = assert_error_shape(
        device_client(key).post(PATH, read("card", CARD_ZHANG, "n-1", lane=None)),
        403,
        "lane.other_site",
    )
    assert body["details"]["field"] == "lane"
    assert counts() == (0, 0, 0, 0)


def test_a_bound_device_may_omit_the_lane_but_not_contradict_it(
    walk_in_a, card_a, site_a, manager_a, clock
):
    _, key = make_device(site_a, manager_a, lane=walk_in_a)
    api = device_client(key)
    body = api.post(PATH, read("card", CARD_ZHANG, "n-1", lane=None)).json()
    assert body["outcome"] == "allow"
    assert AccessEvent.objects.get().lane == walk_in_a
    assert_error_shape(
        api.post(PATH, read("card", CARD_ZHANG, "n-2", lane="west/walk-in")), 422, "lane.mismatch"
    )
    assert AccessEvent.objects.count() == 1


def test_unbound_device_must_name_the_lane(turnstile, card_a):
    _, api = turnstile
    assert_error_shape(
        api.post(PATH, read("card", CARD_ZHANG, "n-1", lane=None)), 422, "lane.required"
    )


def test_revoked_or_missing_device_key_is_401(turnstile, card_a, manager_a):
    device, api = turnstile
    device_revoke(device=device, actor=manager_a, now=NOW)
    assert_error_shape(api.post(PATH, read("card", CARD_ZHANG, "n-1")), 401, "unauthenticated")
    assert_error_shape(
        ApiClient().post(PATH, read("card", CARD_ZHANG, "n-1")), 401, "unauthenticated"
    )
    assert counts() == (0, 0, 0, 0)


def test_a_person_token_is_not_a_device_key(manager_a, lanes_a, card_a, clock):
    api = ApiClient(headers={"Authorization": f"Bearer {issue_key(manager_a)}"})
    response = api.post(PATH, read("card", CARD_ZHANG, "n-1"))
    assert_error_shape(response, 401, "unauthenticated")


def test_openapi_documents_the_operation(db):
    schema = ApiClient().get("/openapi.json").json()
    op = schema["paths"]["/api/v1/gate/decisions"]["post"]
    assert op["summary"] and "nonce" in op["description"]
    assert op["security"] == [{"DeviceKeyAuth": []}]
    for status in ("401", "403", "404", "409", "422", "500"):
        ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOut"
    schemas = schema["components"]["schemas"]
    assert schemas["GateDecisionIn"]["examples"][0]["credential"]["kind"] == "card"
    assert schemas["GateDecisionOut"]["examples"][0]["outcome"] == "allow"
    assert set(schemas["ObligationOut"]["properties"]) == {"duty", "register", "minutes", "note"}
