"""/healthz and /readyz (gatehouse.ops): unauthenticated JSON, names and ok/fail only."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gatehouse.ops import health
from gatehouse.ops.heartbeat import beat
from gatehouse.ops.models import Heartbeat

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def fresh_workers(at: datetime) -> None:
    from gatehouse.gate import partitions

    for name in health.WORKERS:
        beat(name, at, force=True)
    partitions.ensure(at)  # PostgreSQL: the months the daily job would have made by then


def test_healthz_answers_without_the_database_or_a_login():
    # No django_db mark: any query would raise.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_200_when_every_check_passes(at_now):
    fresh_workers(at_now - timedelta(seconds=10))
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "device_worker": "ok",
            "export_worker": "ok",
            "scheduler": "ok",
            "task_worker": "ok",
            "devices": "ok",
            "event_partitions": "ok",
        },
    }


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the log is partitioned on PostgreSQL"
)
def test_readyz_fails_when_next_months_event_partition_is_missing(at_now):
    from gatehouse.gate import partitions

    fresh_workers(at_now)
    later = at_now + timedelta(days=400)  # no job made those months
    assert partitions.missing_ahead(later)
    fresh_workers_only = dict.fromkeys(health.WORKERS, "ok")
    for name in health.WORKERS:
        beat(name, later, force=True)
    with time_machine.travel(later, tick=False):
        response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["event_partitions"] == "fail"
    assert {k: body["checks"][k] for k in health.WORKERS} == fresh_workers_only


@pytest.mark.django_db
def test_readyz_is_503_with_a_stale_worker_heartbeat(at_now):
    fresh_workers(at_now)
    Heartbeat.objects.filter(name="export_worker").update(beat_at=at_now - timedelta(seconds=61))
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["export_worker"] == "fail"
    assert body["checks"]["device_worker"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_when_a_worker_never_beat(at_now):
    beat("device_worker", at_now, force=True)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["export_worker"] == "fail"


@pytest.mark.django_db
def test_readyz_fails_migrations_not_applied(at_now, monkeypatch):
    fresh_workers(at_now)
    monkeypatch.setattr(health, "_leaves", lambda: frozenset({("ops", "9999_not_applied")}))
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "fail"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_fails_everything_when_the_database_is_gone(at_now, monkeypatch):
    def broken(now):
        raise RuntimeError("no database")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert set(response.json()["checks"].values()) == {"fail"}
    assert "no database" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_fails_a_device_silent_longer_than_its_site_allows(at_now, site_a, manager_a):
    from tests.access.test_device_api import make_device

    fresh_workers(at_now)
    device, _ = make_device(site_a, manager_a)
    device.last_seen_at = at_now - timedelta(minutes=site_a.device_offline_minutes + 1)
    device.save(update_fields=["last_seen_at"])
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["devices"] == "fail"
    assert device.name not in response.content.decode()
    device.last_seen_at = at_now - timedelta(minutes=1)
    device.save(update_fields=["last_seen_at"])
    assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
def test_the_probes_skip_the_https_redirect_and_refuse_writes(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    response = Client().post("/readyz")
    assert response.status_code == 405


@pytest.mark.django_db
def test_a_heartbeat_is_written_at_most_every_few_seconds_per_process(at_now):
    assert beat("test_worker", at_now, force=True)
    assert not beat("test_worker", at_now + timedelta(seconds=1))
    assert Heartbeat.objects.get(name="test_worker").beat_at == at_now


@pytest.mark.django_db
def test_the_workers_beat_each_round(at_now):
    call_command("export_worker", "--once", stdout=None)
    call_command("device_worker", "--once", stdout=None)
    call_command("run_scheduler", "--once", stdout=None)
    call_command("run_tasks", "--once", stdout=None)
    assert set(Heartbeat.objects.values_list("name", flat=True)) >= set(health.WORKERS)
