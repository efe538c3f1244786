"""What the risk manager needs to know, read from the ledger and the market at one instant.

Semantics:

- Equity is cash (the quote currency's balance) plus every open position at its mark;
  unrealised P&L is mark minus average entry, times quantity. A pair without a mark is
  valued at its entry (no P&L), never skipped.
- Peak equity is the highest equity snapshot in the ledger or the current equity.
- The day's figures are the ledger's for the current UTC day; its start equity is the
  ledger's (the last snapshot before 00:00 UTC) or, on a first day, the current equity.
- Locks are the ledger's active risk locks; closed trades are the last ``TRADES`` with an
  R-multiple (a position that had no initial stop cannot be sized from).
- ``paper_cash`` rebuilds the paper broker's quote balance after a restart from the
  starting balance and every fill in the ledger (the ledger is the paper exchange's memory).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from trading.execution.ledger_read import LedgerReader
from trading.execution.ledger_types import Position
from trading.risk.types import ClosedTrade, OpenPosition, Portfolio, RiskLock

TRADES = 200
ALL_FILLS = 1 << 40
Marks = Callable[[str], float | None]


def utc_midnight(ts: float) -> float:
    day = datetime.fromtimestamp(ts, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


def utc_day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def unrealised(positions: list[Position], marks: Marks) -> float:
    total = 0.0
    for p in positions:
        mark = marks(p.pair)
        if mark is not None:
            total += (mark - float(p.avg_entry)) * float(p.qty)
    return total


def closed_trades(ledger: LedgerReader) -> tuple[ClosedTrade, ...]:
    """The last ``TRADES`` closed trades with an R-multiple, oldest first."""
    return tuple(ClosedTrade(r.r_multiple, r.strategies, r.pair, r.closed_ts / 1000)
                 for r in ledger.closed_results(TRADES) if r.r_multiple is not None)


def build(ledger: LedgerReader, cash: float, marks: Marks, now: float | None = None,
          closed: tuple[ClosedTrade, ...] | None = None) -> Portfolio:
    """``closed``: :func:`closed_trades` when the caller already has them (they change
    only when a position closes)."""
    now = time.time() if now is None else now
    positions = ledger.open_positions()
    value = sum(float(p.qty) * (marks(p.pair) or float(p.avg_entry)) for p in positions)
    equity = max(0.0, cash + value)
    day = ledger.daily(utc_day(now))
    peak = max(equity, ledger.peak_equity() or 0.0)
    closed = closed_trades(ledger) if closed is None else closed
    return Portfolio(
        equity=equity, peak_equity=peak,
        day_start_equity=day.start_equity if day.start_equity else equity,
        day_pnl_realised=float(day.realised), unrealised=unrealised(positions, marks),
        cash=max(0.0, cash),
        positions={p.pair: OpenPosition(p.pair, float(p.qty), float(p.avg_entry),
                                        float(p.stop) if p.stop is not None else None,
                                        marks(p.pair)) for p in positions},
        last_exit_ts={pair: ms / 1000 for pair, ms in ledger.last_exits().items()},
        locks=tuple(RiskLock(lk.kind, lk.scope,
                             lk.until_ts / 1000 if lk.until_ts is not None else None, lk.reason)
                    for lk in ledger.active_locks(int(now * 1000))),
        closed_trades=closed, day_start_ts=utc_midnight(now))


def paper_balances(ledger: LedgerReader, quote: str, start: Decimal,
                   base_of: Mapping[str, str]) -> dict[str, Decimal]:
    """Every asset's paper balance from the starting quote balance and all fills."""
    balances = {quote: start}
    for f in ledger.fills(limit=ALL_FILLS):
        qty, fee = Decimal(str(f.qty)), Decimal(str(f.fee))
        cost = Decimal(str(f.cost)) if f.cost is not None else qty * Decimal(str(f.price))
        base = base_of[f.pair]
        sign = 1 if f.side == "buy" else -1
        balances[base] = balances.get(base, Decimal(0)) + sign * qty
        balances[quote] -= sign * cost + fee
    return balances
