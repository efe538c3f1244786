"""Shared-memory bars and books with hand-computed prices, written through the real stores.

ETH/USD: 70 closed one-minute bars ending just before ``ledger_data.ETH_OPENED`` with close
``50 + 0.1 * i`` (i = 0..69), and a forming bar closing at 55. The scanner's window is the
last 60 bars, whose first close is 51.0, so change = (55 / 51 - 1) * 100 = 7.8431 %. The open
ETH position (2 @ 50) is worth 2 * (55 - 50) = 10 unrealised. Book: bid 54.9, ask 55.1.
The other pairs get the same shape at other levels; BTC/USD has no book.
"""
from __future__ import annotations

import numpy as np

from shared.bars import BarStore
from shared.books import BookStore
from tests.web.ledger_data import ETH_OPENED

N_BARS = 70
LAST_TS = ETH_OPENED // 1000 - 60  # the forming bar starts at ETH_OPENED (seconds)
FIRST_TS = LAST_TS - 60 * (N_BARS - 1)
ETH_PRICE = 55.0


def bars_for(base: float) -> np.ndarray:
    i = np.arange(N_BARS, dtype=np.float64)
    close = base + 0.1 * i
    return np.column_stack([FIRST_TS + 60 * i, close - 0.05, close + 0.2, close - 0.2, close,
                            np.full(N_BARS, 3.0)])


def write(namespace: str, pairs: tuple[str, ...]) -> tuple[BarStore, BookStore]:
    bars = BarStore.create(namespace, pairs)
    books = BookStore.create(namespace, pairs)
    for k, pair in enumerate(pairs):
        base = 50.0 if pair == "ETH/USD" else 100.0 * (k + 1)
        bars.extend(pair, bars_for(base))
        close = ETH_PRICE if pair == "ETH/USD" else base
        bars.set_forming(pair, [LAST_TS + 60, close, close, close, close, 1.0])
        if pair != "BTC/USD":
            books.write(pair, [[close - 0.1, 1.0], [close - 0.2, 2.0]], [[close + 0.1, 1.5]],
                        float(LAST_TS + 61))
    return bars, books
