"""Login, logout and the language of the login page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHINESE_FIRST = [
    "gatehouse.console.middleware.ChineseFirstLocaleMiddleware"
    if m == "django.middleware.locale.LocaleMiddleware"
    else m
    for m in settings.MIDDLEWARE
]


def test_login_page_is_chinese_with_a_language_switch(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "Gatehouse 园区封闭管理" in html
    assert "用户名" in html and "密码" in html and ">登录<" in html
    assert reverse("set_language") in html
    assert 'value="en"' in html


def test_login_with_the_right_password_lands_on_the_home_page(client, guard_a):
    response = client.post(
        reverse("login"), {"username": "guard_a", "password": "pass-1234"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("console:home")
    html = response.content.decode()
    assert "东湖花园" in html
    assert "门岗" in html
    assert response.wsgi_request.user == guard_a


def test_a_wrong_password_is_refused_in_chinese(client, guard_a):
    response = client.post(reverse("login"), {"username": "guard_a", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in html  # Django's own Chinese message
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client):
    for name in ("console:home", "console:people", "console:import_people"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post(client, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    """With Gatehouse's middleware, Accept-Language does not override Chinese; the cookie does."""
    with override_settings(MIDDLEWARE=CHINESE_FIRST):
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert '<html lang="zh-CN">' in html and "用户名" in html
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
        assert '<html lang="en">' in html and "Username" in html
