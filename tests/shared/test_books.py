"""shared.books.BookStore in one process."""
from __future__ import annotations

import numpy as np
import pytest

from shared.bars import BarStore
from shared.books import Book, BookStore
from shared.errors import ReadOnlyStore
from tests.shared.helpers import PAIRS, book_for, book_ok

A, B = PAIRS


def test_round_trip(ns: str) -> None:
    writer = BookStore.create(ns, PAIRS)
    reader = BookStore.attach(ns)
    assert reader.pairs == [A, B] and reader.depth == 25
    assert reader.read(A) is None
    bids = np.array([[100.0, 1.5], [99.5, 2.0], [99.0, 0.25]])
    asks = np.array([[100.5, 3.0]])
    writer.write(A, bids, asks, ts=1700000000.25)
    book = reader.read(A)
    assert isinstance(book, Book)
    np.testing.assert_array_equal(book.bids, bids)
    np.testing.assert_array_equal(book.asks, asks)
    assert book.ts == 1700000000.25
    assert book.bids.shape == (3, 2) and book.asks.shape == (1, 2)
    assert reader.read(B) is None
    for m in (24, 25, 0, 7):  # full depth, one level, and shrinking books
        writer.write(A, *book_for(m))
        assert book_ok(reader.read(A)) and reader.read(A).ts == m
    reader.close()
    writer.close()


def test_empty_sides_and_limits(ns: str) -> None:
    writer = BookStore.create(ns, PAIRS, depth=3)
    writer.write(A, [], np.empty((0, 2)), ts=5.0)
    book = writer.read(A)
    assert book is not None and book.bids.shape == (0, 2) and book.asks.shape == (0, 2)
    with pytest.raises(ValueError, match="k <= 3"):
        writer.write(A, np.ones((4, 2)), [], ts=1.0)
    with pytest.raises(ValueError, match="asks must have shape"):
        writer.write(A, [], np.ones((2, 3)), ts=1.0)
    with pytest.raises(KeyError, match="not in book store"):
        writer.write("ZZZ/USD", [], [], ts=1.0)
    assert writer.read(A).ts == 5.0
    writer.close()


def test_read_only_and_private_copies(ns: str) -> None:
    writer = BookStore.create(ns, PAIRS)
    reader = BookStore.attach(ns)
    writer.write(A, *book_for(3))
    with pytest.raises(ReadOnlyStore):
        reader.write(A, *book_for(4))
    book = reader.read(A)
    book.bids[:] = -1
    assert book_ok(reader.read(A))
    reader.close()
    writer.close()


def test_books_and_bars_share_a_namespace(ns: str) -> None:
    bars = BarStore.create(ns, PAIRS)
    books = BookStore.create(ns, PAIRS[:1], depth=10)
    assert bars.name == f"bot.{ns}.bars" and books.name == f"bot.{ns}.books"
    books.write(A, *book_for(4, 10))
    with BookStore.attach(ns) as reader:
        assert book_ok(reader.read(A), 10)
    assert BookStore.remove(ns) is True
    with BarStore.attach(ns) as reader:
        assert reader.pairs == [A, B]
    books.close()
    bars.close()
