"""A read replica (issue 18 §5): registers, dashboards, boards and background exports read from
it; the booth, the devices, writes and the session/user tables stay on the primary; a person who
has just written reads from the primary for a while.

The suite's ``replica`` alias mirrors the test database (tests/conftest.py), as Django tests
replicas: the queries each alias ran are what tell the two apart."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gatehouse.dbrouter import PIN_COOKIE, ReplicaRouter, replica_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.GATEHOUSE_REPLICA_READS = True


def _tables(captured: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in captured.captured_queries)


def _get(client, url: str) -> tuple[int, str, str]:
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        status = client.get(url).status_code
    return status, _tables(replica), _tables(primary)


def test_a_register_is_read_from_the_replica_and_the_login_from_the_primary(
    client, manager_a, replica_on
):
    client.force_login(manager_a)
    status, replica, primary = _get(client, reverse("registers:events"))
    assert status == 200
    assert "access_accessevent" in replica  # the register's rows
    assert 'FROM "django_session"' not in replica and 'FROM "django_session"' in primary
    # the logged-in user and their roles are looked up on the primary (joins are the register's)
    assert 'FROM "auth_user"' not in replica and 'FROM "accounts_membership"' not in replica


def test_the_booth_reads_from_the_primary(client, guard_a, lanes_a, replica_on):
    client.force_login(guard_a)
    status, replica, primary = _get(client, reverse("booth:index"))
    assert status == 200
    assert replica == "" and primary


def test_without_a_replica_everything_is_the_primary(client, manager_a, settings):
    settings.GATEHOUSE_REPLICA_READS = False
    client.force_login(manager_a)
    status, replica, primary = _get(client, reverse("registers:events"))
    assert status == 200 and replica == "" and "access_accessevent" in primary


def test_after_a_write_the_person_reads_from_the_primary(client, manager_a, replica_on, settings):
    settings.GATEHOUSE_REPLICA_PIN_SECONDS = 10
    client.force_login(manager_a)
    response = client.post(
        reverse("console:switch_site"), {"site": manager_a.memberships.get().site_id}
    )
    assert PIN_COOKIE in response.cookies
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    status, replica, primary = _get(client, reverse("registers:events"))
    assert status == 200 and replica == "" and "access_accessevent" in primary


def test_writes_and_migrations_never_go_to_the_replica(replica_on):
    from gatehouse.access.models import AccessEvent
    from gatehouse.registers.models import ExportJob

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(AccessEvent) == "replica"
        assert router.db_for_write(AccessEvent) is None
        assert router.db_for_read(ExportJob) is None  # a job just queued must be found
    assert router.db_for_read(AccessEvent) is None  # outside a replica read
    assert router.allow_migrate("replica", "access") is False
    assert router.allow_migrate("default", "access") is True


def test_a_background_export_reads_its_rows_from_the_replica(site_a, manager_a, replica_on, now):
    from gatehouse.registers.jobs import export_start, run_due_jobs
    from gatehouse.registers.models import ExportState

    job = export_start(
        site=site_a,
        actor=manager_a,
        key="registers:events",
        fmt="xlsx",
        query={"date_from": "2026-11-24", "date_to": "2026-11-24"},
        now=now,
    )
    with CaptureQueriesContext(connections["replica"]) as replica:
        ran = run_due_jobs(now)
    job.refresh_from_db()
    assert ran.done == 1 and job.state == ExportState.DONE
    assert "access_accessevent" in _tables(replica)
    assert "registers_exportjob" not in _tables(replica)
