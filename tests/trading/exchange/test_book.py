"""OrderBook against Kraken's docs: the worked checksum example and the MATIC book samples."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest

from tests.trading.exchange.conftest import fixture_text
from trading.exchange import book_checksum, ws
from trading.exchange.book import OrderBook
from trading.exchange.ws import BookMsg

D = Decimal


def msg(name: str) -> BookMsg:
    (event,) = ws.parse(fixture_text(name))
    assert isinstance(event, BookMsg)
    return event


def update(bids: tuple[tuple[str, str], ...] = (), asks: tuple[tuple[str, str], ...] = (),
           checksum: int = 0) -> BookMsg:
    return BookMsg("BTC/USD", "update", [(D(p), D(q)) for p, q in bids],
                   [(D(p), D(q)) for p, q in asks], checksum, None)


def test_docs_worked_example_snapshot() -> None:
    book = OrderBook(depth=10)
    assert book.apply(msg("ws_book_checksum_example.json"))
    assert book.valid
    assert book.bids()[0] == (D("45283.5"), D("0.10000000"))
    assert book.asks()[0] == (D("45285.2"), D("0.00100000"))


@pytest.mark.parametrize("depth", [10, 25])
def test_docs_matic_snapshot_then_update(depth: int) -> None:
    book = OrderBook(depth=depth, pair="MATIC/USD")
    assert book.apply(msg("ws_book_snapshot_matic_wire.json"))      # checksum 2439117997
    assert book.apply(msg("ws_book_update_matic_wire.json"))        # checksum 2114181697
    assert book.bids()[-1] == (D("0.5657"), D("1098.39475580"))


def test_docs_page_numbers_without_trailing_zeros_fail_the_checksum() -> None:
    # The docs page prints 0.566 for 0.5660: exactly the precision loss to avoid.
    assert not OrderBook(depth=10).apply(msg("ws_book_snapshot_matic.json"))


def test_pair_precision_pads_trimmed_numbers() -> None:
    # MATIC/USD: price 4, qty 8 decimals. The docs' own (trimmed) samples then match.
    book = OrderBook(depth=10, price_decimals=4, qty_decimals=8)
    assert book.apply(msg("ws_book_snapshot_matic.json"))
    assert book.apply(msg("ws_book_update_matic.json"))
    assert book.bids()[-1] == (D("0.5657"), D("1098.39475580"))
    assert str(book.bids()[-1][1]) == "1098.39475580"
    # padding never rounds: the worked BTC example (already full precision) still matches
    assert OrderBook(depth=10, price_decimals=1, qty_decimals=8).apply(
        msg("ws_book_checksum_example.json"))


def test_mismatch_invalidates_until_next_snapshot() -> None:
    book = OrderBook(depth=10)
    snap = msg("ws_book_checksum_example.json")
    assert book.apply(snap)
    assert not book.apply(update(bids=(("45283.5", "1.0"),), checksum=1))
    assert not book.valid and book.mismatches == 1
    # even a "matching" update is ignored while invalid
    assert not book.apply(dataclasses.replace(snap, kind="update", bids=[], asks=[]))
    assert book.apply(snap) and book.valid


def test_update_applies_all_levels_deletes_and_truncates() -> None:
    snap = msg("ws_book_checksum_example.json")
    book = OrderBook(depth=10)
    book.apply(snap)
    # Insert a better bid (pushes the worst of 10 out: truncation) and delete the best ask.
    new_bids = [(D("45284.0"), D("2.00000000"))]
    gone_ask = [(D("45285.2"), D("0"))]
    bids = sorted(snap.bids + new_bids, reverse=True)[:10]
    asks = sorted(snap.asks)[1:]
    expected = book_checksum(asks, bids)  # pinned by test_checksum's published vectors
    assert book.apply(dataclasses.replace(snap, kind="update", bids=new_bids, asks=gone_ask,
                                          checksum=expected))
    assert book.bids() == bids and book.asks() == asks
    assert len(book.bids()) == 10 and (D("45276.6"), D("0.15445238")) not in book.bids()


def test_multiple_updates_to_one_level_in_one_message_apply_in_order() -> None:
    book = OrderBook(depth=10)
    snap = msg("ws_book_checksum_example.json")
    book.apply(snap)
    levels = [(D("45283.5"), D("5.0")), (D("45283.5"), D("0.10000000"))]  # back to the original
    assert book.apply(dataclasses.replace(snap, kind="update", bids=levels, asks=[]))


def test_update_before_any_snapshot_is_ignored() -> None:
    assert not OrderBook().apply(update(bids=(("1", "1"),)))


def test_arrays_best_first_and_crossed() -> None:
    book = OrderBook(depth=10)
    book.apply(msg("ws_book_checksum_example.json"))
    bids, asks = book.to_arrays()
    assert bids.shape == (10, 2) and asks.shape == (10, 2) and bids.dtype == np.float64
    assert bids[0, 0] == 45283.5 and asks[0, 0] == 45285.2
    assert (np.diff(bids[:, 0]) < 0).all() and (np.diff(asks[:, 0]) > 0).all()
    assert not book.crossed()
    book.invalidate()
    assert not book.valid
    empty_bids, empty_asks = OrderBook().to_arrays()
    assert empty_bids.shape == (0, 2) and empty_asks.shape == (0, 2)
