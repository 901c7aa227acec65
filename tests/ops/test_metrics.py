"""/metrics (gatehouse.ops): counts decisions made through the API, refuses unauthorised
scrapes, carries no personal data."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from tests.access.test_device_api import clock, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG

PATH = "/gate/decisions"


def decisions(site_id: int, outcome: str, reason: str) -> float:
    labels = {"site": str(site_id), "source": "device", "outcome": outcome, "reason": reason}
    return REGISTRY.get_sample_value("gatehouse_decisions_total", labels) or 0.0


def latency_count(endpoint: str, stack: str) -> float:
    labels = {"endpoint": endpoint, "stack": stack}
    return REGISTRY.get_sample_value("gatehouse_api_request_seconds_count", labels) or 0.0


@pytest.fixture
def key(site_a, manager_a, lanes_a, clock):  # noqa: F811 (fixture)
    return make_device(site_a, manager_a)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("full", [False, True], ids=["fast path", "full stack"])
def test_a_decision_through_the_api_is_counted_and_timed(key, card_a, site_a, full):
    allowed = decisions(site_a.pk, "allow", "resident.card")
    unknown = decisions(site_a.pk, "refuse", "credential.unknown")
    timed = latency_count("api/v1/gate/decisions", "django" if full else "fast")
    client = ApiClient(FastPathClient(full=full), {"X-Device-Key": key})
    assert client.post(PATH, read("card", CARD_ZHANG, "n-1")).json()["outcome"] == "allow"
    assert client.post(PATH, read("card", "99999999", "n-2")).json()["outcome"] == "refuse"
    assert decisions(site_a.pk, "allow", "resident.card") == allowed + 1
    assert decisions(site_a.pk, "refuse", "credential.unknown") == unknown + 1
    assert latency_count("api/v1/gate/decisions", "django" if full else "fast") == timed + 2
    scraped = Client().get("/metrics")
    assert scraped.status_code == 200
    text = scraped.content.decode()
    assert (
        f'gatehouse_decisions_total{{outcome="allow",reason="resident.card",'
        f'site="{site_a.pk}",source="device"}}' in text
    )
    assert "gatehouse_devices_online" in text and "gatehouse_export_queue_depth" in text
    assert CARD_ZHANG not in text and "张" not in text  # no card number, no name


@pytest.mark.django_db
def test_an_unauthorised_scrape_is_refused(settings):
    settings.GATEHOUSE_METRICS_TOKEN = "s3cret-token"
    away = Client(REMOTE_ADDR="10.1.2.3")
    refused = away.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["code"] == "metrics.forbidden"
    assert b"gatehouse_" not in refused.content
    assert away.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    # Relayed by a proxy on this machine: not a local scraper.
    relayed = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert relayed.status_code == 403
    good = away.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert good.status_code == 200
    assert good["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_without_a_token_only_local_scrapes_are_answered(settings):
    settings.GATEHOUSE_METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403
    assert (
        Client(REMOTE_ADDR="10.1.2.3").get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code
        == 403
    )
    assert Client().get("/metrics").status_code == 200  # the test client is 127.0.0.1


@pytest.mark.django_db
def test_a_failed_login_is_counted(site_a, manager_a):
    before = REGISTRY.get_sample_value("gatehouse_login_failures_total") or 0.0
    Client().post("/accounts/login/", {"username": manager_a.username, "password": "wrong"})
    assert REGISTRY.get_sample_value("gatehouse_login_failures_total") == before + 1


def test_a_job_is_timed_and_its_failure_counted():
    from gatehouse.ops.jobs import job

    def value(name: str, suffix: str) -> float:
        metric = "gatehouse_job_" + suffix
        return REGISTRY.get_sample_value(metric, {"job": name}) or 0.0

    with job("test_job"):
        pass
    with pytest.raises(ValueError), job("test_job"):
        raise ValueError("boom")
    assert value("test_job", "seconds_count") == 2
    assert value("test_job", "failures_total") == 1


@pytest.mark.django_db
def test_in_multiprocess_mode_a_scrape_reads_the_shared_directory(tmp_path, monkeypatch):
    from prometheus_client import Counter
    from prometheus_client.values import MultiProcessValue

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    # A metric made in this mode writes its value to a file there, as granian's workers do.
    monkeypatch.setattr(
        "prometheus_client.metrics.values.ValueClass", MultiProcessValue(lambda: 4711)
    )
    shared = Counter("gatehouse_test_shared", "test", registry=None)
    shared.inc(3)
    assert any(tmp_path.iterdir())
    text = Client().get("/metrics").content.decode()
    assert "gatehouse_test_shared_total 3.0" in text
    assert "gatehouse_export_queue_depth" in text  # the database's gauges as well


@pytest.mark.django_db
def test_the_jobs_last_runs_are_scraped_from_the_database():
    # The task worker runs the jobs in its own process: what a scraper alerts on is read from
    # the recorded runs, so it shows whichever process ran them.
    from datetime import datetime, timedelta

    from gatehouse.jobs.models import JobRun
    from gatehouse.jobs.schedule import SHANGHAI

    at = datetime(2026, 12, 1, 3, 20, tzinfo=SHANGHAI)
    JobRun.objects.create(
        job="purge_events",
        due_at=at - timedelta(days=1),
        enqueued_at=at,
        status="succeeded",
        finished_at=at - timedelta(days=1),
        duration_ms=1500,
    )
    JobRun.objects.create(
        job="purge_events",
        due_at=at,
        enqueued_at=at,
        status="failed",
        finished_at=at,
        duration_ms=250,
        error="OperationalError",
    )
    JobRun.objects.create(
        job="check_devices", due_at=at, enqueued_at=at, status="running", started_at=at
    )
    text = Client().get("/metrics").content.decode()
    assert 'gatehouse_job_last_run_seconds{job="purge_events"} 0.25' in text
    assert 'gatehouse_job_last_run_failed{job="purge_events"} 1.0' in text
    success = (at - timedelta(days=1)).timestamp()
    line = 'gatehouse_job_last_success_timestamp_seconds{job="purge_events"} '
    assert float(text.split(line, 1)[1].split("\n", 1)[0]) == success
    assert 'gatehouse_job_last_run_failed{job="check_devices"}' not in text  # none finished yet
    assert "gatehouse_jobs_running 1.0" in text
