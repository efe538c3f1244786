"""The replies' text: escaped, aligned, short, and honest about missing data."""
from __future__ import annotations

from decimal import Decimal

from ipc.codec import Reply
from tests.web.telegram.stubs import StubFacade
from trading.execution.ledger_types import Trade
from web.telegram import commands
from web.telegram.busstate import Thought
from web.telegram.ledger_view import PnlSummary, PositionView

PROCS = {"feed": {"pid": 1, "state": "running", "age_s": 0.1, "alive": True},
         "scanner-0": {"pid": 2, "state": "running", "age_s": 12.0, "alive": False},
         "telegram": {"pid": 3, "state": "backoff", "age_s": 0.2, "alive": True}}


def pre_lines(text: str) -> list[str]:
    return text.split("<pre>")[1].split("</pre>")[0].split("\n")


def test_help_lists_every_command() -> None:
    text = commands.help_text()
    for name in ("status", "pnl", "positions", "risk", "pause", "resume", "close_all", "kill",
                 "help", "trades", "thoughts"):
        assert f"/{name} - " in text


def test_status_from_the_executor_and_heartbeats() -> None:
    text = commands.status_text(StubFacade().status(), PROCS)
    assert pre_lines(text)[:4] == ["mode      paper · paper broker", "trading   running",
                                   "uptime    1h 2m", "equity    10,234.50"]
    assert "<b>Processes</b> (2 ok, 1 silent)" in text
    assert "scanner-0 silent 12s" in text and "telegram  backoff" in text


def test_status_when_the_executor_is_down() -> None:
    text = commands.status_text(Reply(ok=False, error="executor unavailable"), {})
    assert "executor unavailable: trading state unknown" in text
    assert "waiting for heartbeats" in text


def test_status_shows_killed_and_paused() -> None:
    f = StubFacade()
    f.paused = True
    assert "trading   PAUSED" in commands.status_text(f.status(), PROCS)
    f.killed = True
    assert "trading   KILLED" in commands.status_text(f.status(), PROCS)


def test_pnl() -> None:
    s = PnlSummary(today=Decimal("3.651"), today_trades=2, week=Decimal("5.651"),
                   total=Decimal("-4.651"), trades=4, wins=2, win_rate=0.5)
    assert pre_lines(commands.pnl_text(s)) == ["today     +3.65 2 trades",
                                               "7 days    +5.65",
                                               "total     -4.65 4 trades",
                                               "win rate 50.00% 2 of 4"]
    assert "no ledger yet" in commands.pnl_text(None)


def test_positions() -> None:
    views = [PositionView("LINK/USD", Decimal("3"), Decimal("15"), Decimal("14"), 16.5, 4.5, 0.1),
             PositionView("BTC/USD", Decimal("0.01"), Decimal("50000"), None, None, None, None)]
    text = commands.positions_text(views)
    assert "(2 open)" in text
    assert pre_lines(text)[:5] == ["LINK/USD  qty 3", "  entry  15.0000", "  now    16.5000",
                                   "  P&amp;L    +4.50 (+10.00%)", "  stop   14.0000"]
    assert "  now    waiting for data" in text and "  stop   -" in text
    assert commands.positions_text([]) == "<b>Positions</b>: none open"


def test_risk_reads_the_contract_or_the_snapshot_names() -> None:
    assert "waiting for data" in commands.risk_text(None)
    contract = {"daily_loss_used": 0.005, "daily_loss_limit": 0.03, "drawdown": 0.021,
                "risk_of_ruin": 0.008, "kelly_fraction": 0.012, "exposure": 3000.0,
                "equity": 10000.0, "open_positions": 2, "paused": True,
                "locks": [{"kind": "cooldown", "scope": "BTC/USD", "until_ts": 1710000000,
                           "reason": "2 losses <in a row>"}]}
    text = commands.risk_text((contract, 3.0))
    assert pre_lines(text) == ["daily loss 0.50% of 3.00%", "drawdown   2.10%",
                               "ruin risk  0.80%", "stake      1.20%", "exposure   30.00%",
                               "positions  2", "trading    PAUSED"]
    assert "(as of 3s ago)" in text
    assert "• cooldown BTC/USD until 16:00 UTC: 2 losses &lt;in a row&gt;" in text
    snapshot = {"daily_loss": 0.01, "daily_loss_limit": 0.03, "stake": 0.02,
                "exposure_fraction": 0.5, "locks": []}
    text = commands.risk_text((snapshot, 0.0))
    assert "daily loss 1.00% of 3.00%" in text and "stake      2.00%" in text
    assert "exposure   50.00%" in text and "<b>Locks</b>: none" in text


def test_trades() -> None:
    t = Trade(id=1, position_id=1, pair="BTC/USD", qty=Decimal("0.5"), entry=Decimal("100"),
              exit=Decimal("110"), pnl=Decimal("4.69"), fees=Decimal("0.31"), return_pct=0.0938,
              r_multiple=None, strategies=(), opened_ts=1710000000000, closed_ts=1710003600000)
    text = commands.trades_text([t])
    assert pre_lines(text) == ["03-09 17:00 BTC/USD +4.69 +9.38%"]
    assert "none closed yet" in commands.trades_text([])


def test_thoughts_are_escaped_and_clipped() -> None:
    ts = [Thought(1_000_000, "scorer", "BTC/USD", "<buy> " + "z" * 500),
          Thought(990_000, "scanner-1", None, "quiet")]
    text = commands.thoughts_text(ts, now_ms=1_005_000)
    assert "<b>BTC/USD</b> · scorer · 5s ago\n&lt;buy&gt; " in text
    assert "scanner-1 · 15s ago\nquiet" in text and len(text) < 500
    assert "waiting for data" in commands.thoughts_text([], 0)


def test_every_text_is_html_telegram_accepts() -> None:
    from tests.web.telegram.fake_bot_api import html_problem
    from tests.web.telegram.test_busstate import ev
    from web.telegram.alerts import compose
    from web.telegram.control import result_text
    from web.telegram.notices import Notices

    nasty = "<&>"
    procs = {nasty: {"state": nasty, "alive": True, "age_s": 1.0}}
    t = Trade(id=1, position_id=1, pair=nasty, qty=Decimal(1), entry=Decimal(1), exit=Decimal(2),
              pnl=Decimal(1), fees=Decimal(0), return_pct=1.0, r_multiple=None, strategies=(),
              opened_ts=0, closed_ts=0)
    n = Notices()
    lines = [n.line_for(ev("alert", level="info", text=nasty)),
             n.line_for(ev("fill", pair=nasty, side="sell", qty=1, price=2, realised=1)),
             n.line_for(ev("position", pair=nasty, state="open")),
             n.line_for(ev("position", pair=nasty, state="closed", realised_pnl=1))]
    texts = [commands.help_text(),
             commands.status_text(Reply(ok=True, result={"mode": nasty, "locks": [1]}), procs),
             commands.status_text(Reply(ok=False, error=nasty), {}),
             commands.pnl_text(None),
             commands.pnl_text(PnlSummary(Decimal(1), 1, Decimal(1), Decimal(1), 1, 1, 1.0)),
             commands.positions_text([PositionView(nasty, Decimal(1), Decimal(1), None, 2.0,
                                                   1.0, 1.0)]),
             commands.risk_text(({"locks": [{"kind": nasty, "reason": nasty}, nasty]}, 1.0)),
             commands.trades_text([t]),
             commands.thoughts_text([Thought(0, nasty, nasty, nasty)], 0),
             result_text("pause", Reply(ok=True, result={"text": nasty, "closed": 1})),
             result_text("kill", Reply(ok=False, error=nasty)),
             compose([x for x in lines if x] * 20, max_lines=2, dropped=3)]
    for text in texts:
        assert html_problem(text) is None, text
