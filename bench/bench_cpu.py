"""CPU each program uses while the default stack runs (what a Pi's cores spend on the bot).

``make run`` with the default config (8 pairs, paper trading on the emulator), a few seconds
to settle, then every program's user + system CPU time (its whole process tree, from
``/proc/<pid>/stat``) over ``SPAN_S`` seconds of wall time, as milliseconds of CPU per second
(10 ms/s is 1% of one core). The emulator stands in for Kraken: a live bot does not run it.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from bench.bench_memory import tree
from bench.common import Row
from bench.instance import running_instance
from tools.supervisor_client import Supervisor

SETTLE_S = 8.0
SPAN_S = 30.0
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def programs(home: Path) -> dict[str, int]:
    sup = Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
    return {p["name"]: p["pid"] for p in sup.processes() if p["pid"]}


def run() -> list[Row]:
    with running_instance() as (home, _env):
        time.sleep(SETTLE_S)  # a benchmark's warm-up, not synchronisation
        pids = programs(home)

        def snapshot() -> dict[str, float]:
            return {name: sum(cpu_s(p) for p in tree(pid)) for name, pid in pids.items()}
        before, t0 = snapshot(), time.monotonic()
        time.sleep(SPAN_S)
        after, span = snapshot(), time.monotonic() - t0
    used = {name: (after[name] - before[name]) / span * 1000 for name in pids}
    rows = [Row(f"cpu {name}", ms, "ms/s") for name, ms in sorted(used.items())]
    live = sum(ms for name, ms in used.items() if name != "exchange-sim")
    return rows + [Row("cpu total (paper, with the emulator)", sum(used.values()), "ms/s",
                       "1000 ms/s = one core"),
                   Row("cpu total without the emulator", live, "ms/s", "as a live bot")]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:40s} {r.value:10.1f} {r.unit:5s} {r.note}")
