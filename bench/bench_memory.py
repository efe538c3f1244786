"""Memory of the running stack: PSS of every program and the total.

Starts a throw-away instance with ``make run`` (own BOT_HOME, namespace and
ports), lets it run for ``SETTLE_S`` seconds, reads ``/proc/<pid>/smaps_rollup``
of each supervised program (and its children) plus supervisord itself, then
``make stop``. PSS splits shared
pages between the processes that map them, so the total is honest. Budget
for the finished stack with 8 pairs: 250 MB.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import Row
from config import REPO_ROOT
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_env(home: Path) -> dict[str, str]:
    """Environment of a throw-away instance: own BOT_HOME, namespace and ports."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BOT")} | {
        "BOT_HOME": str(home), "BOT_ENV_FILE": str(home / "none.env"),
        "BOT__RUNTIME__NAMESPACE": "b" + uuid.uuid4().hex[:8],
        "BOT__WEB__PORT": str(_free_port()), "BOT__SIM__PORT": str(_free_port())}


def run() -> list[Row]:
    home = Path(tempfile.mkdtemp(prefix="bm", dir="/tmp"))
    env = instance_env(home)
    make = ["make", "-s", "-C", str(REPO_ROOT)]
    try:
        subprocess.run([*make, "run"], env=env, check=True, capture_output=True, text=True)
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
    finally:
        subprocess.run([*make, "stop"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
