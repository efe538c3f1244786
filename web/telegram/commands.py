"""The information commands' replies: short HTML texts from plain data (pure functions).

Each function takes what its command shows (the executor's status reply, heartbeats, ledger
summaries, the latest risk event, thoughts) and returns a message for Telegram's HTML parse
mode: every value is escaped, tables are ``<pre>`` blocks about 32 columns wide, a missing
number shows as ``-`` and missing data says what it is waiting for.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ipc.codec import Reply
from trading.execution.ledger_types import Trade
from web.telegram import fmt
from web.telegram.busstate import Thought
from web.telegram.fmt import esc
from web.telegram.ledger_view import PnlSummary, PositionView

#: command -> what it does (the /help text and the order it lists them in)
COMMANDS: dict[str, str] = {
    "status": "mode, trading state, processes, uptime",
    "pnl": "realised P&L: today, 7 days, total, win rate",
    "positions": "open positions: entry, now, P&L, stop",
    "risk": "daily loss, drawdown, risk of ruin, locks",
    "trades": "the last 10 closed trades",
    "thoughts": "the bot's last 5 thoughts",
    "pause": "stop opening new trades",
    "resume": "open new trades again",
    "close_all": "close every position (asks first)",
    "kill": "emergency stop: close all, stop trading (asks first)",
    "help": "this list",
}
TRADES_SHOWN = 10
THOUGHTS_SHOWN = 5
THOUGHT_CHARS = 300


def help_text() -> str:
    lines = [f"/{name} - {esc(what)}" for name, what in COMMANDS.items()]
    return "<b>Commands</b>\n" + "\n".join(lines)


def _trading_state(data: dict[str, Any]) -> str:
    if data.get("killed"):
        return "KILLED"
    return "PAUSED" if data.get("paused") else "running"


def status_text(reply: Reply, procs: dict[str, dict[str, Any]]) -> str:
    if reply.ok and isinstance(reply.result, dict):
        d = reply.result
        rows = [["mode", f"{d.get('mode', '?')} · {d.get('broker', '?')} broker"],
                ["trading", _trading_state(d)],
                ["uptime", fmt.duration(d.get("uptime_s"))],
                ["equity", fmt.amount(d.get("equity"))],
                ["today", fmt.money(d.get("day_pnl"))],
                ["positions", str(d.get("open_positions", "-"))]]
        if d.get("locks"):
            rows.append(["locks", f"{len(d['locks'])} (see /risk)"])
        head = "<b>Status</b>\n" + fmt.table(rows)
    else:
        head = f"<b>Status</b>\n⚠️ {esc(reply.error or 'executor unavailable')}: trading " \
               "state unknown"
    return head + "\n" + processes_text(procs)


def processes_text(procs: dict[str, dict[str, Any]]) -> str:
    if not procs:
        return "<b>Processes</b>: waiting for heartbeats"
    rows = []
    for name in sorted(procs):
        p = procs[name]
        state = str(p.get("state") or "ok")
        rows.append([name, ("ok" if state == "running" else state) if p.get("alive")
                     else f"silent {fmt.duration(p.get('age_s'))}"])
    down = sum(1 for p in procs.values() if not p.get("alive"))
    summary = f"{len(procs) - down} ok" + (f", {down} silent" if down else "")
    return f"<b>Processes</b> ({summary})\n" + fmt.table(rows)


def pnl_text(s: PnlSummary | None) -> str:
    if s is None:
        return "<b>P&amp;L</b>: no ledger yet (the executor has not traded)"
    rows = [["today", fmt.money(s.today), f"{s.today_trades} trades"],
            ["7 days", fmt.money(s.week), ""],
            ["total", fmt.money(s.total), f"{s.trades} trades"],
            ["win rate", fmt.pct(s.win_rate), f"{s.wins} of {s.trades}"]]
    return "<b>P&amp;L</b> (realised, net of fees)\n" + fmt.table(rows)


def positions_text(views: Sequence[PositionView]) -> str:
    if not views:
        return "<b>Positions</b>: none open"
    blocks = []
    for v in views:
        pnl = fmt.money(v.pnl) + (f" ({fmt.pct(v.pnl_pct, signed=True)})"
                                  if v.pnl_pct is not None else "")
        blocks.append(f"{v.pair}  qty {fmt.qty(v.qty)}\n"
                      f"  entry  {fmt.price(v.entry)}\n"
                      f"  now    {fmt.price(v.current) if v.current else 'waiting for data'}\n"
                      f"  P&L    {pnl}\n"
                      f"  stop   {fmt.price(v.stop)}")
    return (f"<b>Positions</b> ({len(views)} open)\n<pre>"
            + esc("\n".join(blocks)) + "</pre>")


def _first(d: dict[str, Any], *keys: str) -> Any:
    return next((d[k] for k in keys if d.get(k) is not None), None)


def _lock_line(lock: Any) -> str:
    if not isinstance(lock, dict):
        return f"• {esc(lock)}"
    until = lock.get("until_ts")
    when = ""
    if isinstance(until, int | float):
        secs = until / 1000 if until > 1e11 else until  # ms or s since the epoch
        when = f" until {datetime.fromtimestamp(secs, UTC):%H:%M} UTC"
    return (f"• {esc(lock.get('kind', '?'))} {esc(lock.get('scope', '*'))}{when}"
            f": {esc(lock.get('reason', ''))}")


def risk_text(risk: tuple[dict[str, Any], float] | None) -> str:
    if risk is None:
        return "<b>Risk</b>: waiting for data (no risk event from the executor yet)"
    d, age = risk
    exposure = _first(d, "exposure_fraction")
    if exposure is None and isinstance(d.get("exposure"), int | float) and d.get("equity"):
        exposure = d["exposure"] / d["equity"]
    rows = [["daily loss", f"{fmt.pct(_first(d, 'daily_loss_used', 'daily_loss'))} of "
                           f"{fmt.pct(d.get('daily_loss_limit'))}"],
            ["drawdown", fmt.pct(d.get("drawdown"))],
            ["ruin risk", fmt.pct(d.get("risk_of_ruin"))],
            ["stake", fmt.pct(_first(d, "kelly_fraction", "stake"))],
            ["exposure", fmt.pct(exposure)],
            ["positions", str(d.get("open_positions", "-"))]]
    if d.get("killed") or d.get("paused"):
        rows.append(["trading", "KILLED" if d.get("killed") else "PAUSED"])
    locks = d.get("locks") or []
    lock_text = "\n".join(["", *(_lock_line(x) for x in locks)]) if locks else "none"
    return (f"<b>Risk</b> (as of {fmt.duration(age)} ago)\n" + fmt.table(rows)
            + f"\n<b>Locks</b>: {lock_text}")


def trades_text(trades: Sequence[Trade]) -> str:
    if not trades:
        return "<b>Trades</b>: none closed yet"
    rows = [[f"{datetime.fromtimestamp(t.closed_ts / 1000, UTC):%m-%d %H:%M}", t.pair,
             fmt.money(t.pnl), fmt.pct(t.return_pct, signed=True)] for t in trades]
    return f"<b>Last {len(trades)} trades</b> (UTC)\n" + fmt.table(rows)


def thoughts_text(thoughts: Sequence[Thought], now_ms: int) -> str:
    if not thoughts:
        return "<b>Thoughts</b>: waiting for data (none heard yet)"
    parts = []
    for t in thoughts:
        where = f"<b>{esc(t.key)}</b> · " if t.key else ""
        ago = fmt.duration((now_ms - t.ts_ms) / 1000)
        parts.append(f"{where}{esc(t.src)} · {ago} ago\n{esc(fmt.clip(t.text, THOUGHT_CHARS))}")
    return f"<b>Thoughts</b> (last {len(thoughts)})\n" + "\n\n".join(parts)
