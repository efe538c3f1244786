"""The real ``telegram`` program under supervisord (``make run``) against the fake Bot API.

Everything of our own is real: supervisord, the bus, the emulator, feed, scanners, the
executor with the paper broker and its ledger, the watchdog. "No effect" and "acted once"
are read from the executor itself (its ``status``) and from the ledger's audit log, where
the executor records every command and every refusal a front end reports. The trades the
commands show are made for real: the test plays the scorer (which it stops) and publishes
intents, the paper broker fills them.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config import REPO_ROOT, load_config
from ipc.bus import Publisher, Subscriber
from procs.runtime import endpoints_for
from tests.conftest import Instance, clean_env, poll
from tests.procs.conftest import full_stores
from tests.procs.intents import intent, quotes
from tests.web.telegram.conftest import ALLOWED, OTHER_ALLOWED, STRANGER
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.web.telegram.helpers import ask, executor_status, program
from trading.execution.ledger import Ledger
from trading.execution.ledger_types import AuditEntry

#: command -> something its reply must contain
REPLIES = {"/status": "<b>Status</b>", "/pnl": "(realised, net of fees)",
           "/positions": "<b>Positions</b> (1 open)", "/risk": "<b>Risk</b>",
           "/trades": "<b>Last 1 trades</b>", "/thoughts": "<b>Thoughts</b>",
           "/help": "/kill - ", "/pause": "✅ /pause", "/resume": "✅ /resume",
           "/close_all": "<b>Close all</b>", "/kill": "<b>Kill switch</b>"}


def run_program(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "procs.telegram"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=30)


def test_not_configured_exits_0_at_once(tmp_path: Path) -> None:
    env = clean_env() | {"BOT_HOME": str(tmp_path), "BOT_ENV_FILE": str(tmp_path / "none")}
    out = run_program(env)
    assert out.returncode == 0 and "telegram not started: telegram.enabled is false" in out.stderr
    out = run_program(env | {"BOT__TELEGRAM__ENABLED": "true"})
    assert out.returncode == 0 and "there is no bot token" in out.stderr
    assert '"level":"ERROR"' in out.stderr.replace(" ", "")


def telegram_audits(inst: Instance) -> list[AuditEntry]:
    """What the executor recorded for Telegram users, oldest first."""
    with Ledger.open_readonly(inst.paths.db) as led:
        return [e for e in reversed(led.audit_log(500)) if e.source.startswith("telegram:")]


def acted(inst: Instance) -> list[tuple[str, str]]:
    """``(command, source)`` of every control command the executor carried out for Telegram."""
    return [(e.command, e.source) for e in telegram_audits(inst) if e.result != "refused"]


def ledger_state(inst: Instance) -> tuple[set[str], int]:
    with Ledger.open_readonly(inst.paths.db) as led:
        return {p.pair for p in led.open_positions()}, len(led.trades(10))


def trade_for_real(inst: Instance) -> None:
    """One closed ETH/USD trade and one open BTC/USD position, filled by the paper broker.

    The test is the scorer: it stops the real one and publishes intents (each republished,
    same id, until the ledger shows its effect). The BTC stop is far away (20%, ATR 5%) so
    the position stays open while the test runs."""
    full_stores(inst).close()
    inst.supervisor().stop("scorer")
    poll(lambda: executor_status(inst), 30, "the executor to answer")
    pub = Publisher(endpoints_for(load_config(inst.env), inst.paths).bus_in, "scorer")
    last = quotes(inst, ["ETH/USD", "BTC/USD"])

    def until(body: dict[str, object], done: Any, what: str) -> None:
        def step() -> bool:
            pub.publish("intent", str(body["pair"]), **body)
            return bool(done(*ledger_state(inst)))
        poll(step, 30, what, interval_s=0.5)
    try:
        until(intent("ETH/USD", "long", last["ETH/USD"]),
              lambda pos, n: "ETH/USD" in pos, "the ETH/USD entry")
        until(intent("ETH/USD", "short", quotes(inst, ["ETH/USD"])["ETH/USD"]),
              lambda pos, n: n == 1 and not pos, "the ETH/USD exit")
        until(intent("BTC/USD", "long", last["BTC/USD"], stop_frac=0.2, atr_frac=0.05),
              lambda pos, n: pos == {"BTC/USD"}, "the BTC/USD entry")
    finally:
        pub.close()


@pytest.mark.slow
def test_every_command_answers_and_a_stranger_gets_nothing(tg_market: Instance,
                                                          fake_api: FakeBotApi) -> None:
    trade_for_real(tg_market)
    status = poll(lambda: (s := ask(fake_api, ALLOWED, "/status", "<b>Status</b>"))
                  and "scanner-0" in s.text and s, 10, "processes in /status")
    assert "mode      paper · paper broker" in status.text
    poll(lambda: re.search(r"positions\s+1\b", ask(fake_api, ALLOWED, "/risk", "Risk").text),
         15, "the executor's risk report with the open position", interval_s=0.5)
    poll(lambda: "(last 5)" in ask(fake_api, ALLOWED, "/thoughts", "Thoughts").text, 30,
         "the scanners' thoughts", interval_s=0.5)

    replies = {cmd: ask(fake_api, ALLOWED, cmd, marker) for cmd, marker in REPLIES.items()}
    assert "ETH/USD" in replies["/trades"].text
    assert "BTC/USD  qty " in replies["/positions"].text
    assert "waiting for data" not in replies["/positions"].text  # a bar close was seen
    assert re.search(r" · (scanner-\d|scorer|executor) · \d+s ago\n",
                     replies["/thoughts"].text)
    me = f"telegram:{ALLOWED}"
    assert acted(tg_market) == [("pause", me), ("resume", me)]  # close_all and kill ask first
    assert executor_status(tg_market)["paused"] is False  # type: ignore[index]
    prompt = replies["/kill"]
    assert [label for label, _ in prompt.buttons()] == ["Yes, kill", "Cancel"]

    for cmd in REPLIES:
        fake_api.push_message(STRANGER, cmd)
    fake_api.push_callback(STRANGER, prompt.buttons()[0][1], prompt.message_id)
    ask(fake_api, ALLOWED, "/help", "/kill - ")  # handled after every stranger update
    assert fake_api.messages(STRANGER) == []

    def refusals() -> list[AuditEntry]:
        return [e for e in telegram_audits(tg_market) if e.result == "refused"]
    poll(lambda: len(refusals()) == len(REPLIES) + 1, 10, "an audit per refusal")
    assert {e.source for e in refusals()} == {f"telegram:{STRANGER}"}
    assert {e.command for e in refusals()} == set(REPLIES) | {"callback"}
    assert acted(tg_market) == [("pause", me), ("resume", me)]
    status_now = executor_status(tg_market)
    assert status_now is not None and not status_now["paused"] and not status_now["killed"]
    assert ledger_state(tg_market)[0] == {"BTC/USD"}  # the stranger's /close_all did nothing


@pytest.mark.slow
def test_kill_needs_a_timely_tap_from_the_same_chat(tg_market: Instance,
                                                    fake_api: FakeBotApi) -> None:
    poll(lambda: executor_status(tg_market), 30, "the executor to answer")
    late = ask(fake_api, ALLOWED, "/kill", "Kill switch")
    poll(lambda: late.edits, 40, "the unanswered prompt to expire")
    assert late.edits == ["⌛ /kill not confirmed within 30 s: nothing done."]
    fake_api.push_callback(ALLOWED, late.buttons()[0][1], late.message_id)

    prompt = ask(fake_api, ALLOWED, "/kill", "Kill switch")
    yes = prompt.buttons()[0][1]
    fake_api.push_callback(OTHER_ALLOWED, yes, prompt.message_id)
    fake_api.push_callback(STRANGER, yes, prompt.message_id)
    ask(fake_api, ALLOWED, "/help", "/kill - ")  # every tap above has been handled
    assert acted(tg_market) == [] and prompt.edits == []
    assert executor_status(tg_market)["killed"] is False  # type: ignore[index]

    fake_api.push_callback(ALLOWED, yes, prompt.message_id)
    poll(lambda: prompt.edits, 10, "the outcome of the confirmed kill")
    assert prompt.edits == ["✅ /kill: killed: closed 0, cancelled 0; paused until resume"
                            " · closed 0"]
    assert acted(tg_market) == [("kill", f"telegram:{ALLOWED}")]
    assert executor_status(tg_market)["killed"] is True  # type: ignore[index]
    answers = [c.params.get("text") for c in fake_api.calls_of("answerCallbackQuery")]
    assert answers == ["This prompt is no longer valid", "Not your confirmation",
                       "Working on it…"]  # the stranger got no answer at all


@pytest.mark.slow
def test_a_scanner_killed_with_sigkill_is_reported(tg_market: Instance,
                                                   fake_api: FakeBotApi) -> None:
    ask(fake_api, ALLOWED, "/help", "/kill - ")  # the bot is up and polling
    os.kill(program(tg_market, "scanner-0")["pid"], signal.SIGKILL)
    line = poll(lambda: next((x for m in fake_api.messages(ALLOWED) for x in m.text.split("\n")
                              if "scanner-0 died unexpectedly" in x), None),
                20, "the crash alert")  # maybe batched with other alerts: one line each
    assert line.startswith("❗ ")
    poll(lambda: any("scanner-0 is running again" in m.text for m in fake_api.messages(ALLOWED)),
         20, "the recovery alert")
    assert fake_api.messages(STRANGER) == []


def telegram_state(inst: Instance, wanted: str, timeout_s: float) -> None:
    """Wait until the telegram program's heartbeat reports ``wanted``."""
    sub = Subscriber(endpoints_for(load_config(inst.env), inst.paths).bus_out, ["heartbeat"])
    try:
        def seen() -> bool:
            ev = sub.recv(0.2)
            return ev is not None and ev.src == "telegram" and ev.data.get("state") == wanted
        poll(seen, timeout_s, f"telegram heartbeat state {wanted!r}", interval_s=0)
    finally:
        sub.close()


@pytest.mark.slow
def test_network_trouble_never_kills_the_process(tg_market: Instance,
                                                 fake_api: FakeBotApi) -> None:
    ask(fake_api, ALLOWED, "/help", "/kill - ")
    pid = program(tg_market, "telegram")["pid"]

    fake_api.fault("getUpdates", "429", retry_after=3)
    t429 = poll(lambda: next((c.t for c in fake_api.calls if c.fault == "429"), None), 10,
                "the 429")
    ask(fake_api, ALLOWED, "/help", "/kill - ", timeout_s=15)
    # nothing may leave during retry_after (0.1 s grace for a request already in flight)
    assert [c for c in fake_api.calls if t429 + 0.1 < c.t < t429 + 3.0] == []

    for kind in ("garbage", "500", "html500"):
        fake_api.fault("getUpdates", kind)
    poll(lambda: sum(1 for c in fake_api.calls if c.fault in ("garbage", "500", "html500"))
         == 3, 30, "three bad answers")
    ask(fake_api, ALLOWED, "/help", "/kill - ", timeout_s=20)

    fake_api.go_away()
    telegram_state(tg_market, "backoff", 30)
    fake_api.come_back()
    ask(fake_api, ALLOWED, "/help", "/kill - ", timeout_s=30)
    info = program(tg_market, "telegram")
    assert info["pid"] == pid and info["statename"] == "RUNNING"
    log = (tg_market.paths.logs / "telegram.log").read_text()
    assert "getUpdates failed" in log and TOKEN not in log and "TEST-TOKEN" not in log
