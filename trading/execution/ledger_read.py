"""Read side of the ledger: queries usable on the read-only handle (web, telegram, trainer).

Semantics: every query runs in its own short read transaction (autocommit), so a reader never
holds the WAL back and always sees the writer's latest commit; :meth:`LedgerReader.performance`
reads in one transaction for a consistent snapshot. A reader never writes: the read-only
handle is opened with ``mode=ro`` and SQLite refuses writes on it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from trading.execution import ledger_perf
from trading.execution.ledger_types import (
    AuditEntry,
    ClosedResult,
    DailyPnl,
    Fill,
    Order,
    Performance,
    Position,
    RiskLock,
    Trade,
    opt_dec,
)
from trading.execution.states import FINAL_STATES, PositionState

__all__ = ["LedgerReader"]

logger = logging.getLogger(__name__)

_FINAL = tuple(sorted(FINAL_STATES))


def _strategies(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def order_from_row(r: sqlite3.Row) -> Order:
    return Order(id=r["id"], cl_ord_id=r["cl_ord_id"], intent_id=r["intent_id"], pair=r["pair"],
                 side=r["side"], kind=r["kind"], purpose=r["purpose"], qty=Decimal(r["qty"]),
                 limit_price=opt_dec(r["limit_price"]), trigger_price=opt_dec(r["trigger_price"]),
                 filled_qty=Decimal(r["filled_qty"]), state=r["state"], txid=r["txid"],
                 reason=r["reason"], stop=opt_dec(r["stop"]), atr=r["atr"],
                 strategies=_strategies(r["strategies"]), created_ts=r["created_ts"],
                 updated_ts=r["updated_ts"])


def position_from_row(r: sqlite3.Row) -> Position:
    d = {k: Decimal(r[k]) for k in ("qty", "cost", "avg_entry", "entry_qty", "entry_cost",
                                    "exit_qty", "exit_proceeds", "realised_pnl", "fees")}
    return Position(id=r["id"], pair=r["pair"], state=r["state"], stop=opt_dec(r["stop"]),
                    initial_stop=opt_dec(r["initial_stop"]), atr=r["atr"],
                    strategies=_strategies(r["strategies"]), opened_ts=r["opened_ts"],
                    closed_ts=r["closed_ts"], updated_ts=r["updated_ts"], **d)


def trade_from_row(r: sqlite3.Row) -> Trade:
    return Trade(id=r["id"], position_id=r["position_id"], pair=r["pair"], qty=Decimal(r["qty"]),
                 entry=Decimal(r["entry"]), exit=Decimal(r["exit"]), pnl=Decimal(r["pnl"]),
                 fees=Decimal(r["fees"]), return_pct=r["return_pct"], r_multiple=r["r_multiple"],
                 strategies=_strategies(r["strategies"]), opened_ts=r["opened_ts"],
                 closed_ts=r["closed_ts"])


def fill_from_row(r: sqlite3.Row) -> Fill:
    return Fill(fill_id=r["fill_id"], pair=r["pair"], side=r["side"], qty=Decimal(r["qty"]),
                price=Decimal(r["price"]), fee=Decimal(r["fee"]), ts=r["ts"],
                cl_ord_id=r["cl_ord_id"], realised=Decimal(r["realised"]),
                position_id=r["position_id"], cost=Decimal(r["cost"]))


def lock_from_row(r: sqlite3.Row) -> RiskLock:
    return RiskLock(id=r["id"], kind=r["kind"], scope=r["scope"], until_ts=r["until_ts"],
                    reason=r["reason"], created_ts=r["created_ts"], cleared_ts=r["cleared_ts"])


class LedgerReader:
    """Queries over an open ledger connection (thread-safe: one lock per handle)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> LedgerReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, args).fetchall()

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same commit."""
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                yield
            finally:
                self.conn.execute("COMMIT")

    # --- orders and fills ---
    def order(self, cl_ord_id: str) -> Order | None:
        rows = self._rows("SELECT * FROM orders WHERE cl_ord_id = ?", (cl_ord_id,))
        return order_from_row(rows[0]) if rows else None

    def order_by_txid(self, txid: str) -> Order | None:
        rows = self._rows("SELECT * FROM orders WHERE txid = ?", (txid,))
        return order_from_row(rows[0]) if rows else None

    def non_final_orders(self) -> list[Order]:
        """Orders not yet filled/cancelled/rejected (what reconciliation must check), oldest
        first."""
        rows = self._rows("SELECT * FROM orders WHERE state NOT IN (?, ?, ?) "
                          "ORDER BY created_ts, id", _FINAL)
        return [order_from_row(r) for r in rows]

    def fills(self, limit: int = 100, cl_ord_id: str | None = None) -> list[Fill]:
        """Newest first; all fills of one order if ``cl_ord_id`` is given."""
        if cl_ord_id is not None:
            rows = self._rows("SELECT * FROM fills WHERE cl_ord_id = ? ORDER BY ts, id",
                              (cl_ord_id,))
        else:
            rows = self._rows("SELECT * FROM fills ORDER BY ts DESC, id DESC LIMIT ?", (limit,))
        return [fill_from_row(r) for r in rows]

    def intent_outcome(self, intent_id: str) -> str | None:
        rows = self._rows("SELECT outcome FROM intents_seen WHERE intent_id = ?", (intent_id,))
        return rows[0]["outcome"] if rows else None

    # --- positions and trades ---
    def open_positions(self) -> list[Position]:
        rows = self._rows("SELECT * FROM positions WHERE state = ? ORDER BY opened_ts, id",
                          (PositionState.OPEN,))
        return [position_from_row(r) for r in rows]

    def position(self, pair: str) -> Position | None:
        """The open position in ``pair``, if any."""
        rows = self._rows("SELECT * FROM positions WHERE state = ? AND pair = ?",
                          (PositionState.OPEN, pair))
        return position_from_row(rows[0]) if rows else None

    def trades(self, limit: int = 50, offset: int = 0, pair: str | None = None,
               since: int | None = None) -> list[Trade]:
        """Closed round trips, newest first; ``since`` filters on ``closed_ts`` (ms, >=)."""
        sql, args = "SELECT * FROM trades WHERE 1", []
        if pair is not None:
            sql, args = sql + " AND pair = ?", [*args, pair]
        if since is not None:
            sql, args = sql + " AND closed_ts >= ?", [*args, since]
        sql += " ORDER BY closed_ts DESC, id DESC LIMIT ? OFFSET ?"
        rows = self._rows(sql, (*args, max(0, limit), max(0, offset)))
        return [trade_from_row(r) for r in rows]

    def closed_results(self, n: int) -> list[ClosedResult]:
        """The last ``n`` closed trades, oldest first, as floats (for Kelly sizing)."""
        rows = self._rows("SELECT * FROM (SELECT * FROM trades ORDER BY closed_ts DESC, id DESC "
                          "LIMIT ?) ORDER BY closed_ts, id", (max(0, n),))
        return [ClosedResult(pnl=float(r["pnl"]), return_pct=r["return_pct"],
                             r_multiple=r["r_multiple"], pair=r["pair"],
                             strategies=_strategies(r["strategies"]), closed_ts=r["closed_ts"])
                for r in rows]

    def last_exits(self) -> dict[str, int]:
        """Per pair, when its last trade closed (ms) -- for cooldowns."""
        rows = self._rows("SELECT pair, MAX(closed_ts) AS ts FROM trades GROUP BY pair")
        return {r["pair"]: r["ts"] for r in rows}

    def peak_equity(self) -> float | None:
        """The highest equity snapshot ever recorded (None before the first)."""
        return self._rows("SELECT MAX(equity) AS peak FROM equity")[0]["peak"]

    def performance(self, points: int = 500) -> Performance:
        """Realised P&L, win rate, profit factor, per-trade Sharpe, max drawdown, and the
        equity curve downsampled to at most ``points`` points (see :mod:`.ledger_perf`)."""
        with self._snapshot():
            return ledger_perf.performance(self.conn, points)

    # --- day, risk, audit, flags ---
    def daily(self, day: str) -> DailyPnl:
        """P&L of UTC day ``YYYY-MM-DD`` (zeros if nothing happened that day)."""
        rows = self._rows("SELECT * FROM daily_pnl WHERE day = ?", (day,))
        if not rows:
            return DailyPnl(day=day, start_equity=None, realised=Decimal(0), fees=Decimal(0),
                            trades=0)
        r = rows[0]
        return DailyPnl(day=day, start_equity=r["start_equity"], realised=Decimal(r["realised"]),
                        fees=Decimal(r["fees"]), trades=r["trades"])

    def active_locks(self, now: int) -> list[RiskLock]:
        """Locks not cleared and not expired at ``now`` (ms); ``until_ts`` NULL = until
        cleared."""
        rows = self._rows("SELECT * FROM risk_locks WHERE cleared_ts IS NULL AND "
                          "(until_ts IS NULL OR until_ts > ?) ORDER BY created_ts, id", (now,))
        return [lock_from_row(r) for r in rows]

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        rows = self._rows("SELECT * FROM audit ORDER BY ts DESC, id DESC LIMIT ?", (limit,))
        return [AuditEntry(id=r["id"], ts=r["ts"], command=r["command"], source=r["source"],
                           args=json.loads(r["args"]), result=r["result"]) for r in rows]

    def get_flag(self, key: str, default: str | None = None) -> str | None:
        rows = self._rows("SELECT value FROM state WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default
