"""Fixtures for the console tests: compiled English messages and a logged-in client per persona."""

from __future__ import annotations

import pytest

ID_ZHANG = "11010519491231002X"


@pytest.fixture(scope="session", autouse=True)
def compiled_messages(django_db_blocker):
    """Compile the .po catalogues (``make`` does this too) and drop cached translations."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compilemessages_py", verbosity=0)
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = trans_real.Local()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created with a password; PBKDF2's 1M rounds would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def member(username: str, site, *roles: str, staff: bool = False):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership

    user = get_user_model().objects.create_user(
        username=username, password="pass-1234", is_staff=staff
    )
    for role in roles:
        Membership.objects.create(user=user, site=site, role=role)
    return user
