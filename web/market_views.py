"""Prices, sparklines and candles from shared memory, for the scanner, positions and chart.

All reads are lock-free seqlock copies of the feed's stores (a few microseconds each). A
pair with no data yet gives nulls, never an error. ``price`` is the forming bar's close when
it is at least as new as the last closed bar, else the last close. ``change_pct`` compares
``price`` with the close ``SPARK_BARS`` closed bars ago (fewer during warm-up).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError

SPARK_BARS = 60


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def price_of(store: BarStore | None, pair: str) -> float | None:
    """The latest price of ``pair`` (forming close, else last close), or None."""
    if store is None:
        return None
    try:
        last = store.window(pair, 1)
        forming = store.forming(pair)
    except (KeyError, StoreError):
        return None
    if forming is not None and (not len(last) or forming[0] >= last[-1, 0]):
        return _finite(forming[4])
    return _finite(last[-1, 4]) if len(last) else None


def _best(books: BookStore | None, pair: str) -> tuple[float | None, float | None]:
    if books is None:
        return None, None
    try:
        book = books.read(pair)
    except (KeyError, StoreError):
        return None, None
    if book is None:
        return None, None
    bid = _finite(book.bids[0, 0]) if len(book.bids) else None
    ask = _finite(book.asks[0, 0]) if len(book.asks) else None
    return bid, ask


def quote(store: BarStore | None, books: BookStore | None, pair: str) -> dict[str, Any]:
    """Price, change, last bar time, best bid/ask and sparkline closes of one pair."""
    closes: list[float] = []
    last_ts = None
    if store is not None:
        try:
            win = store.window(pair, SPARK_BARS)
        except (KeyError, StoreError):
            win = np.empty((0, 6))
        closes = [float(c) for c in win[:, 4] if math.isfinite(c)]
        last_ts = float(win[-1, 0]) if len(win) else None
    price = price_of(store, pair)
    change = None
    if price is not None and closes and closes[0] > 0:
        change = round((price / closes[0] - 1.0) * 100.0, 4)
    bid, ask = _best(books, pair)
    return {"pair": pair, "price": price, "change_pct": change, "last_bar_ts": last_ts,
            "bid": bid, "ask": ask, "sparkline": closes}


def candles(store: BarStore | None, pair: str, limit: int) -> tuple[list[list[float]],
                                                                   list[float] | None]:
    """The last ``limit`` closed bars ``[ts, o, h, l, c, v]`` and the forming bar."""
    if store is None:
        return [], None
    try:
        win = store.window(pair, min(limit, store.capacity))
        forming = store.forming(pair)
    except (KeyError, StoreError):
        return [], None
    rows = [[float(x) for x in row] for row in win if all(math.isfinite(x) for x in row)]
    form = None
    if forming is not None and all(math.isfinite(x) for x in forming):
        if not rows or forming[0] > rows[-1][0]:
            form = [float(x) for x in forming]
    return rows, form
