"""``python -m gatehouse_edge`` / ``gatehouse-edge``: run the edge agent beside a gate's devices.

Every option can come from the environment (``GATEHOUSE_EDGE_<NAME>``), an argument wins::

    GATEHOUSE_EDGE_SERVER=http://10.0.0.5:8000 GATEHOUSE_EDGE_KEY=gd_… \\
    GATEHOUSE_EDGE_SITE=1 GATEHOUSE_EDGE_PUBLIC_KEY=… python -m gatehouse_edge

The fire / emergency mode (S-13) is switched on the status page, or from the command line of
the box against the running edge::

    python -m gatehouse_edge fire on --pin 1234 [--edge http://127.0.0.1:8010] [--by 张三]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
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
        "--public-key",
        default=_env("PUBLIC_KEY"),
        help="the server's snapshot key (base64); while keys are rotated, both, comma-separated",
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
    p.add_argument(
        "--fire-pin",
        default=_env("FIRE_PIN"),
        help="PIN that switches the fire / emergency mode (none: the switch is off)",
    )
    return p


def fire_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gatehouse-edge fire", description="开启/关闭消防应急模式（出口一律放行）"
    )
    p.add_argument("state", choices=("on", "off"))
    p.add_argument("--pin", default=_env("FIRE_PIN"), help="the edge's fire PIN")
    p.add_argument(
        "--edge",
        default=f"http://127.0.0.1:{_env('PORT', '8010')}",
        help="the running edge's address",
    )
    p.add_argument("--by", default="", help="who switches it (shown in the alarm)")
    return p


def fire(argv: Sequence[str]) -> int:
    """``gatehouse-edge fire on|off``: switch the running edge's fire mode over its HTTP port."""
    args = fire_parser().parse_args(argv)
    if not args.pin:
        print("gatehouse-edge fire: missing --pin (or GATEHOUSE_EDGE_FIRE_PIN)", file=sys.stderr)
        return 2
    body = json.dumps({"on": args.state == "on", "pin": args.pin, "by": args.by}).encode()
    request = urllib.request.Request(  # noqa: S310 (the edge's own http address)
        args.edge.rstrip("/") + "/fire",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            state = json.loads(response.read())["fire_mode"]
    except urllib.error.HTTPError as exc:
        print(f"gatehouse-edge fire: {json.loads(exc.read()).get('message')}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"gatehouse-edge fire: edge not reachable ({exc})", file=sys.stderr)
        return 1
    print("消防应急模式：" + ("已开启（出口一律放行）" if state else "已关闭"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["fire"]:
        return fire(argv[1:])
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

    try:
        trusted = signed.public_keys(args.public_key)
    except ValueError:
        print(
            "gatehouse-edge: --public-key must be the server's public key (base64 of 32 bytes),"
            " or two of them comma-separated while keys are rotated",
            file=sys.stderr,
        )
        return 2
    store = Store(args.db, site_id=int(args.site), public_key=trusted)
    client = Client(args.server, args.key)
    syncer = Syncer(store, client, clock)
    app = EdgeApp(
        Edge(store),
        client,
        syncer,
        clock,
        forward_timeout=args.forward_timeout,
        fire_pin=args.fire_pin,
    )
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
