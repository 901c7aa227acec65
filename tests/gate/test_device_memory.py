"""The devices the decision path keeps in memory (issue 18 §5; :mod:`gatehouse.gate.reads`).

A gate decision's device may come from memory instead of a join of four tables, but a decision
made with a kept device is written only while the devices' registry version — raised by
PostgreSQL triggers with every change to a device (its heartbeat aside), a site, a gate or a
lane — is the one the device was read at. Otherwise nothing is written and the device is looked
up again: a revoked key is never decided on from memory."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gatehouse.access.models import AccessEvent, DeviceRequest, EventChainHead
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_revoke
from gatehouse.gate import nonce, reads, sql
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput
from gatehouse.keys import key_digest
from gatehouse.sites.models import Gate, Lane, Site
from tests.access.test_device_api import clock, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG, NOW

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the registry's triggers are PostgreSQL's"
)


def version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql.registry_version())
        return cursor.fetchone()[0]


@on_postgresql
def test_the_registry_version_moves_with_what_authentication_reads(site_a, walk_in_a, manager_a):
    device, _ = make_device(site_a, manager_a, lane=walk_in_a)
    steps = [
        ("a device renamed", lambda: Device.objects.filter(pk=device.pk).update(name="新名")),
        ("a site changed", lambda: Site.objects.filter(pk=site_a.pk).update(name="改名小区")),
        ("a gate changed", lambda: Gate.objects.filter(pk=walk_in_a.gate_id).update(name="东大门")),
        ("a lane changed", lambda: Lane.objects.filter(pk=walk_in_a.pk).update(name="人行入口2")),
        ("a key revoked", lambda: device_revoke(device=device, actor=manager_a, now=NOW)),
    ]
    for what, change in steps:
        before = version()
        change()
        assert version() > before, what
    before = version()
    Device.objects.filter(pk=device.pk).update(last_seen_at=NOW)  # a heartbeat: not a change
    assert version() == before


@on_postgresql
def test_a_kept_device_is_not_read_again(site_a, walk_in_a, manager_a):
    device, key = make_device(site_a, manager_a, lane=walk_in_a)
    digest = key_digest(key)
    first = reads.device_by_digest(digest, memory=True)
    with CaptureQueriesContext(connection) as queries:
        again = reads.device_by_digest(digest, memory=True)
    assert len(queries) == 0
    assert again is not first and again.pk == first.pk == device.pk  # a fresh instance each time
    assert again.memory_version == version()
    assert (again.site.pk, again.lane.gate.code) == (site_a.pk, "east")
    assert reads.device_by_digest(digest).memory_version is None  # read now: nothing to check


def test_sqlite_keeps_no_device_in_memory(site_a, walk_in_a, manager_a):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    _, key = make_device(site_a, manager_a, lane=walk_in_a)
    reads.device_by_digest(key_digest(key), memory=True)
    with CaptureQueriesContext(connection) as queries:
        found = reads.device_by_digest(key_digest(key), memory=True)
    assert len(queries) == 1 and found.memory_version is None


@on_postgresql
def test_a_decision_with_a_stale_device_writes_nothing(site_a, walk_in_a, manager_a, card_a):
    _, key = make_device(site_a, manager_a, lane=walk_in_a)
    kept = reads.device_by_digest(key_digest(key), memory=True)
    device_revoke(device=Device.objects.get(pk=kept.pk), actor=manager_a, now=NOW)
    result = gate_decide(
        GateInput(lane=kept.lane, credential=card_a, presented_kind="card"),
        now=NOW,
        device=kept,
        source="device",
        defer=True,
    )
    decided = nonce.Decided(
        nonce.decision_json(result.decision, result.event), result.event, result.presence
    )
    with pytest.raises(reads.StaleDevice):
        nonce._record_with_nonce(kept, "n-1", "d" * 64, decided, NOW)
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 0
    assert not EventChainHead.objects.filter(site=site_a).exists()
    with pytest.raises(reads.StaleDevice):  # a decision that wrote in its transaction
        nonce._still_current(kept)


@on_postgresql
def test_a_key_revoked_after_it_was_kept_is_refused(site_a, walk_in_a, manager_a, card_a, clock):  # noqa: F811 (fixture)
    device, key = make_device(site_a, manager_a)
    gate = ApiClient(FastPathClient(), {"X-Device-Key": key})
    assert gate.post("/gate/decisions", read("card", CARD_ZHANG, "n-1")).status_code == 200
    assert gate.client.fast == 1  # answered from the fast path: the device is now kept
    device_revoke(device=device, actor=manager_a, now=NOW)
    refused = gate.post("/gate/decisions", read("card", CARD_ZHANG, "n-2"))
    assert refused.status_code == 401, refused.content  # looked up again: no live key
    assert gate.client.fast == 1
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 1


@on_postgresql
def test_a_site_switched_off_after_the_device_was_kept_is_refused(
    site_a,
    walk_in_a,
    manager_a,
    card_a,
    clock,  # noqa: F811 (fixture)
):
    _, key = make_device(site_a, manager_a)
    gate = ApiClient(FastPathClient(), {"X-Device-Key": key})
    assert (
        gate.post("/gate/decisions", read("card", CARD_ZHANG, "n-1")).json()["outcome"] == "allow"
    )
    Site.objects.filter(pk=site_a.pk).update(is_active=False)  # the site switched off
    answer = gate.post("/gate/decisions", read("card", CARD_ZHANG, "n-2"))
    assert answer.status_code == 401, answer.content
    assert AccessEvent.objects.count() == 1


@on_postgresql
def test_the_memory_can_be_turned_off(site_a, walk_in_a, manager_a, settings):
    settings.GATEHOUSE_DEVICE_MEMORY = False  # GATEHOUSE_DEVICE_MEMORY=0 (docs/citus.md)
    _, key = make_device(site_a, manager_a, lane=walk_in_a)
    reads.device_by_digest(key_digest(key), memory=True)
    with CaptureQueriesContext(connection) as queries:
        found = reads.device_by_digest(key_digest(key), memory=True)
    assert len(queries) == 1 and found.memory_version is None
