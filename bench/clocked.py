"""A Python program run under a wall clock the benchmark moves (benchmarks only: neither the
edge agent nor the server has a clock hook, so the clock is moved from outside, as time passes
for a gate box)::

    python bench/clocked.py CLOCK_FILE -m gatehouse_edge --server … --db …
    python bench/clocked.py CLOCK_FILE --fixed -m granian --interface wsgi … gatehouse.wsgi:app…

``CLOCK_FILE`` holds one number: the seconds to add to the machine's clock. The program starts
with its wall clock (``time.time``, ``datetime.now`` …, as time-machine patches them) at the
machine's clock plus that offset, ticking; a thread re-reads the file every 5 ms and moves the
clock when the number changes. Monotonic clocks (``time.monotonic``, ``perf_counter``, and so
the program's sleeps, waits and timeouts) are not moved. With ``--fixed`` no thread follows the
file: the offset read at the start holds. A server whose workers are forked (granian) is run so:
a forked worker keeps the offset it was forked with (a thread does not survive a fork), and no
fork happens while a thread of ours may hold a lock.

:class:`Clock` is the benchmark's side: it writes the file (atomically) and never moves the
clock back.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path


def read_offset(path: Path) -> float:
    return float(path.read_text().strip() or 0)


class Clock:
    """The offset file, written by the benchmark. :meth:`advance_to` moves the programs' clock
    forward to a moment; it never moves it back (a moment already passed leaves it ticking)."""

    def __init__(self, path: Path, offset: float = 0.0) -> None:
        self.path = path
        self.offset = offset
        self.lock = threading.Lock()
        self._write(offset)

    def _write(self, offset: float) -> None:
        part = self.path.with_suffix(".part")
        part.write_text(f"{offset:.6f}\n")
        os.replace(part, self.path)

    def now(self) -> datetime:
        """The programs' wall clock now."""
        return datetime.fromtimestamp(time.time() + self.offset, tz=UTC)

    def advance_to(self, moment: datetime) -> None:
        with self.lock:
            wanted = moment.timestamp() - time.time()
            if wanted > self.offset:
                self.offset = wanted
                self._write(wanted)

    def catch_up(self) -> None:
        """Bring the programs' clock to the machine's if it is behind."""
        with self.lock:
            if self.offset < 0:
                self.offset = 0.0
                self._write(0.0)

    def command(self, module: str, *args: str, fixed: bool = False) -> list[str]:
        """The command line that runs ``python -m module args…`` under this clock."""
        here = str(Path(__file__).resolve())
        return [
            sys.executable,
            here,
            str(self.path),
            *(["--fixed"] if fixed else []),
            "-m",
            module,
            *args,
        ]


def _follow(path: Path, coordinates: object, offset: float) -> None:
    while True:
        time.sleep(0.005)  # not moved: time-machine leaves sleeps alone
        try:
            found = read_offset(path)
        except (OSError, ValueError):
            continue  # mid-replace: the next look finds it
        if found != offset:
            # shift, not move_to: move_to stops travelling for an instant, and a thread
            # reading the clock then would see the machine's own
            coordinates.shift(found - offset)  # type: ignore[attr-defined]
            offset = found


def main() -> None:
    argv = sys.argv[1:]
    fixed = len(argv) > 1 and argv[1] == "--fixed"
    if fixed:
        del argv[1]
    if len(argv) < 3 or argv[1] != "-m":
        sys.exit("usage: clocked.py CLOCK_FILE [--fixed] -m MODULE [ARGS…]")
    import time_machine

    path, module, args = Path(argv[0]), argv[2], argv[3:]
    offset = read_offset(path)
    coordinates = time_machine.travel(
        datetime.fromtimestamp(time.time() + offset, tz=UTC), tick=True
    ).start()
    time.time()  # time-machine starts ticking at the first reading, not at start()
    if not fixed:
        threading.Thread(target=_follow, args=(path, coordinates, offset), daemon=True).start()
    sys.argv = [module, *args]
    sys.path[0] = os.getcwd()  # as ``python -m`` has it, not this file's directory
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
