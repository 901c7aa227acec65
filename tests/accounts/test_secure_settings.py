"""GATEHOUSE_SECURE_COOKIES=1 (served behind HTTPS) turns on everything `check --deploy` asks for:
secure cookies, HSTS for a year with subdomains, the SSL redirect and the proxy's SSL header. The
device API stays reachable over plain HTTP on the LAN (exempt from the redirect)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GATEHOUSE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        GATEHOUSE_ENV_FILE=str(tmp_path / "no.env"),
        GATEHOUSE_SECRET_KEY=secrets.token_urlsafe(50),
        GATEHOUSE_DATA_KEYS=Fernet.generate_key().decode(),
        GATEHOUSE_LOOKUP_KEY=secrets.token_urlsafe(32),
        GATEHOUSE_EVENT_KEY=secrets.token_urlsafe(32),
        GATEHOUSE_ALLOWED_HOSTS="gate.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="gatehouse.settings",
        **extra,
    )
    return env


def _run(tmp_path, args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        # No timeout: under libfaketime (the CI's future-clock phase) the polling wait's sleep
        # fails with EINVAL; a blocking wait does not.
    )


CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def test_check_deploy_is_clean_with_secure_cookies_on(tmp_path):
    done = _run(tmp_path, CHECK, GATEHOUSE_SECURE_COOKIES="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr
    # The same check without the switch does warn (the harness is not blind).
    done = _run(tmp_path, CHECK)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))"
)


def test_the_switch_turns_on_hsts_redirect_and_the_proxy_header(tmp_path):
    done = _run(tmp_path, ["-c", SHOW], GATEHOUSE_SECURE_COOKIES="1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        365 * 24 * 3600,
        True,
        False,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        True,
    ]
    done = _run(tmp_path, ["-c", SHOW])
    assert json.loads(done.stdout) == [0, False, False, False, None, False, False]


SECURE = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gate/decisions",
        "/api/v1/vehicle/decisions",
        "/api/v1/cameras/vzenith",
        "/api/v1/device/whoami",
    ],
)
@override_settings(**SECURE)
def test_the_device_api_is_not_redirected(db, path):
    client = Client()
    if path.endswith("whoami"):
        response = client.get(path)
    else:
        response = client.post(path, "{}", content_type="application/json")
    assert response.status_code == 401  # answered (no key), not sent to https


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GATEHOUSE_SECURE_COOKIES", "ture"),
        ("GATEHOUSE_SECURE_COOKIES", "2"),
        ("GATEHOUSE_DEBUG", "enabled"),
        ("GATEHOUSE_HSTS_PRELOAD", "y"),
        ("GATEHOUSE_REVEALS_PER_HOUR", "twenty"),
        ("GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT", "0"),
        ("GATEHOUSE_KEY_FAILURE_WINDOW", "-5"),
        ("GATEHOUSE_LOG_LEVEL", "LOUD"),
    ],
)
def test_a_setting_with_a_value_it_does_not_know_stops_the_start(tmp_path, name, value):
    done = _run(tmp_path, ["-c", SHOW], **{name: value})
    assert done.returncode != 0
    assert f"ImproperlyConfigured: {name}={value!r}" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("value", "on"),
    [("1", True), ("On", True), ("yes", True), ("0", False), ("off", False), ("", False)],
)
def test_a_switch_reads_the_usual_spellings(tmp_path, value, on):
    done = _run(tmp_path, ["-c", SHOW], GATEHOUSE_SECURE_COOKIES=value)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[3] is on  # SECURE_SSL_REDIRECT follows the switch
