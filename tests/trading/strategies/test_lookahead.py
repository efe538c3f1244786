"""No look-ahead, for every strategy: freqtrade's lookahead/recursive analysis as a test.

On an 800-bar regime random walk the signal at every bar ``t`` is computed three ways, and
all three must be identical (side, strength, stop, reasons, bar_ts):

1. *full series*: the whole series exists; the scanner's window of the last ``W`` bars
   ending at ``t`` is sliced out of it (``full[t-W+1:t+1]``);
2. *bar by bar*: the bars arrive one at a time from the generator into a mirrored ring,
   as the feed writes them into shared memory, and the window is read after each arrival;
   bar ``t + 1`` does not exist yet when ``t`` is evaluated;
3. *rewritten future*: everything after ``t`` is replaced by random junk (NaN, zeros,
   huge prices, time running backwards) before the window ending at ``t`` is taken.

Each view uses its own strategy instances and the third runs the bars in shuffled order,
so a strategy that kept anything between calls would show up. The series is asserted to
make every strategy fire, both ways, a few times; otherwise the test would prove little.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from config.schema import Strategies
from tests.trading.strategies.builders import regime_stream, regime_walk
from trading.strategies import Signal, build_strategies, evaluate_all
from trading.strategies.signal import Side

N = 800
W = 500  # scanner.window_bars
SEED = 1
NAMES = [s.name for s in build_strategies(Strategies())]


def window(bars: np.ndarray, t: int, w: int = W) -> np.ndarray:
    return bars[max(0, t - w + 1):t + 1]


class Ring:
    """A mirrored ring like the BarStore's: each bar written at i and i + capacity, so the
    last ``n`` bars are always one contiguous slice."""

    def __init__(self, capacity: int) -> None:
        self.buf = np.full((2 * capacity, 6), np.nan)
        self.capacity = capacity
        self.count = 0

    def append(self, row: np.ndarray) -> None:
        i = self.count % self.capacity
        self.buf[i] = self.buf[i + self.capacity] = row
        self.count += 1

    def window(self, n: int) -> np.ndarray:
        n = min(n, self.count)
        end = (self.count - 1) % self.capacity + self.capacity + 1
        return self.buf[end - n:end].copy()


@pytest.fixture(scope="module")
def full() -> np.ndarray:
    bars = regime_walk(N, SEED)
    bars.flags.writeable = False
    return bars


@pytest.fixture(scope="module")
def reference(full: np.ndarray) -> dict[str, list[Signal]]:
    """View 1: every strategy at every bar, windows sliced from the full series."""
    strategies = build_strategies(Strategies())
    per_bar = [evaluate_all(strategies, window(full, t)) for t in range(N)]
    return {name: [sigs[i] for sigs in per_bar] for i, name in enumerate(NAMES)}


def test_every_strategy_fires_both_ways_on_the_series(reference: dict[str, list[Signal]]
                                                      ) -> None:
    for name, signals in reference.items():
        longs = sum(s.side == Side.LONG for s in signals)
        shorts = sum(s.side == Side.SHORT for s in signals)
        assert longs >= 2 and shorts >= 2 and longs + shorts >= 5, (name, longs, shorts)


@pytest.mark.parametrize("name", NAMES)
def test_bar_by_bar_equals_full_series(name: str, reference: dict[str, list[Signal]]) -> None:
    strategy = next(s for s in build_strategies(Strategies()) if s.name == name)
    ring = Ring(512)
    for t, row in enumerate(itertools.islice(regime_stream(SEED), N)):
        ring.append(row)
        assert strategy.evaluate(ring.window(W)) == reference[name][t], t


@pytest.mark.parametrize("name", NAMES)
def test_rewriting_the_future_changes_nothing(name: str, full: np.ndarray,
                                              reference: dict[str, list[Signal]]) -> None:
    strategy = next(s for s in build_strategies(Strategies()) if s.name == name)
    rng = np.random.default_rng(7)
    junk = np.array([np.nan, 0.0, -1.0, 1e12, 1e-12])
    for t in rng.permutation(N):
        future = full.copy()
        k = N - t - 1
        future[t + 1:] = rng.uniform(-1e6, 1e6, (k, 6)) * rng.choice(junk, (k, 6))
        assert strategy.evaluate(window(future, t)) == reference[name][t], t


@pytest.mark.parametrize("name", NAMES)
def test_signals_are_well_formed(name: str, full: np.ndarray,
                                 reference: dict[str, list[Signal]]) -> None:
    for t, sig in enumerate(reference[name]):
        close = full[t, 4]
        assert sig.strategy == name and sig.bar_ts == full[t, 0] and sig.reasons
        if sig.side == Side.LONG:
            assert sig.stop is not None and sig.stop < close and 0.5 <= sig.strength <= 1.0
        elif sig.side == Side.SHORT:
            assert sig.stop is not None and sig.stop > close and 0.5 <= sig.strength <= 1.0


@pytest.mark.parametrize("name", NAMES)
def test_signals_do_not_depend_on_the_startup_window(name: str, full: np.ndarray,
                                                     reference: dict[str, list[Signal]]) -> None:
    """Recursive indicators (EMA, RSI, ATR, ADX) are seeded at the window's first bar; with
    the scanner's 500 bars that seed no longer matters: 250 bars give the same decisions."""
    strategy = next(s for s in build_strategies(Strategies()) if s.name == name)
    for t in range(W - 1, N):
        short, long_ = strategy.evaluate(window(full, t, 250)), reference[name][t]
        assert short.side == long_.side, t
        assert short.strength == pytest.approx(long_.strength, abs=2e-3)
        if long_.stop is not None:
            assert short.stop == pytest.approx(long_.stop, rel=1e-6)
