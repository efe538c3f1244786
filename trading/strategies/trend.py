"""Trend: an EMA crossover, taken only when ADX says the market is trending.

Semantics:

- Long when EMA(``fast``) closes above EMA(``slow``) on the last bar after being at or below
  it on the bar before; short on the mirror cross. A cross is confirmed when ADX(``adx_period``)
  at the last bar is at least ``adx_min``; below that the signal is flat and says ADX is weak.
- Strength: 0.5 at ``adx_min``, rising linearly to 1.0 at ``adx_min + ADX_SPAN`` ADX points.
- Stop: close -/+ 2 x ATR(14).

Caveats: ADX has no direction, so a bullish cross right after a strong downtrend still sees
a high ADX; the scorer's confluence is meant to weigh that. ADX is computed only on the
bars that cross (most bars do not), which keeps the common case cheap.
"""
from __future__ import annotations

import logging

from config.schema import Trend
from trading.strategies.bars import ATR_PERIOD, Bars
from trading.strategies.base import Strategy, grade
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)

#: ADX points above ``adx_min`` at which strength reaches 1.0.
ADX_SPAN = 25.0


class TrendStrategy(Strategy):
    name = "trend"

    def __init__(self, cfg: Trend) -> None:
        self.cfg = cfg
        # EMA(slow) at the last two bars; ADX needs 2n - 1 bars before its first value.
        self.min_bars = max(cfg.slow + 1, 2 * cfg.adx_period, ATR_PERIOD + 1)
        self.prefetch = (("ema", cfg.fast), ("ema", cfg.slow))

    def _evaluate(self, b: Bars) -> Signal:
        cfg = self.cfg
        fast, slow = f"EMA{cfg.fast}", f"EMA{cfg.slow}"
        side, gap = self._cross(b)
        if side == Side.FLAT:
            where = "above" if gap > 0.0 else "below"
            return self.flat(b, f"no {fast}/{slow} crossover ({fast} stays {where} {slow})")
        cross = f"{fast} crossed {'above' if side == Side.LONG else 'below'} {slow}"
        adx = float(b.adx(cfg.adx_period)[-1])
        if not adx >= cfg.adx_min:
            return self.flat(b, cross, f"ADX {adx:.1f} < {cfg.adx_min:g}: trend too weak")
        return self.signal(b, side, grade(adx - cfg.adx_min, ADX_SPAN), self.atr_stop(b, side),
                           (cross, f"ADX {adx:.1f} >= {cfg.adx_min:g} confirms the trend"))

    def _cross(self, b: Bars) -> tuple[str, float]:
        """(LONG/SHORT if EMA(fast) crossed EMA(slow) at the last bar else FLAT, fast - slow)."""
        fast = b.ema(self.cfg.fast)[-2:].tolist()
        slow = b.ema(self.cfg.slow)[-2:].tolist()
        before, now = fast[0] - slow[0], fast[1] - slow[1]
        if before <= 0.0 < now:
            return Side.LONG, now
        if before >= 0.0 > now:
            return Side.SHORT, now
        return Side.FLAT, now
