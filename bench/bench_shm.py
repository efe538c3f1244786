"""Shared-memory store reads: what a strategy pays to get its bars (and the scorer its book).

Each sample is one call on a warm cache in this process (no contention), so these are
floors: an event-driven reader that wakes up cold pays several times more (see
``/work/shared/notes/latency-floor.md``). The window read always copies and hashes the
whole 512-bar window (about 24 KB) whatever ``n``; see ``shared.bars``.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from bench.common import Row, percentile, time_us
from shared import shm
from shared.bars import BarStore
from shared.books import BookStore

logger = logging.getLogger(__name__)

PAIRS = tuple(f"P{i}/USD" for i in range(8))
REPS = 20_000


@contextmanager
def _stores() -> Iterator[tuple[BarStore, BookStore]]:
    """A writer filling 8 pairs with 512+ bars, a forming bar and a 25-level book; then removed."""
    namespace = f"bench{os.getpid()}"
    shm.remove_namespace(namespace)
    writer = BarStore.create(namespace, PAIRS)
    book_writer = BookStore.create(namespace, PAIRS)
    try:
        rng = np.random.default_rng(1)
        for pair in PAIRS:
            n = 600
            rows = np.column_stack([np.arange(n) * 60.0, *rng.random((5, n))])
            writer.extend(pair, rows)
            writer.set_forming(pair, rows[-1])
            levels = np.column_stack([np.linspace(100, 99, 25), rng.random(25)])
            book_writer.write(pair, levels, levels[::-1] + 1, 1.0)
        reader = BarStore.attach(namespace)
        book_reader = BookStore.attach(namespace)
        try:
            yield reader, book_reader
        finally:
            reader.close()
            book_reader.close()
    finally:
        writer.close()
        book_writer.close()
        shm.remove_namespace(namespace)


def _samples(fn: Callable[[BarStore, BookStore], Callable[[], object]], reps: int) -> list[float]:
    with _stores() as (bars, books):
        return time_us(fn(bars, books), reps)


def window_read_samples(reps: int) -> list[float]:
    """Microseconds per ``store.window(pair, 500)`` (copy + seq + xxh3 check), 8 full pairs."""
    return _samples(lambda bars, books: lambda: bars.window(PAIRS[3], 500), reps)


def run() -> list[Row]:
    """Forming-bar and book reads (the window read is in ``bench_transport``)."""
    forming = _samples(lambda bars, books: lambda: bars.forming(PAIRS[3]), REPS)
    book = _samples(lambda bars, books: lambda: books.read(PAIRS[3]), REPS)
    note = f"{REPS} reps, warm, one process"
    return [
        Row("shm forming-bar read p50", percentile(forming, 50), "us", note),
        Row("shm book read 25 levels p50", percentile(book, 50), "us", note),
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:45s} {row.value:8.2f} {row.unit}  {row.note}")
