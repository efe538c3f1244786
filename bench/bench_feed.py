"""Market data: how fast a WebSocket candle becomes a bar readers see, and start-up time.

Rows:
- ws message -> bar visible in shared memory: raw ``ohlc`` text that closes a bar,
  through the real parser and :class:`MarketFeed` into the BarStore, until a separate
  reader handle sees the new count; 8 pairs round robin. In-process, so the loopback
  WebSocket hop (~0.1-0.2 ms) is not included. Target p99 <= 2 ms.
- start-up: ``make run`` (emulator + feed, a fresh BOT_HOME) until every one of 8
  pairs has 500 closed bars in shared memory. Target <= 10 s.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime

from bench.common import Row, percentile
from bench.instance import running_instance
from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError
from trading.exchange.rest import KrakenREST
from trading.exchange.ws import parse
from trading.marketdata.feed import MarketFeed

PAIRS = ["BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "ADA/USD", "DOT/USD", "LINK/USD", "LTC/USD"]
T0 = 1_790_000_040
BARS = 2_000


def _candle(pair: str, minute: int) -> str:
    begin = datetime.fromtimestamp(T0 + 60 * minute, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")
    item = {"symbol": pair, "open": 100.0, "high": 101.0, "low": 99.0, "close": 100.5,
            "volume": 3.0, "trades": 4, "vwap": 100.2, "interval": 1, "interval_begin": begin,
            "timestamp": begin}
    return json.dumps({"channel": "ohlc", "type": "update", "data": [item]})


def message_to_bar_samples(n_bars: int = BARS) -> list[float]:
    ns = f"fb{os.getpid() % 1000}{uuid.uuid4().hex[:5]}"
    bars, books = BarStore.create(ns, PAIRS), BookStore.create(ns, PAIRS)
    reader = BarStore.attach(ns)
    rest = KrakenREST("http://127.0.0.1:9", timeout_s=0.2, max_attempts=1)
    feed = MarketFeed(PAIRS, 1, rest, bars, books, lambda *a, **k: None, lambda p: None)
    texts = {p: [_candle(p, m) for m in range(n_bars // len(PAIRS) + 1)] for p in PAIRS}
    samples = []
    try:
        for pair in PAIRS:
            feed.on_event(parse(texts[pair][0])[0])
        for minute in range(1, n_bars // len(PAIRS) + 1):
            for pair in PAIRS:
                seen = reader.count(pair)
                t0 = time.perf_counter_ns()
                for event in parse(texts[pair][minute]):
                    feed.on_event(event)
                while reader.count(pair) == seen:
                    pass
                samples.append((time.perf_counter_ns() - t0) / 1000)
        return samples
    finally:
        reader.close()
        bars.close()
        books.close()
        shm.remove_namespace(ns)


def startup_seconds() -> float:
    t0 = time.monotonic()
    with running_instance() as (_, env):
        while time.monotonic() < t0 + 60:
            try:
                store = BarStore.attach(env["BOT__RUNTIME__NAMESPACE"])
            except StoreError:
                time.sleep(0.02)  # polling interval
                continue
            with store:
                if all(len(store.window(p, 500)) >= 500 for p in store.pairs):
                    return time.monotonic() - t0
            time.sleep(0.02)
    return float("nan")


def run() -> list[Row]:
    samples = message_to_bar_samples()
    note = f"in-process parse + MarketFeed + shm, 8 pairs, n={len(samples)}; target p99 <= 2000"
    startup = startup_seconds()
    return [Row("ws ohlc message -> bar in shm p50", percentile(samples, 50), "us", note),
            Row("ws ohlc message -> bar in shm p99", percentile(samples, 99), "us"),
            Row("make run -> 500 bars x 8 pairs in shm", startup, "s", "target <= 10 s")]
