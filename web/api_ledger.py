"""``GET /api/v1/trades``, ``/positions`` and ``/performance``: the ledger, read-only.

Money amounts are exact decimals in the ledger and JSON numbers here (floats: fine for
display, not for accounting). Times are integer ms since the epoch, UTC. Without a ledger
(the executor never ran) every answer is empty, never an error.

- ``trades``: closed round trips, newest first. ``limit`` 1..500 (50), ``offset`` >= 0 (0),
  ``pair`` (``BTC/USD``), ``since`` (ms, on the close time). ``next_offset`` is null on the
  last page.
- ``positions``: open positions with the current price from shared memory and the
  unrealised P&L at that price (before exit fees).
- ``performance``: the ledger's totals and ratios (see ``Performance``), the equity curve
  downsampled to ``points`` 2..2000 (500), and the executor's live equity when known.
"""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, jsonify

from trading.execution.ledger_read import LedgerReader
from trading.execution.ledger_types import Performance, Position, Trade, to_jsonable
from web.context import WebContext, current
from web.market_views import price_of
from web.params import check_known, int_arg, pair_arg
from web.pollers import executor_view

logger = logging.getLogger(__name__)

bp = Blueprint("ledger", __name__)

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000
MAX_TS = 10**15
EMPTY = Performance(realised_pnl=Decimal(0), closed_pnl=Decimal(0), fees=Decimal(0), trades=0,
                    wins=0, losses=0, win_rate=None, profit_factor=None, sharpe=None,
                    max_drawdown=0.0, max_drawdown_abs=0.0)


def trade_dict(t: Trade) -> dict[str, Any]:
    out: dict[str, Any] = to_jsonable(t)
    return out


def position_dict(p: Position, price: float | None) -> dict[str, Any]:
    unrealised = None if price is None else round(float(p.qty) * (price - float(p.avg_entry)), 8)
    return {"pair": p.pair, "qty": float(p.qty), "avg_entry": float(p.avg_entry),
            "cost": float(p.cost), "stop": None if p.stop is None else float(p.stop),
            "initial_stop": None if p.initial_stop is None else float(p.initial_stop),
            "strategies": list(p.strategies), "opened_ts": p.opened_ts,
            "realised_pnl": float(p.realised_pnl), "fees": float(p.fees),
            "price": price, "unrealised": unrealised}


def build_positions(c: WebContext) -> dict[str, Any]:
    rows = c.ledger.query(LedgerReader.open_positions, [])
    store = c.market.bars()
    return {"positions": [position_dict(p, price_of(store, p.pair)) for p in rows]}


def build_performance(c: WebContext, points: int = 500) -> dict[str, Any]:
    perf = c.ledger.query(lambda r: r.performance(points), EMPTY)
    out: dict[str, Any] = to_jsonable(perf)
    out["equity_curve"] = [{"ts": int(ts), "equity": float(eq)} for ts, eq in perf.equity_curve]
    ex = executor_view(c.live)
    status = ex["status"] if ex["available"] else {}
    for key in ("equity", "cash", "unrealised", "day_pnl"):
        value = status.get(key)
        out[key] = float(value) if isinstance(value, int | float) else None
    return out


@bp.get("/api/v1/trades")
def trades() -> Response:
    check_known(("limit", "offset", "pair", "since"))
    limit = int_arg("limit", 50, 1, MAX_LIMIT) or 50
    offset = int_arg("offset", 0, 0, MAX_OFFSET) or 0
    pair = pair_arg("pair")
    since = int_arg("since", None, 0, MAX_TS)
    rows = current().ledger.query(lambda r: r.trades(limit + 1, offset, pair, since), [])
    more = len(rows) > limit
    return jsonify(trades=[trade_dict(t) for t in rows[:limit]], limit=limit, offset=offset,
                   next_offset=offset + limit if more else None)


@bp.get("/api/v1/positions")
def positions() -> Response:
    check_known(())
    return jsonify(build_positions(current()))


@bp.get("/api/v1/performance")
def performance() -> Response:
    check_known(("points",))
    points = int_arg("points", 500, 2, 2000) or 500
    return jsonify(build_performance(current(), points))
