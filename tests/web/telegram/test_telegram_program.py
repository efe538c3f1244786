"""The real ``telegram`` program under supervisord (``make run``) against the fake Bot API.

The executor's command channel is served by a fake (``helpers.FakeExecutor``) that records
every command, so "no effect" and "acted once" can be checked; the tests that need the real
executor are in ``test_telegram_executor.py``. Everything else is real: supervisord, the bus,
the emulator, feed and scanners, the watchdog, the ledger file.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import REPO_ROOT, load_config
from ipc.bus import Publisher, Subscriber
from procs.runtime import endpoints_for
from tests.conftest import Instance, clean_env, poll
from tests.web.telegram.conftest import ALLOWED, OTHER_ALLOWED, STRANGER
from tests.web.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.web.telegram.helpers import FakeExecutor, ask, program
from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_types import NewOrder

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


def write_ledger(db: Path) -> None:
    """One closed ETH/USD trade and one open BTC/USD position (stop 1.0)."""
    t = int(time.time() * 1000) - 60_000
    with_led = Ledger.open(db)
    try:
        for cl, side, price in (("e1", "buy", "20"), ("x1", "sell", "21")):
            with_led.record_order_pending(NewOrder(cl, "ETH/USD", side, "market", "1",
                                                   "entry" if side == "buy" else "exit", t))
            with_led.apply_fill(Fill(f"f-{cl}", "ETH/USD", side, "1", price, "0", t,
                                     cl_ord_id=cl))
        with_led.record_order_pending(NewOrder("e2", "BTC/USD", "buy", "market", "0.5",
                                               "entry", t, stop="1"))
        with_led.apply_fill(Fill("f-e2", "BTC/USD", "buy", "0.5", "100", "0", t,
                                 cl_ord_id="e2"))
    finally:
        with_led.close()


@pytest.mark.slow
def test_every_command_answers_and_a_stranger_gets_nothing(tg_market: Instance,
                                                          fake_api: FakeBotApi) -> None:
    ex = FakeExecutor(tg_market)
    pub = Publisher(endpoints_for(load_config(tg_market.env), tg_market.paths).bus_in,
                    "executor")
    try:
        write_ledger(tg_market.paths.db)
        status = poll(lambda: (s := ask(fake_api, ALLOWED, "/status", "<b>Status</b>"))
                      and "scanner-0" in s.text and s, 10, "processes in /status")
        assert "mode      paper · paper broker" in status.text

        def risk_shown() -> bool:
            pub.publish("risk", drawdown=0.0123, daily_loss_used=0.004, daily_loss_limit=0.03,
                        locks=[])
            return "drawdown   1.23%" in ask(fake_api, ALLOWED, "/risk", "<b>Risk</b>").text
        poll(risk_shown, 15, "the risk event in /risk", interval_s=0.2)

        poll(lambda: "(last 5)" in ask(fake_api, ALLOWED, "/thoughts", "Thoughts").text, 30,
             "the scanners' thoughts", interval_s=0.5)
        replies = {cmd: ask(fake_api, ALLOWED, cmd, marker) for cmd, marker in REPLIES.items()}
        assert "ETH/USD" in replies["/trades"].text and "+1.00" in replies["/trades"].text
        assert "BTC/USD  qty 0.5" in replies["/positions"].text
        assert "waiting for data" not in replies["/positions"].text  # a bar close was seen
        assert re.search(r" · (scanner-\d|scorer) · \d+s ago\n", replies["/thoughts"].text)
        assert ex.commands() == [("pause", str(ALLOWED)), ("resume", str(ALLOWED))]
        prompt = replies["/kill"]
        assert [label for label, _ in prompt.buttons()] == ["Yes, kill", "Cancel"]

        for cmd in REPLIES:
            fake_api.push_message(STRANGER, cmd)
        fake_api.push_callback(STRANGER, prompt.buttons()[0][1], prompt.message_id)
        ask(fake_api, ALLOWED, "/help", "/kill - ")  # handled after every stranger update
        assert fake_api.messages(STRANGER) == []
        assert ex.commands() == [("pause", str(ALLOWED)), ("resume", str(ALLOWED))]
        poll(lambda: len(ex.audits()) == len(REPLIES) + 1, 10, "an audit per refusal")
        assert {(a["source"], a["who"], a["result"]) for a in ex.audits()} == {
            ("telegram", str(STRANGER), "refused")}
        assert {a["action"] for a in ex.audits()} == set(REPLIES) | {"callback"}
    finally:
        pub.close()
        ex.close()


@pytest.mark.slow
def test_kill_needs_a_timely_tap_from_the_same_chat(tg_market: Instance,
                                                    fake_api: FakeBotApi) -> None:
    ex = FakeExecutor(tg_market)
    try:
        late = ask(fake_api, ALLOWED, "/kill", "Kill switch")
        poll(lambda: late.edits, 40, "the unanswered prompt to expire")
        assert late.edits == ["⌛ /kill not confirmed within 30 s: nothing done."]
        fake_api.push_callback(ALLOWED, late.buttons()[0][1], late.message_id)

        prompt = ask(fake_api, ALLOWED, "/kill", "Kill switch")
        yes = prompt.buttons()[0][1]
        fake_api.push_callback(OTHER_ALLOWED, yes, prompt.message_id)
        fake_api.push_callback(STRANGER, yes, prompt.message_id)
        ask(fake_api, ALLOWED, "/help", "/kill - ")  # every tap above has been handled
        assert ex.commands() == [] and prompt.edits == []

        fake_api.push_callback(ALLOWED, yes, prompt.message_id)
        poll(lambda: prompt.edits, 10, "the outcome of the confirmed kill")
        assert prompt.edits == ["✅ /kill: kill done · closed 2"]
        assert ex.commands() == [("kill", str(ALLOWED))]
        answers = [c.params.get("text") for c in fake_api.calls_of("answerCallbackQuery")]
        assert answers == ["This prompt is no longer valid", "Not your confirmation",
                           "Working on it…"]  # the stranger got no answer at all
    finally:
        ex.close()


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
