"""M-05 (T8·2): compounds merged behind unified entrances (合并出入口), through the services, the
device API (the fast path and the full stack) and the booth's pipeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gatehouse.access.models import AccessEvent
from gatehouse.accounts.models import Membership
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.epidemic import services
from gatehouse.epidemic.models import MergedPassage, UnifiedEntrance
from gatehouse.gate import merger as gate_merger
from gatehouse.gate.decide import gate_read
from gatehouse.people import services as people
from gatehouse.sites.models import Gate, Lane, Site
from tests.access.test_device_api import make_device
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG, NOW

pytestmark = pytest.mark.django_db

CARD_LI = "11223344"
PATH = "/gate/decisions"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("gatehouse.access.api._clock", lambda: NOW)
    return NOW


@pytest.fixture
def boss(manager_a, site_b):
    """A security manager of both compounds (a merger spans both)."""
    Membership.objects.create(user=manager_a, site=site_b, role="security_manager")
    return manager_a


@pytest.fixture
def lanes_b(site_b):
    gate = Gate.objects.create(site=site_b, code="north", name="北门")
    return {
        "north/walk-in": Lane.objects.create(
            gate=gate, code="walk-in", name="北门进", kind="non_motor", direction="in"
        )
    }


@pytest.fixture
def card_b(resident_b, manager_b):
    return people.credential_issue(
        site=resident_b.site,
        person=resident_b,
        kind="staff_badge",
        number=CARD_LI,
        valid_from=NOW - timedelta(days=30),
        actor=manager_b,
        now=NOW,
    )


def set_up(boss, site_a, site_b, lanes_a, **kw):
    values = {
        "site": site_a,
        "actor": boss,
        "name": "东片区合并",
        "member_ids": [site_a.pk, site_b.pk],
        "gate_ids": [lanes_a["east/walk-in"].gate_id],
        "valid_from": NOW - timedelta(hours=1),
        "valid_until": NOW + timedelta(days=14),
        "reason": "疫情防控，两小区合并出入口",
        "now": NOW - timedelta(hours=1),
    }
    return services.merger_set_up(**(values | kw))


def lane(lanes, key):
    return Lane.objects.select_related("gate__site").get(pk=lanes[key].pk)


def client(key: str, *, full: bool = False) -> ApiClient:
    return ApiClient(FastPathClient(full=full), headers={"X-Device-Key": key})


def body(value: str, nonce: str, at: str) -> dict:
    return {"lane": at, "credential": {"kind": "card", "value": value}, "nonce": nonce}


@pytest.mark.parametrize("full", [False, True], ids=["fast", "full"])
def test_unified_entrance_admits_other_member_recorded_at_home(
    full, boss, site_a, site_b, lanes_a, lanes_b, card_b, resident_b, clock
):
    # rule M-05: the unified entrance of A admits B's employee; the event is at A, and B's
    # register of merged passages has the row
    merger = set_up(boss, site_a, site_b, lanes_a)
    _device, key = make_device(site_a, boss)
    response = client(key, full=full).post(PATH, body(CARD_LI, "m-1", "east/walk-in"))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["outcome"], answer["reason"], answer["rule"]) == (
        "allow",
        "staff.badge",
        "P-10",
    )
    assert [o["duty"] for o in answer["obligations"]] == ["record_at_home"]
    event = AccessEvent.objects.get()
    assert event.site == site_a and event.person == resident_b
    row = MergedPassage.objects.get()
    assert (row.site, row.gate_site, row.merger, row.event, row.person) == (
        site_b,
        site_a,
        merger,
        event,
        resident_b,
    )
    # the lane and direction are the row's own: they outlive the gate site's retention
    assert (row.lane, row.direction) == (lanes_a["east/walk-in"], "in")


@pytest.mark.parametrize("full", [False, True], ids=["fast", "full"])
def test_other_gate_refuses_naming_the_unified_entrance(
    full, boss, site_a, site_b, lanes_a, lanes_b, card_a, card_b, clock
):
    # rule M-05: a member's other gates (A's west gate, B's north gate) refuse entry and say
    # where the unified entrance is; nothing is written at home
    set_up(boss, site_a, site_b, lanes_a)
    _device, key = make_device(site_a, boss)
    response = client(key, full=full).post(PATH, body(CARD_ZHANG, "m-2", "west/walk-in"))
    answer = response.json()
    assert (answer["outcome"], answer["reason"], answer["rule"]) == (
        "refuse",
        "merger.entrance_closed",
        "M-05",
    )
    assert answer["message"] == "已合并出入口，请走统一出入口：东门（东片区合并）"
    _device_b, key_b = make_device(site_b, boss, name="北门闸机")
    answer_b = client(key_b, full=full).post(PATH, body(CARD_LI, "m-3", "north/walk-in")).json()
    assert (answer_b["outcome"], answer_b["reason"]) == ("refuse", "merger.entrance_closed")
    events = AccessEvent.objects.order_by("pk")
    assert [(e.site_id, e.rule, e.outcome) for e in events] == [
        (site_a.pk, "M-05", "refuse"),
        (site_b.pk, "M-05", "refuse"),
    ]
    assert not MergedPassage.objects.exists()


def test_ending_restores_the_normal_rules(
    boss, site_a, site_b, lanes_a, lanes_b, card_a, card_b, resident_b
):
    # rule M-05: once ended, B's people are unknown at A again and A's west gate admits
    merger = set_up(boss, site_a, site_b, lanes_a)
    at_east = gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    assert at_east.decision.allowed
    services.merger_end(merger=merger, actor=boss, reason="疫情解除", now=NOW)
    merger.refresh_from_db()
    assert merger.ended_at == NOW and merger.ended_by == boss and merger.end_reason == "疫情解除"
    assert set(Site.objects.values_list("unified_entrance", flat=True)) == {None}
    again = gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    assert (again.decision.reason, again.decision.rule) == ("credential.unknown", "P-11")
    west = gate_read(lane=lane(lanes_a, "west/walk-in"), kind="card", value=CARD_ZHANG, now=NOW)
    assert (west.decision.reason, west.decision.rule) == ("resident.card", "P-03")
    assert MergedPassage.objects.count() == 1
    with pytest.raises(DomainError) as ended:
        services.merger_end(merger=merger, actor=boss, reason="再次解除", now=NOW)
    assert ended.value.code == "merger.ended"


def test_outside_its_window_the_site_rules_stand(boss, site_a, site_b, lanes_a, card_a, card_b):
    # rule M-05: a merger set up for tomorrow changes nothing today
    set_up(boss, site_a, site_b, lanes_a, valid_from=NOW + timedelta(days=1), now=NOW)
    west = gate_read(lane=lane(lanes_a, "west/walk-in"), kind="card", value=CARD_ZHANG, now=NOW)
    assert west.decision.reason == "resident.card"
    east = gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    assert east.decision.reason == "credential.unknown"
    tomorrow = NOW + timedelta(days=1, minutes=1)
    later = gate_read(
        lane=lane(lanes_a, "west/walk-in"), kind="card", value=CARD_ZHANG, now=tomorrow
    )
    assert later.decision.reason == "merger.entrance_closed"


def test_in_epidemic_mode_the_unified_entrance_replaces_the_designated_one(
    boss, site_a, site_b, lanes_a, lanes_b, card_a
):
    # rule M-05 with M-02: B's north gate is the unified entrance; A's east gate (open when
    # tightened) now refuses entry, naming B's north gate
    from gatehouse.access import modes

    modes.mode_switch(site=site_a, actor=boss, to_mode="epidemic", reason="疫情防控", now=NOW)
    set_up(boss, site_a, site_b, lanes_a, gate_ids=[lanes_b["north/walk-in"].gate_id])
    east = gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_ZHANG, now=NOW)
    assert (east.decision.reason, east.event.rule) == ("merger.entrance_closed", "M-05")
    assert east.decision.message.endswith("：北门（东片区合并）")
    north = gate_read(lane=lane(lanes_b, "north/walk-in"), kind="card", value=CARD_ZHANG, now=NOW)
    # the site B is not in epidemic mode: A's resident is admitted there, recorded at home (A)
    assert north.decision.allowed and north.event.site == site_b
    assert MergedPassage.objects.get().site == site_a


def test_set_up_is_recorded_and_audited_at_every_member(boss, site_a, site_b, lanes_a):
    # rule M-05: who, when, why (as the mode switch M-01)
    merger = set_up(boss, site_a, site_b, lanes_a)
    merger = UnifiedEntrance.objects.get(pk=merger.pk)
    assert merger.created_by == boss and merger.reason == "疫情防控，两小区合并出入口"
    assert set(merger.members.all()) == {site_a, site_b}
    assert list(merger.gates.all()) == [lanes_a["east/walk-in"].gate]
    site_a.refresh_from_db()
    site_b.refresh_from_db()
    assert site_a.unified_entrance == merger and site_b.unified_entrance == merger
    audits = AuditEntry.objects.filter(action="site.merger_set_up")
    assert {a.site_id for a in audits} == {site_a.pk, site_b.pk}


def test_bad_set_ups_are_refused_and_write_nothing(
    boss, manager_a, manager_b, site_a, site_b, lanes_a, lanes_b
):
    # rule M-05: a gate of no member, an empty window, a busy member, a stranger's compound
    other = Site.objects.create(code="nanshan", name="南山苑", kind="residential")
    far = Gate.objects.create(site=other, code="s", name="南门")
    cases = [
        ({"gate_ids": [far.pk]}, "merger.gates"),
        ({"gate_ids": []}, "merger.gates"),
        ({"valid_until": NOW - timedelta(hours=2)}, "merger.window"),
        ({"reason": " "}, "merger.reason"),
        ({"name": ""}, "merger.name"),
    ]
    for kw, code in cases:
        with pytest.raises(InvalidInput) as refused:
            set_up(boss, site_a, site_b, lanes_a, **kw)
        assert refused.value.code == code
    assert not UnifiedEntrance.objects.exists()
    with pytest.raises(PermissionDenied):
        set_up(manager_b, site_a, site_b, lanes_a)  # manager of B only
    set_up(boss, site_a, site_b, lanes_a)
    with pytest.raises(DomainError) as busy:
        set_up(boss, site_a, site_b, lanes_a)
    assert busy.value.code == "merger.member_busy"
    assert UnifiedEntrance.objects.count() == 1


def test_the_gate_pays_no_extra_query_once_the_merger_is_cached(
    boss, site_a, site_b, lanes_a, card_a
):
    # rule M-05: a site in no merger asks nothing more; in one, the merger is loaded once per
    # process, then every decision asks as many queries as before
    def queries() -> int:
        at = lane(lanes_a, "east/walk-in")
        with CaptureQueriesContext(connection) as seen:
            gate_read(lane=at, kind="card", value=CARD_ZHANG, now=NOW)
        return len(seen)

    queries()
    plain = queries()
    set_up(boss, site_a, site_b, lanes_a)
    gate_merger.forget()
    first = queries()
    assert queries() == plain
    assert first <= plain + 3


def test_the_gate_sites_blacklist_holds_for_other_members_too(
    boss, site_a, site_b, lanes_a, card_b, resident_b
):
    # rule M-05 with P-11: B's employee, blacklisted at A by ID number, is refused at A's unified
    # entrance (and the monitoring centre told); nothing is written at home
    from tests.conftest import ID_LI

    people.blacklist_add(
        site=site_a,
        actor=boss,
        reason="曾在本小区滋事",
        name="李娜",
        id_number=ID_LI,
        starts_at=NOW - timedelta(days=1),
        now=NOW - timedelta(days=1),
    )
    set_up(boss, site_a, site_b, lanes_a)
    result = gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    assert (result.decision.reason, result.event.rule) == ("blacklist.hit", "P-11")
    assert result.event.person == resident_b
    assert not MergedPassage.objects.exists()


def test_the_booth_decides_by_the_merger_too(
    client, guard_a, boss, site_a, site_b, lanes_a, card_a, card_b, resident_b
):
    # rule M-05 at the guard's booth: B's employee admitted at 东门; 张伟 refused at 西门 with
    # the unified entrance named
    import time_machine
    from django.urls import reverse

    set_up(boss, site_a, site_b, lanes_a)
    client.force_login(guard_a)
    hx = {"HTTP_HX_REQUEST": "true"}
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("booth:set_gate"), {"gate": "east", "direction": "in"})
        east = client.post(reverse("booth:scan"), {"value": CARD_LI}, **hx).content.decode()
        assert "decision-allow" in east and "李*" in east
        client.post(reverse("booth:set_gate"), {"gate": "west", "direction": "in"})
        west = client.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **hx).content.decode()
        assert "decision-refuse" in west and "已合并出入口，请走统一出入口：东门" in west
    assert MergedPassage.objects.get().person == resident_b
    reasons = list(AccessEvent.objects.order_by("pk").values_list("reason", "source"))
    assert reasons == [("staff.badge", "console"), ("merger.entrance_closed", "console")]


def test_the_migration_gives_earlier_rows_their_events_lane_and_direction(
    boss, site_a, site_b, lanes_a, card_b, resident_b
):
    # rule M-05: rows written before the register kept its own lane take the event's, once
    import importlib

    from django.apps import apps

    set_up(boss, site_a, site_b, lanes_a)
    gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    gate_read(lane=lane(lanes_a, "east/walk-in"), kind="card", value=CARD_LI, now=NOW)
    first, purged = MergedPassage.objects.order_by("pk")
    MergedPassage.objects.update(lane=None, direction="")
    MergedPassage.objects.filter(pk=purged.pk).update(event_id=10**9)  # its event is gone
    migration = importlib.import_module("gatehouse.epidemic.migrations.0005_merged_passage_lane")
    migration.copy_from_the_events(apps, None)
    first.refresh_from_db()
    purged.refresh_from_db()
    assert (first.lane, first.direction) == (lanes_a["east/walk-in"], "in")
    assert (purged.lane, purged.direction) == (None, "")  # nothing to take: shown as "—"
