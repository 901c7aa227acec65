"""The journal (issue 15 §Sync): every offline decision is on disk before the device hears it,
survives a kill -9, and is uploaded in order and recorded by the server exactly once, as
decided at the edge at the edge's time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from gatehouse.access.models import AccessEvent, DeviceRequest, Notice
from gatehouse.core import signed
from gatehouse.edge.services import edge_snapshot
from gatehouse.people import services as people
from gatehouse_edge.store import Store
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import PUBLIC, read

ROOT = Path(__file__).resolve().parents[2]


def test_offline_decisions_upload_once_at_their_own_time(
    syncer, edge, store, server, turnstile_key, card_a, resident_a, manager_a
):
    # rule P-03, P-11: decided at the edge, recorded by the server with the edge's time
    device, key = turnstile_key
    syncer.pull()
    admitted_at = NOW - timedelta(minutes=30)
    server.down = True  # the link is cut
    allowed = edge.answer(key, read("card", CARD_ZHANG, "o-1"), admitted_at)
    assert allowed.body["reason"] == "resident.card"
    people.blacklist_add(
        site=resident_a.site,
        actor=manager_a,
        reason="测试",
        person=resident_a,
        now=NOW - timedelta(minutes=25),
    )
    server.down = False
    syncer.pull()
    server.down = True
    refused_at = NOW - timedelta(minutes=20)
    refused = edge.answer(key, read("card", CARD_ZHANG, "o-2"), refused_at)
    assert refused.body["reason"] == "blacklist.hit"
    assert not syncer.run_once() and not syncer.online
    assert store.pending_count() == 2

    server.down = False
    before = AccessEvent.objects.count()
    assert syncer.run_once() and syncer.online
    assert store.pending_count() == 0
    events = list(AccessEvent.objects.order_by("id")[before:])
    assert [(e.reason, e.outcome, e.at) for e in events] == [
        ("resident.card", "allow", admitted_at),
        ("blacklist.hit", "refuse", refused_at),
    ]
    assert all(e.device_id == device.pk and "边缘网关" in e.note for e in events)
    assert events[0].person_id == resident_a.pk
    # the refusal's alarm reaches the monitoring centre once uploaded
    assert Notice.objects.filter(event=events[1], audience="monitoring").exists()
    assert set(DeviceRequest.objects.filter(device=device).values_list("nonce", flat=True)) == {
        "o-1",
        "o-2",
    }

    # the answer to the upload was lost: the same entries again are replayed, not recorded
    entries = [
        {
            "seq": -n,
            "device_id": device.pk,
            "request": json.loads(read("card", CARD_ZHANG, f"o-{n}")),
            "at": at.isoformat(),
            "decision": d,
        }
        for n, at, d in ((1, admitted_at, allowed.body), (2, refused_at, refused.body))
    ]
    again = server.upload(entries).json()["results"]
    assert [r["status"] for r in again] == ["replayed", "replayed"]
    assert [r["event_id"] for r in again] == [e.pk for e in events]
    assert AccessEvent.objects.count() == before + 2


def test_a_read_the_server_already_answered_is_not_recorded_twice(
    syncer, edge, store, server, turnstile_key, card_a, frozen_now
):
    # The edge forwarded the read, the server decided, the answer came too late: the edge
    # decided too, with the same nonce. Its upload finds the server's answer.
    _device, key = turnstile_key
    syncer.pull()
    body = read("card", CARD_ZHANG, "late-1")
    online = ApiClient(headers={"X-Device-Key": key}).post("/gate/decisions", json.loads(body))
    assert online.status_code == 200
    edge.answer(key, body, NOW)
    before = AccessEvent.objects.count()
    syncer.push()
    assert AccessEvent.objects.count() == before
    status = store.db.execute("SELECT upload_status, upload_event_id FROM journal").fetchone()
    assert status == ("replayed", online.json()["event_id"])


def test_an_entry_the_server_cannot_read_is_marked_rejected_not_retried(
    syncer, store, server, turnstile_key, card_a
):
    device, _key = turnstile_key
    syncer.pull()
    store.journal(
        device_id=device.pk + 999,  # no such device at the site
        nonce="x-1",
        digest="0" * 64,
        request=json.loads(read("card", CARD_ZHANG, "x-1")),
        at=NOW.isoformat(),
        decision={"outcome": "allow", "reason": "resident.card"},
        answer={},
    )
    assert syncer.push() == 1
    row = store.db.execute("SELECT upload_status, upload_code FROM journal").fetchone()
    assert row == ("rejected", "device.unknown")
    assert syncer.push() == 0


def test_a_decision_the_core_never_gives_is_rejected(server, turnstile_key, card_a):
    device, _key = turnstile_key

    def entry(nonce: str, reason: str) -> dict:
        return {
            "seq": 1,
            "device_id": device.pk,
            "request": json.loads(read("card", CARD_ZHANG, nonce)),
            "at": NOW.isoformat(),
            "decision": {
                "outcome": "allow",
                "reason": reason,
                "rule": "P-03",
                "message": "随便放行",
                "obligations": [],
            },
        }

    forged, worded = server.upload(
        [entry("f-1", "guard.override"), entry("f-2", "resident.card")]
    ).json()["results"]
    assert (forged["status"], forged["code"]) == ("rejected", "entry.invalid")
    assert not DeviceRequest.objects.filter(nonce="f-1").exists()
    # a known reason in an older edge's words is recorded in the server's own words
    assert worded["status"] == "recorded"
    assert AccessEvent.objects.get(pk=worded["event_id"]).message == "业主/住户，放行"


def test_only_an_edge_uploads(turnstile_key):
    turnstile = ApiClient(headers={"X-Device-Key": turnstile_key[1]})
    assert_error_shape(turnstile.post("/edge/journal", {"entries": []}), 403, "edge.required")


CRASH = textwrap.dedent(
    """
    import json, os, signal, sys
    from datetime import datetime
    from gatehouse.core import signed
    from gatehouse_edge.offline import Edge
    from gatehouse_edge.store import Store

    db, site, public, envelope, key, body, now = sys.argv[1:8]
    store = Store(db, site_id=int(site), public_key=signed.public_key(public))
    moment = datetime.fromisoformat(now)
    store.apply(json.load(open(envelope)), now=moment)
    answer = Edge(store).answer(key, body.encode(), moment)
    assert "django" not in sys.modules, "the edge imported Django"
    print(json.dumps(answer.body), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint: the power goes
    """
)


def test_journal_survives_a_kill_after_the_answer(
    tmp_path, site_a, edge_device, turnstile_key, card_a
):
    db = tmp_path / "crash.sqlite3"
    envelope = tmp_path / "snapshot.json"
    envelope.write_text(json.dumps(edge_snapshot(edge=edge_device[0], since=None, now=NOW)))
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASH,
            str(db),
            str(site_a.pk),
            PUBLIC,
            str(envelope),
            turnstile_key[1],
            read("card", CARD_ZHANG, "k-1").decode(),
            NOW.isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # no timeout: a subprocess wait with one sleeps, which CI's shifted clock refuses
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == -9, run.stderr
    told = json.loads(run.stdout)
    assert told["reason"] == "resident.card"
    reopened = Store(db, site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    try:
        [entry] = reopened.pending()
        assert entry.nonce == "k-1" and entry.decision["reason"] == told["reason"]
        assert -entry.seq == told["event_id"]
        assert reopened.cursor is not None  # the snapshot survived too
    finally:
        reopened.close()


def test_a_long_journal_drains_over_rounds_with_the_deltas_between(
    store, server, edge, turnstile_key, card_a, manager_a
):
    # rule P-03: a card lost while the journal drains reaches the edge before the drain ends;
    # the edge reports itself online from the first round.
    from gatehouse_edge.sync import Syncer

    syncer = Syncer(store, server, lambda: NOW, batch=2, batches_per_round=1)
    _, key = turnstile_key
    syncer.pull()
    server.down = True
    for n in range(5):
        edge.answer(key, read("card", CARD_ZHANG, f"d-{n}"), NOW - timedelta(minutes=10 - n))
    assert not syncer.run_once()
    server.down = False
    assert syncer.run_once() and syncer.online and syncer.more
    assert store.pending_count() == 3
    people.credential_set_status(credential=card_a, status="lost", actor=manager_a, now=NOW)
    assert syncer.run_once() and syncer.more and store.pending_count() == 1
    refused = edge.answer(key, read("card", CARD_ZHANG, "d-9"), NOW)
    assert refused.status == 200 and refused.body["reason"] == "credential.lost"
    assert syncer.run_once() and not syncer.more
    assert store.pending_count() == 0
