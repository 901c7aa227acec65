"""Hikvision terminals over ISAPI, against the simulated terminal on 127.0.0.1: the protocol, the
client's failures in the outbox's terms, the driver's idempotent sync, what a terminal holds
(the gate's rules decide it), reconciliation, the event push and the remote door open."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from gatehouse.access.models import AccessEvent, Notice, Presence
from gatehouse.audit.models import AuditEntry
from gatehouse.devices import outbox, services, sync
from gatehouse.devices.adapters.hikvision import driver, isapi
from gatehouse.devices.adapters.hikvision.client import Client
from gatehouse.devices.adapters.hikvision.simulator import Terminal
from gatehouse.devices.commands import open_lane
from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand
from gatehouse.devices.reconcile import reconcile
from gatehouse.people import services as people
from tests.conftest import CARD_ZHANG, NOW

PASSWORD = "hik12345"
# CARD_ZHANG (hex 0A1B2C3D) as the terminal holds and sends it: its 10-digit decimal.
CARD_AT_TERMINAL = f"{int(CARD_ZHANG, 16):010d}"
JPEG = b"\xff\xd8\xff\xe0" + b"face" * 10 + b"\xff\xd9"


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def sim():
    terminal = Terminal(password=PASSWORD, clock=Clock(NOW)).start()
    yield terminal
    terminal.stop()


def make_terminal(site, lane, actor, sim, name="东门人脸终端"):
    device = Device.objects.create(
        site=site,
        lane=lane,
        name=name,
        kind="face_terminal",
        vendor="hikvision",
        serial_no=sim.serial,
    )
    services.device_issue_key(device=device, actor=actor, now=NOW)
    return services.device_set_login(
        device=device, actor=actor, address=sim.url, username="admin", password=PASSWORD, now=NOW
    )


@pytest.fixture
def terminal(site_a, walk_in_a, manager_a, sim):
    return make_terminal(site_a, walk_in_a, manager_a, sim)


def deliver(at=NOW):
    return outbox.deliver_due(now=lambda: at, drivers={"hikvision": driver.deliver})


def queued(device, kind=None):
    rows = DeviceCommand.objects.filter(device=device, state=CommandState.QUEUED)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id"))


# -- the protocol -------------------------------------------------------------------------------


def test_times_are_the_terminals_local_wall_clock_and_capped():
    assert isapi.local_time(NOW) == "2026-11-24T09:30:00"
    assert isapi.local_time(None) == "2037-12-31T23:59:59"
    assert isapi.local_time(NOW.replace(year=2050)) == "2037-12-31T23:59:59"


def test_card_numbers_go_as_decimal_and_come_back_as_gatehouse_reads_them():
    assert isapi.terminal_card_no("0A1B2C3D") == "0169552957"
    assert isapi.gatehouse_card_no("169552957") == "0169552957"
    assert isapi.terminal_card_no("04A1B2C3D4E5F6") == "04A1B2C3D4E5F6"


def test_an_access_event_is_parsed_as_the_guide_describes_it():
    body = {
        "dateTime": "2026-11-24T09:31:02+08:00",
        "eventType": "AccessControllerEvent",
        "deviceID": "SN1",
        "AccessControllerEvent": {
            "majorEventType": 5,
            "subEventType": 1,
            "cardNo": "0169552957",
            "employeeNoString": "7",
            "serialNo": 42,
            "doorNo": 1,
        },
    }
    event = isapi.parse_event(body)
    assert (event.serial_no, event.minor, event.card_no, event.employee_no) == (
        42,
        1,
        "0169552957",
        "7",
    )
    assert event.passed and event.is_passage and event.device_id == "SN1"
    door_closed = {**body, "AccessControllerEvent": {"subEventType": 22, "serialNo": 43}}
    assert not isapi.parse_event(door_closed).is_passage
    for bad in ("not json", {"AccessControllerEvent": {"subEventType": 1}}, [1]):
        with pytest.raises(isapi.ProtocolError):
            isapi.parse_event(bad)


# -- the client against the simulator -----------------------------------------------------------


def test_the_simulator_demands_digest_credentials(sim):
    answer = httpx.post(sim.url + isapi.USER_SEARCH, json={})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Digest ")
    wrong = httpx.post(sim.url + isapi.USER_SEARCH, json={}, auth=httpx.DigestAuth("admin", "x"))
    assert wrong.status_code == 401
    right = httpx.post(
        sim.url + isapi.USER_SEARCH,
        json={"UserInfoSearchCond": {"searchID": "1", "searchResultPosition": 0, "maxResults": 5}},
        auth=httpx.DigestAuth("admin", PASSWORD),
    )
    assert right.status_code == 200
    assert right.json()["UserInfoSearch"]["responseStatusStrg"] == "NO MATCH"


def test_a_terminal_switched_off_cuts_the_connections_a_client_kept_open(sim):
    with httpx.Client(auth=httpx.DigestAuth("admin", PASSWORD), timeout=2) as client:
        assert client.post(sim.url + isapi.USER_SEARCH, json={}).status_code == 200
        sim.stop()  # the client's keep-alive connection is cut with the power
        with pytest.raises(httpx.TransportError):
            client.post(sim.url + isapi.USER_SEARCH, json={})


def test_failures_are_told_in_the_outboxs_terms(sim):
    with pytest.raises(outbox.Unreached, match="401"):
        Client(sim.url, "admin", "wrong").door_open()
    with pytest.raises(outbox.Unreached, match="无法连接"):
        Client("http://127.0.0.1:9", "admin", PASSWORD).door_open()
    sim.busy = 1
    with pytest.raises(outbox.Unreached, match="deviceBusy"):
        Client(sim.url, "admin", PASSWORD).door_open()
    with pytest.raises(outbox.Refused, match="employeeNoNotExist"):
        Client(sim.url, "admin", PASSWORD).card_put("404", "0000000001")


def test_a_sync_applied_twice_leaves_the_terminal_as_once_and_drops_unwanted_cards(sim):
    client = Client(sim.url, "admin", PASSWORD)
    person = isapi.Person(
        "7",
        "张伟",
        "2026-01-01T00:00:00",
        "2037-12-31T23:59:59",
        cards=("0000000001", "0000000002"),
        face=base64.b64encode(JPEG).decode(),
    )
    driver.person_put(client, person)
    driver.person_put(client, person)
    assert set(sim.store.cards) == {"0000000001", "0000000002"}
    assert sim.store.faces == {"7": JPEG}
    driver.person_put(
        client, isapi.Person("7", "张伟", person.begin, person.end, cards=("0000000002",))
    )
    assert sim.store.cards == {"0000000002": "7"}
    assert sim.store.faces == {}
    driver.apply(client, CommandKind.PERSON_DELETE, {"employeeNo": "7"})
    assert sim.store.users == {} and sim.store.cards == {}


# -- what a terminal holds ----------------------------------------------------------------------


def test_a_card_issued_reaches_the_terminal_and_opens_it(terminal, sim, card_a, resident_a):
    # rule P-03: a resident enters with their card; the terminal holds it with its window.
    [command] = queued(terminal)
    assert command.kind == CommandKind.PERSON_SYNC
    assert command.subject == f"person:{resident_a.pk}"
    assert deliver().delivered == 1
    user = sim.store.users[str(resident_a.pk)]
    assert user["Valid"]["beginTime"] == isapi.local_time(card_a.valid_from)
    assert user["Valid"]["endTime"] == "2037-12-31T23:59:59"
    assert sim.store.cards == {CARD_AT_TERMINAL: str(resident_a.pk)}
    assert sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_an_unchanged_person_is_not_sent_again(terminal, sim, card_a, resident_a):
    deliver()
    people.person_update(person=resident_a, actor=None, note="备注", now=NOW)
    assert queued(terminal) == []


def test_a_lost_card_is_taken_off_the_terminal(terminal, sim, card_a, resident_a, manager_a):
    # rule P-03: a lost card does not open.
    deliver()
    people.credential_set_status(credential=card_a, status="lost", actor=manager_a, now=NOW)
    [command] = queued(terminal)
    assert command.kind == CommandKind.PERSON_DELETE
    deliver()
    assert str(resident_a.pk) not in sim.store.users
    swipe = sim.swipe(CARD_AT_TERMINAL, push=False)
    assert not swipe.passed and swipe.event.minor == isapi.MINOR_INVALID_CARD


def test_a_person_who_moved_out_is_taken_off(terminal, sim, card_a, resident_a, manager_a):
    # rule P-03 (credential.holder_inactive): a holder who left does not enter.
    deliver()
    people.person_update(person=resident_a, actor=manager_a, is_active=False, now=NOW)
    assert [c.kind for c in queued(terminal)] == [CommandKind.PERSON_DELETE]
    deliver()
    assert not sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_a_blacklisted_person_is_taken_off_and_put_back_when_lifted(
    terminal, sim, card_a, resident_a, manager_a
):
    # rule P-11: anyone on the blacklist is refused.
    deliver()
    entry = people.blacklist_add(
        site=resident_a.site, actor=manager_a, reason="多次滋事", person=resident_a, now=NOW
    )
    deliver()
    assert str(resident_a.pk) not in sim.store.users
    people.blacklist_lift(entry=entry, actor=manager_a, now=NOW)
    [command] = queued(terminal)
    assert command.kind == CommandKind.PERSON_SYNC
    assert command.payload["fresh"] is False  # told before: its cards are checked and cleared
    deliver()
    assert sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_modes_narrow_who_the_terminals_hold(site_a, lanes_a, manager_a, sim, card_a, resident_a):
    # rule M-01: tightened mode closes the west gate (east stays open); rule M-02: in epidemic
    # mode every entry at the designated entrance waits for the guard's check, so no terminal
    # admits anyone in by itself.
    from gatehouse.access.modes import mode_switch

    east = make_terminal(site_a, lanes_a["east/walk-in"], manager_a, sim, "东门终端")
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as west_sim:
        west = make_terminal(site_a, lanes_a["west/walk-in"], manager_a, west_sim, "西门终端")
        sync.sync_site(site_a, NOW)
        deliver()
        assert str(resident_a.pk) in west_sim.store.users
        mode_switch(site=site_a, actor=manager_a, to_mode="tightened", reason="加强管控", now=NOW)
        assert [c.kind for c in queued(west)] == [CommandKind.PERSON_DELETE]
        assert queued(east) == []
        deliver()
        assert not west_sim.swipe(CARD_AT_TERMINAL, push=False).passed
        assert sim.swipe(CARD_AT_TERMINAL, push=False).passed
        mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情封闭", now=NOW)
        assert [c.kind for c in queued(east)] == [CommandKind.PERSON_DELETE]
        deliver()
        assert not sim.swipe(CARD_AT_TERMINAL, push=False).passed
        mode_switch(site=site_a, actor=manager_a, to_mode="normal", reason="恢复常态", now=NOW)
        deliver()
        assert sim.swipe(CARD_AT_TERMINAL, push=False).passed
        assert west_sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_a_card_not_yet_valid_is_held_with_its_window(terminal, sim, resident_a, manager_a):
    # rule P-03 (credential.not_yet_valid): the terminal opens only inside the window.
    starts = NOW + timedelta(days=2)
    ends = NOW + timedelta(days=30)
    people.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="owner_card",
        number=CARD_ZHANG,
        valid_from=starts,
        valid_until=ends,
        actor=manager_a,
        now=NOW,
    )
    deliver()
    valid = sim.store.users[str(resident_a.pk)]["Valid"]
    assert (valid["beginTime"], valid["endTime"]) == (
        isapi.local_time(starts),
        isapi.local_time(ends),
    )
    assert not sim.swipe(CARD_AT_TERMINAL, push=False).passed
    sim.clock.at = starts + timedelta(minutes=1)
    assert sim.swipe(CARD_AT_TERMINAL, push=False).passed
    sim.clock.at = ends + timedelta(minutes=1)
    assert not sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_a_parking_card_is_never_on_a_people_terminal(terminal, sim, resident_a, manager_a):
    # rule P-01: a parking card does not open a people lane.
    people.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="parking_card",
        number=CARD_ZHANG,
        actor=manager_a,
        now=NOW,
    )
    assert queued(terminal) == []


def test_a_face_is_sent_only_with_consent_and_removed_when_withdrawn(
    terminal, sim, card_a, resident_a, manager_a
):
    deliver()
    assert sim.store.faces == {}
    services.face_consent_record(person=resident_a, picture=JPEG, actor=manager_a, now=NOW)
    deliver()
    assert sim.store.faces == {str(resident_a.pk): JPEG}
    assert sim.face(str(resident_a.pk), push=False).passed
    services.face_consent_withdraw(person=resident_a, actor=manager_a, now=NOW)
    deliver()
    assert sim.store.faces == {}
    assert not sim.face(str(resident_a.pk), push=False).passed
    assert AuditEntry.objects.filter(action__in=["face.consent", "face.withdraw"]).count() == 2


def test_a_wrong_picture_is_refused_and_nothing_is_kept(resident_a, manager_a):
    from gatehouse.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        services.face_consent_record(person=resident_a, picture=b"GIF89a", actor=manager_a, now=NOW)
    assert err.value.code == "face.picture"


# -- reconciliation -----------------------------------------------------------------------------


def test_reconciliation_is_the_initial_sync_and_repairs_drift(
    site_a, walk_in_a, manager_a, sim, card_a, resident_a
):
    device = make_terminal(site_a, walk_in_a, manager_a, sim)  # added after the card
    assert queued(device) == []
    first = reconcile(device, NOW)
    assert (first.queued.synced, first.queued.deleted) == (1, 0)
    deliver()
    assert sim.swipe(CARD_AT_TERMINAL, push=False).passed
    # Drift: someone added by hand at the terminal, and the resident's card changed there.
    client = Client(sim.url, "admin", PASSWORD)
    intruder = isapi.Person("9999", "手工添加", "2026-01-01T00:00:00", "2037-12-31T23:59:59")
    driver.person_put(client, intruder)
    client.card_put("9999", "0000000099")
    client.cards_delete([CARD_AT_TERMINAL])
    second = reconcile(device, NOW)
    assert (second.queued.synced, second.queued.deleted) == (1, 1)
    deliver()
    assert set(sim.store.users) == {str(resident_a.pk)}
    assert sim.store.cards == {CARD_AT_TERMINAL: str(resident_a.pk)}
    third = reconcile(device, NOW)
    assert (third.queued.synced, third.queued.deleted, third.queued.unchanged) == (0, 0, 1)


def test_an_unreachable_terminal_is_reported_not_guessed(site_a, walk_in_a, manager_a, sim):
    device = make_terminal(site_a, walk_in_a, manager_a, sim)
    device.address = "http://127.0.0.1:9"
    result = reconcile(device, NOW)
    assert result.queued is None and "无法连接" in result.error


# -- events -------------------------------------------------------------------------------------


def push_url(device, manager):
    token = services.device_issue_camera_token(device=device, actor=manager, now=NOW)
    return reverse("api:terminal_event_push", kwargs={"token": token})


def post(client, url, sim, event, picture=None):
    content_type, body = sim.multipart(event, picture=picture)
    return client.post(url, data=body, content_type=content_type)


def test_a_passage_becomes_an_access_event_once(
    client, terminal, sim, card_a, resident_a, manager_a
):
    # SPEC §12: every decision at a gate is an event; the device's retry is not a second one.
    deliver()
    url = push_url(terminal, manager_a)
    swipe = sim.swipe(CARD_AT_TERMINAL, push=False)
    answer = post(client, url, sim, swipe.event)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["statusCode"], body["subStatusCode"], body["replayed"]) == (1, "ok", False)
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == ("allow", "resident.card", "P-03")
    assert event.person_id == resident_a.pk and event.credential_id == card_a.pk
    assert event.device_id == terminal.pk and event.chain_hash
    assert Presence.objects.get(person=resident_a).inside is True
    again = post(client, url, sim, swipe.event)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert AccessEvent.objects.count() == 1


def test_a_passage_the_gate_would_refuse_alerts_the_monitoring_centre(
    client, terminal, sim, card_a, resident_a, manager_a
):
    # rule P-11: the card was revoked, the terminal not yet told; it opened anyway.
    deliver()
    people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
    swipe = sim.swipe(CARD_AT_TERMINAL, push=False)
    assert swipe.passed
    answer = post(client, push_url(terminal, manager_a), sim, swipe.event)
    assert answer.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == (
        "allow",
        "terminal.passed_against_rule",
        "P-11",
    )
    assert "此卡已注销" in event.message
    notice = Notice.objects.get(audience="monitoring")
    assert notice.event_id == event.pk and notice.kind == "terminal.passed_against_rule"


def test_a_refusal_the_gate_would_allow_is_recorded_and_resent(
    client, terminal, sim, card_a, resident_a, manager_a
):
    # rule P-03: the resident's card is valid; the terminal's list was behind.
    swipe = sim.swipe(CARD_AT_TERMINAL, push=False)  # not delivered yet: unknown there
    assert not swipe.passed
    DeviceCommand.objects.all().delete()
    answer = post(client, push_url(terminal, manager_a), sim, swipe.event)
    assert answer.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason) == ("refuse", "terminal.refused")
    assert [c.kind for c in queued(terminal)] == [CommandKind.PERSON_SYNC]


def test_an_unknown_card_refused_by_the_terminal_is_the_gates_refusal_too(
    client, terminal, sim, manager_a
):
    # rule P-11: strangers are not admitted; the monitoring centre is told.
    swipe = sim.swipe("0000004242", push=False)
    answer = post(client, push_url(terminal, manager_a), sim, swipe.event)
    assert answer.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == ("refuse", "credential.unknown", "P-11")
    assert Notice.objects.filter(event=event, audience="monitoring").exists()


def test_bad_pushes_get_an_isapi_answer_and_change_nothing(client, terminal, sim, manager_a):
    url = push_url(terminal, manager_a)
    bad = client.post(url, data=b"{not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["statusCode"] == isapi.INVALID_CONTENT
    missing = client.post(url, data={"other": "x"})  # multipart without the event part
    assert missing.status_code == 400 and missing.json()["subStatusCode"] == "badJsonContent"
    unknown = client.post(
        reverse("api:terminal_event_push", kwargs={"token": "gc_" + "x" * 43}),
        data=b"{}",
        content_type="application/json",
    )
    assert unknown.status_code == 401 and unknown.json()["subStatusCode"] == "unAuthorized"
    camera = Device.objects.create(
        site=terminal.site, name="车牌相机", kind="plate_camera", vendor="vzenith"
    )
    services.device_issue_key(device=camera, actor=manager_a, now=NOW)
    camera_url = push_url(camera, manager_a)  # a camera's push address is no terminal's
    not_a_terminal = post(client, camera_url, sim, sim.swipe("0000000003", push=False).event)
    assert not_a_terminal.status_code == 401
    other = Terminal(password=PASSWORD, serial="OTHER-SERIAL", clock=Clock(NOW))
    stranger = other.swipe("0000000001", push=False).event
    wrong_serial = post(client, url, other, stranger)
    assert wrong_serial.status_code == 403
    assert wrong_serial.json()["subStatusCode"] == "deviceSerialMismatch"
    other._server.server_close()
    # The same event number reused for another event.
    first = sim.swipe("0000000001", push=False).event
    assert post(client, url, sim, first).status_code == 200
    reused = isapi.AccessEvent(
        serial_no=first.serial_no,
        at=first.at,
        major=5,
        minor=1,
        card_no="0000000002",
        device_id=sim.serial,
    )
    answer = post(client, url, sim, reused)
    assert answer.status_code == 409 and answer.json()["subStatusCode"] == "eventSerialNoReused"
    assert AccessEvent.objects.count() == 1


# -- the door -----------------------------------------------------------------------------------


def test_a_remote_door_open_is_queued_audited_and_opens_once(
    terminal, sim, walk_in_a, guard_a, lanes_a
):
    [command] = open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="访客已确认")
    assert command.kind == CommandKind.DOOR_OPEN and command.expires_at is not None
    audit = AuditEntry.objects.get(action="device.open_lane")
    assert audit.after["commands"] == [command.pk]
    deliver()
    assert sim.store.doors_opened == [1]
    assert deliver().delivered == 0  # never repeated
    from gatehouse.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        open_lane(lane=lanes_a["west/walk-in"], actor=guard_a, now=NOW, reason="")
    assert err.value.code == "device.none_on_lane"


def test_a_door_open_not_delivered_in_time_is_dropped(terminal, sim, guard_a, walk_in_a):
    command = open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="")[0]
    deliver(NOW + timedelta(minutes=5))
    command.refresh_from_db()
    assert command.state == CommandState.EXPIRED
    assert sim.store.doors_opened == []


# -- the commands -------------------------------------------------------------------------------


def test_reconcile_terminals_reports_per_terminal(terminal, sim, card_a, capsys):
    from django.core.management import call_command

    DeviceCommand.objects.all().delete()
    call_command("reconcile_terminals", "--device", str(terminal.pk))
    out = capsys.readouterr().out
    assert "补发/更正 1，删除 0" in out
    terminal.address = "http://127.0.0.1:9"
    terminal.save(update_fields=["address"])
    call_command("reconcile_terminals", "--site", terminal.site.code)
    assert "无法读取终端名单" in capsys.readouterr().err


def test_simulate_terminal_serves_isapi_and_takes_swipes_from_its_input(monkeypatch, capsys):
    import io
    import socket

    from django.core.management import call_command

    with socket.socket() as probe:  # a free port on 127.0.0.1
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr("sys.stdin", io.StringIO("list\n0000000001\nface 7\n"))
    call_command("simulate_terminal", "--port", str(port), "--password", PASSWORD)
    out = capsys.readouterr().out
    assert f"127.0.0.1:{port}" in out
    assert "人员 0，卡 0" in out
    assert out.count("拒绝") == 2


def test_a_card_lost_in_the_admin_is_taken_off_the_terminal(
    client, terminal, sim, card_a, resident_a, manager_a
):
    # rule P-03: the admin writes the card itself; the terminals follow all the same.
    from django.http import HttpRequest

    deliver()
    assert client.login(request=HttpRequest(), username=manager_a.username, password="pass-1234")
    url = reverse("admin:people_credential_change", args=[card_a.pk])
    valid_from = timezone.localtime(card_a.valid_from)
    response = client.post(
        url,
        {
            "site": card_a.site_id,
            "kind": "owner_card",
            "number": card_a.number,
            "person": resident_a.pk,
            "valid_from_0": valid_from.strftime("%Y-%m-%d"),
            "valid_from_1": valid_from.strftime("%H:%M:%S"),
            "status": "lost",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [c.kind for c in queued(terminal)] == [CommandKind.PERSON_DELETE]
    deliver(timezone.now())  # the admin queued it at the (ticking) clock's now
    assert not sim.swipe(CARD_AT_TERMINAL, push=False).passed


def test_a_face_passage_is_mapped_to_the_person_by_employee_number(
    client, terminal, sim, card_a, resident_a, manager_a
):
    # rule P-03: a face is judged by the person's active card.
    services.face_consent_record(person=resident_a, picture=JPEG, actor=manager_a, now=NOW)
    deliver()
    swipe = sim.face(str(resident_a.pk), push=False)
    assert swipe.passed
    answer = post(client, push_url(terminal, manager_a), sim, swipe.event, picture=JPEG)
    assert answer.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.person_id) == (
        "allow",
        "resident.card",
        resident_a.pk,
    )
    assert event.credential_kind == "face"


def test_a_person_deleted_while_the_terminal_was_down_is_never_re_added(
    terminal, sim, card_a, resident_a, manager_a
):
    # Issue 14 faults: commands wait in order; a stale sync never re-adds a deleted person.
    address = terminal.address
    Device.objects.filter(pk=terminal.pk).update(address="http://127.0.0.1:9")
    terminal.refresh_from_db()
    assert deliver().retrying == 1
    people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
    services.device_set_login(
        device=terminal, actor=manager_a, address=address, username="admin", password=None, now=NOW
    )
    assert deliver(NOW + timedelta(hours=3)).delivered == 1
    assert [c.state for c in DeviceCommand.objects.order_by("id")] == [
        CommandState.SUPERSEDED,
        CommandState.DONE,
    ]
    assert sim.store.users == {} and sim.store.cards == {}


def test_reconciliation_puts_back_a_face_removed_at_the_terminal(
    terminal, sim, card_a, resident_a, manager_a
):
    services.face_consent_record(person=resident_a, picture=JPEG, actor=manager_a, now=NOW)
    deliver()
    assert reconcile(terminal, NOW).queued.unchanged == 1
    Client(sim.url, "admin", PASSWORD).face_delete(str(resident_a.pk))
    assert reconcile(terminal, NOW).queued.synced == 1
    deliver()
    assert sim.store.faces == {str(resident_a.pk): JPEG}
    # A card reader without a face library: its people and cards are compared, faces are not.
    sim.has_faces = False
    result = reconcile(terminal, NOW)
    assert result.queued is not None and result.queued.unchanged == 1


def test_the_outbox_admin_never_shows_a_face_picture(
    client, terminal, sim, card_a, resident_a, manager_a, superuser
):
    from django.http import HttpRequest

    services.face_consent_record(person=resident_a, picture=JPEG, actor=manager_a, now=NOW)
    command = queued(terminal)[-1]
    assert command.payload["face"]
    assert client.login(request=HttpRequest(), username=superuser.username, password="pass-1234")
    page = client.get(reverse("admin:devices_devicecommand_change", args=[command.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "人脸照片，不显示" in html
    assert command.payload["face"][:40] not in html


def test_terminals_of_one_lane_each_get_their_commands(
    site_a, walk_in_a, manager_a, sim, card_a, resident_a
):
    from gatehouse.access.modes import mode_switch

    first = make_terminal(site_a, walk_in_a, manager_a, sim, "一号机")
    with Terminal(password=PASSWORD, clock=Clock(NOW)) as other:
        second = make_terminal(site_a, walk_in_a, manager_a, other, "二号机")
        assert sync.sync_site(site_a, NOW).synced == 2
        deliver()
        assert sim.swipe(CARD_AT_TERMINAL, push=False).passed
        assert other.swipe(CARD_AT_TERMINAL, push=False).passed
        mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情封闭", now=NOW)
        assert [len(queued(d, CommandKind.PERSON_DELETE)) for d in (first, second)] == [1, 1]
