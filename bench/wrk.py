"""Driving a served Gatehouse with ``wrk`` (Debian package ``wrk``; a C program, so it takes
little of the two cores from the server), shared by the device API's benchmarks.

One wrk thread and one keep-alive connection per device. Each device is a line of the
``slots`` given (its key and lane, or its push token and serial number); the benchmark's own
Lua chunk defines ``make_request(slot, seq)`` (returning path, headers, body) and
``good(status, body)``, and may read ``data``, the lines of the data file (cards, plates).
With ``rate`` > 0 the devices together send that many requests a second on a fixed schedule
(open loop), and a request's latency counts from when it was due, not from when it was sent,
so a slow answer that delays the next request shows in the percentiles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FRAME = r"""
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_ts;
  int clock_gettime(int, bench_ts *);
]]
local ts = ffi.new("bench_ts")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local slots, threads = {}, {}
for line in io.lines(os.getenv("BENCH_SLOTS")) do
  local fields = {}
  for field in line:gmatch("%S+") do fields[#fields + 1] = field end
  slots[#slots + 1] = fields
end
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local total = tonumber(os.getenv("BENCH_THREADS"))
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end
function init(args)
  data = {}
  for line in io.lines(os.getenv("BENCH_DATA")) do data[#data + 1] = line end
  slot = slots[(id - 1) % #slots + 1]
  math.randomseed(id * 7919)
  seq, failed, lat, due = 0, 0, {}, nil
  if rate > 0 then interval = 1000 * total / rate end
end
if rate > 0 then
  function delay()
    local t = now_ms()
    if due == nil then due = t + (id - 1) * interval / total end
    local wait = due - t
    if wait < 0 then wait = 0 end
    return wait
  end
end
function request()
  seq = seq + 1
  if rate == 0 or due == nil then due = now_ms() end
  sent_due = due
  if rate > 0 then due = due + interval end
  local path, headers, body = make_request(slot, seq)
  return wrk.format("POST", path, headers, body)
end
function response(status, headers, body)
  if not good(status, body) then failed = failed + 1 end
  lat[#lat + 1] = now_ms() - sent_due
end
function done(summary, latency, requests)
  local e = summary.errors
  local all, bad = {}, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("lat")) do all[#all + 1] = v end
    bad = bad + thread:get("failed")
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then return 0 end
    return all[math.min(#all, math.floor(p * #all) + 1)]
  end
  local sum = 0
  for _, v in ipairs(all) do sum = sum + v end
  io.write(string.format(
    "WRK %d %d %d %.3f %.3f %.3f %.3f %.3f\n", #all, summary.duration,
    e.connect + e.read + e.write + e.timeout + bad,
    pct(0.50), pct(0.90), pct(0.99), all[#all] or 0, #all > 0 and sum / #all or 0))
end
"""


def run(
    port: int,
    *,
    chunk: str,
    slots: list[list[str]],
    data: list[str],
    seconds: float,
    connections: int,
    run_name: str,
    rate: float = 0,
) -> dict[str, float]:
    """Drive ``127.0.0.1:port`` for ``seconds`` with ``connections`` devices (wrk threads), the
    requests made by the Lua ``chunk``; the figures wrk's ``done`` reports."""
    tmp = Path(tempfile.mkdtemp(prefix="gatehouse-wrk-"))
    try:
        (tmp / "slots").write_text("".join(" ".join(s) + "\n" for s in slots))
        (tmp / "data").write_text("".join(f"{d}\n" for d in data))
        (tmp / "bench.lua").write_text(chunk + FRAME)
        env = dict(
            os.environ,
            BENCH_SLOTS=str(tmp / "slots"),
            BENCH_DATA=str(tmp / "data"),
            BENCH_RUN=run_name,
            BENCH_RATE=str(rate),
            BENCH_THREADS=str(connections),
        )
        done = subprocess.run(
            [
                "wrk",
                "-t",
                str(connections),
                "-c",
                str(connections),
                "-d",
                f"{int(seconds)}s",
                "--timeout",
                "10s",
                "-s",
                str(tmp / "bench.lua"),
                f"http://127.0.0.1:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    n, micros, errors, p50, p90, p99, top, mean = line.split()[1:]
    return {
        "requests": int(n),
        "elapsed": int(micros) / 1e6,
        "failed": int(errors),
        "p50": float(p50),
        "p90": float(p90),
        "p99": float(p99),
        "max": float(top),
        "mean": float(mean),
    }


def available() -> bool:
    return shutil.which("wrk") is not None
