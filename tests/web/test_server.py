"""``python -m procs.web`` alone: gunicorn serves the app; SIGTERM exits 0 within 10 s even
with a live client connected; a killed arbiter takes its worker (and the port) with it.

No bus runs here: the app must serve (with "waiting for data" answers) without one.
"""
from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
import requests
import websocket

from config import REPO_ROOT
from tests.conftest import clean_env, free_port
from tests.polling import poll


@dataclass
class Web:
    proc: subprocess.Popen[bytes]
    home: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self) -> str:
        return (self.home / "web.token").read_text().strip()


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    home = Path(os.path.realpath(tmp_path)) / "h"
    home.mkdir()
    port = free_port()
    env = clean_env() | {"BOT_HOME": str(home), "BOT_ENV_FILE": str(home / "none.env"),
                         "BOT__WEB__PORT": str(port), "BOT__RUNTIME__NAMESPACE": f"s{port}"}
    log = home / "web.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "procs.web"], cwd=REPO_ROOT, env=env,
                                stdout=fh, stderr=subprocess.STDOUT)
    w = Web(proc, home, port)
    poll(lambda: _answers(w.url) or proc.poll() is not None, 20.0, "the web program")
    assert proc.poll() is None, log.read_text()
    yield w
    for pid in [*children(proc.pid), proc.pid]:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait(5)


def test_serves_with_a_private_token_and_no_bus(web: Web) -> None:
    path = web.home / "web.token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    auth = {"Authorization": f"Bearer {web.token()}"}
    status = requests.get(web.url + "/api/v1/status", headers=auth, timeout=5).json()
    assert status["executor"]["available"] is False and status["processes"] == []
    assert requests.get(web.url + "/api/v1/status", timeout=5).status_code == 401
    log = (web.home / "web.log").read_text()
    assert "Booting worker" in log and "Control socket" not in log
    assert web.token() not in log
    assert all(line.startswith("{") for line in log.splitlines())  # JSON lines only


def test_sigterm_exits_0_quickly_with_a_live_client(web: Web) -> None:
    ws = websocket.create_connection(f"ws://127.0.0.1:{web.port}/ws/live", timeout=5)
    ws.send(orjson.dumps({"type": "auth", "token": web.token()}).decode())
    assert orjson.loads(ws.recv())["type"] == "snapshot"
    start = time.monotonic()
    web.proc.send_signal(signal.SIGTERM)
    assert web.proc.wait(timeout=10) == 0
    assert time.monotonic() - start < 10
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
        while True:  # the server closed the socket; nothing more arrives
            if not ws.recv():
                raise ConnectionError("closed")
    ws.close()


def test_a_killed_arbiter_takes_its_worker_and_frees_the_port(web: Web) -> None:
    [worker] = children(web.proc.pid)
    os.kill(web.proc.pid, signal.SIGKILL)
    web.proc.wait(5)
    poll(lambda: gone(worker), 10.0, "the orphaned worker to exit")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", web.port))  # free again for the restarted program
