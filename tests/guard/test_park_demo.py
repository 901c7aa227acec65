"""The industrial park's demo is as complete as the community's (issue 17 §6): keys, the
cleaning rota, emergency plans, a tariff, patrol routes and guard settings at 五里工业园区."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from gatehouse.guard.models import (
    CleaningRota,
    EmergencyPlan,
    GuardSettings,
    Key,
    PatrolRoute,
)
from gatehouse.parking.models import TariffPlan


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


def test_the_park_has_what_the_community_has(loaded, db):
    for model in (Key, EmergencyPlan, PatrolRoute, TariffPlan):
        assert model.objects.filter(site__code="wuli").exists(), model
        assert model.objects.filter(site__code="donghu").exists(), model
    assert CleaningRota.objects.get(site__code="wuli").members.count() == 2
    assert GuardSettings.objects.get(site__code="wuli").early_minutes == 15
    night = PatrolRoute.objects.get(site__code="wuli", name="夜间巡更（危化品与能源部位）")
    assert night.stops.count() >= 5
    leak = EmergencyPlan.objects.get(site__code="wuli", name="危化品泄漏应急预案")
    assert leak.steps.order_by("order").first().who == "监控中心值班长"
    assert Key.objects.filter(site__code="wuli").count() == 4


def test_the_park_manager_sees_the_forms(loaded, client, db):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="park_manager"))
    routes = client.get(reverse("guard:routes")).content.decode()
    assert "夜间巡更（危化品与能源部位）" in routes and reverse("guard:route_new") in routes
    assert "火灾应急预案" in client.get(reverse("guard:emergency")).content.decode()
    assert 'value="15"' in client.get(reverse("guard:settings")).content.decode()
