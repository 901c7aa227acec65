"""Back up and restore a Gatehouse installation: the database, the uploaded files and, in a file of
their own, the keys without which the data cannot be read (issue 18 §3).

A backup folder holds ``manifest.json`` (format version, time, Gatehouse version, migration leaf
nodes, database vendor, row counts per table, SHA-256 of every file), the database
(``database.sqlite3`` made with SQLite's online backup API, or ``database.pgdump`` made with
``pg_dump -Fc``), ``media.tar`` (MEDIA_ROOT) and ``KEYS-STORE-SEPARATELY.env`` (mode 0600).
The row counts are taken from the same snapshot as the database copy, so a backup taken while
the server runs is consistent with its manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_FILE = "media.tar"
KEYS_FILE = "KEYS-STORE-SEPARATELY.env"
# Every secret the settings read from the environment that data depends on.
KEY_SETTINGS = (
    ("GATEHOUSE_DATA_KEYS", "decrypt ID numbers and phones (newest first)"),
    ("GATEHOUSE_LOOKUP_KEY", "keyed hashes used to look ID numbers and phones up"),
    ("GATEHOUSE_EVENT_KEY", "verifies the access events' hash chain"),
    ("GATEHOUSE_EDGE_SIGNING_KEY", "signs the snapshots handed to edge agents"),
    ("GATEHOUSE_SECRET_KEY", "Django's secret (sessions, signed links)"),
)
# Tables `migrate` fills by itself: rows there do not make a database "in use".
FRAMEWORK_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    events_checked: str = ""
    notes: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def gatehouse_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def applied_leaves(alias: str = "default") -> list[list[str]]:
    """The newest applied migration of each branch: ``[[app, name], ...]``, sorted."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    leaves = []
    for node in applied:
        children = loader.graph.node_map[node].children if node in loader.graph.node_map else set()
        if not any(child in applied and child[0] == node[0] for child in children):
            leaves.append([node[0], node[1]])
    return sorted(leaves)


def code_graph(alias: str = "default") -> tuple[set[tuple[str, str]], list[list[str]]]:
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    nodes = set(loader.graph.nodes)
    return nodes, sorted([a, n] for a, n in loader.graph.leaf_nodes())


def _quote(alias: str, table: str) -> str:
    return connections[alias].ops.quote_name(table)


def row_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(alias, table)}")  # noqa: S608 (quoted name)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            n: int(db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0])  # noqa: S608
            for n in sorted(names)
        }
    finally:
        db.close()


def pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: GATEHOUSE_PG_BIN_DIR, else PATH, else the newest
    /usr/lib/postgresql/<version>/bin."""
    configured = getattr(settings, "GATEHOUSE_PG_BIN_DIR", "")
    if configured:
        candidate = Path(configured) / name
        if not candidate.is_file():
            raise BackupError(f"GATEHOUSE_PG_BIN_DIR={configured} holds no {name}")
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.parent.name)) or (0,)

    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if installed:
        return str(installed[-1])
    raise BackupError(
        f"{name} not found: install the PostgreSQL client or set GATEHOUSE_PG_BIN_DIR"
    )


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    args += ["-d", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 (our own pg tool, list args)
        cmd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()}")


def _write_keys(path: Path, now: datetime) -> None:
    lines = [
        "# GATEHOUSE KEYS — store this file APART from the data backup (another medium, a safe).",
        "# Without GATEHOUSE_DATA_KEYS every stored ID number and phone is unreadable;",
        "# whoever holds both this file and the data backup can read them all.",
        f"# Written {now.isoformat()} by `manage.py backup`. Restore: put these lines in .env.",
    ]
    for name, purpose in KEY_SETTINGS:
        value = getattr(settings, name, "")
        if name == "GATEHOUSE_SECRET_KEY":
            value = settings.SECRET_KEY
        if isinstance(value, list | tuple):
            value = ",".join(value)
        lines += [f"# {purpose}", f"{name}={value}"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    path.chmod(0o600)


def _tar_media(dest: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(dest, "w") as tar:
        if media.is_dir():
            for item in sorted(media.rglob("*")):
                tar.add(item, arcname=str(item.relative_to(media)), recursive=False)


@contextmanager
def _pg_snapshot(alias: str) -> Iterator[tuple[str, dict[str, int]]]:
    """A repeatable-read transaction exporting its snapshot: pg_dump reads the same state the
    row counts were taken from."""
    conn = connections[alias]
    conn.ensure_connection()
    raw = conn.connection
    assert raw is not None
    previous = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            # Tables as Django lists them: a partitioned table counts once, with all its rows,
            # its partitions not apart (gatehouse/gate/partitions.py).
            cur.execute(
                "SELECT c.relname FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
            )
            names = [r[0] for r in cur.fetchall()]
            counts = {}
            for name in names:
                cur.execute(f"SELECT COUNT(*) FROM {_quote(alias, name)}")  # noqa: S608
                counts[name] = int(cur.fetchone()[0])
        yield snapshot, counts
    finally:
        raw.rollback()
        raw.autocommit = previous


def backup(
    dest: Path, *, now: datetime, alias: str = "default", keys_to: Path | None = None
) -> dict[str, Any]:
    """Write a backup into ``dest`` (created; must be empty) and return its manifest."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for each backup")
    conn = connections[alias]
    vendor = conn.vendor
    if vendor == "sqlite":
        db_file = dest / SQLITE_FILE
        conn.ensure_connection()
        target = sqlite3.connect(db_file)
        try:
            conn.connection.backup(target)  # online backup: a consistent copy while others write
        finally:
            target.close()
        counts = _sqlite_counts(db_file)
    elif vendor == "postgresql":
        db_file = dest / PG_FILE
        args, env = _pg_args(alias)
        with _pg_snapshot(alias) as (snapshot, counts):
            _run(
                [
                    pg_tool("pg_dump"),
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(db_file),
                    *args,
                ],
                env,
            )
    else:
        raise BackupError(f"backing up a {vendor} database is not supported")
    _tar_media(dest / MEDIA_FILE)
    keys_file = keys_to or dest / KEYS_FILE
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    _write_keys(keys_file, now)
    files = {p.name: sha256_file(p) for p in (db_file, dest / MEDIA_FILE, keys_file)}
    manifest = {
        "format": "gatehouse-backup",
        "version": FORMAT_VERSION,
        "created_at": now.astimezone(SHANGHAI).isoformat(timespec="seconds"),
        "gatehouse_version": gatehouse_version(),
        "migrations": applied_leaves(alias),
        "database_vendor": vendor,
        "database_file": db_file.name,
        "media_file": MEDIA_FILE,
        "keys_file": keys_file.name,
        "row_counts": counts,
        "sha256": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return manifest


def read_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} not found: not a Gatehouse backup folder")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} is not readable JSON: {exc}") from exc
    if manifest.get("format") != "gatehouse-backup" or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: unknown backup format {manifest.get('format')!r} v{manifest.get('version')!r}"
        )
    return dict(manifest)


def check_files(src: Path, manifest: dict[str, Any], keys_file: Path | None) -> None:
    """Every data file is there with the SHA-256 the manifest names; the keys file too when it is
    at hand (it is normally kept elsewhere)."""
    hashes = manifest["sha256"]
    for name in (manifest["database_file"], manifest["media_file"]):
        path = src / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {src}")
        if sha256_file(path) != hashes.get(name):
            raise BackupError(f"{name}: SHA-256 does not match the manifest (damaged or altered)")
    keys = keys_file or src / manifest["keys_file"]
    if keys.is_file() and sha256_file(keys) != hashes.get(manifest["keys_file"]):
        raise BackupError(f"{keys}: SHA-256 does not match the manifest: keys of another backup?")


def check_migrations(manifest: dict[str, Any], alias: str = "default") -> list[str]:
    """Refuse a backup made by a newer Gatehouse (a migration this code does not know); note when
    the backup is older, so that ``migrate`` must run after the restore."""
    nodes, leaves = code_graph(alias)
    unknown = [f"{a}.{n}" for a, n in manifest["migrations"] if (a, n) not in nodes]
    if unknown:
        raise BackupError(
            "the backup was made by a newer Gatehouse: unknown migration(s) " + ", ".join(unknown)
        )
    if sorted(manifest["migrations"]) != leaves:
        return ["the backup's migrations are older than this code: run `manage.py migrate` next"]
    return []


def in_use(alias: str = "default") -> dict[str, int]:
    """Tables of the target holding rows, beyond what ``migrate`` writes by itself."""
    return {t: n for t, n in row_counts(alias).items() if n and t not in FRAMEWORK_TABLES}


def restore_database(src: Path, manifest: dict[str, Any], *, alias: str) -> None:
    conn = connections[alias]
    if manifest["database_vendor"] != conn.vendor:
        raise BackupError(
            f"the backup holds a {manifest['database_vendor']} database; "
            f"the target is {conn.vendor}"
        )
    db_file = src / manifest["database_file"]
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            source.backup(conn.connection)  # replaces the whole target database
        finally:
            source.close()
    else:
        args, env = _pg_args(alias)
        conn.close()
        # --clean drops what a `migrate` left behind; the in-use check has already passed.
        extra = ["--clean", "--if-exists"]
        _run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *extra,
                *args,
                str(db_file),
            ],
            env,
        )
    conn.close()


def media_in_use() -> bool:
    media = Path(settings.MEDIA_ROOT)
    return media.is_dir() and any(media.iterdir())


def restore_media(src: Path, manifest: dict[str, Any]) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src / manifest["media_file"]) as tar:
        tar.extractall(media, filter="data")


def compare_counts(manifest: dict[str, Any], alias: str = "default") -> list[str]:
    """Every table of the manifest has as many rows as it said."""
    have = row_counts(alias)
    wrong = []
    for table, expected in sorted(manifest["row_counts"].items()):
        got = have.get(table)
        if got != expected:
            wrong.append(
                f"{table}: expected {expected}, found {got if got is not None else 'no table'}"
            )
    return wrong


def check_decryption(sample: int = 200) -> int:
    """The configured keys read the restored data: up to ``sample`` values of every encrypted
    field decrypt, and a person's ID number hashes to its stored look-up hash."""
    from gatehouse.backup.rotation import UNREADABLE, cipher_fields, configured, key_of
    from gatehouse.people.models import Person
    from gatehouse.privacy import lookup_hash, unseal

    keys = configured()
    checked = 0
    for cf in cipher_fields():
        tokens = (
            cf.model._default_manager.exclude(**{cf.attname: ""})
            .order_by("pk")
            .values_list(cf.attname, flat=True)[:sample]
        )
        for token in tokens:
            if key_of(token, keys) == UNREADABLE:
                raise BackupError(
                    f"{cf.label}: stored data cannot be decrypted with GATEHOUSE_DATA_KEYS — "
                    "restore the keys file of this backup into .env"
                )
            checked += 1
    person = Person.objects.exclude(id_number_cipher="").order_by("pk").first()
    if person and lookup_hash("id", unseal(person.id_number_cipher)) != person.id_number_hash:
        raise BackupError("GATEHOUSE_LOOKUP_KEY differs from the backup's: look-ups would fail")
    return checked
