"""What a load test's figures depend on, measured around the run (issue 18 §5): how busy the
machine was before and after, where the CPU went while it ran — the server, the database, the
load generator, and everyone else (other processes, and the hypervisor's other guests, which
Linux reports as "steal") — and the database's settings that change a commit's cost.

Linux only (``/proc``). Nothing here needs privileges: a process's CPU time is readable by
anyone on a stock kernel.
"""

from __future__ import annotations

import os
import platform
import resource
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """A process's command name, parent and CPU seconds (user + system), or None if it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # after the name: state ppid … utime (14th field of the line) stime (15th)
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def tree(root: int, table: dict[int, tuple[str, int, float]]) -> set[int]:
    """``root`` and every process descended from it."""
    members = {root}
    grew = True
    while grew:
        grew = False
        for pid, (_, parent, _) in table.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return members


def machine_ticks() -> dict[str, int]:
    """The whole machine's CPU time so far, by kind (``/proc/stat``'s first line)."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    values = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    return {name: int(v) for name, v in zip(names, values, strict=False)}


@dataclass
class Snapshot:
    load: tuple[float, float, float]
    ticks: dict[str, int]
    table: dict[int, tuple[str, int, float]]
    children_cpu: float  # CPU seconds of this script's finished (waited-for) children
    own_cpu: float  # CPU seconds of this script (its threads, when they are the load generator)


def snapshot() -> Snapshot:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return Snapshot(
        load=os.getloadavg(),
        ticks=machine_ticks(),
        table=processes(),
        children_cpu=children.ru_utime + children.ru_stime,
        own_cpu=own.ru_utime + own.ru_stime,
    )


@dataclass
class CpuSplit:
    """Where the CPU went between two snapshots, in seconds."""

    wall: float
    machine_busy: float  # every core's non-idle time
    steal: float  # time the hypervisor gave to other guests while this one wanted to run
    server: float
    database: float
    client: float
    server_processes: list[float] = field(default_factory=list)  # each busy one, busiest first
    others: float = field(init=False)

    def __post_init__(self) -> None:
        self.others = max(self.machine_busy - self.server - self.database - self.client, 0.0)


def cpu_between(
    before: Snapshot,
    after: Snapshot,
    *,
    wall: float,
    server_pid: int,
    database_local: bool,
    client_in_process: bool = False,
) -> CpuSplit:
    """The CPU each party used between the snapshots. The server is ``server_pid`` and its
    descendants; the database is every process named ``postgres`` (when it runs here); the
    client is what this script's children that finished in between used (the load generator,
    run and waited for in the window) or, with ``client_in_process``, this script itself."""

    def one(pid: int) -> float:
        end = after.table.get(pid)
        start = before.table.get(pid)
        if end is None:
            return 0.0  # gone before the end: its time is lost to this count
        return end[2] - (start[2] if start is not None and start[0] == end[0] else 0.0)

    def used(pids: set[int]) -> float:
        return sum(one(pid) for pid in pids)

    server_pids = tree(server_pid, after.table)
    server = used(server_pids)
    # granian's worker processes (and its parent): how evenly the connections' work is spread
    per_process = sorted((one(pid) for pid in server_pids), reverse=True)
    database = 0.0
    if database_local:
        database = used({pid for pid, (name, _, _) in after.table.items() if name == "postgres"})
    delta = {k: after.ticks[k] - before.ticks.get(k, 0) for k in after.ticks}
    idle = delta.get("idle", 0) + delta.get("iowait", 0)
    busy = sum(delta.values()) - idle - delta.get("steal", 0)
    return CpuSplit(
        wall=wall,
        machine_busy=busy / TICK,
        steal=delta.get("steal", 0) / TICK,
        server=server,
        database=database,
        client=(after.own_cpu - before.own_cpu)
        if client_in_process
        else (after.children_cpu - before.children_cpu),
        server_processes=[cpu for cpu in per_process if cpu >= 0.01 * wall],
    )


def machine() -> str:
    model = "?"
    try:
        for line in (PROC / "cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU ({model}); Python {platform.python_version()} ({interpreter()})"


def interpreter() -> str:
    """How the running CPython was compiled: with profile-guided optimisation (PGO) and
    link-time optimisation (LTO), as python.org's, Debian's and the image's ``python:3.13-slim``
    are, or without (pyenv's default): the server then spends ~7 % more CPU a decision, and
    pure-Python code a quarter more (``bench/RESULTS.md``, issue 18 §5). The server runs on
    this interpreter (the same venv); ``scripts/release-python.sh`` builds a release one."""
    import sysconfig

    flags = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    pgo = "--enable-optimizations" in flags
    lto = "--with-lto" in flags
    if pgo and lto:
        return "built with PGO and LTO"
    missing = " and ".join(name for name, on in (("PGO", pgo), ("LTO", lto)) if not on)
    return f"built without {missing}: slower than a release build"


# The settings that change what a decision's commit costs, or how many can run at once.
PG_SETTINGS = (
    "server_version",
    "fsync",
    "synchronous_commit",
    "wal_sync_method",
    "full_page_writes",
    "shared_buffers",
    "max_connections",
    "jit",
)


def pg_settings() -> dict[str, str]:
    """:data:`PG_SETTINGS` as Gatehouse's own connection has them (its startup options
    included: ``jit=off`` unless ``GATEHOUSE_PG_JIT``, see ``gatehouse/settings.py``). Run in
    the server's environment: ``manage.py shell -c`` with :data:`SHOW_PG_SETTINGS`."""
    from django.db import connection

    with connection.cursor() as cursor:
        shown = {}
        for name in PG_SETTINGS:
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
        return shown


# What bench_api.py runs with manage.py shell (the cwd is the checkout, so ``bench`` imports).
SHOW_PG_SETTINGS = (
    "import json; from bench.conditions import pg_settings; "
    "print('PGSETTINGS' + json.dumps(pg_settings()))"
)


def database_is_local(url: str) -> bool:
    from urllib.parse import unquote, urlsplit

    host = unquote(urlsplit(url).hostname or "")  # a socket's directory: %2Frun%2Fpostgresql
    return host in {"", "127.0.0.1", "localhost", "::1"} or host.startswith("/")
