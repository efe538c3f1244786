"""Breakout: a close through the recent swing high (or low) on volume.

Semantics:

- A swing high is a bar whose high is the highest of the ``SWING_WING`` bars either side of
  it; it exists once those later bars have closed, before the last bar. Resistance is the
  highest swing high of the ``lookback`` bars before the last; support, the lowest swing low.
- Long when the last close is above resistance and the close before was not (a fresh
  close through, so it fires once per level); short on the mirror break of support. The
  break counts only on volume: the last bar's volume at least ``volume_burst`` times the
  mean of the ``volume_period`` bars before it.
- Strength: 0.5 at ``volume_burst``, rising linearly to 1.0 at twice that ratio.
- Stop: structure-based, ``STOP_ATR_BUFFER`` x ATR(14) beyond the broken level.

Caveats: only the side the close moved to is examined (a rising close can only break
resistance). With no confirmed swing in the lookback (a one-way run) there is no level.
"""
from __future__ import annotations

import logging

from config.schema import Breakout
from trading.strategies.bars import ATR_PERIOD, Bars
from trading.strategies.base import Strategy, grade, price, volume_burst
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)

#: Bars either side of a swing high/low that must not exceed it.
SWING_WING = 2
#: ATRs between the broken level and the suggested stop.
STOP_ATR_BUFFER = 0.5


class BreakoutStrategy(Strategy):
    name = "breakout"

    def __init__(self, cfg: Breakout) -> None:
        self.cfg = cfg
        swing_bars = cfg.lookback + SWING_WING + 1
        self.min_bars = max(swing_bars, cfg.volume_period + 1, ATR_PERIOD + 1)

    def _evaluate(self, b: Bars) -> Signal:
        cfg = self.cfg
        before, close = b.close[-2:].tolist()
        if close == before:
            return self.flat(b, "close unchanged: no breakout")
        side = Side.LONG if close > before else Side.SHORT
        word = "resistance" if side == Side.LONG else "support"
        level = self._level(b, side)
        if level is None:
            swing = "high" if side == Side.LONG else "low"
            return self.flat(b, f"no swing {swing} in the last {cfg.lookback} bars")
        if not (before <= level < close or before >= level > close):
            return self.flat(b, f"no close through {word} {price(level)} (close {price(close)})")
        broke = (f"close {price(close)} broke {'above' if side == Side.LONG else 'below'} "
                 f"{word} {price(level)} (swing of the last {cfg.lookback} bars)")
        ratio, volume = volume_burst(b.volume, cfg.volume_period, cfg.volume_burst)
        if not ratio >= cfg.volume_burst:
            return self.flat(b, broke, volume)
        buffer = STOP_ATR_BUFFER * float(b.atr()[-1])
        stop = level - buffer if side == Side.LONG else level + buffer
        strength = grade(ratio - cfg.volume_burst, cfg.volume_burst)
        return self.signal(b, side, strength, stop, (broke, volume))

    def _level(self, b: Bars, side: str) -> float | None:
        """The highest swing high (LONG) or lowest swing low (SHORT) before the last bar."""
        k, n = SWING_WING, self.cfg.lookback
        # Bars t-n-k .. t-1 as plain floats (lows negated): candidates are t-n .. t-1-k.
        if side == Side.LONG:
            seg = b.high[-(n + k + 1):-1].tolist()
        else:
            seg = [-x for x in b.low[-(n + k + 1):-1].tolist()]
        swings = [seg[i] for i in range(k, n) if seg[i] >= max(seg[i - k:i + k + 1])]
        if not swings:
            return None
        return max(swings) if side == Side.LONG else -max(swings)
