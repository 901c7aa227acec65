"""The PostgreSQL connection's options: JIT compilation off unless GATEHOUSE_PG_JIT=1 (issue 18
§4: a search over years of monthly partitions spent 180-340 ms compiling what ran in 15)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connection

from tests.accounts.test_secure_settings import ROOT, _env

PRINT_OPTIONS = [
    "-c",
    "import json, django; django.setup(); from django.conf import settings;"
    " print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))",
]


def _options(tmp_path, url: str, **extra: str) -> dict:
    env = _env(tmp_path, **extra)
    env["DATABASE_URL"] = url
    done = subprocess.run(
        [sys.executable, *PRINT_OPTIONS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_postgresql_connections_start_without_jit(tmp_path):
    url = "postgresql://gatehouse@127.0.0.1:5432/gatehouse"
    assert _options(tmp_path, url)["options"] == "-c jit=off"
    # Options of the address are kept, JIT's added after them.
    kept = _options(tmp_path, url + "?options=-c%20work_mem%3D8MB")
    assert kept["options"] == "-c work_mem=8MB -c jit=off"
    # Behind a pooler that refuses startup options, the server's own setting decides.
    assert "options" not in _options(tmp_path, url, GATEHOUSE_PG_JIT="1")
    # SQLite has no such option.
    assert "options" not in _options(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_the_servers_jit_is_off_for_this_connection():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
