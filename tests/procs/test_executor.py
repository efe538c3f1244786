"""The executor program under supervisord: commands through the facade, audit, restarts.

- pause / resume / close_all / kill answer with the executor's state and each lands in the
  ledger's audit log with its source;
- while the executor is down a command fails within 2 s with "executor unavailable" and
  changes nothing (the restarted executor is not paused);
- SIGTERM (``supervisorctl stop``) ends it with exit status 0.
"""
from __future__ import annotations

import time

import pytest

from config import load_config
from ipc.facade import Facade
from procs.runtime import endpoints_for
from tests.conftest import Instance, poll
from trading.execution.ledger import Ledger

pytestmark = pytest.mark.slow


def facade(inst: Instance) -> Facade:
    return Facade(endpoints_for(load_config(inst.env), inst.paths), "test")


def ready(f: Facade) -> dict | None:
    reply = f.status()
    return reply.result if reply.ok and reply.result.get("ready") else None


def test_commands_are_answered_and_audited(market: Instance) -> None:
    f = facade(market)
    poll(lambda: ready(f), 60.0, "executor ready")
    assert f.pause("cli", "op").result["paused"] is True
    assert f.status().result["paused"] is True
    assert f.close_all("web", "127.0.0.1").result["closed"] == 0
    killed = f.kill("telegram", "111").result
    assert killed["killed"] and killed["paused"]
    resumed = f.resume("web", "127.0.0.1").result
    assert not resumed["paused"] and not resumed["killed"]
    assert f.audit("telegram", "999", "/pause", "refused").ok
    with Ledger.open_readonly(market.paths.db) as ledger:
        audit = [(a.command, a.source, a.result) for a in ledger.audit_log(20)]
    for entry in [("pause", "cli:op", "paused"), ("close_all", "web:127.0.0.1", "closed 0"),
                  ("kill", "telegram:111", "closed 0, cancelled 0"),
                  ("resume", "web:127.0.0.1", "resumed"),
                  ("/pause", "telegram:999", "refused")]:
        assert entry in audit, audit


def test_a_command_while_the_executor_is_down_is_unavailable_and_changes_nothing(
        market: Instance) -> None:
    f = facade(market)
    poll(lambda: ready(f), 60.0, "executor ready")
    sup = market.supervisor()
    sup.stop("executor")
    info = next(p for p in sup.processes() if p["name"] == "executor")
    assert info["statename"] == "STOPPED" and info["exitstatus"] == 0   # SIGTERM: clean exit
    t0 = time.monotonic()
    reply = f.pause("web", "127.0.0.1")
    assert not reply.ok and reply.error == "executor unavailable"
    assert time.monotonic() - t0 < 2.0
    sup.start("executor")
    status = poll(lambda: ready(f), 60.0, "executor ready again")
    assert status["paused"] is False
    with Ledger.open_readonly(market.paths.db) as ledger:
        assert not [a for a in ledger.audit_log(20) if a.command == "pause"]
