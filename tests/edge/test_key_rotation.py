"""Rotating the server's snapshot signing key (issue 15): an edge trusts the current key and,
during a rotation, the next one; a snapshot signed by a key the edge does not trust disables
its snapshot with its own reason and alarm, and the edge's command line takes both keys."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.management import call_command

from gatehouse.core import signed
from gatehouse.edge.services import edge_snapshot
from gatehouse_edge import cli
from gatehouse_edge.store import SnapshotRefused, Store
from tests.conftest import NOW
from tests.edge.conftest import PUBLIC, SEED

#: The key the server moves to (a fixed test seed, never a real key).
NEXT_SEED = base64.b64encode(bytes(range(100, 132))).decode()
NEXT_PUBLIC = signed.public_key_b64(signed.private_key(NEXT_SEED))


def _store(tmp_path, site, keys: str) -> Store:
    return Store(tmp_path / "edge.sqlite3", site_id=site.pk, public_key=signed.public_keys(keys))


def test_an_edge_trusting_both_keys_follows_the_server_through_a_rotation(
    tmp_path, settings, site_a, edge_device, card_a
):
    store = _store(tmp_path, site_a, f"{PUBLIC}, {NEXT_PUBLIC}")
    try:
        first = edge_snapshot(edge=edge_device[0], since=None, now=NOW)
        store.apply(first, now=NOW)
        settings.GATEHOUSE_EDGE_SIGNING_KEY = NEXT_SEED  # the server switches keys
        delta = edge_snapshot(edge=edge_device[0], since=store.cursor, now=NOW)
        assert delta["key_id"] == signed.key_id(NEXT_PUBLIC) != first["key_id"]
        store.apply(delta, now=NOW)
        assert store.freshness(NOW).usable
    finally:
        store.close()


def test_a_snapshot_signed_by_a_key_the_edge_does_not_trust_disables_it(
    tmp_path, settings, site_a, edge_device, card_a
):
    store = _store(tmp_path, site_a, PUBLIC)
    try:
        store.apply(edge_snapshot(edge=edge_device[0], since=None, now=NOW), now=NOW)
        settings.GATEHOUSE_EDGE_SIGNING_KEY = NEXT_SEED  # rotated before this edge was told
        delta = edge_snapshot(edge=edge_device[0], since=store.cursor, now=NOW)
        with pytest.raises(SnapshotRefused) as refused:
            store.apply(delta, now=NOW)
        assert refused.value.code == "snapshot.key"
        assert "--public-key" in refused.value.message
    finally:
        store.close()


def test_the_public_key_list_is_checked():
    assert len(signed.public_keys(f"{PUBLIC},{NEXT_PUBLIC}")) == 2
    for bad in ("", " , ", f"{PUBLIC},not-a-key", PUBLIC[:-8]):
        with pytest.raises(ValueError):
            signed.public_keys(bad)


def test_the_edge_refuses_to_start_with_a_malformed_key(capsys):
    code = cli.main(
        ["--server", "http://127.0.0.1:9", "--key", "gd_x", "--site", "1", "--public-key", "x"]
    )
    assert code == 2
    assert "--public-key" in capsys.readouterr().err


def test_edge_public_key_new_makes_a_usable_key_pair(capsys):
    call_command("edge_public_key", "--new")
    out = capsys.readouterr().out.splitlines()
    seed = out[0].removeprefix("GATEHOUSE_EDGE_SIGNING_KEY=")
    public = out[1].rsplit(" ", 1)[1]
    assert signed.public_key_b64(signed.private_key(seed)) == public != PUBLIC
    assert out[2] == f"key id: {signed.key_id(public)}"
    sealed = signed.seal({"a": 1}, signed.private_key(seed))
    assert signed.open_envelope(sealed, signed.public_keys(f"{PUBLIC},{public}")) == {"a": 1}
    assert json.loads(sealed["payload"]) == {"a": 1} and seed != SEED


def test_an_edge_whose_first_snapshot_is_refused_raises_its_alarm(
    tmp_path, settings, site_a, edge_device, card_a, server
):
    # §12: a refused snapshot is raised as soon as anyone can hear it, even the first one
    from gatehouse_edge.sync import Syncer

    settings.GATEHOUSE_EDGE_SIGNING_KEY = NEXT_SEED  # the server moved; this box was not told
    store = _store(tmp_path, site_a, PUBLIC)
    try:
        syncer = Syncer(store, server, lambda: NOW)
        syncer.run_once()
        fresh = store.freshness(NOW)
        assert (fresh.usable, fresh.code) == (False, "snapshot.key")
        alarms = [a for a in store.alarms() if a.code == "snapshot.key"]
        assert len(alarms) == 1
        syncer.run_once()  # still refused: no second alarm
        assert len([a for a in store.alarms() if a.code == "snapshot.key"]) == 1
    finally:
        store.close()
