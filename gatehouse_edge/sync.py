"""Keeping the edge in step with the server: the snapshot by deltas after its cursor (a full one
when it has none or the server no longer knows its cursor), and the journal uploaded in order.
:meth:`Syncer.run_once` does one round; :meth:`Syncer.run` repeats it until stopped."""

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
        self, store: Store, client: Client, clock: Callable[[], datetime], *, batch: int = 200
    ) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self.batch = batch
        self.online = False
        self.last_sync: datetime | None = None
        self.last_error = ""

    def pull(self) -> int:
        """Fetch and keep the snapshot's changes; the number of records received."""
        since = self.store.cursor
        reply = self.client.snapshot(since)
        if reply.status == 422 and since is not None:
            logger.warning("the server refused cursor %s; fetching a full snapshot", since)
            reply = self.client.snapshot(None)
        if reply.status != 200:
            raise SnapshotRefused("snapshot.http", f"server answered {reply.status}")
        payload = self.store.apply(reply.json(), now=self.clock())
        return len(payload["records"])

    def push(self) -> int:
        """Upload the journal in order, a batch at a time, marking each entry as the server
        answered it; the number of entries marked. Stops at the first failure (the rest waits
        for the next round: the server records each nonce once, so a resend is harmless)."""
        marked = 0
        while True:
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
        """One round: pull, then push. Whether the server was reached."""
        try:
            self.pull()
            self.push()
        except (ServerUnreachable, SnapshotRefused, ValueError, KeyError) as exc:
            self.online = False
            self.last_error = str(exc)
            logger.warning("sync failed: %s", exc)
            return False
        self.online = True
        self.last_sync = self.clock()
        self.last_error = ""
        return True

    def run(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            self.run_once()
            stop.wait(interval)
