"""The simulated market: deterministic history, aligned bars, OHLC invariants, regimes."""
from __future__ import annotations

import pytest

from trading.exchange.sim.market import Bar, Market
from trading.exchange.sim.pairs import PairTable
from trading.exchange.sim.pricepath import BREAKOUT, CRASH, RANGE, SUBSTEPS, TREND_DOWN, TREND_UP

PAIRS = PairTable(["BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "ADA/USD", "DOT/USD",
                   "LINK/USD", "LTC/USD", "FOO/USD"])
NOW = 1_700_000_123.4


def values(bars: list[Bar]) -> list[tuple[float, ...]]:
    return [tuple(b)[1:] for b in bars]


def check_ohlc(bar: Bar) -> None:
    assert bar.low <= bar.open <= bar.high
    assert bar.low <= bar.close <= bar.high
    assert bar.low <= bar.vwap <= bar.high
    assert bar.volume >= 0 and bar.trades >= 1
    assert bar.low > 0


def test_same_seed_same_history_other_seed_differs() -> None:
    a = Market(PAIRS, 42, 1, 800, NOW)
    b = Market(PAIRS, 42, 1, 800, NOW + 86_400 * 3)  # another start time: same values
    c = Market(PAIRS, 43, 1, 800, NOW)
    for info in PAIRS:
        assert values(a.closed(info.symbol)) == values(b.closed(info.symbol))
        assert values(a.closed(info.symbol)) != values(c.closed(info.symbol))


@pytest.mark.parametrize("tf", [1, 5, 60])
def test_history_is_aligned_contiguous_and_ends_at_the_forming_bar(tf: int) -> None:
    market = Market(PAIRS, 7, tf, 720, NOW)
    step = 60 * tf
    assert market.start_ts % step == 0 and market.start_ts <= NOW < market.start_ts + step
    for info in PAIRS:
        bars = market.closed(info.symbol)
        assert len(bars) == 720
        assert all(b.ts % step == 0 for b in bars)
        assert [b2.ts - b1.ts for b1, b2 in zip(bars, bars[1:])] == [step] * 719
        assert market.current(info.symbol).ts == bars[-1].ts + step == market.start_ts
        for bar in bars:
            check_ohlc(bar)


def test_prices_start_realistic_per_pair() -> None:
    market = Market(PAIRS, 42, 1, 720, NOW)
    for info in PAIRS:
        first = market.closed(info.symbol)[0]
        assert first.open == pytest.approx(info.start_price)
        assert 0.5 < market.last_price(info.symbol) / info.start_price < 2.0


def test_forming_bar_is_revealed_in_steps_then_closed() -> None:
    market = Market(PAIRS, 42, 1, 720, NOW)
    symbol, start = "BTC/USD", market.start_ts
    seen: list[Bar] = []
    for k in range(1, 3 * SUBSTEPS):
        for change in market.advance(start + k * 60 / SUBSTEPS + 0.001):
            if change.symbol == symbol:
                seen.extend(change.bars)
    begins = sorted({b.ts for b in seen})
    assert begins == [start, start + 60, start + 120]
    first = [b for b in seen if b.ts == start]
    assert len(first) == SUBSTEPS - 1  # updates replace the forming bar
    assert first[-1] == market.closed(symbol)[-2]  # its last update is its final state
    assert [b.volume for b in first] == sorted(b.volume for b in first)
    for bar in seen:
        check_ohlc(bar)


def test_advance_reports_revealed_trade_prices_and_catches_up() -> None:
    market = Market(PAIRS, 42, 1, 720, NOW)
    change = {c.symbol: c for c in market.advance(market.start_ts + 60 * 50 + 1)}["ETH/USD"]
    assert len(change.prices) == 50 * SUBSTEPS
    assert len(change.bars) <= 4
    assert len(market.closed("ETH/USD")) == 720  # ring keeps its size
    assert market.current("ETH/USD").ts == market.start_ts + 60 * 50


def test_regimes_and_volume_bursts_occur_over_a_long_run() -> None:
    market = Market([PAIRS.pairs["SOL/USD"]], 3, 1, 20_000, NOW)
    counts = market.counts()["SOL/USD"]
    for name in (RANGE, TREND_UP, TREND_DOWN, BREAKOUT, CRASH, "volume_burst"):
        assert counts.get(name, 0) >= 1, (name, counts)
    bars = market.closed("SOL/USD")
    for bar in bars:
        check_ohlc(bar)
    assert 0.3 < bars[-1].close / bars[0].open < 3.0  # stays in a realistic band
    volumes = sorted(b.volume for b in bars)
    assert volumes[-len(volumes) // 100] > 4 * volumes[len(volumes) // 2]  # bursts are visible
