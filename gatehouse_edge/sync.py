"""Keeping the edge in step with the server: the snapshot by deltas after its cursor (a full one
when it has none or the server no longer knows its cursor), the journal uploaded in order, and
the edge's alarms posted until the server acknowledges them. :meth:`Syncer.run_once` does one
round; :meth:`Syncer.run` repeats it until stopped.

Every snapshot request reports the edge's health in headers: ``X-Edge-Pending`` (entries not
uploaded), ``X-Edge-Rejected`` (entries the server refused), ``X-Edge-Snapshot-Issued-At``
(ISO 8601, or empty) and ``X-Edge-Fire`` (``0``/``1``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from gatehouse_edge.client import Client, ServerUnreachable
from gatehouse_edge.store import SnapshotRefused, Store

logger = logging.getLogger("gatehouse_edge")


class Syncer:
    def __init__(
        self,
        store: Store,
        client: Client,
        clock: Callable[[], datetime],
        *,
        batch: int = 200,
        batches_per_round: int = 10,
    ) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self.batch = batch
        # A long journal (hours offline) drains over several rounds, so that the snapshot's
        # deltas (a card revoked meanwhile) keep arriving while it does.
        self.batches_per_round = batches_per_round
        self.more = False  # the journal had more than one round's batches: next round at once
        self.online = False
        self.last_sync: datetime | None = None
        self.last_reached: datetime | None = None
        self.last_error = ""

    def health(self) -> dict[str, str]:
        store = self.store
        return {
            "X-Edge-Pending": str(store.pending_count()),
            "X-Edge-Rejected": str(store.rejected_count()),
            "X-Edge-Snapshot-Issued-At": store.meta.get("issued_at", ""),
            "X-Edge-Fire": "1" if store.fire else "0",
        }

    def pull(self) -> int:
        """Fetch and keep the snapshot's changes; the number of records received. A snapshot
        the store refuses is remembered (it may leave the edge without a usable one) and
        raises :class:`SnapshotRefused`."""
        since = self.store.cursor
        reply = self.client.snapshot(since, self.health())
        if reply.status == 422 and since is not None:
            logger.warning("the server refused cursor %s; fetching a full snapshot", since)
            reply = self.client.snapshot(None, self.health())
        if reply.status != 200:
            raise SnapshotRefused("snapshot.http", f"server answered {reply.status}")
        try:
            payload = self.store.apply(reply.json(), now=self.clock())
        except SnapshotRefused as exc:
            self.store.note_refusal(exc, now=self.clock())
            raise
        return len(payload["records"])

    def push_alarms(self) -> int:
        """Post the alarms not acknowledged yet, oldest first; the number acknowledged. An
        alarm the server does not acknowledge stays queued for the next round."""
        acknowledged = 0
        while True:
            alarms = self.store.alarms(pending=True, limit=self.batch)
            if not alarms:
                return acknowledged
            reply = self.client.alarms([a.upload_json() for a in alarms])
            if reply.status != 200:
                logger.warning("alarm upload answered %s; retried next round", reply.status)
                return acknowledged
            marked = self.store.mark_alarms(reply.json().get("results", []), now=self.clock())
            acknowledged += marked
            if marked < len(alarms):
                return acknowledged

    def push(self, batches: int | None = None) -> int:
        """Upload the journal in order, a batch at a time (at most ``batches`` of them; None:
        all), marking each entry as the server answered it; the number of entries marked.
        Stops at the first failure (the rest waits for the next round: the server records each
        nonce once, so a resend is harmless)."""
        marked = 0
        sent = 0
        while True:
            if batches is not None and sent >= batches:
                return marked
            sent += 1
            entries = self.store.pending(self.batch)
            if not entries:
                return marked
            reply = self.client.upload([e.upload_json() for e in entries])
            if reply.status != 200:
                raise ServerUnreachable(f"journal upload answered {reply.status}")
            results = reply.json()["results"]
            self.store.mark_uploaded(results, now=self.clock())
            marked += len(results)
            if len(results) < len(entries):
                return marked

    def run_once(self) -> bool:
        """One round: pull, push the journal, post the alarms. Whether the server was reached
        and the snapshot kept. A refused snapshot is alarmed at once and the rest of the round
        still runs (the server is there to hear it)."""
        refused: SnapshotRefused | None = None
        try:
            try:
                self.pull()
            except SnapshotRefused as exc:
                if exc.code == "snapshot.http":
                    raise
                refused = exc
            self.store.watch(self.clock())
            # Reached: the status page says so while a long journal drains.
            self.online = True
            self.last_reached = self.clock()
            self.push_alarms()
            self.push(self.batches_per_round)
            self.more = bool(self.store.pending(1))
        except (ServerUnreachable, SnapshotRefused, ValueError, KeyError) as exc:
            self.store.watch(self.clock())
            self.online = False
            self.more = False
            self.last_error = str(exc)
            logger.warning("sync failed: %s", exc)
            return False
        self.online = True
        self.last_reached = self.clock()
        if refused is not None:
            self.last_error = str(refused)
            return False
        self.last_sync = self.clock()
        self.last_error = ""
        return True

    def run(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            self.run_once()
            if not (self.online and self.more):
                stop.wait(interval)
