"""Serving Gatehouse for a benchmark: granian on 127.0.0.1 (WSGI, ``workers`` × ``threads``, as
the device API's benchmarks run it), started and stopped by the benchmark. Shared by
``bench_camera.py`` and ``bench_edge.py``; ``bench_edge.py`` may run it under a moved clock
(``clocked.py``)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


def granian_args(port: int, workers: int = 2, threads: int = 2) -> list[str]:
    """granian's arguments (the program itself not included)."""
    return [
        *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
        *("--workers", str(workers), "--blocking-threads", str(threads)),
        *("--log-level", "warning"),
        "gatehouse.wsgi:application",
    ]


class Server:
    """Gatehouse under granian. ``log``: a file its stderr is appended to (None: inherited).
    :meth:`start` may run it under a :class:`clocked.Clock`: the clock's offset when started holds
    until it is stopped (``clocked.py --fixed``)."""

    def __init__(
        self,
        env: dict[str, str],
        port: int | None = None,
        log: Path | None = None,
        workers: int = 2,
        threads: int = 2,
    ) -> None:
        self.env, self.log = env, log
        self.port = port or free_port()
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, clock: Any = None) -> None:
        args = granian_args(self.port, self.workers, self.threads)
        command = (
            clock.command("granian", *args, fixed=True)
            if clock is not None
            else [str(Path(PY).parent / "granian"), *args]
        )
        stderr: IO[bytes] | None = self.log.open("ab") if self.log is not None else None
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None
