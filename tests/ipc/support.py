"""Helpers shared by the ipc tests: starting helper processes and polling with deadlines."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ipc.bus import Subscriber
from ipc.codec import Event
from ipc.endpoints import Endpoints, ipc_path
from tests.polling import poll

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

Spawn = Callable[..., subprocess.Popen[bytes]]


def popen(script: str, *args: str) -> subprocess.Popen[bytes]:
    """Start ``tests/ipc/<script>`` (or ``"-m module"``) with the repo on PYTHONPATH."""
    target = ["-m", script[3:]] if script.startswith("-m ") else [str(HERE / script)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, *target, *args], cwd=REPO, env=env)


wait_until = poll


def start_bus(spawn: Spawn, endpoints: Endpoints) -> subprocess.Popen[bytes]:
    """Run ``python -m ipc.bus`` (the production entry point) and wait for both sockets.

    A socket file left by a killed proxy doesn't count: wait for one that accepts.
    """
    proc = spawn("-m ipc.bus", endpoints.bus_in, endpoints.bus_out)
    paths = [Path(p) for p in (ipc_path(endpoints.bus_in), ipc_path(endpoints.bus_out)) if p]
    wait_until(lambda: all(_accepts(p) for p in paths) or proc.poll() is not None,
               5.0, "bus sockets")
    assert proc.poll() is None, f"bus exited with {proc.returncode}"
    return proc


def _accepts(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(path))
        except OSError:
            return False
    return True


def collect(sub: Subscriber, n: int, timeout_s: float) -> list[Event]:
    """Up to ``n`` events, polling until ``timeout_s`` passes."""
    out: list[Event] = []
    deadline = time.monotonic() + timeout_s
    while len(out) < n and (left := deadline - time.monotonic()) > 0:
        ev = sub.recv(timeout_s=left)
        if ev is not None:
            out.append(ev)
    return out
