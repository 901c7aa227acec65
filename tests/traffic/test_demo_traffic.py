"""The demo's violations, exit forms and pass copies (issue 17 §5), loaded once for the module."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from gatehouse.access.models import AccessEvent
from gatehouse.goods.models import ReleaseSlip
from gatehouse.parking.models import PassDocument
from gatehouse.traffic.models import Violation, ViolationStep


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


def test_the_demo_has_a_repeat_offender_handled_by_the_police(loaded, db):
    rows = Violation.objects.filter(site__code="donghu")
    assert rows.count() == 5
    police = rows.get(required_step=3)
    assert (police.kind, police.count, police.reason) == ("fire_lane", 3, "violation.police_repeat")
    assert police.handled_at is not None
    assert ViolationStep.objects.get(violation=police, step=3).outcome.startswith("交警到场")
    assert rows.filter(handled_at__isnull=True).count() == 1  # today's disabled bay
    assert all(v.photos.count() == 1 for v in rows)


def test_the_demo_has_exit_forms_one_checked_at_the_vehicle_exit(loaded, db):
    forms = ReleaseSlip.objects.filter(site__code="donghu", form="large_items").order_by("number")
    assert sorted(f.status for f in forms) == ["issued", "used"]
    used = forms.get(status="used")
    exit_event = AccessEvent.objects.get(note__startswith=f"大件物品出入单{used.number}")
    assert (exit_event.outcome, exit_event.direction) == ("allow", "out")


def test_the_demo_passes_carry_their_copies(loaded, db):
    kinds = set(PassDocument.objects.values_list("kind", flat=True))
    assert {"driving_licence", "vehicle_licence", "insurance"} <= kinds
    assert all(d.name.endswith(".png") for d in PassDocument.objects.all())
