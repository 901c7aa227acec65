"""What ``bench/bench_api.py`` prints about the conditions of a run (issue 18 §5)."""

from __future__ import annotations

import sysconfig

import pytest
from django.db import connection

from bench import conditions


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("postgresql://postgres@127.0.0.1:5432/db", True),
        ("postgresql://postgres@localhost/db", True),
        # libpq's Unix socket: the directory in the host, percent-encoded
        ("postgresql://postgres@%2Frun%2Fpostgresql:5432/db", True),
        ("postgresql://postgres@db.example.internal:5432/db", False),
    ],
)
def test_a_database_on_a_unix_socket_is_local(url, local):
    # Local: the database's CPU is counted (a socket URL read as remote showed 0.00 ms).
    assert conditions.database_is_local(url) is local


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        ("'--enable-optimizations' '--with-lto' '--enable-shared'", "built with PGO and LTO"),
        ("'--prefix=/root/.pyenv/versions/3.13.0' '--enable-shared'", "built without PGO and LTO"),
        ("'--enable-optimizations'", "built without LTO"),
    ],
)
def test_the_interpreters_build_is_named(monkeypatch, flags, said):
    real = sysconfig.get_config_var
    monkeypatch.setattr(
        sysconfig, "get_config_var", lambda name: flags if name == "CONFIG_ARGS" else real(name)
    )
    assert conditions.interpreter().startswith(said)
    assert ("slower" in conditions.interpreter()) is (said != "built with PGO and LTO")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
@pytest.mark.django_db
def test_the_printed_settings_are_those_gatehouses_connections_have():
    # The server's default may be jit=on; Gatehouse's connections start with it off, and the
    # conditions printed beside a figure must say what the measured code ran with.
    shown = conditions.pg_settings()
    assert shown["jit"] == "off"
    assert shown["synchronous_commit"] in {"on", "off", "local", "remote_write", "remote_apply"}
