"""MarketFeed over real shared-memory stores: what reaches shared memory is always sane.

The feed's REST side points at a closed port (Kraken unreachable), so every gap backfill
fails the way it does in production; the WebSocket side is raw text through the real
parser, as the WebSocket thread delivers it.
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from trading.exchange.rest import KrakenREST
from trading.exchange.ws import BadWsMessage, parse
from trading.marketdata.feed import MarketFeed

PAIRS = ["BTC/USD", "ETH/USD"]
T0 = 1_790_000_040  # a minute boundary


def stamp(ts: float) -> str:
    from datetime import UTC, datetime
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


class Harness:
    def __init__(self) -> None:
        self.ns = f"f{os.getpid() % 1000}{uuid.uuid4().hex[:6]}"
        self.bars = BarStore.create(self.ns, PAIRS, 64)
        self.books = BookStore.create(self.ns, PAIRS, 10)
        self.events: list[tuple] = []
        self.resubscribed: list[str] = []
        rest = KrakenREST("http://127.0.0.1:9", timeout_s=0.2, max_attempts=1)
        self.feed = MarketFeed(PAIRS, 1, rest, self.bars, self.books,
                               lambda *a, **k: self.events.append((a, k)),
                               self.resubscribed.append)

    def send(self, text: str) -> None:
        try:
            events = parse(text)
        except BadWsMessage:
            return
        for event in events:
            self.feed.on_event(event)

    def close(self) -> None:
        self.bars.close()
        self.books.close()
        shm.remove_namespace(self.ns)


@pytest.fixture
def harness() -> Iterator[Harness]:
    h = Harness()
    yield h
    h.close()


def candle(pair: str, minute: int, o: float, h: float, low: float, c: float, v: float) -> str:
    item = {"symbol": pair, "open": o, "high": h, "low": low, "close": c, "volume": v,
            "trades": 1, "vwap": c, "interval": 1, "interval_begin": stamp(T0 + 60 * minute),
            "timestamp": stamp(T0 + 60 * minute + 60)}
    return json.dumps({"channel": "ohlc", "type": "update", "data": [item]})


def test_a_new_interval_closes_the_bar_and_announces_it(harness: Harness) -> None:
    harness.send(candle("BTC/USD", 0, 10, 12, 9, 11, 1))
    harness.send(candle("BTC/USD", 0, 10, 13, 9, 12, 2))   # same interval: replaces
    assert harness.bars.count("BTC/USD") == 0
    assert harness.bars.forming("BTC/USD")[2] == 13
    harness.send(candle("BTC/USD", 1, 12, 12, 11, 11, 1))  # next interval: closes minute 0
    assert harness.bars.window("BTC/USD", 5).tolist() == [[T0, 10, 13, 9, 12, 2]]
    assert [a for a, _ in harness.events] == [("bar", "BTC/USD")]
    harness.send(candle("BTC/USD", 0, 1, 1, 1, 1, 1))      # out of order: dropped
    assert harness.bars.count("BTC/USD") == 1


def test_a_book_that_fails_its_checksum_never_reaches_shared_memory(harness: Harness) -> None:
    book = {"symbol": "ETH/USD", "bids": [{"price": 100.5, "qty": 1.0}],
            "asks": [{"price": 101.5, "qty": 2.0}], "checksum": 12345,
            "timestamp": stamp(T0)}
    harness.send(json.dumps({"channel": "book", "type": "snapshot", "data": [book]}))
    assert harness.books.read("ETH/USD") is None
    assert harness.resubscribed == ["ETH/USD"]


finite = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False)
any_float = st.one_of(finite, st.floats(), st.sampled_from([0.0, -1.0, float("nan")]))
candles = st.builds(candle, st.sampled_from(PAIRS + ["DOGE/USD"]), st.integers(-3, 12),
                    any_float, any_float, any_float, any_float, any_float)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=st.lists(st.one_of(candles, st.text(max_size=40)), max_size=40))
def test_random_streams_never_put_a_bad_bar_in_shared_memory(stream: list[str]) -> None:
    h = Harness()
    try:
        for text in stream:
            h.send(text)
        for pair in PAIRS:
            bars = h.bars.window(pair, 64)
            assert np.all(np.diff(bars[:, 0]) > 0)               # no duplicate, no disorder
            assert np.all(np.isfinite(bars)) and np.all(bars[:, 1:5] > 0)
            assert np.all(bars[:, 2] >= np.maximum(bars[:, 1], bars[:, 4]))
            assert np.all(bars[:, 3] <= np.minimum(bars[:, 1], bars[:, 4]))
            assert np.all(bars[:, 5] >= 0)
    finally:
        h.close()
