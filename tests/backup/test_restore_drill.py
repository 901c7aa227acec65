"""Restore drill (issue 18 §3): the demo is loaded into a database of its own, backed up with
``manage.py backup``, restored into an empty database with ``manage.py restore`` and checked —
event chains intact, an ID number decrypts to the original, row counts as in the manifest.

The commands run as an operator runs them, in their own processes, against databases this module
creates: on SQLite fresh files (the source starts as a copy of the migrated test database); on
PostgreSQL, when DATABASE_URL points there, new databases (the source from the test database as a
template), dropped at the end."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from gatehouse.backup.archive import KEYS_FILE, MANIFEST, MEDIA_FILE

# The mark has pytest-django build the test database (the source's template); the tests
# themselves only run commands in other processes.
pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)
PROBE = """
import json
from gatehouse.backup.archive import row_counts
from gatehouse.people.models import Person
from gatehouse.privacy import lookup_hash, unseal
people = []
for p in Person.objects.exclude(id_number_cipher="").order_by("pk")[:3]:
    number = unseal(p.id_number_cipher)
    found = Person.objects.filter(site=p.site, id_number_hash=lookup_hash("id", number)).first()
    people.append([p.pk, number, found.pk if found else None])
print(json.dumps({"people": people, "counts": row_counts()}))
"""


class Drill:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.vendor = connection.vendor
        self.made: list[str] = []

    # --- databases -------------------------------------------------------------------------
    def _pg(self):
        import psycopg

        db = connection.settings_dict
        return psycopg.connect(
            dbname="postgres",
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
        )

    def url(self, name: str) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.tmp / name}.sqlite3"
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{name}"

    def database(self, *, migrated: bool) -> str:
        name = f"gh_drill_{uuid.uuid4().hex[:8]}"
        if self.vendor == "sqlite":
            if migrated:  # a copy of the (migrated, empty) test database
                target = sqlite3.connect(self.tmp / f"{name}.sqlite3")
                connection.ensure_connection()
                connection.connection.backup(target)
                target.close()
            return name
        connections.close_all()  # CREATE DATABASE … TEMPLATE wants the template idle
        template = f" TEMPLATE {connection.settings_dict['NAME']}" if migrated else ""
        with self._pg() as pg:
            pg.execute(f"CREATE DATABASE {name}{template}")
        self.made.append(name)
        return name

    def drop_all(self) -> None:
        if self.vendor == "postgresql" and self.made:
            with self._pg() as pg:
                for name in self.made:
                    pg.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    # --- commands --------------------------------------------------------------------------
    def manage(self, db: str, *args: str, media: str = "media") -> subprocess.CompletedProcess:
        env = dict(os.environ)
        env["DATABASE_URL"] = self.url(db)
        env["GATEHOUSE_MEDIA_ROOT"] = str(self.tmp / f"{media}-{db}")
        # No timeout: waiting with one sleeps, and time.sleep fails under CI's shifted clock.
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def ok(self, db: str, *args: str) -> str:
        done = self.manage(db, *args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def probe(self, db: str) -> dict:
        return json.loads(self.ok(db, "shell", "-c", PROBE).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def drill(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run = Drill(tmp_path_factory.mktemp("drill"))
        try:
            run.source = run.database(migrated=True)
            run.ok(run.source, "load_demo", "--scale", "0.05")
            run.backup_dir = run.tmp / "backup"
            run.backup_out = run.ok(run.source, "backup", str(run.backup_dir))
            run.target = run.database(migrated=False)
            run.restore_out = run.ok(run.target, "restore", str(run.backup_dir))
            run.spare = [run.database(migrated=False) for _ in range(3)]
            yield run
        finally:
            run.drop_all()


def test_the_backup_folder_holds_a_manifest_data_media_and_a_0600_keys_file(drill):
    manifest = json.loads((drill.backup_dir / MANIFEST).read_text("utf-8"))
    assert manifest["database_vendor"] == drill.vendor
    assert manifest["created_at"].endswith("+08:00")
    assert ["people", "0001_initial"] not in manifest["migrations"]  # leaves only
    assert any(app == "people" for app, _ in manifest["migrations"])
    assert manifest["row_counts"]["people_person"] > 0
    assert set(manifest["sha256"]) == {manifest["database_file"], MEDIA_FILE, KEYS_FILE}
    keys = drill.backup_dir / KEYS_FILE
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    text = keys.read_text("utf-8")
    assert f"GATEHOUSE_DATA_KEYS={','.join(settings.GATEHOUSE_DATA_KEYS)}" in text
    assert f"GATEHOUSE_LOOKUP_KEY={settings.GATEHOUSE_LOOKUP_KEY}" in text
    assert "APART" in drill.backup_out  # the operator is told to keep the keys elsewhere


def test_the_restored_database_verifies_decrypts_and_counts_as_backed_up(drill):
    assert "restore complete" in drill.restore_out
    assert "all chains intact" in drill.ok(drill.target, "verify_events")
    before, after = drill.probe(drill.source), drill.probe(drill.target)
    assert after["people"] == before["people"]
    for pk, number, found in after["people"]:
        assert len(number) == 18 and found == pk  # decrypts, and the look-up hash finds it
    manifest = json.loads((drill.backup_dir / MANIFEST).read_text("utf-8"))
    assert after["counts"] == manifest["row_counts"]
    assert (drill.tmp / f"media-{drill.target}").is_dir()


def test_restore_refuses_a_database_in_use(drill):
    done = drill.manage(drill.source, "restore", str(drill.backup_dir))
    assert done.returncode != 0
    assert "not empty" in done.stderr and "--force" in done.stderr


def test_restore_refuses_a_damaged_file(drill, tmp_path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for f in drill.backup_dir.iterdir():
        (damaged / f.name).write_bytes(f.read_bytes())
    with (damaged / MEDIA_FILE).open("ab") as fh:
        fh.write(b"x")
    done = drill.manage(drill.spare.pop(), "restore", str(damaged))
    assert done.returncode != 0
    assert "media.tar: SHA-256 does not match" in done.stderr


def test_restore_refuses_a_backup_from_a_newer_gatehouse(drill, tmp_path):
    newer = tmp_path / "newer"
    newer.mkdir()
    for f in drill.backup_dir.iterdir():
        (newer / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((newer / MANIFEST).read_text("utf-8"))
    manifest["migrations"].append(["people", "9999_from_the_future"])
    (newer / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    done = drill.manage(drill.spare.pop(), "restore", str(newer))
    assert done.returncode != 0
    assert "newer Gatehouse" in done.stderr and "people.9999_from_the_future" in done.stderr


def test_restore_fails_loudly_when_the_counts_differ(drill, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    for f in drill.backup_dir.iterdir():
        (wrong / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((wrong / MANIFEST).read_text("utf-8"))
    manifest["row_counts"]["people_person"] += 1
    (wrong / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    done = drill.manage(drill.spare.pop(), "restore", str(wrong))
    assert done.returncode != 0
    assert "row counts differ" in done.stderr and "people_person" in done.stderr
