"""The operator CLI goes through the facade and never hangs on a missing executor."""
from __future__ import annotations

import subprocess
import sys

import orjson

from config import REPO_ROOT
from tests.conftest import Instance


def test_pause_without_executor_says_unavailable(tmp_path) -> None:
    inst = Instance.new(home=tmp_path)
    out = subprocess.run([sys.executable, "-m", "tools.cmd", "pause"], cwd=REPO_ROOT, env=inst.env,
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 1
    assert orjson.loads(out.stdout) == {"ok": False, "error": "executor unavailable"}


def test_bad_config_exits_2_with_one_line(tmp_path) -> None:
    inst = Instance.new(home=tmp_path)
    inst.env["BOT__RUNTIME__BUS_TRANSPORT"] = "carrier-pigeon"
    out = subprocess.run([sys.executable, "-m", "tools.cmd", "status"], cwd=REPO_ROOT, env=inst.env,
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("config error: runtime.bus_transport = 'carrier-pigeon'")
    assert len(out.stderr.strip().splitlines()) == 1
