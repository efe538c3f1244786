"""Memory of the running stack: PSS of every program and the total.

Starts a throw-away instance with ``make run`` (own BOT_HOME, namespace and
ports), lets it run for ``SETTLE_S`` seconds, reads ``/proc/<pid>/smaps_rollup``
of each supervised program (and its children) plus supervisord itself, then
``make stop``. PSS splits shared
pages between the processes that map them, so the total is honest. Budget
for the finished stack with 8 pairs: 250 MB.
"""
from __future__ import annotations

import time
from pathlib import Path

from bench.common import Row
from bench.instance import running_instance
from tools.supervisor_client import Supervisor

BUDGET_MB = 250.0
SETTLE_S = 10.0


def pss_kb(pid: int) -> int:
    """PSS of one process in kB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            kids = []
        todo += [int(k) for k in kids]
    return out


def run() -> list[Row]:
    with running_instance() as (home, _):
        time.sleep(SETTLE_S)  # let the feed backfill and the emulator stream: steady state
        sup = Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
        rows = []
        for info in sorted(sup.processes(), key=lambda p: p["name"]):
            kb = sum(pss_kb(p) for p in tree(info["pid"]))
            rows.append(Row(f"memory PSS {info['name']}", kb / 1024, "MB"))
        supervisord = sup.pid()
        own = pss_kb(supervisord) / 1024 if supervisord else 0.0
        rows.append(Row("memory PSS supervisord", own, "MB"))
    total = sum(r.value for r in rows)
    rows.append(Row("memory PSS total", total, "MB",
                    f"budget {BUDGET_MB:.0f} MB for the finished stack"))
    return rows
