"""The simulated market: closed bars, the forming bar and the clock that reveals it.

Semantics:
- Market time runs ``interval_s`` (``60 * timeframe_minutes``) seconds per ``bar_seconds`` real
  seconds (:class:`SimClock`). The first forming bar begins at the current real time rounded
  down to the interval; ``history_bars`` closed bars precede it, contiguous and aligned.
- Each bar is drawn whole by :class:`~trading.exchange.sim.pricepath.PricePath` as
  ``SUBSTEPS`` trades and revealed progressively: at a fraction ``f`` of the interval the
  forming bar aggregates the first ``1 + floor(f * SUBSTEPS)`` trades, so it is complete just
  before the next ``interval_begin``. :meth:`Market.advance` closes bars and reports what
  changed, including the trade prices revealed (the matching engine fills resting limits
  against them).
- Bar values depend only on the seed and the bar index, never on timing: the same seed gives
  the same history and the same later bars.

Caveats: market time is ahead of the wall clock whenever ``bar_seconds`` is below the interval,
and a restarted emulator starts again from "now" with a fresh history (a client sees time go
back). If the loop stalls for several bars, they are all drawn, but only the last
``MAX_PUBLISHED_CLOSES`` closed bars are reported as changes.
"""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from trading.exchange.sim.pairs import PairInfo
from trading.exchange.sim.pricepath import SUBSTEPS, BarPath, PricePath

MAX_PUBLISHED_CLOSES = 3
MIN_KEPT_BARS = 720


class Bar(NamedTuple):
    ts: int          # interval begin, unix seconds
    open: float
    high: float
    low: float
    close: float
    vwap: float
    volume: float
    trades: int


def aggregate(ts: int, path: BarPath, revealed: int = SUBSTEPS) -> Bar:
    """The bar made of the first ``revealed`` trades of ``path``."""
    prices, volumes = path.prices[:revealed], path.volumes[:revealed]
    volume = sum(volumes)
    vwap = sum(p * v for p, v in zip(prices, volumes)) / volume if volume > 0 else prices[-1]
    high, low = max(path.open, *prices), min(path.open, *prices)
    return Bar(ts, path.open, high, low, prices[-1], min(high, max(low, vwap)), volume,
               sum(path.trades[:revealed]))


class SimClock:
    """Maps real monotonic time to market time (``bar_seconds`` real seconds per bar)."""

    def __init__(self, start_ts: int, interval_s: int, bar_seconds: float, t0: float) -> None:
        self.start_ts, self.interval_s = start_ts, interval_s
        self.bar_seconds, self.t0 = bar_seconds, t0

    def sim_time(self, now: float) -> float:
        return self.start_ts + max(0.0, now - self.t0) / self.bar_seconds * self.interval_s


@dataclass
class Change:
    """What one :meth:`Market.advance` changed for one pair."""

    symbol: str
    bars: list[Bar] = field(default_factory=list)      # closed bars' final state, then forming
    prices: list[float] = field(default_factory=list)  # trades revealed, in order


@dataclass
class _Forming:
    ts: int
    path: BarPath
    revealed: int = 1


class PairMarket:
    """One pair's bars."""

    def __init__(self, info: PairInfo, seed: int, timeframe_minutes: int, history_bars: int,
                 start_ts: int) -> None:
        self.info = info
        self.interval_s = 60 * timeframe_minutes
        self.process = PricePath(info.symbol, seed, info.start_price, info.bar_sigma,
                                 info.bar_volume, timeframe_minutes)
        self.closed: deque[Bar] = deque(maxlen=max(history_bars, MIN_KEPT_BARS))
        first = start_ts - history_bars * self.interval_s
        for i in range(history_bars):
            self.closed.append(aggregate(first + i * self.interval_s, self.process.next_bar()))
        self.forming = _Forming(start_ts, self.process.next_bar())

    def current(self) -> Bar:
        return aggregate(self.forming.ts, self.forming.path, self.forming.revealed)

    @property
    def last_price(self) -> float:
        return self.forming.path.prices[self.forming.revealed - 1]

    def advance(self, sim_t: float) -> Change:
        change = Change(self.info.symbol)
        while sim_t >= self.forming.ts + self.interval_s:
            form = self.forming
            change.prices.extend(form.path.prices[form.revealed:])
            if form.revealed < SUBSTEPS:
                change.bars.append(aggregate(form.ts, form.path))
            self.closed.append(aggregate(form.ts, form.path))
            self.forming = _Forming(form.ts + self.interval_s, self.process.next_bar(), 0)
        change.bars = change.bars[-MAX_PUBLISHED_CLOSES:]
        frac = (sim_t - self.forming.ts) / self.interval_s
        target = min(SUBSTEPS, 1 + math.floor(frac * SUBSTEPS))
        if target > self.forming.revealed:
            change.prices.extend(self.forming.path.prices[self.forming.revealed:target])
            self.forming.revealed = target
            change.bars.append(self.current())
        return change


class Market:
    """All configured pairs' bars, advanced together by :meth:`advance`."""

    def __init__(self, pairs: Iterable[PairInfo], seed: int, timeframe_minutes: int,
                 history_bars: int, now_s: float) -> None:
        self.interval_s = 60 * timeframe_minutes
        self.start_ts = int(now_s // self.interval_s * self.interval_s)
        self.pairs = {p.symbol: PairMarket(p, seed, timeframe_minutes, history_bars,
                                           self.start_ts) for p in pairs}

    def advance(self, sim_t: float) -> list[Change]:
        """Reveal trades up to market time ``sim_t``; the pairs whose bars changed."""
        changes = [pm.advance(sim_t) for pm in self.pairs.values()]
        return [c for c in changes if c.bars or c.prices]

    def closed(self, symbol: str) -> list[Bar]:
        return list(self.pairs[symbol].closed)

    def current(self, symbol: str) -> Bar:
        return self.pairs[symbol].current()

    def last_price(self, symbol: str) -> float:
        return self.pairs[symbol].last_price

    def activity(self, symbol: str) -> float:
        return self.pairs[symbol].process.activity

    def regime(self, symbol: str) -> str:
        return self.pairs[symbol].process.regime

    def lean(self, symbol: str) -> float:
        return self.pairs[symbol].process.lean

    def force_regime(self, symbol: str, regime: str) -> None:
        self.pairs[symbol].process.force(regime)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per pair: how often each regime and volume burst started."""
        return {s: dict(pm.process.counts) for s, pm in self.pairs.items()}
