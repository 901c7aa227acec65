"""Gate decisions under concurrent requests: every read recorded once, a nonce answered once, a
single-use invitation admitted once — on SQLite (IMMEDIATE transactions, busy timeout) and on
PostgreSQL.

SQLite: Django's test database is an in-memory shared-cache database, whose table locks do not
wait for the busy timeout ("database table is locked") — unlike the file database in WAL mode the
project runs on. The ``file_database`` fixture therefore copies the test database to a file for
these tests and points every connection at it; on PostgreSQL it does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from gatehouse.access.models import AccessEvent, DeviceRequest
from gatehouse.visitors.models import Invitation, Visit
from tests.access.test_device_api import (
    PATH,
    clock,  # noqa: F401 (fixture)
    device_client,
    make_device,
    make_invitation,
    read,
)
from tests.conftest import CARD_ZHANG

THREADS = 8
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("file_database"),
]


def run_together(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in THREADS threads released at the same moment; the results in order."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def post(key: str, payload: dict) -> tuple[int, dict]:
    response = device_client(key).post(PATH, payload)
    return response.status_code, response.json()


def test_distinct_nonces_each_write_one_event(site_a, manager_a, lanes_a, card_a, clock):  # noqa: F811
    # rule P-03
    _, key = make_device(site_a, manager_a)
    answers = run_together(lambda i: post(key, read("card", CARD_ZHANG, f"n-{i}")))
    assert [status for status, _ in answers] == [200] * THREADS
    assert {body["outcome"] for _, body in answers} == {"allow"}
    assert len({body["event_id"] for _, body in answers}) == THREADS
    assert AccessEvent.objects.count() == THREADS
    assert DeviceRequest.objects.count() == THREADS


def test_the_same_nonce_at_once_is_decided_once(site_a, manager_a, lanes_a, card_a, clock):  # noqa: F811
    # rule P-03
    _, key = make_device(site_a, manager_a)
    answers = run_together(lambda i: post(key, read("card", CARD_ZHANG, "same")))
    assert [status for status, _ in answers] == [200] * THREADS
    assert sum(not body["replayed"] for _, body in answers) == 1
    for _, body in answers:
        body.pop("replayed")
    assert all(body == answers[0][1] for _, body in answers)
    assert AccessEvent.objects.count() == 1
    assert DeviceRequest.objects.count() == 1


def test_a_single_use_invitation_at_two_lanes_admits_once(
    site_a,
    manager_a,
    lanes_a,
    resident_a,
    house_a,
    clock,  # noqa: F811
):
    # rule VI-02
    inv, qr = make_invitation(site_a, resident_a, house_a, max_uses=1)
    _, east = make_device(site_a, manager_a, lane=lanes_a["east/walk-in"], name="东门闸机")
    _, west = make_device(site_a, manager_a, lane=lanes_a["west/walk-in"], name="西门闸机")
    keys = [east, west]
    answers = run_together(lambda i: post(keys[i % 2], read("qr", qr, f"q-{i}", lane=None)))
    assert [status for status, _ in answers] == [200] * THREADS
    reasons = sorted(body["reason"] for _, body in answers)
    assert reasons == ["invitation.used"] * (THREADS - 1) + ["invitation.valid"]
    assert AccessEvent.objects.filter(outcome="allow").count() == 1
    assert AccessEvent.objects.filter(reason="invitation.used").count() == THREADS - 1
    inv.refresh_from_db()
    assert inv.uses == 1
    assert Visit.objects.filter(invitation=inv).count() == 1
    assert Invitation.objects.get(pk=inv.pk).uses == 1
