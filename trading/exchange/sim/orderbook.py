"""A simulated L2 order book around the market price, with walls, voids and spoofs.

Prices and quantities are exact integers: price in ticks (``10**-pair_decimals``) and qty in
lots (``10**-lot_decimals``), so diffs and checksums never suffer float noise. Each
:meth:`Book.step` moves the book to a new mid:
- levels the price moved through are removed (bids above / asks below the new touch), the gap
  left on the other side is refilled from the touch outwards;
- a few levels near the touch change size, appear or are cancelled (busier when the market is);
- the book is refilled / trimmed to ``depth`` levels per side, spaced like a real book
  (random gaps of up to ~0.5 bp); sizes shrink when the market is hectic (crashes, bursts).
- **whale walls**: a level 6+ deep grows 20-60x for 2-10 bars (eaten if the price reaches it);
- **liquidity voids**: 3-7 levels near the touch vanish and stay empty for 0.5-2 bars;
- **spoofs**: a 15-40x order appears 2-5 levels from the touch and is pulled when the price
  comes within one level of it or after 0.2-1 bar, so it never trades.
``events`` counts each kind as it starts (and ``spoof_pulled``, ``wall_eaten``).

:func:`depth_diff` gives the levels a client subscribed at some depth must receive, with
Kraken's rule that levels pushed out of scope are not sent (the client truncates).
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

Levels = dict[int, int]          # price ticks -> qty lots
Top = list[tuple[int, int]]      # best first
BID, ASK = "bids", "asks"
GAP_FRAC, SPREAD_FRAC = 0.00005, 0.00003
WALL_RATE, VOID_RATE, SPOOF_RATE = 0.3, 0.15, 0.5   # starts per bar per book


@dataclass
class _Feature:
    side: str
    price: int
    added: int
    expiry: float
    created: bool = False


class Book:
    """One pair's book; mutate with :meth:`step`, read with :meth:`top`."""

    def __init__(self, symbol: str, seed: int, pair_decimals: int, lot_decimals: int,
                 level_size: float, depth: int, interval_s: int) -> None:
        self.rng = random.Random(f"{seed}:{symbol}:book")
        self.pscale, self.qscale = 10 ** pair_decimals, 10 ** lot_decimals
        self.level_size, self.depth, self.interval_s = level_size, depth, interval_s
        self.sides: dict[str, Levels] = {BID: {}, ASK: {}}
        self.walls: list[_Feature] = []
        self.spoof: _Feature | None = None
        self.voids: list[tuple[str, int, int, float]] = []
        self.events: Counter[str] = Counter()
        self.sim_t: float | None = None
        self._gap, self._liquidity, self._lean = 1, 1.0, 0.0
        self._touch = {BID: 0, ASK: 0}

    # -- reading ----------------------------------------------------------------------------
    def top(self, side: str, n: int) -> Top:
        levels = self.sides[side]
        return sorted(levels.items(), reverse=(side == BID))[:n]

    def best(self, side: str) -> int | None:
        levels = self.sides[side]
        if not levels:
            return None
        return max(levels) if side == BID else min(levels)

    # -- helpers ----------------------------------------------------------------------------
    def _size(self, side: str) -> int:
        tilt = 1.0 + (self._lean if side == BID else -self._lean)
        size = self.level_size * self._liquidity * tilt * self.rng.lognormvariate(0.0, 0.7)
        return max(1, int(size * self.qscale))

    def _in_void(self, side: str, price: int) -> bool:
        return any(s == side and lo <= price <= hi for s, lo, hi, _ in self.voids)

    def _protected(self, side: str, price: int) -> bool:
        feats = self.walls + ([self.spoof] if self.spoof else [])
        return any(f.side == side and f.price == price for f in feats)

    def _put(self, side: str, price: int) -> None:
        if price > 0 and price not in self.sides[side] and not self._in_void(side, price):
            self.sides[side][price] = self._size(side)

    def _away(self, side: str) -> int:
        """A random step away from the touch (negative for bids)."""
        step = self.rng.randint(1, self._gap)
        return -step if side == BID else step

    # -- one step ---------------------------------------------------------------------------
    def step(self, mid: float, sim_t: float, activity: float = 1.0, lean: float = 0.0) -> None:
        """Move the book to ``mid`` at market time ``sim_t`` (seconds); new levels are
        ``1 + lean`` (bids) / ``1 - lean`` (asks) times their usual size, and when the lean
        changes the resting levels are resized at once (makers reposition with the regime)."""
        lean = max(-0.9, min(0.9, lean))
        if lean != self._lean:
            self._rescale(BID, (1.0 + lean) / (1.0 + self._lean))
            self._rescale(ASK, (1.0 - lean) / (1.0 - self._lean))
            self._lean = lean
        dt_bars = 0.0 if self.sim_t is None else max(0.0, sim_t - self.sim_t) / self.interval_s
        self.sim_t = sim_t
        mid_t = mid * self.pscale
        self._gap = max(1, round(mid_t * GAP_FRAC))
        self._liquidity = 1.0 / math.sqrt(max(activity, 0.25))
        spread = max(1, round(mid_t * SPREAD_FRAC * self.rng.uniform(0.3, 1.5)
                              * (1 + 0.3 * (activity - 1))))
        bid_t = math.floor(mid_t - spread / 2)
        ask_t = bid_t + spread
        self._touch = {BID: bid_t, ASK: ask_t}
        self._expire(sim_t, bid_t, ask_t)
        self._cross(bid_t, ask_t)
        self._refill_touch(BID, bid_t)
        self._refill_touch(ASK, ask_t)
        self._churn(activity)
        self._maybe_start_features(dt_bars, sim_t)
        for side in (BID, ASK):
            self._fill_deep(side)

    def _rescale(self, side: str, factor: float) -> None:
        levels = self.sides[side]
        for price, qty in levels.items():
            if not self._protected(side, price):
                levels[price] = max(1, round(qty * factor))

    def _expire(self, sim_t: float, bid_t: int, ask_t: int) -> None:
        self.voids = [v for v in self.voids if v[3] > sim_t]
        for wall in [w for w in self.walls if w.expiry <= sim_t]:
            self._remove_feature(wall)
            self.walls.remove(wall)
        spoof = self.spoof
        if spoof is not None:
            near = (spoof.price >= bid_t - self._gap if spoof.side == BID
                    else spoof.price <= ask_t + self._gap)
            if near or spoof.expiry <= sim_t:
                self._remove_feature(spoof)
                self.spoof = None
                self.events["spoof_pulled"] += 1

    def _remove_feature(self, feat: _Feature) -> None:
        levels = self.sides[feat.side]
        if feat.price in levels:
            left = levels[feat.price] - feat.added
            if feat.created or left <= 0:
                del levels[feat.price]
            else:
                levels[feat.price] = left

    def _cross(self, bid_t: int, ask_t: int) -> None:
        bids, asks = self.sides[BID], self.sides[ASK]
        for p in [p for p in bids if p > bid_t]:
            del bids[p]
        for p in [p for p in asks if p < ask_t]:
            del asks[p]
        for wall in [w for w in self.walls if w.price not in self.sides[w.side]]:
            self.walls.remove(wall)
            self.events["wall_eaten"] += 1

    def _refill_touch(self, side: str, touch: int) -> None:
        old = self.best(side)
        self._put(side, touch)
        price, count = touch + self._away(side), 0
        while old is not None and (price > old if side == BID else price < old) \
                and count < self.depth:
            self._put(side, price)
            price, count = price + self._away(side), count + 1

    def _churn(self, activity: float) -> None:
        for _ in range(1 + min(8, int(self.rng.expovariate(1.0 / (2.0 * activity))))):
            side = self.rng.choice((BID, ASK))
            top = self.top(side, self.depth)
            if len(top) < 3:
                continue
            i = min(len(top) - 1, int(self.rng.expovariate(0.2)))
            price, qty = top[i]
            if self._protected(side, price):
                continue
            roll = self.rng.random()
            if roll < 0.6:
                self.sides[side][price] = max(1, int(qty * self.rng.lognormvariate(0.0, 0.4)))
            elif roll < 0.75 and i > 0:
                del self.sides[side][price]
            else:
                self._put(side, price + self._away(side))

    def _fill_deep(self, side: str) -> None:
        levels = self.sides[side]
        while len(levels) < self.depth:
            worst = (min(levels) if side == BID else max(levels)) if levels else None
            price = self._touch[side] if worst is None else worst + self._away(side)
            while self._in_void(side, price):
                price += self._away(side)
            if price <= 0:
                return
            self._put(side, price)
        for price, _ in self.top(side, len(levels))[self.depth:]:
            del levels[price]

    # -- walls, voids, spoofs -----------------------------------------------------------------
    def _chance(self, rate: float, dt_bars: float) -> bool:
        return self.rng.random() < 1.0 - math.exp(-rate * dt_bars)

    def _maybe_start_features(self, dt_bars: float, sim_t: float) -> None:
        if self._chance(WALL_RATE, dt_bars):
            self._start_wall(sim_t)
        if self._chance(VOID_RATE, dt_bars):
            self._start_void(sim_t)
        if self.spoof is None and self._chance(SPOOF_RATE, dt_bars):
            self._start_spoof(sim_t)

    def _big(self, lo: float, hi: float) -> int:
        return max(1, int(self.level_size * self.rng.uniform(lo, hi) * self.qscale))

    def _start_wall(self, sim_t: float) -> None:
        side = self.rng.choice((BID, ASK))
        top = self.top(side, self.depth)
        if len(top) < 12:
            return
        price = top[self.rng.randint(6, len(top) - 6)][0]
        if self._protected(side, price):
            return
        added = self._big(20, 60)
        self.sides[side][price] += added
        expiry = sim_t + self.interval_s * self.rng.uniform(2, 10)
        self.walls.append(_Feature(side, price, added, expiry))
        self.events["whale_wall"] += 1

    def _start_void(self, sim_t: float) -> None:
        side = self.rng.choice((BID, ASK))
        top = self.top(side, self.depth)
        i0 = self.rng.randint(1, 4)
        band = [p for p, _ in top[i0:i0 + self.rng.randint(3, 7)]]
        if len(band) < 3 or any(self._protected(side, p) for p in band):
            return
        for price in band:
            del self.sides[side][price]
        expiry = sim_t + self.interval_s * self.rng.uniform(0.5, 2.0)
        self.voids.append((side, min(band), max(band), expiry))
        self.events["void"] += 1

    def _start_spoof(self, sim_t: float) -> None:
        side = self.rng.choice((BID, ASK))
        top = self.top(side, 8)
        if len(top) < 6:
            return
        i = self.rng.randint(2, 5)
        price, created = top[i][0], False
        if abs(top[i][0] - top[i - 1][0]) > 1:
            price, created = (top[i][0] + top[i - 1][0]) // 2, True
        if self._protected(side, price) or self._in_void(side, price):
            return
        added = self._big(15, 40)
        self.sides[side][price] = self.sides[side].get(price, 0) + added
        expiry = sim_t + self.interval_s * self.rng.uniform(0.2, 1.0)
        self.spoof = _Feature(side, price, added, expiry, created)
        self.events["spoof"] += 1


def depth_diff(old_top: Top, new_top: Top, new_levels: Levels) -> Top:
    """Levels to send a client holding ``old_top`` so that it ends up with ``new_top``.

    ``old_top`` / ``new_top`` are the top ``depth`` levels before / after; deletions (qty 0)
    are sent only for levels that left the book, not for ones pushed beyond the depth (the
    client truncates those itself, as Kraken documents).
    """
    old = dict(old_top)
    changed = [(p, q) for p, q in new_top if old.get(p) != q]
    new_prices = {p for p, _ in new_top}
    gone = [(p, 0) for p in old if p not in new_prices and p not in new_levels]
    return changed + gone
