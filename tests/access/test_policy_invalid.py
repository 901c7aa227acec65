"""A corrupt or missing policy denies and alarms; the gate never answers 500 (issue 12 §2).

A site, lane or vehicle-settings row whose policy values cannot be read is simulated the way it
happens in the field: written behind the application's back, with raw SQL, past the CHECK
constraints (SQLite: ``PRAGMA ignore_check_constraints``; PostgreSQL: the constraint dropped
inside the test's transaction). Every gate then answers 200 ``refuse`` / ``policy.invalid`` with
a Chinese message, writes its event and raises a monitoring notice naming what was wrong: the
people device API on both stacks, the booth's scan box, the vehicle device API, the vehicle booth
and the plate camera (barrier down, the display saying why)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import CheckConstraint, Model
from django.urls import reverse

from gatehouse.access.models import AccessEvent, DeviceRequest, Notice, NoticeAudience
from gatehouse.core.access import POLICY_INVALID_MESSAGE
from gatehouse.sites.models import Gate, Lane, Site
from tests.access.test_device_api import make_device, read
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import CARD_ZHANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
HX = {"HTTP_HX_REQUEST": "true"}
SQLITE = connection.vendor == "sqlite"
PLATE = "京A12345"


def corrupt(model: type[Model], pk: int, column: str, value: Any) -> None:
    """Store ``value`` in ``column`` of one row as a broken import or a hand edit would: raw
    SQL, past the table's CHECK constraints (and NOT NULL, for a NULL on PostgreSQL)."""
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        if SQLITE:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # ALTER TABLE waits for no deferred foreign-key check of the test's own rows.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for c in model._meta.constraints:
                if isinstance(c, CheckConstraint):
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {c.name}")
            if value is None:
                cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {name} DROP NOT NULL")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        try:
            cursor.execute(f"UPDATE {table} SET {name} = %s WHERE id = %s", [value, pk])
        finally:
            if SQLITE:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def _site_bad(site: Site, lane: Lane) -> list[Any]:
    """(model, pk, column, value, what the notice names) — the corruptions both backends can
    hold; SQLite, which keeps any text in any column, adds more."""
    cases = [
        (Site, site.pk, "mode", "fast", "site.mode='fast'"),
        (Site, site.pk, "mode", "", "site.mode=''"),
        (Site, site.pk, "fever_threshold", "NaN", "site.fever_threshold=Decimal('NaN')"),
        (Site, site.pk, "visit_minutes", 0, "site.visit_minutes=0"),
        (Lane, lane.pk, "kind", "", "lane.kind=''"),
        (Lane, lane.pk, "kind", "tunnel", "lane.kind='tunnel'"),
        (Lane, lane.pk, "direction", "up", "lane.direction='up'"),
    ]
    if SQLITE:
        # (A boolean column reads as True/False whatever SQLite holds: nothing to corrupt.)
        cases += [
            (Site, site.pk, "fever_threshold", "abc", "site.fever_threshold='abc'"),
            (Site, site.pk, "work_starts", "abc", "site.work_starts='abc'"),
        ]
    else:
        cases += [
            (Site, site.pk, "mode", None, "site.mode=None"),
            (Site, site.pk, "anti_passback", None, "site.anti_passback=None"),
            (Gate, lane.gate_id, "open_when_tightened", None, "gate.open_when_tightened=None"),
            (Site, site.pk, "work_ends", None, "site.work_ends=None"),
        ]
    return cases


CASES = [
    "mode-unknown",
    "mode-empty",
    "fever-nan",
    "visit-minutes-zero",
    "lane-kind-empty",
    "lane-kind-unknown",
    "lane-direction-unknown",
    "backend-specific",
]


def _corrupt_case(site: Site, lane: Lane, case: str) -> list[str]:
    """Apply the named case (the backend-specific ones all at once); the problems to expect."""
    bad = _site_bad(site, lane)
    chosen = bad[CASES.index(case) :] if case == "backend-specific" else [bad[CASES.index(case)]]
    for model, pk, column, value, _problem in chosen:
        corrupt(model, pk, column, value)
    return [problem for *_rest, problem in chosen]


def _assert_denied_and_told(problems: list[str], *, plate: str = "") -> AccessEvent:
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == ("refuse", "policy.invalid", "§12")
    assert event.message == POLICY_INVALID_MESSAGE
    assert event.plate == plate
    notice = Notice.objects.get(kind="policy.invalid")
    assert notice.audience == NoticeAudience.MONITORING and notice.event_id == event.pk
    assert POLICY_INVALID_MESSAGE in notice.message
    for problem in problems:
        assert problem[:40] in notice.message or problem[:40] in event.note
    return event


# -- people: the device API, on both stacks ------------------------------------------------------


@pytest.mark.parametrize("stack", ["fast", "full"])
@pytest.mark.parametrize("case", CASES)
def test_the_device_api_refuses_and_alarms(stack, case, site_a, manager_a, lanes_a, card_a):
    lane = lanes_a["east/walk-in"]
    problems = _corrupt_case(site_a, lane, case)
    _, key = make_device(site_a, manager_a)
    client = ApiClient(FastPathClient(full=stack == "full"), headers={"X-Device-Key": key})
    response = client.post("/gate/decisions", read("card", CARD_ZHANG, "n-1"))
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["reason"], body["message"]) == (
        "refuse",
        "policy.invalid",
        POLICY_INVALID_MESSAGE,
    )
    assert client.client.fast == (1 if stack == "fast" else 0)  # answered, not handed on
    event = _assert_denied_and_told(problems)
    assert body["event_id"] == event.pk and event.source == "device"
    assert DeviceRequest.objects.get().event_id == event.pk
    # The same request again is answered from the nonce: nothing written twice.
    again = client.post("/gate/decisions", read("card", CARD_ZHANG, "n-1")).json()
    assert again["replayed"] and again["event_id"] == event.pk
    assert AccessEvent.objects.count() == 1


def test_a_sound_policy_still_decides(site_a, manager_a, lanes_a, card_a):
    _, key = make_device(site_a, manager_a)
    client = ApiClient(FastPathClient(), headers={"X-Device-Key": key})
    body = client.post("/gate/decisions", read("card", CARD_ZHANG, "n-1")).json()
    assert (body["outcome"], body["reason"]) == ("allow", "resident.card")
    assert not Notice.objects.filter(kind="policy.invalid").exists()


# -- people: the booth's scan box ----------------------------------------------------------------


@pytest.mark.parametrize("case", ["mode-unknown", "fever-nan", "visit-minutes-zero"])
def test_the_booth_scan_refuses_and_alarms(case, client, guard_a, site_a, lanes_a, card_a):
    problems = _corrupt_case(site_a, lanes_a["east/walk-in"], case)
    client.force_login(guard_a)
    response = client.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert POLICY_INVALID_MESSAGE in html and "policy.invalid" in html
    event = _assert_denied_and_told(problems)
    assert (event.source, event.guard_id) == ("console", guard_a.pk)
    # The guard sees it among the booth's alerts too.
    alerts = client.get(reverse("booth:alerts"), **HX).content.decode()
    assert POLICY_INVALID_MESSAGE in alerts
