"""Views: each information command answers even when a source is broken."""
from __future__ import annotations

from pathlib import Path

from tests.web.telegram.fake_bot_api import html_problem
from tests.web.telegram.stubs import StubFacade
from tests.web.telegram.test_busstate import ev
from web.telegram.busstate import BusState
from web.telegram.ledger_view import LedgerView
from web.telegram.views import Views

NOW = 1_710_007_200.0  # 2024-03-09T18:00:00Z


def make(tmp_path: Path, facade: StubFacade | None = None) -> Views:
    facade = facade or StubFacade()
    return Views(facade, BusState(), LedgerView(tmp_path / "bot.db"),  # type: ignore[arg-type]
                 wall_clock=lambda: NOW)


def test_every_command_answers_without_a_ledger_or_events(tmp_path: Path) -> None:
    views = make(tmp_path)
    table = views.table()
    assert set(table) == {"status", "pnl", "positions", "risk", "trades", "thoughts", "help",
                          "start"}
    for name, view in table.items():
        text = view()
        assert text and "internal error" not in text, name


def test_a_broken_ledger_is_one_line_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "bot.db").write_bytes(b"this is not sqlite" * 100)
    text = make(tmp_path).pnl()
    assert text.startswith("⚠️ pnl: cannot read the ledger: ") and "\n" not in text


def test_thoughts_and_risk_come_from_the_bus(tmp_path: Path) -> None:
    views = make(tmp_path)
    views.state.observe(ev("thought", "BTC/USD", src="scorer", ts=int(NOW * 1000) - 2000,
                           text="no trade: spread too wide"))
    views.state.observe(ev("risk", drawdown=0.05, locks=[]))
    assert "scorer · 2s ago\nno trade: spread too wide" in views.thoughts()
    assert "drawdown   5.00%" in views.risk()


def test_daily_summary(tmp_path: Path) -> None:
    text = make(tmp_path).summary()
    assert text.startswith("📊 <b>Daily summary</b> 2024-03-09 (UTC)")
    assert "equity 10,234.50 · 1 open · trading running" in text
    assert html_problem(text) is None
    down = make(tmp_path, StubFacade(up=False)).summary()
    assert down.endswith("executor: executor unavailable")
