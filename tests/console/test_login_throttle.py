"""Failed console and admin logins are logged and locked out for a cooling-off period (django-axes):
per account after 5 failures, per address after 20, also when the right password follows."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import NOW

pytestmark = pytest.mark.django_db

WRONG = "guess-9876"


def _login(client, username, password, *, url=None, address="10.0.0.7"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failures_lock_the_account_even_for_the_right_password_until_the_cool_off(
    client, guard_a
):
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(4):
            assert _login(client, "guard_a", WRONG).status_code == 200
        # The fifth failure already answers with the lockout page.
        assert _login(client, "guard_a", WRONG).status_code == 429
        locked = _login(client, "guard_a", "pass-1234")
        html = locked.content.decode()
        assert locked.status_code == 429
        assert "登录失败次数过多" in html and "15 分钟后再试" in html
        assert int(locked["Retry-After"]) == 15 * 60
        assert "_auth_user_id" not in client.session
        # From another address too: the account is locked, not only the address.
        assert _login(client, "guard_a", "pass-1234", address="10.0.0.8").status_code == 429
        traveller.shift(timedelta(minutes=14))
        still = _login(client, "guard_a", "pass-1234")
        assert still.status_code == 429 and still["Retry-After"] == "60"
        assert "1 分钟后再试" in still.content.decode()
        traveller.shift(timedelta(minutes=1, seconds=1))
        response = _login(client, "guard_a", "pass-1234")
        assert response.status_code == 302 and response["Location"] == reverse("console:home")
        assert client.session["_auth_user_id"] == str(guard_a.pk)


def test_twenty_failures_from_one_address_lock_the_address_for_every_account(client, guard_a):
    with time_machine.travel(NOW, tick=False):
        for i in range(19):
            assert _login(client, f"nobody{i}", WRONG).status_code == 200
        assert _login(client, "nobody19", WRONG).status_code == 429
        assert _login(client, "guard_a", "pass-1234").status_code == 429
        # Another address still logs in.
        assert _login(client, "guard_a", "pass-1234", address="10.0.0.9").status_code == 302


def test_a_failed_login_is_logged_with_user_and_address_never_the_password(client, guard_a, caplog):
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.WARNING, "gatehouse.auth"):
        _login(client, "guard_a", WRONG, address="10.1.2.3")
    lines = [r.getMessage() for r in caplog.records if r.name == "gatehouse.auth"]
    assert any("guard_a" in line and "10.1.2.3" in line for line in lines), lines
    assert all(WRONG not in r.getMessage() for r in caplog.records)


def test_the_admin_login_is_locked_out_too(client, manager_a):
    url = reverse("admin:login")
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            assert _login(client, "manager_a", WRONG, url=url).status_code == 200
        assert _login(client, "manager_a", WRONG, url=url).status_code == 429
        response = _login(client, "manager_a", "pass-1234", url=url)
        assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_the_lockout_page_has_an_english_translation(client, guard_a):
    client.cookies["django_language"] = "en"
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            _login(client, "guard_a", WRONG)
        response = _login(client, "guard_a", "pass-1234")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
