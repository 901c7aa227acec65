"""The device-request purge: the nonces past the replay window are deleted in batches; a
replay after the purge is still refused, by its read time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import DeviceRequest
from gatehouse.jobs.purge import KEEP_FOR, device_requests_purge
from tests.access.test_device_api import PATH, clock, read, turnstile  # noqa: F401 (fixtures)
from tests.conftest import CARD_ZHANG, NOW

pytestmark = pytest.mark.django_db


def _rows(device, ages):
    for n, age in enumerate(ages):
        DeviceRequest.objects.create(
            device=device, nonce=f"old-{n}", body_digest="x", received_at=NOW - age
        )


def test_the_purge_removes_old_rows_in_batches_and_keeps_recent_ones(turnstile):  # noqa: F811
    device, _ = turnstile
    _rows(device, [KEEP_FOR + timedelta(minutes=1)] * 5 + [KEEP_FOR - timedelta(minutes=1)] * 2)
    assert device_requests_purge(now=NOW, batch=2) == 5  # three batches of at most two
    kept = DeviceRequest.objects.filter(device=device)
    assert kept.count() == 2
    assert all(r.received_at > NOW - KEEP_FOR for r in kept)
    assert device_requests_purge(now=NOW) == 0


def test_the_window_is_past_the_replay_age():
    from gatehouse.gate.reads import MAX_REPLAY_AGE

    assert KEEP_FOR > MAX_REPLAY_AGE


def test_a_replay_after_the_purge_is_refused_by_its_time(turnstile, card_a, monkeypatch):  # noqa: F811
    _, api = turnstile
    at = (NOW - timedelta(minutes=1)).isoformat()
    first = api.post(PATH, read("card", CARD_ZHANG, "n-purge", at=at))
    assert first.status_code == 200
    later = NOW + KEEP_FOR + timedelta(minutes=5)
    assert device_requests_purge(now=later) == 1
    assert not DeviceRequest.objects.filter(nonce="n-purge").exists()
    monkeypatch.setattr("gatehouse.access.api._clock", lambda: later)
    again = api.post(PATH, read("card", CARD_ZHANG, "n-purge", at=at))
    assert again.status_code == 422
    assert again.json()["code"] == "at.invalid"
    assert not DeviceRequest.objects.filter(nonce="n-purge").exists()  # nothing written


def test_old_job_runs_are_purged_but_each_job_keeps_its_latest():
    from gatehouse.jobs.models import JobRun
    from gatehouse.jobs.purge import RUNS_KEPT_FOR, job_runs_purge

    old = NOW - RUNS_KEPT_FOR - timedelta(hours=1)
    for n in range(3):
        at = old - timedelta(minutes=n)
        JobRun.objects.create(job="a", due_at=at, enqueued_at=at, finished_at=at)
    JobRun.objects.create(job="b", due_at=old, enqueued_at=old, finished_at=old)
    fresh = JobRun.objects.create(job="b", due_at=NOW, enqueued_at=NOW, finished_at=NOW)
    assert job_runs_purge(now=NOW, batch=1) == 3  # two of a's, b's old one
    left = JobRun.objects.order_by("job", "pk")
    assert [(r.job, r.due_at) for r in left] == [("a", old - timedelta(minutes=2)), ("b", NOW)]
    assert fresh in left
