"""The signed snapshot (issue 15 §Sync): built from the server's rows, scoped to the edge's
site, refused by the edge when tampered with, expired, replayed or another site's; its deltas
carry a revoked card and a lifted blacklist entry to the edge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gatehouse.core import signed
from gatehouse.core.edge import lookup_digest
from gatehouse.devices.models import Device
from gatehouse.edge.services import edge_snapshot
from gatehouse.people import services as people
from gatehouse_edge.store import SnapshotRefused, Store
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import PUBLIC, SEED


def payload(envelope: dict) -> dict:
    return json.loads(envelope["payload"])


def records(envelope: dict, kind: str) -> dict[str, dict | None]:
    return {r["key"]: r["data"] for r in payload(envelope)["records"] if r["kind"] == kind}


def test_full_snapshot_holds_what_a_gate_needs_and_only_hashes_of_numbers(
    edge_device, card_a, resident_a, walk_in_a, turnstile_key
):
    envelope = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    body = payload(envelope)
    assert body["site"]["id"] == resident_a.site_id
    assert body["kind"] == "full" and body["since"] is None and body["cursor"] > 0
    assert body["expires_at"] > body["issued_at"]
    cred = records(envelope, "credential")[str(card_a.pk)]
    assert cred["number_hash"] == lookup_digest(CARD_ZHANG)
    assert CARD_ZHANG not in envelope["payload"]  # the number itself never travels
    assert records(envelope, "person")[str(resident_a.pk)]["kind"] == "owner"
    assert records(envelope, "lane")[str(walk_in_a.pk)]["direction"] == "in"
    assert records(envelope, "site")["site"]["mode"] == "normal"
    devices = records(envelope, "device")
    assert devices[str(turnstile_key[0].pk)]["key_hash"]
    # signed by the server's key: the edge's public key verifies it
    assert signed.open_envelope(envelope, signed.public_key(PUBLIC)) == body


def test_snapshot_endpoint_needs_an_edge_key(edge_device, turnstile_key):
    edge = ApiClient(headers={"X-Device-Key": edge_device[1]})
    response = edge.get("/edge/snapshot")
    assert response.status_code == 200
    assert response.json()["format"] == signed.FORMAT
    turnstile = ApiClient(headers={"X-Device-Key": turnstile_key[1]})
    assert_error_shape(turnstile.get("/edge/snapshot"), 403, "edge.required")
    assert_error_shape(ApiClient().get("/edge/snapshot"), 401, "unauthenticated")
    ahead = edge.get("/edge/snapshot", {"since": 10_000})
    assert_error_shape(ahead, 422, "since.ahead")


def test_a_site_sees_only_its_own_records(edge_device, card_a, resident_b, manager_b):
    other = people.credential_issue(
        site=resident_b.site,
        person=resident_b,
        kind="staff_badge",
        number="11223344",
        valid_from=NOW - timedelta(days=1),
        actor=manager_b,
        now=NOW,
    )
    envelope = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    assert str(other.pk) not in records(envelope, "credential")
    assert str(resident_b.pk) not in records(envelope, "person")


def test_tampered_snapshot_is_refused_and_nothing_kept(store, edge_device, card_a):
    envelope = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    body = payload(envelope)
    body["records"] = [r for r in body["records"] if r["kind"] != "blacklist"]
    for r in body["records"]:
        if r["kind"] == "credential":
            r["data"]["status"] = "active"
            r["data"]["valid_until"] = None
    forged = {**envelope, "payload": signed.canonical(body).replace("owner_card", "staff_badge")}
    with pytest.raises(SnapshotRefused) as refused:
        store.apply(forged, now=NOW)
    assert refused.value.code == "snapshot.signature"
    assert store.cursor is None and not store.index.records
    garbled = {**envelope, "signature": "not base64!"}
    with pytest.raises(SnapshotRefused, match=r"snapshot\.signature"):
        store.apply(garbled, now=NOW)
    with pytest.raises(SnapshotRefused, match=r"snapshot\.format"):
        store.apply({"payload": envelope["payload"]}, now=NOW)


def test_snapshot_signed_by_another_key_is_refused(store, edge_device, card_a):
    body = payload(edge_snapshot(edge=edge_device[0], since=None, now=NOW))
    other = signed.private_key(SEED[:-4] + "AAA=")
    foreign = signed.seal(body, other)
    with pytest.raises(SnapshotRefused, match=r"snapshot\.key"):
        store.apply(foreign, now=NOW)
    # claiming the trusted key's id does not help: the signature is checked under that key
    claimed = {**foreign, "key_id": signed.key_id(PUBLIC)}
    with pytest.raises(SnapshotRefused, match=r"snapshot\.signature"):
        store.apply(claimed, now=NOW)
    assert store.cursor is None


def test_expired_snapshot_is_refused(store, edge_device, card_a, settings):
    envelope = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    expires = payload(envelope)["expires_at"]
    with pytest.raises(SnapshotRefused) as refused:
        store.apply(envelope, now=NOW + timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL))
    assert refused.value.code == "snapshot.expired"
    assert store.cursor is None
    store.apply(envelope, now=NOW)
    assert store.freshness(NOW).usable
    stale = store.freshness(NOW + timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL))
    assert not stale.usable and expires[:10] in stale.problem


def test_foreign_site_snapshot_is_refused(tmp_path, site_b, edge_device, card_a):
    envelope = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    store_b = Store(tmp_path / "b.sqlite3", site_id=site_b.pk, public_key=signed.public_key(PUBLIC))
    try:
        with pytest.raises(SnapshotRefused) as refused:
            store_b.apply(envelope, now=NOW)
        assert refused.value.code == "snapshot.foreign_site"
        assert store_b.cursor is None
    finally:
        store_b.close()


def test_older_snapshot_is_not_replayed_over_a_newer_one(store, edge_device, card_a):
    old = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
    new = edge_snapshot(edge=edge_device[0], since=None, now=NOW + timedelta(minutes=1))
    store.apply(new, now=NOW + timedelta(minutes=1))
    with pytest.raises(SnapshotRefused, match=r"snapshot\.replayed"):
        store.apply(old, now=NOW + timedelta(minutes=1))


def test_delta_carries_a_revoked_card_and_a_lifted_blacklist_entry(
    syncer, store, edge_device, card_a, resident_a, manager_a
):
    entry = people.blacklist_add(
        site=resident_a.site, actor=manager_a, reason="测试", person=resident_a, now=NOW
    )
    syncer.pull()
    cursor = store.cursor
    assert store.index.get("credential", card_a.pk)["status"] == "active"
    assert store.index.get("blacklist", entry.pk) is not None

    people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
    people.blacklist_lift(entry=entry, actor=manager_a, now=NOW)
    received = syncer.pull()
    assert received == 2  # only what changed
    assert store.cursor > cursor
    assert store.index.get("credential", card_a.pk)["status"] == "revoked"
    assert store.index.get("blacklist", entry.pk) is None  # the tombstone removed it
    assert syncer.client.calls[-1] == f"GET /api/v1/edge/snapshot?since={cursor}"
    # nothing changed: an empty delta, the same cursor, renewed freshness
    assert syncer.pull() == 0


def test_a_revoked_device_key_leaves_the_edge(syncer, store, turnstile_key, manager_a, card_a):
    from gatehouse.devices.services import device_revoke

    syncer.pull()
    device, _key = turnstile_key
    assert store.index.get("device", device.pk) is not None
    device_revoke(device=Device.objects.get(pk=device.pk), actor=manager_a, now=NOW)
    syncer.pull()
    assert store.index.get("device", device.pk) is None


def test_store_keeps_its_snapshot_across_a_restart(tmp_path, site_a, edge_device, card_a):
    path = tmp_path / "restart.sqlite3"
    first = Store(path, site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    first.apply(edge_snapshot(edge=edge_device[0], since=None, now=NOW), now=NOW)
    cursor = first.cursor
    first.close()
    again = Store(path, site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    try:
        assert again.cursor == cursor
        assert again.index.get("credential", card_a.pk)["status"] == "active"
        assert again.freshness(NOW).usable
    finally:
        again.close()


def test_one_comparison_serves_the_deltas_of_its_interval(edge_device, card_a, manager_a, settings):
    settings.GATEHOUSE_EDGE_COMPARE_SECONDS = 60
    edge = edge_device[0]
    cursor = payload(edge_snapshot(edge=edge, since=None, now=NOW))["cursor"]
    people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
    soon = payload(edge_snapshot(edge=edge, since=cursor, now=NOW + timedelta(seconds=30)))
    assert soon["records"] == [] and soon["cursor"] == cursor
    later = payload(edge_snapshot(edge=edge, since=cursor, now=NOW + timedelta(seconds=60)))
    assert [(r["kind"], r["data"]["status"]) for r in later["records"]] == [
        ("credential", "revoked")
    ]
    # a full snapshot always compares
    people.credential_set_status(credential=card_a, status="active", actor=manager_a, now=NOW)
    full = payload(edge_snapshot(edge=edge, since=None, now=NOW + timedelta(seconds=61)))
    assert (
        records({"payload": signed.canonical(full)}, "credential")[str(card_a.pk)]["status"]
        == "active"
    )


def test_without_a_signing_key_the_server_names_the_setting(edge_device, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.GATEHOUSE_EDGE_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="GATEHOUSE_EDGE_SIGNING_KEY"):
        edge_snapshot(edge=edge_device[0], since=None, now=NOW)
