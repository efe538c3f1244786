"""A throw-away bot instance for benchmarks: own BOT_HOME, namespace and ports.

``with running_instance(**env) as (home, env):`` runs ``make run`` on entry and
``make stop`` plus removal of the BOT_HOME on exit, whatever happens inside.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from config import REPO_ROOT

MAKE = ["make", "-s", "-C", str(REPO_ROOT)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment of a throw-away instance: own BOT_HOME, namespace and ports."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BOT")} | {
        "BOT_HOME": str(home), "BOT_ENV_FILE": str(home / "none.env"),
        "BOT__RUNTIME__NAMESPACE": "b" + uuid.uuid4().hex[:8],
        "BOT__WEB__PORT": str(_free_port()), "BOT__SIM__PORT": str(_free_port())} | extra


@contextmanager
def running_instance(setup: Callable[[Path], None] | None = None,
                     **extra: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """``setup(home)`` runs before ``make run`` (e.g. to put a model in place)."""
    home = Path(tempfile.mkdtemp(prefix="bi", dir="/tmp"))
    env = instance_env(home, **extra)
    try:
        if setup is not None:
            setup(home)
        subprocess.run([*MAKE, "run"], env=env, check=True, capture_output=True)
        yield home, env
    finally:
        subprocess.run([*MAKE, "stop"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
