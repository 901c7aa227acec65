"""The edge's SQLite database: the site's snapshot (verified before it is kept) and the journal
of decisions taken offline (written durably before a device gets its answer).

One file in WAL mode with ``synchronous=FULL``: a commit is on disk when it returns, so a kill
-9 or a power cut after a device was answered loses nothing the device was told. The snapshot's
records are also held in memory, indexed the way a read looks them up, so an offline decision
reads no disk.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gatehouse.core import signed
from gatehouse.core.edge import fire_mode_alarm, snapshot_alarm, when

logger = logging.getLogger("gatehouse_edge")
SHANGHAI = ZoneInfo("Asia/Shanghai")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    body_digest TEXT NOT NULL,
    request TEXT NOT NULL,
    at TEXT NOT NULL,
    decision TEXT NOT NULL,
    answer TEXT NOT NULL,
    invitation_key TEXT,
    leave_pass_id INTEGER,
    uploaded_at TEXT,
    upload_status TEXT,
    upload_event_id INTEGER,
    upload_code TEXT,
    UNIQUE (device_id, nonce)
);
CREATE INDEX IF NOT EXISTS journal_pending ON journal (seq) WHERE uploaded_at IS NULL;
CREATE TABLE IF NOT EXISTS alarm (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL,
    sent_at TEXT,
    sent_status TEXT
);
"""

#: Refusals of a newer snapshot that leave the edge without a usable one (§12): its contents
#: cannot be trusted, so the snapshot held is not trusted to be current either. A replayed
#: (older) snapshot or a delta off the cursor is no such sign and changes nothing.
DISABLING_REFUSALS = frozenset(
    {
        "snapshot.signature",
        "snapshot.key",
        "snapshot.format",
        "snapshot.foreign_site",
        "snapshot.expired",
    }
)


class SnapshotRefused(Exception):
    """A snapshot or delta the edge will not keep: its signature, site, freshness or cursor
    fails. Nothing of it is applied."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Index:
    """The snapshot's records, by what a read looks them up by; kept up to date record by
    record as deltas arrive (a delta of a few records costs a few dictionary updates, not a
    rebuild of 50,000)."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.device_by_hash: dict[str, dict[str, Any]] = {}
        self.lane_by_code: dict[tuple[str, str], dict[str, Any]] = {}
        self.credentials_by_number: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.credentials_by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.by_token: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        # schema 2: open home-monitoring cases by person (M-03), leave passes by student (T3-01)
        self.returnees_by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.leave_passes_by_student: dict[int, list[dict[str, Any]]] = defaultdict(list)

    def get(self, kind: str, key: object) -> dict[str, Any] | None:
        return self.records.get(kind, {}).get(str(key))

    def put(self, kind: str, key: str, data: dict[str, Any] | None) -> None:
        """Set a record (``data``), or remove it (None), with its look-ups."""
        old = self.records[kind].pop(key, None)
        if old is not None:
            self._unindex(kind, old)
        if data is not None:
            self.records[kind][key] = data
            self._index(kind, key, data)

    def _index(self, kind: str, key: str, data: dict[str, Any]) -> None:
        if kind == "device":
            self.device_by_hash[data["key_hash"]] = data
        elif kind == "lane":
            self.lane_by_code[(data["gate"], data["code"])] = data
        elif kind == "credential":
            self.credentials_by_number[data["number_hash"]].append(data)
            if data.get("person_id") is not None:
                self.credentials_by_person[int(data["person_id"])].append(data)
        elif kind in ("invitation", "pass"):
            self.by_token[(kind, data["token_hash"])] = (key, data)
        elif kind == "returnee" and data.get("person_id") is not None:
            self.returnees_by_person[int(data["person_id"])].append(data)
        elif kind == "leave_pass" and data.get("student_id") is not None:
            self.leave_passes_by_student[int(data["student_id"])].append(data)

    def _unindex(self, kind: str, old: dict[str, Any]) -> None:
        if kind == "device":
            self.device_by_hash.pop(old["key_hash"], None)
        elif kind == "lane":
            self.lane_by_code.pop((old["gate"], old["code"]), None)
        elif kind == "credential":
            _drop(self.credentials_by_number, old["number_hash"], old)
            if old.get("person_id") is not None:
                _drop(self.credentials_by_person, int(old["person_id"]), old)
        elif kind in ("invitation", "pass"):
            self.by_token.pop((kind, old["token_hash"]), None)
        elif kind == "returnee" and old.get("person_id") is not None:
            _drop(self.returnees_by_person, int(old["person_id"]), old)
        elif kind == "leave_pass" and old.get("student_id") is not None:
            _drop(self.leave_passes_by_student, int(old["student_id"]), old)


def _drop[K](lists: dict[K, list[dict[str, Any]]], key: K, old: dict[str, Any]) -> None:
    kept = [d for d in lists.get(key, []) if d is not old]
    if kept:
        lists[key] = kept
    else:
        lists.pop(key, None)


@dataclass(frozen=True)
class Freshness:
    usable: bool
    problem: str = ""
    code: str = ""


@dataclass(frozen=True)
class Alarm:
    seq: int
    code: str
    message: str
    at: str
    sent_at: str | None = None
    sent_status: str | None = None

    def upload_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "code": self.code, "message": self.message, "at": self.at}


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    device_id: int
    nonce: str
    request: dict[str, Any]
    at: str
    decision: dict[str, Any]
    leave_pass_id: int | None = None

    def upload_json(self) -> dict[str, Any]:
        entry = {
            "seq": self.seq,
            "device_id": self.device_id,
            "request": self.request,
            "at": self.at,
            "decision": self.decision,
        }
        if self.leave_pass_id is not None:  # T3-01: the server marks this pass used
            entry["leave_pass_id"] = self.leave_pass_id
        return entry


class Store:
    """The snapshot and the journal of one edge, for one site, verified with one public key."""

    def __init__(
        self,
        path: str | Path,
        *,
        site_id: int,
        public_key: Ed25519PublicKey | Sequence[Ed25519PublicKey],
    ) -> None:
        self.path = str(path)
        self.site_id = site_id
        self.public_key = public_key
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(journal)")}
        if "leave_pass_id" not in columns:  # a file written by an agent before issue 17
            self.db.execute("ALTER TABLE journal ADD COLUMN leave_pass_id INTEGER")
        self.db.execute(
            "CREATE INDEX IF NOT EXISTS journal_leave_pass ON journal (leave_pass_id) "
            "WHERE leave_pass_id IS NOT NULL"
        )
        self.meta = dict(self.db.execute("SELECT name, value FROM meta").fetchall())
        self.index = Index()
        for kind, key, data in self.db.execute("SELECT kind, key, data FROM record"):
            self.index.put(kind, key, json.loads(data))

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # -- the snapshot -------------------------------------------------------------------------

    @property
    def cursor(self) -> int | None:
        value = self.meta.get("cursor")
        return int(value) if value is not None else None

    @property
    def schema(self) -> int | None:
        """The schema of the snapshot held (:data:`gatehouse.core.edge.SNAPSHOT_SCHEMA`; 1 for
        a snapshot of a server before issue 17); None without one."""
        if self.cursor is None:
            return None
        value = self.meta.get("schema", "1")
        return int(value) if value.isdigit() else 1

    def freshness(self, now: datetime) -> Freshness:
        """Whether the edge may decide from its snapshot at ``now``: not when it has none, when
        it has expired, or when a newer one was refused (:data:`DISABLING_REFUSALS`)."""
        expires = when(self.meta.get("expires_at"))
        refused = self.meta.get("refused_code", "")
        if refused in DISABLING_REFUSALS:  # also the first snapshot ever: alarmed, not "none"
            message = self.meta.get("refused_message", "")
            return Freshness(False, f"最新下发的通行名单被拒绝：{message}", refused)
        if self.cursor is None or expires is None:
            return Freshness(False, "本地没有通行名单", "snapshot.none")
        if now >= expires:
            shown = expires.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            return Freshness(False, f"通行名单已于 {shown} 过期", "snapshot.expired")
        return Freshness(True)

    def _set_meta(self, values: dict[str, str]) -> None:
        with self.lock:
            self.db.executemany(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", values.items()
            )
            self.meta.update(values)

    def note_refusal(self, refusal: SnapshotRefused, *, now: datetime) -> Alarm | None:
        """Remember a refused snapshot (kept across restarts; cleared by the next one kept).
        One that leaves the edge without a usable snapshot is alarmed by :meth:`watch`; any
        other is alarmed here, once until the refusal changes."""
        with self.lock:
            before = self.meta.get("refused_code", "")
            self._set_meta(
                {
                    "refused_code": refusal.code,
                    "refused_message": refusal.message,
                    "refused_at": now.isoformat(),
                }
            )
            if refusal.code in DISABLING_REFUSALS or refusal.code == before:
                return None
            message = f"边缘网关拒绝了服务器下发的通行名单：{refusal.message}"
            return self.raise_alarm(refusal.code, message, now=now)

    def watch(self, now: datetime) -> Alarm | None:
        """Raise an alarm when the snapshot has just become unusable (or unusable for another
        reason than last time); nothing while the state stays as it was. Called on every sync
        round, online or not, and whenever the status is shown."""
        with self.lock:  # judged and recorded at once: two callers never both alarm one change
            fresh = self.freshness(now)
            state = "" if fresh.usable else fresh.code
            if state == self.meta.get("alarm_state", ""):
                return None
            self._set_meta({"alarm_state": state})
            if fresh.usable or fresh.code == "snapshot.none":
                return None
            code, message = snapshot_alarm(fresh.code, fresh.problem)
            return self.raise_alarm(code, message, now=now)

    # -- fire / emergency mode ----------------------------------------------------------------

    @property
    def fire(self) -> bool:
        return self.meta.get("fire") == "1"

    def set_fire(self, on: bool, *, now: datetime, by: str = "") -> Alarm | None:
        """Switch the fire / emergency mode (S-13), durably, raising its alarm; None when it
        was already so."""
        with self.lock:
            if self.fire == on:
                return None
            self._set_meta({"fire": "1" if on else "0", "fire_since": now.isoformat()})
            code, message = fire_mode_alarm(on=on, by=by)
            return self.raise_alarm(code, message, now=now)

    # -- alarms -------------------------------------------------------------------------------

    def raise_alarm(self, code: str, message: str, *, now: datetime) -> Alarm:
        """Queue an alarm for the monitoring centre, durably, with its own number."""
        at = now.isoformat()
        with self.lock:
            cur = self.db.execute(
                "INSERT INTO alarm (code, message, at) VALUES (?, ?, ?)", (code, message, at)
            )
        alarm = Alarm(int(cur.lastrowid or 0), code, message, at)
        logger.warning("alarm %s: %s", code, message)
        return alarm

    def alarms(self, *, pending: bool = False, limit: int = 50) -> list[Alarm]:
        """The alarms not acknowledged yet (``pending``), oldest first; else the latest."""
        with self.lock:
            if pending:
                rows = self.db.execute(
                    "SELECT seq, code, message, at, sent_at, sent_status FROM alarm "
                    "WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
                    (limit,),
                ).fetchall()
            else:
                rows = self.db.execute(
                    "SELECT seq, code, message, at, sent_at, sent_status FROM alarm "
                    "ORDER BY seq DESC LIMIT ?",
                    (limit,),
                ).fetchall()
        return [Alarm(*row) for row in rows]

    def mark_alarms(self, results: list[dict[str, Any]], *, now: datetime) -> int:
        """Mark alarms the server acknowledged (``recorded`` / ``replayed``); how many."""
        marked = 0
        with self.lock:
            for r in results:
                if r.get("status") not in ("recorded", "replayed"):
                    continue
                cur = self.db.execute(
                    "UPDATE alarm SET sent_at = ?, sent_status = ? "
                    "WHERE seq = ? AND sent_at IS NULL",
                    (now.isoformat(), r["status"], int(r["seq"])),
                )
                marked += cur.rowcount
        return marked

    def apply(self, envelope: object, *, now: datetime) -> dict[str, Any]:
        """Verify a signed snapshot or delta and keep it; raise :class:`SnapshotRefused`
        (``snapshot.signature`` / ``snapshot.format`` / ``snapshot.foreign_site`` /
        ``snapshot.expired`` / ``snapshot.replayed`` / ``snapshot.cursor``), keeping nothing."""
        try:
            payload = signed.open_envelope(envelope, self.public_key)
        except signed.EnvelopeRefused as exc:
            code = {"envelope.signature": "snapshot.signature", "envelope.key": "snapshot.key"}.get(
                exc.code, "snapshot.format"
            )
            raise SnapshotRefused(code, exc.message) from exc
        site = payload.get("site")
        if not isinstance(site, dict) or site.get("id") != self.site_id:
            raise SnapshotRefused("snapshot.foreign_site", "名单属于其他场所，拒绝使用")
        issued, expires = when(payload.get("issued_at")), when(payload.get("expires_at"))
        kind, cursor = payload.get("kind"), payload.get("cursor")
        records = payload.get("records")
        if (
            issued is None
            or expires is None
            or kind not in ("full", "delta")
            or not isinstance(cursor, int)
            or not isinstance(records, list)
        ):
            raise SnapshotRefused("snapshot.format", "名单数据格式不正确")
        if now >= expires:
            raise SnapshotRefused("snapshot.expired", "名单已过期，拒绝使用")
        with self.lock:
            known = when(self.meta.get("issued_at"))
            if known is not None and issued < known:
                raise SnapshotRefused("snapshot.replayed", "名单比本地已有的更旧，拒绝使用")
            if kind == "delta" and payload.get("since") != self.cursor:
                raise SnapshotRefused("snapshot.cursor", "增量名单与本地游标不衔接")
            self._keep(kind, records, payload, cursor)
        return payload

    def _keep(
        self, kind: str, records: list[dict[str, Any]], payload: dict[str, Any], cursor: int
    ) -> None:
        schema = payload.get("schema")  # absent: a server before issue 17 (schema 1)
        meta = {
            "cursor": str(cursor),
            "issued_at": str(payload["issued_at"]),
            "expires_at": str(payload["expires_at"]),
            "site_code": str(payload["site"].get("code", "")),
            "schema": str(schema) if isinstance(schema, int) else "1",
            "refused_code": "",
            "refused_message": "",
        }
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if kind == "full":
                db.execute("DELETE FROM record")
            for rec in records:
                rkind, key, data = str(rec["kind"]), str(rec["key"]), rec.get("data")
                if data is None:
                    db.execute("DELETE FROM record WHERE kind = ? AND key = ?", (rkind, key))
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO record (kind, key, data) VALUES (?, ?, ?)",
                        (rkind, key, json.dumps(data, ensure_ascii=False)),
                    )
            db.executemany("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", meta.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.meta.update(meta)
        index = Index() if kind == "full" else self.index
        for rec in records:
            index.put(str(rec["kind"]), str(rec["key"]), rec.get("data"))
        self.index = index

    # -- the journal --------------------------------------------------------------------------

    def journaled(self, device_id: int, nonce: str) -> tuple[str, dict[str, Any]] | None:
        """The body digest and answer already journaled for a device's nonce."""
        with self.lock:
            row = self.db.execute(
                "SELECT seq, body_digest, answer FROM journal WHERE device_id = ? AND nonce = ?",
                (device_id, nonce),
            ).fetchone()
        return (row[1], {"event_id": -row[0], **json.loads(row[2])}) if row else None

    def journal(
        self,
        *,
        device_id: int,
        nonce: str,
        digest: str,
        request: dict[str, Any],
        at: str,
        decision: dict[str, Any],
        answer: dict[str, Any],
        invitation_key: str | None = None,
        leave_pass_id: int | None = None,
    ) -> int:
        """Write one offline decision durably (committed and synced to disk when this returns)
        and give its journal number; the device's answer names it as ``event_id`` -number (no
        server event yet)."""
        with self.lock:
            cur = self.db.execute(  # one statement: its own transaction, fsync'ed (FULL)
                "INSERT INTO journal (device_id, nonce, body_digest, request, at, decision, "
                "answer, invitation_key, leave_pass_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    device_id,
                    nonce,
                    digest,
                    json.dumps(request, ensure_ascii=False),
                    at,
                    json.dumps(decision, ensure_ascii=False),
                    json.dumps(answer, ensure_ascii=False),
                    invitation_key,
                    leave_pass_id,
                ),
            )
            return int(cur.lastrowid or 0)

    def leave_passes_used_here(self, ids: Sequence[int]) -> set[int]:
        """Of the leave passes ``ids``, those this edge let a student out on, uploaded or not
        (T3-01: a pass is used once; the snapshot says so only after the upload and the next
        delta)."""
        used = set()
        with self.lock:
            for pass_id in ids:
                row = self.db.execute(
                    "SELECT 1 FROM journal WHERE leave_pass_id = ? LIMIT 1", (pass_id,)
                ).fetchone()
                if row is not None:
                    used.add(pass_id)
        return used

    def used_here(self, invitation_key: str) -> int:
        """How many entries this edge admitted on an invitation and has not uploaded yet (an
        uploaded one takes its use on the server, and the snapshot's count then includes it):
        a single-use QR opens once."""
        with self.lock:
            row = self.db.execute(
                "SELECT COUNT(*) FROM journal WHERE invitation_key = ? AND uploaded_at IS NULL",
                (invitation_key,),
            ).fetchone()
        return int(row[0])

    def pending(self, limit: int = 200) -> list[JournalEntry]:
        """The entries not uploaded yet, oldest first."""
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, device_id, nonce, request, at, decision, leave_pass_id FROM journal "
                "WHERE uploaded_at IS NULL ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            JournalEntry(seq, device_id, nonce, json.loads(req), at, json.loads(dec), pass_id)
            for seq, device_id, nonce, req, at, dec, pass_id in rows
        ]

    def pending_count(self) -> int:
        with self.lock:
            row = self.db.execute("SELECT COUNT(*) FROM journal WHERE uploaded_at IS NULL")
            return int(row.fetchone()[0])

    def rejected_count(self) -> int:
        """Entries the server refused to record (kept here, not retried)."""
        with self.lock:
            row = self.db.execute("SELECT COUNT(*) FROM journal WHERE upload_status = 'rejected'")
            return int(row.fetchone()[0])

    def mark_uploaded(self, results: list[dict[str, Any]], *, now: datetime) -> None:
        """Mark entries as the server answered them (recorded, replayed or rejected)."""
        with self.lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                for r in results:
                    db.execute(
                        "UPDATE journal SET uploaded_at = ?, upload_status = ?, "
                        "upload_event_id = ?, upload_code = ? "
                        "WHERE seq = ? AND uploaded_at IS NULL",
                        (
                            now.isoformat(),
                            r["status"],
                            r.get("event_id"),
                            r.get("code", ""),
                            r["seq"],
                        ),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
