"""Shared fixtures: isolated bot instances started with the real `make` targets."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from config import REPO_ROOT, Paths
from shared.shm import remove_namespace
from tests.polling import poll
from tools.supervisor_client import Supervisor, pid_alive

__all__ = ["Instance", "free_port", "poll"]

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """The test process's environment without any BOT_* setting of the developer's."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BOT")}


@dataclass
class Instance:
    """One isolated bot instance: its own BOT_HOME, namespace and ports."""

    home: Path
    namespace: str
    env: dict[str, str] = field(default_factory=dict)
    owns_home: bool = False  # a temporary BOT_HOME made by new(): removed by teardown()

    @classmethod
    def new(cls, home: Path | None = None, **overrides: str) -> Instance:
        owns_home = home is None
        home = home or Path(tempfile.mkdtemp(prefix="bt", dir="/tmp"))
        namespace = "t" + uuid.uuid4().hex[:8]
        env = clean_env() | {
            "BOT_HOME": str(home),
            "BOT_ENV_FILE": str(home / "none.env"),
            "BOT__RUNTIME__NAMESPACE": namespace,
            "BOT__WEB__PORT": str(free_port()),
            "BOT__SIM__PORT": str(free_port()),
            "BOT__RUNTIME__HEARTBEAT_SECONDS": "0.2",
        } | overrides
        return cls(home=home, namespace=namespace, env=env, owns_home=owns_home)

    @property
    def paths(self) -> Paths:
        return Paths(home=self.home)

    def make(self, target: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["make", "-s", target], cwd=REPO_ROOT, env=self.env, text=True,
                              capture_output=True, timeout=timeout_s)

    def supervisor(self) -> Supervisor:
        return Supervisor(self.paths.supervisor_socket, self.paths.supervisor_pidfile)

    def shm_segments(self) -> list[str]:
        return sorted(p.name for p in Path("/dev/shm").glob(f"bot.{self.namespace}.*"))

    def teardown(self) -> None:
        """Stop whatever is still running of this instance (by its own pid file)."""
        sup = self.supervisor()
        pid = sup.pid()
        if sup.is_running():
            self.make("stop", timeout_s=120)
        if pid and pid_alive(pid):
            os.kill(pid, 9)
        remove_namespace(self.namespace)
        if self.owns_home:
            shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def instance() -> Iterator[Instance]:
    inst = Instance.new()
    yield inst
    inst.teardown()
