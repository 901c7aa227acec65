"""The demo's repair orders (issue 17 §4): one in every state at 东湖花园, loaded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from gatehouse.notify.models import Message
from gatehouse.repairs.models import RepairOrder


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction

    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("load_demo", scale=0.1, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_has_an_order_in_every_state(loaded, db):
    rows = RepairOrder.objects.filter(site__code="donghu")
    states = set(rows.values_list("state", flat=True))
    assert states == {"filed", "dispatched", "started", "done", "confirmed", "visited"}
    mine = rows.filter(resident__user__username="resident")
    assert mine.filter(state="done").exists()  # the demo resident can confirm one
    assert rows.filter(reopen_count=1, state="visited", satisfaction=2).exists()
    assert rows.filter(photos__stage="finished").exists()


def test_gv05_the_demo_has_an_overdue_water_repair_alerted_once(loaded, db):
    late = RepairOrder.objects.get(site__code="donghu", overdue_alerted_at__isnull=False)
    # rule GV-05: filed yesterday, due last night, not finished
    assert late.category == "water" and late.finished_at is None
    assert late.due_reason in {"repair.same_day", "repair.next_morning"}
    assert Message.objects.filter(kind="repair.overdue", channel_kind="console").count() == 1
