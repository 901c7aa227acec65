"""``python -m gatehouse_edge`` / ``gatehouse-edge``: run the edge agent beside a gate's devices.

Every option can come from the environment (``GATEHOUSE_EDGE_<NAME>``), an argument wins::

    GATEHOUSE_EDGE_SERVER=http://10.0.0.5:8000 GATEHOUSE_EDGE_KEY=gd_… \\
    GATEHOUSE_EDGE_SITE=1 GATEHOUSE_EDGE_PUBLIC_KEY=… python -m gatehouse_edge
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from gatehouse.core import signed
from gatehouse_edge.client import Client
from gatehouse_edge.offline import Edge
from gatehouse_edge.server import EdgeApp, EdgeServer
from gatehouse_edge.store import Store
from gatehouse_edge.sync import Syncer


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"GATEHOUSE_EDGE_{name}", default)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gatehouse-edge", description="Gatehouse 边缘网关")
    p.add_argument("--server", default=_env("SERVER"), help="server URL, http://host:port")
    p.add_argument("--key", default=_env("KEY"), help="this edge's device key (gd_…)")
    p.add_argument("--site", type=int, default=_env("SITE"), help="the site id it serves")
    p.add_argument(
        "--public-key", default=_env("PUBLIC_KEY"), help="the server's snapshot key (base64)"
    )
    p.add_argument("--db", default=_env("DB", "gatehouse-edge.sqlite3"), help="SQLite file")
    p.add_argument("--host", default=_env("HOST", "127.0.0.1"), help="address to listen on")
    p.add_argument("--port", type=int, default=int(_env("PORT", "8010") or 8010))
    p.add_argument(
        "--forward-timeout",
        type=float,
        default=float(_env("FORWARD_TIMEOUT", "1.5") or 1.5),
        help="seconds to wait for the server before deciding locally",
    )
    p.add_argument(
        "--sync-interval",
        type=float,
        default=float(_env("SYNC_INTERVAL", "5") or 5),
        help="seconds between snapshot deltas and journal uploads",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    missing = [
        name
        for name in ("server", "key", "site", "public_key")
        if getattr(args, name) in (None, "")
    ]
    if missing:
        names = ", ".join(f"--{m.replace('_', '-')}" for m in missing)
        print(f"gatehouse-edge: missing {names} (or GATEHOUSE_EDGE_*)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    def clock() -> datetime:
        return datetime.now(UTC)

    store = Store(args.db, site_id=int(args.site), public_key=signed.public_key(args.public_key))
    client = Client(args.server, args.key)
    syncer = Syncer(store, client, clock)
    app = EdgeApp(Edge(store), client, syncer, clock, forward_timeout=args.forward_timeout)
    server = EdgeServer(app, args.host, args.port).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.getLogger("gatehouse_edge").info("serving devices on %s", server.address)
    try:
        syncer.run(stop, args.sync_interval)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        store.close()
    return 0
