"""``GET /api/v1/scanner``, ``/candles`` and ``/thoughts``: the market as the bot sees it.

- ``scanner``: every configured pair with price, change over the sparkline window, best
  bid/ask, sparkline closes (shared memory) and the strategies' latest signals (bus).
- ``candles?pair=BTC/USD&limit=300``: closed bars ``[ts, o, h, l, c, v]`` oldest first
  (``limit`` 1..bar capacity), the forming bar, and entry/exit markers from the ledger's
  fills of that pair inside the window (buy = entry, sell = exit).
- ``thoughts?n=50``: the newest ``n`` (1..500) thoughts, newest first, since the web
  process started (older ones were published before it listened).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify

from ipc import messages as m
from web.context import WebContext, current
from web.live_state import MAX_THOUGHTS
from web.market_views import SPARK_BARS, candles, quote
from web.params import check_known, int_arg, pair_arg

logger = logging.getLogger(__name__)

bp = Blueprint("market", __name__)

FILLS_FOR_MARKERS = 500


def _signals(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"strategy": s.get("strategy"), "side": s.get("side"), "strength": s.get("strength")}
            for s in data.get("signals") or () if isinstance(s, dict)]


def build_scanner(c: WebContext) -> dict[str, Any]:
    store, books = c.market.bars(), c.market.books()
    sigs = c.live.by_key(m.SIGNAL)
    rows = []
    for pair in c.cfg.trading.pairs:
        row = quote(store, books, pair)
        seen = sigs.get(pair)
        row["signals"] = [] if seen is None else _signals(seen.data)
        row["signal_bar_ts"] = None if seen is None else seen.data.get("bar_ts")
        rows.append(row)
    return {"spark_bars": SPARK_BARS, "pairs": rows}


def markers(c: WebContext, pair: str, since_s: float) -> list[dict[str, Any]]:
    fills = c.ledger.query(lambda r: r.fills(FILLS_FOR_MARKERS), [])
    return [{"ts": f.ts / 1000.0, "side": f.side, "price": float(f.price), "qty": float(f.qty)}
            for f in reversed(fills) if f.pair == pair and f.ts / 1000.0 >= since_s]


def build_candles(c: WebContext, pair: str, limit: int) -> dict[str, Any]:
    rows, forming = candles(c.market.bars(), pair, limit)
    since = rows[0][0] if rows else 0.0
    return {"pair": pair, "candles": rows, "forming": forming,
            "markers": markers(c, pair, since) if rows else []}


@bp.get("/api/v1/scanner")
def scanner() -> Response:
    check_known(())
    return jsonify(build_scanner(current()))


@bp.get("/api/v1/candles")
def candles_view() -> Response:
    c = current()
    check_known(("pair", "limit"))
    pair = pair_arg("pair", c.cfg.trading.pairs, required=True) or ""
    limit = int_arg("limit", 300, 1, c.cfg.trading.bar_capacity) or 300
    return jsonify(build_candles(c, pair, limit))


@bp.get("/api/v1/thoughts")
def thoughts() -> Response:
    check_known(("n",))
    n = int_arg("n", 50, 1, MAX_THOUGHTS) or 50
    return jsonify(thoughts=current().live.thoughts(n))
