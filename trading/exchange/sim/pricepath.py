"""One pair's seeded price process, generated one bar (as ``SUBSTEPS`` trades) at a time.

Model, per bar:
- **Volatility clustering**: GARCH(1,1) on the bar innovation,
  ``h = omega + alpha * eps**2 + beta * h`` with long-run std ``bar_sigma * sqrt(tf)``;
  innovations are Gaussian with rare 2.5-4x jumps (fat tails).
- **Regimes** (a Markov chain with random durations): ``range`` (pulled back to the price
  where it started), ``trend_up`` / ``trend_down`` (steady drift), ``breakout`` (short, strong
  drift, high volatility and volume) and ``crash`` (a few bars of heavy selling, 3x volatility,
  4x volume; always followed by ``range``). A weak pull towards the pair's starting price keeps
  very long runs in a realistic band.
- **Volume**: base volume x regime x ``|innovation|`` x log-normal noise, with random
  **bursts** (3-8x for 2-8 bars).
- Inside the bar, the path is a Brownian bridge from the open to the bar's close over
  ``SUBSTEPS`` trades; volume and trade counts are split across them at random.

Everything comes from one ``random.Random`` seeded with ``"<seed>:<symbol>:market"``, so the
same seed gives the same bars on every platform and Python version (3.11+).
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

SUBSTEPS = 12

RANGE, TREND_UP, TREND_DOWN = "range", "trend_up", "trend_down"
BREAKOUT, CRASH, RALLY = "breakout", "crash", "rally"
#: regime -> (drift in units of sigma per bar, vol multiplier, volume multiplier,
#:            duration range in bars, weight when picking the next regime)
REGIMES: dict[str, tuple[float, float, float, tuple[int, int], float]] = {
    RANGE: (0.0, 0.8, 0.8, (30, 180), 0.45),
    TREND_UP: (0.15, 1.0, 1.1, (40, 240), 0.20),
    TREND_DOWN: (-0.15, 1.0, 1.1, (40, 240), 0.20),
    BREAKOUT: (0.8, 1.8, 2.5, (5, 20), 0.12),
    CRASH: (-2.0, 3.0, 4.0, (3, 12), 0.03),
    RALLY: (1.5, 0.6, 4.0, (5, 15), 0.0),   # a clean, steep rise: only ever forced (tests)
}
#: How the resting book leans with the regime (-1..1, + = fuller bids): order flow follows
#: the drift, so a trend's book tilts its way and a range's stays balanced.
LEAN = {RANGE: 0.0, TREND_UP: 0.4, TREND_DOWN: -0.4, BREAKOUT: 0.5, CRASH: -0.5, RALLY: 0.8}
FORCED_BARS = 1_000_000
_ALPHA, _BETA, _MAX_H = 0.06, 0.92, 16.0
_RANGE_PULL, _HOME_PULL = 0.05, 0.0005
_JUMP_P, _BURST_P = 0.015, 0.012


@dataclass(frozen=True)
class BarPath:
    """The trades of one bar: ``prices[i]``, ``volumes[i]`` and ``trades[i]`` per substep."""

    open: float
    prices: tuple[float, ...]
    volumes: tuple[float, ...]
    trades: tuple[int, ...]


class PricePath:
    """The state of one pair's process; :meth:`next_bar` draws the next bar."""

    def __init__(self, symbol: str, seed: int, start_price: float, bar_sigma: float,
                 bar_volume: float, timeframe_minutes: int) -> None:
        self.rng = random.Random(f"{seed}:{symbol}:market")
        self.sigma0 = bar_sigma * math.sqrt(timeframe_minutes)
        self.volume0 = bar_volume * timeframe_minutes
        self.home = start_price
        self.price = start_price
        self.h = self.sigma0 ** 2
        self.eps = 0.0
        self.regime, self.regime_left, self.anchor, self.direction = RANGE, 60, start_price, 1
        self.burst_left, self.burst_mult = 0, 1.0
        self.counts: Counter[str] = Counter({RANGE: 1})

    # -- regime and volume state ------------------------------------------------------------
    def _next_regime(self) -> None:
        if self.regime == CRASH:
            name = RANGE
        else:
            names = list(REGIMES)
            name = self.rng.choices(names, weights=[REGIMES[n][4] for n in names])[0]
        lo, hi = REGIMES[name][3]
        self.regime, self.regime_left = name, self.rng.randint(lo, hi)
        self.anchor, self.direction = self.price, self.rng.choice((-1, 1))
        self.counts[name] += 1

    def force(self, regime: str) -> None:
        """Stay in ``regime`` from the next bar on (a test hook: ``/_sim/fault`` ``regime``);
        a breakout is upwards."""
        if regime not in REGIMES:
            raise ValueError(f"unknown regime {regime!r}")
        self.regime, self.regime_left, self.anchor, self.direction = (
            regime, FORCED_BARS, self.price, 1)
        self.counts[regime] += 1

    @property
    def lean(self) -> float:
        """The book's tilt for the current regime (see :data:`LEAN`)."""
        lean = LEAN[self.regime]
        return lean * self.direction if self.regime == BREAKOUT else lean

    def _step_state(self) -> None:
        self.regime_left -= 1
        if self.regime_left <= 0:
            self._next_regime()
        if self.burst_left > 0:
            self.burst_left -= 1
        elif self.rng.random() < _BURST_P:
            self.burst_left, self.burst_mult = self.rng.randint(2, 8), self.rng.uniform(3.0, 8.0)
            self.counts["volume_burst"] += 1

    @property
    def activity(self) -> float:
        """How busy the market is now (1 = normal): regime volume x burst."""
        return REGIMES[self.regime][2] * (self.burst_mult if self.burst_left > 0 else 1.0)

    # -- one bar ----------------------------------------------------------------------------
    def _drift(self) -> float:
        drift, _, _, _, _ = REGIMES[self.regime]
        if self.regime == BREAKOUT:
            drift *= self.direction
        mu = drift * self.sigma0 - _HOME_PULL * math.log(self.price / self.home)
        if self.regime == RANGE:
            mu -= _RANGE_PULL * math.log(self.price / self.anchor)
        return mu

    def _innovation(self) -> float:
        self.h = min(self.sigma0 ** 2 * (1 - _ALPHA - _BETA) + _ALPHA * self.eps ** 2
                     + _BETA * self.h, _MAX_H * self.sigma0 ** 2)
        z = self.rng.gauss(0.0, 1.0)
        if self.rng.random() < _JUMP_P:
            z *= self.rng.uniform(2.5, 4.0)
        self.eps = math.sqrt(self.h) * REGIMES[self.regime][1] * z
        return z

    def _bridge(self, total: float, sigma: float) -> list[float]:
        step = sigma / math.sqrt(SUBSTEPS)
        cum, acc = [], 0.0
        for _ in range(SUBSTEPS):
            acc += self.rng.gauss(0.0, step)
            cum.append(acc)
        return [c + (k + 1) / SUBSTEPS * (total - acc) for k, c in enumerate(cum)]

    def _split(self, total: float) -> list[float]:
        weights = [self.rng.expovariate(1.0) for _ in range(SUBSTEPS)]
        scale = total / sum(weights)
        return [w * scale for w in weights]

    def next_bar(self) -> BarPath:
        """Draw the next bar's trades and advance the process to its close."""
        self._step_state()
        mu, z = self._drift(), self._innovation()
        sigma = math.sqrt(self.h) * REGIMES[self.regime][1]
        total = mu + self.eps
        open_ = self.price
        prices = tuple(open_ * math.exp(x) for x in self._bridge(total, sigma))
        volume = (self.volume0 * self.activity * (0.6 + 0.6 * abs(z))
                  * self.rng.lognormvariate(0.0, 0.3))
        volumes = self._split(volume)
        n_trades = max(SUBSTEPS, round(25 * volume / self.volume0 * self.rng.uniform(0.7, 1.3)))
        trades = tuple(max(1, round(v / volume * n_trades)) for v in volumes)
        self.price = prices[-1]
        return BarPath(open=open_, prices=prices, volumes=tuple(volumes), trades=trades)
