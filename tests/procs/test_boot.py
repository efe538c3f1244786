"""Every program refuses a bad config with one line and exit code 2, before touching anything."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from config import REPO_ROOT
from tests.conftest import Instance
from tools.launch import configured_programs

PROGRAMS = configured_programs(REPO_ROOT / "supervisord.conf")


@pytest.mark.parametrize("program", PROGRAMS)
@pytest.mark.parametrize(("override", "key"), [
    (("BOT__WEB__PORT", "0"), "web.port = 0"),
    (("BOT__RISK__NOPE", "1"), "risk.nope (from env BOT__RISK__NOPE): unknown key"),
    (("BOT__TRADING__PAIRS", "[BTC/USD, 42]"), "trading.pairs[1] = 42"),
])
def test_bad_config_exits_2_with_one_line(tmp_path, program: str, override: tuple[str, str],
                                          key: str) -> None:
    inst = Instance.new(home=tmp_path, **dict([override]))
    module = f"procs.{program.replace('-', '_')}"
    out = subprocess.run([sys.executable, "-m", module], cwd=REPO_ROOT, env=inst.env,
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert re.match(rf"{program}(-\d+)?: config error: {re.escape(key)}", out.stderr), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()  # nothing was created before the check
