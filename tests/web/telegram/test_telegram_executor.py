"""The ``telegram`` program with the REAL executor (needs ``procs/executor.py`` to be real).

Checked through the executor itself, not the bot's replies: ``/pause`` and ``/resume`` change
the executor's ``status``; a confirmed ``/kill`` kills it; a stranger's refusal is in the
ledger's audit log; a paper fill (the emulator holds four pairs in a breakout so the scorer
emits intents) arrives in the allowed chat as an alert.
"""
from __future__ import annotations

import pytest

from tests.conftest import Instance, poll
from tests.procs.conftest import fault, full_stores
from tests.web.telegram.conftest import ALLOWED, STRANGER
from tests.web.telegram.fake_bot_api import FakeBotApi
from tests.web.telegram.helpers import ask, executor_status
from trading.execution.ledger import Ledger

pytestmark = pytest.mark.slow

BREAKOUT = ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD")


def test_pause_and_resume_really_change_the_executor(tg_market: Instance,
                                                    fake_api: FakeBotApi) -> None:
    poll(lambda: executor_status(tg_market), 30, "the executor to answer")
    ask(fake_api, ALLOWED, "/pause", "/pause")
    assert executor_status(tg_market)["paused"] is True  # type: ignore[index]
    ask(fake_api, ALLOWED, "/resume", "/resume")
    assert executor_status(tg_market)["paused"] is False  # type: ignore[index]


def test_a_confirmed_kill_kills_and_a_stranger_is_audited(tg_market: Instance,
                                                          fake_api: FakeBotApi) -> None:
    poll(lambda: executor_status(tg_market), 30, "the executor to answer")
    fake_api.push_message(STRANGER, "/kill")
    prompt = ask(fake_api, ALLOWED, "/kill", "Kill switch")
    assert executor_status(tg_market)["killed"] is False  # type: ignore[index]
    fake_api.push_callback(ALLOWED, prompt.buttons()[0][1], prompt.message_id)
    poll(lambda: prompt.edits, 15, "the outcome of the kill")
    assert prompt.edits[-1].startswith("✅ /kill")
    assert executor_status(tg_market)["killed"] is True  # type: ignore[index]

    def refusal_audited() -> bool:
        with Ledger.open_readonly(tg_market.paths.db) as led:
            return any(e.result == "refused" and str(STRANGER) in f"{e.source} {e.args}"
                       for e in led.audit_log(50))
    poll(refusal_audited, 15, "the stranger's refusal in the audit log")


def test_a_paper_fill_is_alerted(tg_market: Instance, fake_api: FakeBotApi) -> None:
    full_stores(tg_market).close()
    fault(tg_market, regime={p: "breakout" for p in BREAKOUT})
    alert = poll(lambda: next((m for m in fake_api.messages(ALLOWED)
                               if "<b>BUY</b>" in m.text or "<b>SELL</b>" in m.text), None),
                 180, "a fill alert")
    assert any(pair in alert.text for pair in BREAKOUT) and " @ " in alert.text
