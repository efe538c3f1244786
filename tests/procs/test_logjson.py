"""Log lines are JSON with the agreed fields, and secrets never appear in them."""
from __future__ import annotations

import subprocess
import sys

import orjson

from config import REPO_ROOT
from tests.conftest import Instance

SCRIPT = """
import logging
from procs.runtime import boot
rt = boot("probe")
log = logging.getLogger("probe")
log.info("token is %s", rt.cfg.web.token, extra={"fields": {"tg": rt.cfg.telegram.token, "n": 3}})
try:
    raise RuntimeError("failed with " + rt.cfg.telegram.token)
except RuntimeError:
    log.exception("boom")
"""


def test_json_lines_without_secrets(tmp_path) -> None:
    web, tg = "s3cret-web-token-123", '123456:AB"C-telegram'
    inst = Instance.new(home=tmp_path, BOT__WEB__TOKEN=web, BOT__TELEGRAM__TOKEN=tg)
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, env=inst.env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    lines = [orjson.loads(line) for line in out.stderr.splitlines()]
    assert [line["msg"] for line in lines] == ["token is ***", "boom"]
    first = lines[0]
    assert set(first) == {"ts", "level", "proc", "logger", "msg", "fields"}
    assert (first["level"], first["proc"]) == ("INFO", "probe")
    assert first["fields"] == {"tg": "***", "n": 3}
    assert "RuntimeError: failed with ***" in lines[1]["exc"]
    assert web not in out.stderr and "AB" not in out.stderr
