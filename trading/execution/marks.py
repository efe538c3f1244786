"""Marks: the price the executor values a position at and checks its stop against.

The book's mid from shared memory while the snapshot is fresh (``BOOK_MAX_AGE_S`` by the
snapshot's own ts against the wall clock), else the last closed bar's close, else None.
Reads are lock-free and verified by the stores (a torn read is retried there).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError

BOOK_MAX_AGE_S = 30.0


class Marks:
    def __init__(self, bars: BarStore, books: BookStore,
                 wall: Callable[[], float] = time.time) -> None:
        self.bars, self.books, self.wall = bars, books, wall

    def __call__(self, pair: str) -> float | None:
        try:
            book = self.books.read(pair)
            if book is not None and len(book.bids) and len(book.asks) \
                    and self.wall() - book.ts <= BOOK_MAX_AGE_S:
                return float(book.bids[0, 0] + book.asks[0, 0]) / 2.0
            window = self.bars.window(pair, 1)
        except (StoreError, KeyError):
            return None
        return float(window[-1, 4]) if len(window) else None
