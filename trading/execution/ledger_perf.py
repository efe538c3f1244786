"""Performance statistics over the ledger (run inside one read transaction by the caller).

Definitions (documented here because the dashboard and the risk manager rely on them):
- ``realised_pnl``: sum of every position's realised P&L, net of all fees, including the
  partial exits and entry fees of positions still open. ``closed_pnl``: sum of closed trades.
- A trade *wins* if its P&L (net of fees) is > 0; otherwise it is a loss.
- ``profit_factor`` = gross winning P&L / gross losing P&L; ``None`` when nothing was lost.
- ``sharpe``: mean / sample standard deviation of *per-trade* returns (P&L / entry cost), not
  annualised (trades are irregular in time); ``None`` with fewer than 2 trades or zero spread.
- ``max_drawdown``: largest fall from a running peak of the equity snapshots, as a fraction of
  that peak (0.25 = 25 %), computed over *all* snapshots; ``max_drawdown_abs`` in quote units.
- ``equity_curve``: ``(ts_ms, equity)`` pairs taken at an even stride so that there are at most
  ``points``; the first and the last snapshot are always included.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
from decimal import Decimal

from trading.execution.ledger_types import Performance

__all__ = ["performance", "equity_curve"]


def equity_curve(conn: sqlite3.Connection, points: int) -> list[tuple[int, float]]:
    n = conn.execute("SELECT COUNT(*) FROM equity").fetchone()[0]
    if n == 0 or points <= 0:
        return []
    if points == 1:
        row = conn.execute("SELECT ts, equity FROM equity ORDER BY ts DESC LIMIT 1").fetchone()
        return [(row[0], row[1])]
    stride = max(1, math.ceil((n - 1) / (points - 1)))
    rows = conn.execute(
        "SELECT ts, equity FROM (SELECT ts, equity, ROW_NUMBER() OVER (ORDER BY ts) - 1 AS rn "
        "FROM equity) WHERE rn % ? = 0 OR rn = ? ORDER BY ts", (stride, n - 1)).fetchall()
    return [(r[0], r[1]) for r in rows]


def _drawdown(conn: sqlite3.Connection) -> tuple[float, float]:
    row = conn.execute(
        "SELECT MAX(CASE WHEN peak > 0 THEN (peak - equity) / peak ELSE 0 END), "
        "MAX(peak - equity) FROM (SELECT equity, MAX(equity) OVER "
        "(ORDER BY ts ROWS UNBOUNDED PRECEDING) AS peak FROM equity)").fetchone()
    return float(row[0] or 0.0), float(row[1] or 0.0)


def _sharpe(returns: list[float]) -> float | None:
    if len(returns) < 2:
        return None
    spread = statistics.stdev(returns)
    return statistics.fmean(returns) / spread if spread > 0 else None


def performance(conn: sqlite3.Connection, points: int) -> Performance:
    realised = fees = Decimal(0)
    for pnl, fee in conn.execute("SELECT realised_pnl, fees FROM positions"):
        realised += Decimal(pnl)
        fees += Decimal(fee)
    trades = [(Decimal(p), r) for p, r in conn.execute(
        "SELECT pnl, return_pct FROM trades ORDER BY closed_ts, id")]
    gross_win = sum((p for p, _ in trades if p > 0), Decimal(0))
    gross_loss = -sum((p for p, _ in trades if p <= 0), Decimal(0))
    wins = sum(1 for p, _ in trades if p > 0)
    dd, dd_abs = _drawdown(conn)
    return Performance(
        realised_pnl=realised, closed_pnl=sum((p for p, _ in trades), Decimal(0)), fees=fees,
        trades=len(trades), wins=wins, losses=len(trades) - wins,
        win_rate=wins / len(trades) if trades else None,
        profit_factor=float(gross_win / gross_loss) if gross_loss > 0 else None,
        sharpe=_sharpe([r for _, r in trades]), max_drawdown=dd, max_drawdown_abs=dd_abs,
        equity_curve=equity_curve(conn, points))
