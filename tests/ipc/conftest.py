"""Fixtures for the ipc tests: short socket dirs and helper processes killed on teardown."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipc.endpoints import Endpoints
from tests.ipc.support import Spawn, popen


@pytest.fixture
def run_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory for ipc sockets whose paths fit in sun_path (107 bytes)."""
    if len(str(tmp_path / "cmd-telegram.sock")) <= 100:
        yield tmp_path
        return
    short = Path(tempfile.mkdtemp(prefix="ipc", dir="/tmp"))
    try:
        yield short
    finally:
        shutil.rmtree(short, ignore_errors=True)


@pytest.fixture
def endpoints(run_dir: Path) -> Endpoints:
    return Endpoints.for_run_dir(run_dir)


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start helper processes; every one still running is SIGKILLed at teardown."""
    procs: list[subprocess.Popen[bytes]] = []

    def _spawn(script: str, *args: str) -> subprocess.Popen[bytes]:
        proc = popen(script, *args)
        procs.append(proc)
        return proc

    yield _spawn
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)
