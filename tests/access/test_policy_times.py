"""A site's time-of-day columns that cannot be read (issue 12 §2): the gate never answers 500.

SQLite keeps any text in a TIME column. Written behind the application's back (raw SQL, as in
:mod:`tests.access.test_policy_invalid`), ``'25:99'`` used to make the Site row unloadable (the
gate answered 500) and ``'abc'`` was read as NULL. The columns are read as stored
(``StoredTimeField``): the working hours the gate's policy reads make it refuse with
``policy.invalid``, an event and a monitoring notice; the other time columns, which the gate's
decision does not read, no longer stop it from deciding. PostgreSQL refuses such text at the
write, which is asserted instead."""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.access import POLICY_INVALID_MESSAGE
from gatehouse.sites.models import Site
from tests.access.test_device_api import make_device, read
from tests.access.test_policy_invalid import SQLITE, _assert_denied_and_told, corrupt
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
HX = {"HTTP_HX_REQUEST": "true"}
sqlite_only = pytest.mark.skipif(not SQLITE, reason="only SQLite keeps text in a TIME column")

#: The time columns the gate's policy reads, and text SQLite may hold in them.
POLICY_TIMES = ["work_starts", "work_ends"]
GARBAGE = ["25:99", "abc"]
#: The site's other time columns: the gate's decision does not read them.
OTHER_TIMES = ["service_desk_opens", "service_desk_closes", "visitor_closing_time"]


def _device_read(site, manager, stack: str) -> dict:
    _, key = make_device(site, manager)
    client = ApiClient(FastPathClient(full=stack == "full"), headers={"X-Device-Key": key})
    response = client.post("/gate/decisions", read("card", CARD_ZHANG, "n-1"))
    assert response.status_code == 200
    return response.json()


@sqlite_only
@pytest.mark.parametrize("stack", ["fast", "full"])
@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("column", POLICY_TIMES)
def test_a_broken_working_time_refuses_at_the_device(
    column, value, stack, site_a, manager_a, lanes_a, card_a
):
    corrupt(Site, site_a.pk, column, value)
    body = _device_read(site_a, manager_a, stack)
    assert (body["outcome"], body["reason"], body["message"]) == (
        "refuse",
        "policy.invalid",
        POLICY_INVALID_MESSAGE,
    )
    event = _assert_denied_and_told([f"site.{column}={value!r}"])
    assert body["event_id"] == event.pk and event.source == "device"


@sqlite_only
@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("column", POLICY_TIMES)
def test_a_broken_working_time_refuses_at_the_booth(
    column, value, client, guard_a, site_a, lanes_a, card_a
):
    corrupt(Site, site_a.pk, column, value)
    client.force_login(guard_a)
    response = client.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert POLICY_INVALID_MESSAGE in html and "policy.invalid" in html
    event = _assert_denied_and_told([f"site.{column}={value!r}"])
    assert (event.source, event.guard_id) == ("console", guard_a.pk)


@sqlite_only
@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("column", OTHER_TIMES)
def test_a_broken_time_the_gate_does_not_read_leaves_it_deciding(
    column, value, site_a, manager_a, lanes_a, card_a
):
    corrupt(Site, site_a.pk, column, value)
    body = _device_read(site_a, manager_a, "fast")
    assert (body["outcome"], body["reason"]) == ("allow", "resident.card")
    assert not Notice.objects.filter(kind="policy.invalid").exists()
    # The value is read as it is stored, not guessed into a time or into "none".
    assert getattr(Site.objects.get(pk=site_a.pk), column) == value


@pytest.mark.skipif(SQLITE, reason="PostgreSQL's time type refuses such text at the write")
@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("column", POLICY_TIMES + OTHER_TIMES)
def test_postgresql_refuses_a_broken_time_at_the_write(column, value, site_a):
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        corrupt(Site, site_a.pk, column, value)
    assert getattr(Site.objects.get(pk=site_a.pk), column) == getattr(site_a, column)
