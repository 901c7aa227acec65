"""Every hand-written statement of the gate path (``gatehouse/gate/sql.py``) executed on the
backend the suite runs on — run the suite on SQLite and on PostgreSQL
(``DATABASE_URL=postgresql://…``) and each statement has run on both (those written for one
backend only are skipped on the other, and said so). A statement added to ``sql.STATEMENTS``
without a test here fails :func:`test_every_statement_has_a_test`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from gatehouse.access.models import AccessEvent, DeviceRequest, EventChainHead, Presence
from gatehouse.devices.models import Device
from gatehouse.devices.services import (
    device_issue_camera_token,
    device_issue_key,
    device_revoke,
)
from gatehouse.gate import chain, nonce, reads, rows, sql
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput, is_blacklisted
from gatehouse.keys import key_digest
from gatehouse.people import services as people
from tests.conftest import CARD_ZHANG, ID_ZHANG, NOW

TESTED = set()


def executes(*names: str):
    """Mark a test as the one executing ``names``; skipped on a backend they are not for."""
    TESTED.update(names)
    only_pg = any(n in sql.POSTGRESQL_ONLY for n in names)
    only_sqlite = any(n in sql.SQLITE_ONLY for n in names)
    vendor = connection.vendor
    skip = (only_pg and vendor != "postgresql") or (only_sqlite and vendor != "sqlite")
    return pytest.mark.skipif(skip, reason=f"{', '.join(names)}: not a statement of {vendor}")


def test_every_statement_has_a_test():
    assert set(sql.STATEMENTS) == TESTED
    assert set(sql.STATEMENTS) >= sql.POSTGRESQL_ONLY | sql.SQLITE_ONLY


def test_each_statement_is_built_once():
    for name, build in sql.STATEMENTS.items():
        if name == "record_with_nonce":
            assert sql.record_with_nonce(True) is sql.record_with_nonce(True)
            continue
        assert build() is build(), name


def test_no_cursor_is_opened_outside_the_gate_package():
    # All hand-written SQL lives in gatehouse/gate (issue 13 §4): no other module opens a cursor.
    # The one exception is the backup (issue 18 §3): a whole-database snapshot and every table's
    # row count, which are not queries of the product's data.
    root = Path(__file__).resolve().parents[2] / "gatehouse"
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "migrations" not in p.parts
        and p.parent.name not in ("gate", "backup")
        and ".cursor()" in p.read_text(encoding="utf-8")
    ]
    assert found == []


def event_of(lane, at=NOW) -> AccessEvent:
    return AccessEvent(
        site=lane.gate.site,
        lane=lane,
        at=at,
        recorded_at=at,
        source="device",
        direction="in",
        entrant="credential",
        outcome="allow",
        reason="resident.card",
        rule="P-03",
    )


@executes("device_by_key")
def test_the_device_is_read_by_its_key_with_site_lane_and_gate(site_a, walk_in_a, manager_a):
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    key = device_issue_key(device=device, actor=manager_a, now=NOW)
    found = reads.device_by_digest(key_digest(key))
    assert found is not None and found.pk == device.pk
    assert (found.site.pk, found.lane.pk, found.lane.gate.code) == (site_a.pk, walk_in_a.pk, "east")
    assert found.lane.gate.site is found.site
    assert reads.device_by_digest(key_digest(key + "x")) is None


@executes("registry_version")
def test_the_registry_version_is_one_number(site_a, walk_in_a, manager_a):
    # Raised by PostgreSQL's triggers (tests/gate/test_device_memory.py); one row on both.
    with connection.cursor() as cursor:
        cursor.execute(sql.registry_version())
        (before,) = cursor.fetchall()
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    key = device_issue_key(device=device, actor=manager_a, now=NOW)
    found = reads.device_by_digest(key_digest(key), memory=True)
    with connection.cursor() as cursor:
        cursor.execute(sql.registry_version())
        (after,) = cursor.fetchall()
    assert isinstance(before[0], int) and after[0] >= before[0]
    expected = after[0] if connection.vendor == "postgresql" else None
    assert found.memory_version == expected


@executes("device_by_push_token")
def test_a_camera_is_read_by_its_push_token_while_its_key_lives(site_a, manager_a):
    from gatehouse.sites.models import Gate, Lane

    gate = Gate.objects.create(site=site_a, code="garage", name="车库口")
    lane = Lane.objects.create(gate=gate, code="in", name="入口", kind="garage", direction="in")
    camera = Device.objects.create(site=site_a, lane=lane, name="相机", kind="plate_camera")
    device_issue_key(device=camera, actor=manager_a, now=NOW)
    token = device_issue_camera_token(device=camera, actor=manager_a, now=NOW)
    found = reads.device_by_push_digest(key_digest(token))
    assert found is not None and found.pk == camera.pk
    assert (found.lane.pk, found.lane.gate.code, found.lane.gate.site) == (
        lane.pk,
        "garage",
        site_a,
    )
    assert reads.device_by_push_digest(key_digest(token + "x")) is None
    assert reads.device_by_digest(key_digest(token)) is None  # a token is not a key
    device_revoke(device=camera, actor=manager_a, now=NOW)
    assert reads.device_by_push_digest(key_digest(token)) is None  # revoked with its key


@executes("blacklisted")
def test_the_blacklist_names_a_person_or_an_id_number(site_a, resident_a, manager_a):
    # rule P-11
    assert not is_blacklisted(site=site_a, person=resident_a, now=NOW)
    people.blacklist_add(
        site=site_a, actor=manager_a, reason="盗窃", person=resident_a, now=NOW - timedelta(days=1)
    )
    assert is_blacklisted(site=site_a, person=resident_a, now=NOW)
    assert not is_blacklisted(site=site_a, id_number_hash="nobody", now=NOW)


@executes("blacklisted_people")
def test_the_blacklisted_people_of_a_site_are_read_at_once(site_a, resident_a, manager_a):
    # rule P-11: by person, and by ID number (an entry without a person).
    from gatehouse.gate.facts import blacklisted_people

    other = people.person_create(site=site_a, actor=manager_a, name="王五", kind="tenant", now=NOW)
    assert blacklisted_people(site=site_a, now=NOW) == set()
    people.blacklist_add(
        site=site_a, actor=manager_a, reason="盗窃", name="张伟", id_number=ID_ZHANG, now=NOW
    )
    assert blacklisted_people(site=site_a, now=NOW) == {resident_a.pk}
    entry = people.blacklist_add(
        site=site_a, actor=manager_a, reason="滋事", person=other, now=NOW + timedelta(days=1)
    )
    assert blacklisted_people(site=site_a, now=NOW) == {resident_a.pk}  # not yet in force
    assert blacklisted_people(site=site_a, now=NOW + timedelta(days=2)) == {resident_a.pk, other.pk}
    people.blacklist_lift(entry=entry, actor=manager_a, now=NOW + timedelta(days=3))
    assert blacklisted_people(site=site_a, now=NOW + timedelta(days=3)) == {resident_a.pk}


@executes("credential")
def test_a_card_is_read_with_its_holder_and_blacklisting(site_a, card_a, resident_a):
    row = rows.fetch_one(
        sql.credential(),
        [
            *sql.blacklist_params(site_a.pk, NOW),
            site_a.pk,
            CARD_ZHANG,
            "owner_card",
            "parking_card",
            "staff_badge",
            "active",
        ],
    )
    assert row is not None
    credential = rows.build(type(card_a), row, 0)
    holder = rows.build(type(resident_a), row, rows.width(type(card_a)))
    assert (credential.pk, holder.pk, bool(row[-1])) == (card_a.pk, resident_a.pk, False)


@executes("presence")
def test_the_presence_upsert_keeps_the_newer_passage(resident_a):
    from gatehouse.gate.duties import presence_record

    presence_record(person_id=resident_a.pk, inside=True, at=NOW)
    presence_record(person_id=resident_a.pk, inside=False, at=NOW - timedelta(minutes=5))
    assert Presence.objects.get(person=resident_a).inside is True
    presence_record(person_id=resident_a.pk, inside=False, at=NOW + timedelta(minutes=5))
    assert Presence.objects.get(person=resident_a).inside is False


@executes("claim_nonce")
def test_a_nonce_is_claimed_once(site_a, walk_in_a):
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    event = event_of(walk_in_a)
    chain.insert(event)
    claim = nonce._claim_nonce  # the statement's one caller
    assert claim(device, "n-1", "d" * 64, {"event_id": event.pk}, event, NOW) is True
    assert claim(device, "n-1", "d" * 64, {"event_id": event.pk}, event, NOW) is False
    assert DeviceRequest.objects.get(device=device, nonce="n-1").event_id == event.pk


def two_sealed_events(site, lane) -> None:
    first, second = event_of(lane), event_of(lane, NOW + timedelta(seconds=1))
    chain.insert(first)
    chain.insert(second)
    assert (first.seq, second.seq) == (1, 2)
    head = EventChainHead.objects.get(site=site)
    assert (head.seq, head.last_id, head.hash) == (2, second.pk, second.chain_hash)
    assert chain.verify(site.pk).brk is None


@executes("chain_insert_pg")
def test_events_are_sealed_in_one_statement_on_postgresql(site_a, walk_in_a):
    two_sealed_events(site_a, walk_in_a)


@executes(
    "chain_advance_sqlite", "chain_next_id_sqlite", "chain_insert_sqlite", "chain_head_sqlite"
)
def test_events_are_sealed_under_sqlites_write_lock(site_a, walk_in_a):
    # Four statements: advance the head, the next key, the sealed insert, complete the head.
    two_sealed_events(site_a, walk_in_a)


@executes("record_with_nonce")
@pytest.mark.parametrize("with_presence", [True, False])
def test_event_presence_and_nonce_in_one_statement(with_presence, site_a, walk_in_a, card_a):
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    result = gate_decide(
        GateInput(lane=walk_in_a, credential=card_a, presented_kind="card"),
        now=NOW,
        device=device,
        source="device",
        defer=True,
    )
    assert result.event.pk is None and result.presence is not None  # left for the statement
    presence = result.presence if with_presence else None
    decided = nonce.Decided(
        nonce.decision_json(result.decision, result.event), result.event, presence
    )
    nonce._record_with_nonce(device, "n-2", "d" * 64, decided, NOW)
    stored = DeviceRequest.objects.get(device=device, nonce="n-2")
    assert stored.event_id == result.event.pk == decided.response["event_id"]
    assert stored.response["event_id"] == result.event.pk
    assert Presence.objects.filter(person=card_a.person).exists() is with_presence
    assert chain.verify(site_a.pk).brk is None
    with pytest.raises(nonce._LostRace):  # the nonce is taken: the whole statement fails
        again = gate_decide(
            GateInput(lane=walk_in_a, credential=card_a, presented_kind="card"),
            now=NOW,
            device=device,
            source="device",
            defer=True,
        )
        decided = nonce.Decided({}, again.event, presence)
        nonce._record_with_nonce(device, "n-2", "d" * 64, decided, NOW)
    assert AccessEvent.objects.count() == 1


def test_an_instance_built_from_a_row_is_the_one_the_orm_loads(
    site_a, walk_in_a, card_a, manager_a
):
    # rows.build skips Model.__init__ for models that have nothing of their own there (issue 18
    # §5): every attribute, the loaded state and the equality are the ORM's own.
    from gatehouse.people.models import Credential, Person
    from gatehouse.sites.models import Gate, Lane, Site

    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    for model, pk in (
        (Device, device.pk),
        (Site, site_a.pk),
        (Lane, walk_in_a.pk),
        (Gate, walk_in_a.gate_id),
        (Credential, card_a.pk),
        (Person, card_a.person_id),
    ):
        assert rows._is_plain(model), model
        columns = rows.columns(model, "t")
        row = rows.fetch_one(f"SELECT {columns} FROM {rows.table(model)} t WHERE t.id = %s", [pk])
        built = rows.build(model, row, 0)
        loaded = model.objects.get(pk=pk)
        assert built == loaded and type(built) is model
        assert (built._state.adding, built._state.db) == (False, "default")
        for field in model._meta.concrete_fields:
            assert getattr(built, field.attname) == getattr(loaded, field.attname), field.name
            assert type(getattr(built, field.attname)) is type(getattr(loaded, field.attname))
    # A model with a receiver of post_init is built by the ORM's own from_db.
    from django.db.models.signals import post_init

    def receiver(**kwargs):
        pass

    post_init.connect(receiver, sender=Device)
    try:
        assert not rows._is_plain(Device)
    finally:
        post_init.disconnect(receiver, sender=Device)


def test_an_events_values_are_bound_as_django_prepares_them(site_a, walk_in_a, card_a):
    # rows.prepared binds a plain CharField's str and a plain ForeignKey's int as they are
    # (issue 18 §5): exactly what Django's own preparation gives, on either backend.
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    event = event_of(walk_in_a)
    event.device, event.credential, event.person = device, card_a, card_a.person
    event.subject, event.credential_masked, event.note = "张*", "****BEEF", ""
    fields = sql.event_fields()
    ours = rows.prepared(event, fields)
    django = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    # (psycopg's Jsonb wrapper has no equality of its own: its object is compared.)
    assert [getattr(v, "obj", v) for v in ours] == [getattr(v, "obj", v) for v in django]
    assert [type(v) for v in ours] == [type(v) for v in django]
    plain = {f.name for f in fields if rows._plain_kind(f) is not None}
    assert {"subject", "reason", "site", "lane", "device", "person"} <= plain
    assert "at" not in plain and "obligations" not in plain  # prepared by Django
    # A caller handing a fresh list each time gets the same values, and the plans stay bounded.
    for _ in range(70):
        again = rows.prepared(event, list(fields))
    assert [getattr(v, "obj", v) for v in again] == [getattr(v, "obj", v) for v in ours]
    assert len(rows._plans) <= 64


def _state_of(obj):
    state = obj._state
    return state.adding, state.db, dict(state.__dict__.get("fields_cache", {}))


def test_a_new_event_is_the_instance_djangos_constructor_makes(site_a, walk_in_a, card_a):
    # rows.new skips Model.__init__ for a plain model (issue 18 §5): every attribute, the
    # related objects' cache and the state are what AccessEvent(**values) makes.
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    values = {
        "site": site_a,
        "lane": walk_in_a,
        "at": NOW,
        "recorded_at": NOW,
        "source": "device",
        "device": device,
        "guard": None,
        "direction": "in",
        "outcome": "allow",
        "reason": "resident.card",
        "rule": "P-03",
        "obligations": [{"kind": "escort"}],
        "note": "备注",
        "credential": card_a,
        "person_id": card_a.person_id,
        "subject": "张*",
    }
    ours = rows.new(AccessEvent, **values)
    django = AccessEvent(**values)
    assert type(ours) is AccessEvent
    mine = {k: v for k, v in ours.__dict__.items() if k != "_state"}
    theirs = {k: v for k, v in django.__dict__.items() if k != "_state"}
    assert mine == theirs
    assert _state_of(ours) == _state_of(django)
    assert ours.site is site_a and ours.device is device and ours.guard is None
    assert (ours.person_id, ours.visit_id, ours.pending) == (card_a.person_id, None, "")
    # Defaults are made afresh for each instance, as Django makes them.
    assert rows.new(AccessEvent, site=site_a).obligations is not ours.obligations
    # What is not a field's name goes to Django, which refuses it as it always does.
    with pytest.raises(TypeError, match="unexpected keyword"):
        rows.new(AccessEvent, site=site_a, colour="red")
    with pytest.raises(ValueError, match="must be a"):
        rows.new(AccessEvent, site=walk_in_a)


def test_attaching_a_related_row_is_what_the_descriptor_does(site_a, walk_in_a, card_a):
    columns = rows.columns(Device, "t")
    device = Device.objects.create(site=site_a, lane=walk_in_a, name="闸机", kind="turnstile")
    row = rows.fetch_one(
        f"SELECT {columns} FROM {rows.table(Device)} t WHERE t.id = %s", [device.pk]
    )
    ours, theirs = rows.build(Device, row, 0), rows.build(Device, row, 0)
    rows.attach(ours, "lane", walk_in_a)
    theirs.lane = walk_in_a
    rows.attach(ours, "site", None)
    theirs.site = None
    assert ours.__dict__.keys() == theirs.__dict__.keys()
    assert {k: v for k, v in ours.__dict__.items() if k != "_state"} == {
        k: v for k, v in theirs.__dict__.items() if k != "_state"
    }
    assert _state_of(ours) == _state_of(theirs)
    assert ours.lane is walk_in_a and ours.site_id is None
    with pytest.raises(TypeError, match="many-to-one"):
        rows.attach(ours, "name", walk_in_a)


def test_the_bound_connection_is_the_threads_own():
    from django.db import DEFAULT_DB_ALIAS, connections

    outside = rows.current()
    with rows.bound():
        assert rows.current() is connections[DEFAULT_DB_ALIAS] is outside
        assert rows._bound.get() is outside
    assert rows._bound.get() is None
