"""The goods part of the demo: slips in every state at 东湖花园, written by the real services,
deterministic and idempotent."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from gatehouse.demo.goods import load_goods_demo
from gatehouse.goods.models import (
    DecorationFollowUp,
    GoodsAnomaly,
    GoodsEntry,
    GoodsRelease,
    ReleaseSlip,
    SlipHandoff,
)
from tests.conftest import SHANGHAI

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    from gatehouse.demo.load import build_demo

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_demo(scale=0.1, now=NOW)
        transaction.set_rollback(True)


def test_the_demo_has_slips_in_every_state(loaded, db):
    report = next(r for r in loaded.sites if r.code == "donghu")
    assert report.created["物品出入 goods"] >= 10
    slips = ReleaseSlip.objects.filter(form="slip")  # the large-item exit forms: tests/traffic
    states = sorted(slips.values_list("status", flat=True))
    assert states == ["applied", "issued", "issued", "revoked", "used"]
    assert ReleaseSlip.objects.get(status="applied").person.user.username == "resident"
    assert sorted(GoodsRelease.objects.values_list("reason", "hold_state")) == [
        ("goods.mismatch", "held"),
        ("goods.released", ""),
        ("goods.tenant_after_hours", ""),
    ]
    assert sorted(SlipHandoff.objects.values_list("stage", flat=True)) == [
        "to_service",
        "to_squad_leader",
    ]
    assert sorted(GoodsAnomaly.objects.values_list("kind", flat=True)) == ["hazard", "mismatch"]
    assert sorted(GoodsEntry.objects.values_list("reason", flat=True)) == [
        "decoration.follow_up",
        "goods.hazard_refused",
        "goods.hazard_registered",
    ]
    assert DecorationFollowUp.objects.get().items == "空调外机"


def test_a_second_load_adds_nothing(loaded, db, django_assert_max_num_queries):
    before = ReleaseSlip.objects.count()
    with django_assert_max_num_queries(2):
        assert load_goods_demo(now=NOW) == {}
    assert ReleaseSlip.objects.count() == before
