"""The incoming guard's password at the handover is checked by authenticate(), so django-axes
counts it: a locked account cannot sign, and the handover page keeps its own answer (not the
login's lockout page)."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.urls import reverse

from gatehouse.guard.models import Handover
from tests.conftest import NOW


def test_a_locked_incoming_guard_cannot_sign_and_the_page_says_so(
    client, site_a, guard_a, guard2_a
):
    client.force_login(guard_a)
    url = reverse("guard:handover")
    form = {
        "incoming": guard2_a.pk,
        "shift_start": "2026-11-24T08:00",
        "arrived_at": "2026-11-24T07:40",
        "open_matters": "",
        "equipment": "对讲机",
        "incoming_password": "wrong",
    }
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            response = client.post(url, form)
            assert response.status_code == 422 and "接班人密码不正确" in response.content.decode()
        response = client.post(url, {**form, "incoming_password": "pass-1234"})
        assert response.status_code == 422 and "接班人密码不正确" in response.content.decode()
        assert not Handover.objects.exists()
        # The incoming guard's own login is locked as well.
        login = Client().post(
            reverse("login"), {"username": guard2_a.username, "password": "pass-1234"}
        )
        assert login.status_code == 429
