"""The access events' hash chain (issue 12 §3): every event sealed into its site's chain in the
transaction that writes it, ``manage.py verify_events`` naming the first event edited, deleted,
inserted or reordered, and DELETE refused by the database like UPDATE.

Tampering goes around the application as an intruder with the database's password would: raw
SQL with the refusing triggers dropped (inside the test's transaction, so they come back)."""

from __future__ import annotations

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from gatehouse.access.models import AccessEvent, EventChainHead, EventSource
from gatehouse.core import chain as core_chain
from gatehouse.gate import chain
from gatehouse.gate.decide import gate_read
from gatehouse.sites.models import Gate, Lane
from gatehouse.vehicles import services as vehicles
from tests.access.test_device_api import clock  # noqa: F401 (fixture)
from tests.conftest import CARD_ZHANG, NOW

UNKNOWN_CARD = "0F0F0F0F"


def verify(*args: str) -> tuple[int, str, str]:
    """``verify_events`` → (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_events", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@contextmanager
def triggers_dropped():
    """The refusing triggers gone (as an intruder would drop them); put back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's transaction has deferred foreign-key checks pending: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in ("access_accessevent_append_only", "access_accessevent_no_delete"):
                cursor.execute(f"ALTER TABLE access_accessevent DISABLE TRIGGER {name}")
        else:
            cursor.execute("DROP TRIGGER access_accessevent_append_only")
            cursor.execute("DROP TRIGGER access_accessevent_no_delete")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in ("access_accessevent_append_only", "access_accessevent_no_delete"):
                cursor.execute(f"ALTER TABLE access_accessevent ENABLE TRIGGER {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            from importlib import import_module

            migration = import_module("gatehouse.access.migrations.0005_event_chain")
            cursor.execute(migration.SQLITE_APPEND_ONLY)
            cursor.execute(migration.SQLITE_NO_DELETE)


def sql(statement: str, params: list | None = None) -> None:
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def lane_b(site_b):
    gate = Gate.objects.create(site=site_b, code="south", name="南门")
    return Lane.objects.create(
        gate=gate, code="walk-in", name="南门人行", kind="non_motor", direction="in"
    )


def card_read(lane, value=CARD_ZHANG, minutes=0):
    from datetime import timedelta

    at = NOW + timedelta(minutes=minutes)
    return gate_read(lane=lane, kind="card", value=value, now=at, source=EventSource.CONSOLE).event


@pytest.fixture
def five(lanes_a, card_a):
    """Five events of site A, people and a vehicle: allowed in, out, a refused unknown card, in,
    and a car refused at the north gate."""
    events = [
        card_read(lanes_a["east/walk-in"], minutes=0),
        card_read(lanes_a["east/walk-out"], minutes=1),
        card_read(lanes_a["east/walk-in"], UNKNOWN_CARD, minutes=2),
        card_read(lanes_a["east/walk-in"], minutes=3),
    ]
    gate = Gate.objects.create(site=lanes_a["east/walk-in"].gate.site, code="north", name="北门")
    motor = Lane.objects.create(gate=gate, code="in", name="北门入口", kind="motor", direction="in")
    car = vehicles.vehicle_decide(
        vehicles.VehicleInput(lane=motor, plate="京A12345"), now=NOW.replace(minute=40)
    )
    events.append(car.event)
    return events


def test_every_event_is_sealed_in_order_and_a_clean_chain_verifies(five, site_a):
    assert [e.seq for e in five] == [1, 2, 3, 4, 5]
    assert five[4].entrant == "vehicle" and five[2].outcome == "refuse"
    stored = list(AccessEvent.objects.order_by("seq").values_list("id", "seq", "chain_hash"))
    assert stored == [(e.pk, e.seq, e.chain_hash) for e in five]
    head = EventChainHead.objects.get(site=site_a)
    assert (head.seq, head.last_id, head.hash) == (5, five[4].pk, five[4].chain_hash)
    # The seal is recomputed in Python from what was read back, whichever wrote it.
    first = AccessEvent.objects.get(pk=five[0].pk)
    key = chain.key()
    assert first.chain_hash == core_chain.seal(
        key, chain.content(first), 1, first.pk, core_chain.GENESIS
    )
    status, out, err = verify()
    assert status == 0, err
    assert "checked 5 event(s)" in out and "all chains intact" in out


def test_an_edited_event_is_named(five):
    sql("UPDATE access_accessevent SET note = %s WHERE id = %s", ["改过", five[1].pk])
    status, out, err = verify()
    assert status == 1
    assert f"event id {five[1].pk} (seq 2): edited" in err
    assert "checked 2 event(s)" in out  # it stops at the first break


def test_a_refusal_rewritten_as_allowed_is_named(five):
    sql("UPDATE access_accessevent SET outcome = 'allow' WHERE id = %s", [five[2].pk])
    status, _, err = verify()
    assert status == 1 and f"event id {five[2].pk} (seq 3): edited" in err


def test_a_rewritten_time_is_named(five):
    sql(
        "UPDATE access_accessevent SET at = %s WHERE id = %s",
        [NOW.replace(hour=3), five[3].pk],
    )
    status, _, err = verify()
    assert status == 1 and f"event id {five[3].pk} (seq 4): edited" in err


def test_a_deleted_event_is_named(five):
    sql("DELETE FROM access_accessevent WHERE id = %s", [five[1].pk])
    status, _, err = verify()
    assert status == 1
    assert f"event id {five[2].pk} (seq 3): deleted — seq 2 missing" in err


def test_the_deleted_last_event_is_found_by_the_head(five):
    sql("DELETE FROM access_accessevent WHERE id = %s", [five[4].pk])
    status, _, err = verify()
    assert status == 1
    assert "chain head (seq 5): deleted — the event(s) after seq 4 are gone" in err


def test_deleted_events_renumbered_and_resealed_without_the_key_are_caught(five):
    # Delete seq 2 and renumber the rest: the seals no longer fit (the key is not in the DB).
    sql("DELETE FROM access_accessevent WHERE id = %s", [five[1].pk])
    for seq in (3, 4, 5):  # one row at a time, upwards: (site, seq) stays unique at each step
        sql(
            "UPDATE access_accessevent SET seq = seq - 1 WHERE seq = %s AND site_id = %s",
            [seq, five[0].site_id],
        )
    status, _, err = verify()
    assert status == 1 and f"event id {five[2].pk} (seq 2): edited" in err


def test_two_events_with_their_contents_swapped_are_named(five):
    cols = ["lane_id", "at", "direction", "outcome", "reason", "message", "credential_masked"]
    a, b = (AccessEvent.objects.filter(pk=e.pk).values(*cols).get() for e in five[1:3])
    sets = ", ".join(f"{c} = %s" for c in cols)
    sql(f"UPDATE access_accessevent SET {sets} WHERE id = %s", [*b.values(), five[1].pk])
    sql(f"UPDATE access_accessevent SET {sets} WHERE id = %s", [*a.values(), five[2].pk])
    status, _, err = verify()
    assert status == 1 and f"event id {five[1].pk} (seq 2): edited" in err


def test_two_events_that_exchanged_numbers_and_seals_are_named(five):
    # The places in the chain exchanged, seals included: a seal covers the event's key.
    second, third = five[1].pk, five[2].pk
    sql("UPDATE access_accessevent SET seq = NULL WHERE id IN (%s, %s)", [second, third])
    sql(
        "UPDATE access_accessevent SET seq = 3, chain_hash = %s WHERE id = %s",
        [five[2].chain_hash, second],
    )
    sql(
        "UPDATE access_accessevent SET seq = 2, chain_hash = %s WHERE id = %s",
        [five[1].chain_hash, third],
    )
    status, _, err = verify()
    assert status == 1 and f"event id {third} (seq 2): edited" in err


def test_events_in_reversed_key_order_are_reordered(five):
    # The seq of two events exchanged (their seals left): the later key comes first.
    first, second = five[0].pk, five[1].pk
    sql("UPDATE access_accessevent SET seq = NULL WHERE id IN (%s, %s)", [first, second])
    sql("UPDATE access_accessevent SET seq = 2 WHERE id = %s", [first])
    sql("UPDATE access_accessevent SET seq = 1 WHERE id = %s", [second])
    status, _, err = verify()
    assert status == 1 and f"event id {second} (seq 1): reordered" in err


def _forge(template: AccessEvent, **changes) -> None:
    fields = [f for f in AccessEvent._meta.concrete_fields if not f.primary_key]
    for name, value in changes.items():
        setattr(template, name, value)
    names = ", ".join(f.column for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    sql(f"INSERT INTO access_accessevent ({names}) VALUES ({marks})", values)


def test_a_forged_event_without_a_seal_is_named(five):
    _forge(AccessEvent.objects.get(pk=five[2].pk), seq=None, chain_hash="", outcome="allow")
    forged = AccessEvent.objects.order_by("-id").first()
    status, _, err = verify()
    assert status == 1 and f"event id {forged.pk} (seq None): inserted" in err


def test_a_forged_event_continuing_the_chain_is_named(five):
    # Numbered after the last one with a seal made up (or made with another key).
    last = AccessEvent.objects.get(pk=five[4].pk)
    fake = core_chain.seal(b"guessed", chain.content(last), 6, last.pk + 1, last.chain_hash)
    _forge(last, seq=6, chain_hash=fake)
    forged = AccessEvent.objects.order_by("-id").first()
    status, _, err = verify()
    assert status == 1 and f"event id {forged.pk} (seq 6): inserted" in err


def test_a_forged_event_slipped_into_the_middle_is_named(five):
    # Room made at seq 3 by renumbering the later events, the forged one given seq 3.
    site = five[0].site_id
    sql("UPDATE access_accessevent SET seq = seq + 100 WHERE seq >= 3 AND site_id = %s", [site])
    sql("UPDATE access_accessevent SET seq = seq - 99 WHERE seq >= 103 AND site_id = %s", [site])
    _forge(AccessEvent.objects.get(pk=five[1].pk), seq=3, chain_hash="0" * 64)
    forged = AccessEvent.objects.order_by("-id").first()
    status, _, err = verify()
    assert status == 1
    assert f"event id {forged.pk} (seq 3): inserted" in err


def test_the_chains_of_two_sites_are_independent(five, lane_b, site_a, site_b):
    b1 = card_read(lane_b, UNKNOWN_CARD, minutes=5)
    b2 = card_read(lane_b, UNKNOWN_CARD, minutes=6)
    assert (b1.seq, b2.seq) == (1, 2)  # site B numbers from 1, after A's five
    assert verify()[0] == 0
    sql("UPDATE access_accessevent SET outcome = 'allow' WHERE id = %s", [b2.pk])
    status, out, err = verify()
    assert status == 1
    assert f"site {site_b.pk}: event id {b2.pk} (seq 2): edited" in err
    assert f"site {site_a.pk}: 5 event(s), chain intact" in out
    assert verify("--site", site_a.code)[0] == 0
    assert verify("--site", str(site_a.pk))[0] == 0
    assert verify("--site", str(site_b.pk))[0] == 1
    assert verify("--site", "nowhere")[0] == 2


def test_another_key_cannot_verify_the_chain(five, settings):
    settings.GATEHOUSE_EVENT_KEY = "a-different-key"
    status, _, err = verify()
    assert status == 1 and f"event id {five[0].pk} (seq 1): edited" in err


def test_deleting_an_event_is_refused_by_the_database(five):
    # rule P-03: the record of a decision cannot be removed
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=five[2].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accessevent")
    assert AccessEvent.objects.count() == 5
    assert verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_flushed_test_database_still_refuses_deletes(site_a, lanes_a, card_a):
    # A transactional test leaves events behind; the flush between tests empties the table
    # (conftest) and the trigger is back afterwards.
    card_read(lanes_a["east/walk-in"])
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.all().delete()


# -- the device API: the fast path, the full stack, and sites written at the same time ----------


def test_the_fast_path_and_the_full_stack_write_one_chain(
    lanes_a,
    card_a,
    site_a,
    manager_a,
    clock,  # noqa: F811
):
    from tests.access.test_device_api import make_device, read
    from tests.api.conftest import ApiClient, FastPathClient

    _, key = make_device(site_a, manager_a)
    fast = ApiClient(FastPathClient(), {"X-Device-Key": key})
    full = ApiClient(FastPathClient(full=True), {"X-Device-Key": key})
    lanes = ["east/walk-in", "east/walk-out"]
    ids = []
    for i in range(6):
        client = (fast, full)[i % 2]
        value = UNKNOWN_CARD if i == 3 else CARD_ZHANG  # an unknown card notifies: not deferred
        body = client.post("/gate/decisions", read("card", value, f"n-{i}", lane=lanes[i % 2]))
        assert body.status_code == 200
        ids.append(body.json()["event_id"])
    assert fast.client.fast == 3 and full.client.fast == 0
    events = list(AccessEvent.objects.order_by("seq").values_list("id", "seq"))
    assert events == [(pk, i + 1) for i, pk in enumerate(ids)]
    status, out, err = verify()
    assert status == 0, err
    assert "checked 6 event(s)" in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("file_database")
def test_two_sites_written_at_once_each_keep_their_chain(
    site_a,
    site_b,
    manager_a,
    manager_b,
    lanes_a,
    lane_b,
    card_a,
    clock,  # noqa: F811
):
    from tests.access.test_concurrency import THREADS, post, run_together
    from tests.access.test_device_api import make_device, read

    _, key_a = make_device(site_a, manager_a)
    _, key_b = make_device(site_b, manager_b, lane=lane_b, name="南门闸机")
    reads = 5

    def work(i: int) -> list[int]:
        statuses = []
        for n in range(reads):
            if i % 2:
                status, _ = post(key_b, read("card", UNKNOWN_CARD, f"b-{i}-{n}", lane=None))
            else:
                status, _ = post(key_a, read("card", CARD_ZHANG, f"a-{i}-{n}"))
            statuses.append(status)
        return statuses

    assert run_together(work) == [[200] * reads] * THREADS
    per_site = THREADS // 2 * reads
    for site in (site_a, site_b):
        seqs = list(AccessEvent.objects.filter(site=site).order_by("seq").values_list("seq"))
        assert seqs == [(n,) for n in range(1, per_site + 1)]
        assert EventChainHead.objects.get(site=site).seq == per_site
    status, out, err = verify()
    assert status == 0, err
    assert f"checked {2 * per_site} event(s)" in out


def test_the_migration_seals_events_stored_before_the_chain(five, site_a):
    # Events as a database migrated from before access/0005 holds them: no seq, no seal, no head.
    from importlib import import_module

    from django.apps import apps

    sql("UPDATE access_accessevent SET seq = NULL, chain_hash = ''")
    EventChainHead.objects.all().delete()
    assert verify()[0] == 1

    class Editor:  # what the migration's functions use of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, statement):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(statement)

    migration = import_module("gatehouse.access.migrations.0005_event_chain")
    migration.seal_existing(apps, Editor())
    if connection.vendor == "sqlite":  # the triggers, dropped for the rewrite, come back
        migration.refuse_delete(apps, Editor())
    status, out, err = verify()
    assert status == 0, err
    assert "checked 5 event(s)" in out
    sealed = list(AccessEvent.objects.order_by("id").values_list("seq", flat=True))
    assert sealed == [1, 2, 3, 4, 5]
    assert EventChainHead.objects.get(site=site_a).last_id == five[4].pk
    with pytest.raises(DatabaseError), transaction.atomic():  # the UPDATE trigger is back
        AccessEvent.objects.filter(pk=five[0].pk).update(note="x")
    card_read(five[0].lane, minutes=50)  # and the chain goes on from there
    assert verify()[0] == 0
