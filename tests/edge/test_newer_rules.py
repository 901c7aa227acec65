"""The rules issue 17 added, decided by an offline edge as the server decides them (docs/edge.md
§Newer rules): a returnee under home monitoring does not go out (M-03); a student leaving a
campus in school hours needs the class teacher's leave pass, used once (T3-01). The snapshot
carries their facts (schema 2); the same core functions decide; a pass used offline is marked
used on upload, and a pass used at two offline gates is recorded as a conflict. An edge holding
a snapshot of an older server (schema 1) keeps working as before."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

import pytest

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.core import signed
from gatehouse.core.edge import SNAPSHOT_SCHEMA
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse_edge.offline import Edge
from gatehouse_edge.store import Store
from gatehouse_edge.sync import Syncer
from tests.campus.conftest import CARD_STUDENT
from tests.conftest import CARD_ZHANG, NOW, SHANGHAI
from tests.edge.conftest import PUBLIC, SEED, DjangoClient, read
from tests.epidemic.conftest import open_case

H = timedelta(hours=1)


def upload(syncer: Syncer) -> list[dict]:
    entries = [e.upload_json() for e in syncer.store.pending()]
    results = syncer.client.upload(entries).json()["results"]
    syncer.store.mark_uploaded(results, now=NOW)
    return results


# -- M-03: a monitored returnee's exit -----------------------------------------------------------


@pytest.fixture
def exit_key(site_a, manager_a, lanes_a) -> str:
    device = Device.objects.create(site=site_a, name="东门出口闸机", kind="turnstile")
    return device_issue_key(device=device, actor=manager_a, now=NOW - timedelta(days=1))


def test_offline_edge_refuses_a_monitored_returnees_exit(
    syncer, edge, server, store, exit_key, card_a, resident_a, manager_a, grids_a
):
    # rule M-03: offline, the edge keeps a returnee under home monitoring in, as the server does
    case = open_case(resident_a.site, manager_a)
    syncer.pull()
    assert store.schema == SNAPSHOT_SCHEMA
    [returnee] = store.index.returnees_by_person[resident_a.pk]
    assert set(returnee) == {"id", "person_id", "until"}  # nothing of the case but its end
    server.down = True
    out = edge.answer(exit_key, read("card", CARD_ZHANG, "m-1", lane="east/walk-out"), NOW)
    assert out.body["outcome"] == "refuse"
    assert (out.body["reason"], out.body["rule"]) == ("epidemic.home_monitoring", "M-03")
    assert "监测至12月7日" in out.body["message"] and out.body["decided_at_edge"] is True
    # coming home is not refused
    back = edge.answer(exit_key, read("card", CARD_ZHANG, "m-2"), NOW)
    assert back.body["outcome"] == "allow"
    # the register row: uploaded, the refusal is the event, with its rule, as decided offline
    server.down = False
    first, _second = upload(syncer)
    assert (first["status"], first["conflict"]) == ("recorded", "")
    event = AccessEvent.objects.get(pk=first["event_id"])
    assert (event.outcome, event.reason, event.rule, event.person_id, event.direction) == (
        "refuse",
        "epidemic.home_monitoring",
        "M-03",
        resident_a.pk,
        "out",
    )
    # the case closed: the next delta takes the returnee's record off, and the exit opens
    from gatehouse.epidemic import services

    services.case_close(case=case, actor=manager_a, now=NOW, reason="left", note="")
    syncer.pull()
    assert resident_a.pk not in store.index.returnees_by_person
    server.down = True
    later = edge.answer(exit_key, read("card", CARD_ZHANG, "m-3", lane="east/walk-out"), NOW)
    assert later.body["outcome"] == "allow"


def test_monitoring_over_by_time_opens_the_exit_offline(
    syncer, edge, server, exit_key, card_a, resident_a, manager_a, grids_a
):
    # rule M-03: the record carries the end; past it the same snapshot lets the returnee out
    open_case(resident_a.site, manager_a, arrived=NOW.date() - timedelta(days=13))
    syncer.pull()
    server.down = True
    end = datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI)  # 00:00 of day 15
    body = read("card", CARD_ZHANG, "m-4", lane="east/walk-out")
    assert edge.answer(exit_key, body, end - timedelta(minutes=1)).body["outcome"] == "refuse"
    body = read("card", CARD_ZHANG, "m-5", lane="east/walk-out")
    assert edge.answer(exit_key, body, end).body["outcome"] == "allow"


# -- T3-01: a student leaving during school hours ------------------------------------------------


def _school_edge(tmp_path, site, actor, name: str):
    device = Device.objects.create(site=site, name=name, kind="edge")
    key = device_issue_key(device=device, actor=actor, now=NOW - timedelta(days=1))
    store = Store(
        tmp_path / f"{name}.sqlite3", site_id=site.pk, public_key=signed.public_key(PUBLIC)
    )
    client = DjangoClient(key)
    return store, client, Syncer(store, client, lambda: NOW), Edge(store)


@pytest.fixture
def gate_key(school, school_manager, school_lanes) -> str:
    device = Device.objects.create(site=school, name="南校门闸机", kind="turnstile")
    return device_issue_key(device=device, actor=school_manager, now=NOW - timedelta(days=1))


@pytest.fixture
def school_edge(tmp_path, school, school_manager, school_lanes):
    store, client, syncer, edge = _school_edge(tmp_path, school, school_manager, "edge-1")
    yield store, client, syncer, edge
    store.close()


def _issue(made, **kw):
    from gatehouse.campus import services

    args = {
        "teacher": made["teacher"],
        "student": made["student"],
        "actor": made["teacher"].user,
        "reason": "发烧，家长接去医院",
        "window_start": NOW - H,
        "window_end": NOW + 2 * H,
        "now": NOW,
    }
    return services.leave_pass_issue(**{**args, **kw})


def _out(nonce: str) -> bytes:
    return read("card", CARD_STUDENT, nonce, lane="south/walk-out")


def test_offline_edge_refuses_a_student_without_a_pass_in_school_hours(
    school_edge, gate_key, people
):
    # rule T3-01: NOW (09:30) is inside the school hours the snapshot carries (07:40–16:30)
    store, client, syncer, edge = school_edge
    syncer.pull()
    site = store.index.get("site", "site")
    assert (site["kind"], site["school_starts"], site["school_ends"]) == (
        "campus",
        "07:40:00",
        "16:30:00",
    )
    client.down = True
    told = edge.answer(gate_key, _out("s-1"), NOW)
    assert (told.body["outcome"], told.body["reason"], told.body["rule"]) == (
        "refuse",
        "campus.no_leave_pass",
        "T3-01",
    )
    # after school the same student leaves without one
    after = edge.answer(gate_key, _out("s-2"), NOW.replace(hour=17))
    assert (after.body["outcome"], after.body["reason"]) == ("allow", "resident.exit")
    client.down = False
    refused, _after = upload(syncer)
    event = AccessEvent.objects.get(pk=refused["event_id"])
    assert (event.outcome, event.reason, event.rule, event.person_id) == (
        "refuse",
        "campus.no_leave_pass",
        "T3-01",
        people["student"].pk,
    )


def test_offline_pass_admits_once_and_is_marked_used_on_sync(school_edge, gate_key, people):
    # rule T3-01: the class teacher's pass lets the student out once; offline as online
    store, client, syncer, edge = school_edge
    leave_pass = _issue(people)
    syncer.pull()
    client.down = True
    t0 = NOW - timedelta(minutes=10)
    first = edge.answer(gate_key, _out("p-1"), t0)
    assert (first.body["outcome"], first.body["reason"], first.body["rule"]) == (
        "allow",
        "campus.leave_pass",
        "T3-01",
    )
    assert [o["duty"] for o in first.body["obligations"]] == ["use_leave_pass"]
    [entry] = store.pending()
    assert entry.leave_pass_id == leave_pass.pk
    # the same pass again, at the same offline gate: used
    again = edge.answer(gate_key, _out("p-2"), t0 + timedelta(minutes=5))
    assert (again.body["outcome"], again.body["reason"]) == ("refuse", "campus.leave_pass_used")
    # back online: the upload marks the pass used at the edge's time, with its event
    client.down = False
    used, refused = upload(syncer)
    assert (used["status"], used["conflict"]) == ("recorded", "")
    leave_pass.refresh_from_db()
    assert leave_pass.used_at == t0 and leave_pass.used_event_id == used["event_id"]
    event = AccessEvent.objects.get(pk=used["event_id"])
    assert (event.outcome, event.reason, event.rule) == ("allow", "campus.leave_pass", "T3-01")
    assert AccessEvent.objects.get(pk=refused["event_id"]).reason == "campus.leave_pass_used"
    # the next delta says so; the pass stays used at this edge
    syncer.pull()
    [record] = store.index.leave_passes_by_student[people["student"].pk]
    assert record["used"] is True


def test_a_pass_used_at_two_offline_gates_is_recorded_as_a_conflict(
    tmp_path, school_edge, gate_key, people, school, school_manager
):
    # rule T3-01: used once; the second offline use is kept as what happened and alerted
    _store, client, syncer, edge = school_edge
    store2, client2, syncer2, edge2 = _school_edge(tmp_path, school, school_manager, "edge-2")
    leave_pass = _issue(people)
    syncer.pull()
    syncer2.pull()
    client.down = client2.down = True
    at1 = NOW - timedelta(minutes=8)
    assert edge.answer(gate_key, _out("c-1"), at1).body["reason"] == "campus.leave_pass"
    at2 = NOW - timedelta(minutes=3)
    assert edge2.answer(gate_key, _out("c-2"), at2).body["reason"] == "campus.leave_pass"
    client.down = client2.down = False
    [first] = upload(syncer)
    [second] = upload(syncer2)
    assert first["conflict"] == ""
    assert (second["status"], second["conflict"]) == ("recorded", "edge.leave_pass_reused")
    leave_pass.refresh_from_db()
    assert leave_pass.used_at == at1 and leave_pass.used_event_id == first["event_id"]
    event = AccessEvent.objects.get(pk=second["event_id"])
    assert (event.outcome, event.reason, event.rule, event.at) == (
        "allow",
        "edge.leave_pass_reused",
        "T3-01",
        at2,
    )
    [alarm] = Notice.objects.filter(event=event, audience="monitoring")
    assert alarm.kind == "edge.leave_pass_reused" and "campus.leave_pass_used" in alarm.message
    store2.close()


def test_a_pass_revoked_after_the_student_left_offline_is_no_conflict(
    school_edge, gate_key, people
):
    # rule T3-01: revoked after the offline use (the server did not know it was used)
    from gatehouse.campus.models import LeavePass

    _store, client, syncer, edge = school_edge
    leave_pass = _issue(people)
    syncer.pull()
    client.down = True
    assert edge.answer(gate_key, _out("r-1"), NOW).body["reason"] == "campus.leave_pass"
    LeavePass.objects.filter(pk=leave_pass.pk).update(revoked_at=NOW + timedelta(minutes=10))
    client.down = False
    [result] = upload(syncer)
    assert result["conflict"] == ""
    assert AccessEvent.objects.get(pk=result["event_id"]).reason == "campus.leave_pass"
    leave_pass.refresh_from_db()
    assert leave_pass.used_at == NOW


# -- an older snapshot, an older journal ---------------------------------------------------------


def _schema_one(store: Store, site, lanes, made) -> None:
    """A full snapshot as a server before issue 17 signed it: no ``schema``, a site record
    without kind or school hours, no returnee or leave-pass records."""
    from gatehouse.core.edge import lookup_digest

    student, card = made["student"], made["card"]
    lanes = [
        {
            "kind": "lane",
            "key": str(lane.pk),
            "seq": 2 + i,
            "data": {
                "id": lane.pk,
                "gate": "south",
                "code": lane.code,
                "kind": "non_motor",
                "direction": lane.direction,
                "open_when_tightened": True,
            },
        }
        for i, lane in enumerate(lanes.values())
    ]
    device = Device.objects.get(name="南校门闸机")
    records = [
        {
            "kind": "site",
            "key": "site",
            "seq": 1,
            "data": {
                "id": site.pk,
                "code": site.code,
                "mode": "normal",
                "anti_passback": False,
                "fever_threshold": "37.3",
                "visit_minutes": None,
                "work_starts": "08:30:00",
                "work_ends": "17:30:00",
                "commute_minutes": 30,
            },
        },
        *lanes,
        {
            "kind": "device",
            "key": str(device.pk),
            "seq": 10,
            "data": {
                "id": device.pk,
                "name": device.name,
                "kind": "turnstile",
                "key_hash": device.key_hash,
                "lane_id": None,
            },
        },
        {
            "kind": "person",
            "key": str(student.pk),
            "seq": 11,
            "data": {
                "id": student.pk,
                "kind": "student",
                "active": True,
                "id_number_hash": "",
                "always_admitted": False,
            },
        },
        {
            "kind": "credential",
            "key": str(card.pk),
            "seq": 12,
            "data": {
                "id": card.pk,
                "kind": "owner_card",
                "number_hash": lookup_digest(CARD_STUDENT),
                "person_id": student.pk,
                "status": "active",
                "status_changed_at": None,
                "valid_from": (NOW - timedelta(days=90)).isoformat(),
                "valid_until": None,
            },
        },
    ]
    payload = {
        "site": {"id": site.pk, "code": site.code},
        "kind": "full",
        "since": None,
        "cursor": 12,
        "issued_at": (NOW - timedelta(minutes=1)).isoformat(),
        "expires_at": (NOW + timedelta(days=3)).isoformat(),
        "records": records,
    }
    store.apply(signed.seal(payload, signed.private_key(SEED)), now=NOW)


def test_a_snapshot_of_an_older_server_still_decides(school_edge, gate_key, people, school_lanes):
    # rule T3-01 cannot be applied from a schema-1 snapshot: it decides as before, and the
    # next delta of an upgraded server brings the facts
    store, client, _syncer, edge = school_edge
    _schema_one(store, people["class"].site, school_lanes, people)
    assert store.schema == 1
    client.down = True
    told = edge.answer(gate_key, _out("o-1"), NOW)
    assert (told.body["outcome"], told.body["reason"]) == ("allow", "resident.exit")


def test_an_older_agent_keeps_a_newer_snapshot_it_does_not_read(school_edge, gate_key, people):
    # rule T3-01: the new record kinds and the payload's schema are kept, not refused, by the
    # store's verification (what an agent before issue 17 also does: it checks only the
    # fields it reads)
    store, client, _syncer, _edge = school_edge
    _issue(people)
    envelope = client.snapshot(None).json()
    payload = json.loads(envelope["payload"])
    assert payload["schema"] == SNAPSHOT_SCHEMA
    kinds = {r["kind"] for r in payload["records"]}
    assert {"leave_pass", "site", "person", "credential"} <= kinds
    assert envelope["format"] == "gatehouse-edge/1"  # the envelope is unchanged
    store.apply(envelope, now=NOW)
    assert store.schema == SNAPSHOT_SCHEMA


def test_a_journal_written_before_issue_17_is_upgraded_in_place(tmp_path, site_a):
    # rule T3-01: an agent upgraded over its SQLite file keeps its journal and can record a
    # pass's use
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id INTEGER NOT NULL,"
        " nonce TEXT NOT NULL, body_digest TEXT NOT NULL, request TEXT NOT NULL, at TEXT NOT NULL,"
        " decision TEXT NOT NULL, answer TEXT NOT NULL, invitation_key TEXT, uploaded_at TEXT,"
        " upload_status TEXT, upload_event_id INTEGER, upload_code TEXT,"
        " UNIQUE (device_id, nonce));"
        "INSERT INTO journal (device_id, nonce, body_digest, request, at, decision, answer)"
        " VALUES (1, 'old', 'd', '{}', '2026-11-24T09:00:00+08:00', '{}', '{}');"
    )
    db.commit()
    db.close()
    store = Store(path, site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    [old] = store.pending()
    assert old.nonce == "old" and old.leave_pass_id is None
    assert "leave_pass_id" not in old.upload_json()
    store.journal(
        device_id=1,
        nonce="new",
        digest="d",
        request={},
        at=NOW.isoformat(),
        decision={},
        answer={},
        leave_pass_id=7,
    )
    assert store.leave_passes_used_here([7, 8]) == {7}
    assert store.pending()[1].upload_json()["leave_pass_id"] == 7
    store.close()


# -- M-02: a household's outing limit is judged on upload ----------------------------------------


def test_an_outing_over_the_households_limit_is_caught_on_upload(
    syncer, edge, server, exit_key, card_a, resident_a, house_a, manager_a, walk_out_a
):
    # rule M-02: the edge cannot count the household's exits at other gates; the server does
    # when the journal arrives, and records the overrun as a conflict the centre hears of
    from gatehouse.access import modes
    from gatehouse.epidemic import services as epidemic
    from gatehouse.gate.decide import gate_read
    from gatehouse.people import services as people
    from tests.conftest import ID_LI

    site = resident_a.site
    modes.mode_switch(site=site, actor=manager_a, to_mode="epidemic", reason="疫情防控", now=NOW)
    epidemic.outing_set(site=site, actor=manager_a, now=NOW, persons="1", days="2")
    spouse = people.person_create(
        site=site, actor=manager_a, name="李娜", kind="family", id_number=ID_LI, now=NOW
    )
    people.house_link(person=spouse, house=house_a, relation="family", actor=manager_a)
    people.credential_issue(
        site=site,
        person=spouse,
        kind="owner_card",
        number="0B2C3D4E",
        valid_from=NOW - timedelta(days=30),
        actor=manager_a,
        now=NOW,
    )
    syncer.pull()
    server.down = True
    # the spouse went out through a gate the server decides, an hour before
    assert gate_read(
        lane=walk_out_a, kind="card", value="0B2C3D4E", now=NOW - 2 * H
    ).decision.allowed
    told = edge.answer(exit_key, read("card", CARD_ZHANG, "o-2", lane="east/walk-out"), NOW - H)
    assert told.body["outcome"] == "allow"  # the edge did not know
    server.down = False
    [result] = upload(syncer)
    assert (result["status"], result["conflict"]) == ("recorded", "edge.passed_against_rule")
    event = AccessEvent.objects.get(pk=result["event_id"])
    assert (event.outcome, event.reason, event.rule) == (
        "allow",
        "edge.passed_against_rule",
        "P-11",
    )
    assert "外出已达限额" in event.message
    [alarm] = Notice.objects.filter(event=event, audience="monitoring")
    assert "epidemic.outing_limit" in alarm.message
