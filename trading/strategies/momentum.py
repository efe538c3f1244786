"""Momentum: an RSI thrust through a level on a burst of volume.

Semantics:

- Long when RSI(``rsi_period``) crosses up through ``rsi_thrust`` at the last bar (below it
  on the bar before, at or above it now); short when it crosses down through
  ``100 - rsi_thrust``. The thrust counts only with a volume burst: the last bar's volume
  at least ``volume_burst`` times the mean of the ``volume_period`` bars before it.
- Strength: 0.5 at ``volume_burst``, rising linearly to 1.0 at twice that ratio.
- Stop: close -/+ 2 x ATR(14).

Caveats: the thrust must happen on the burst bar itself; a burst a bar early or late is
flat. The volume average excludes the last bar, so one huge bar cannot dilute itself.
"""
from __future__ import annotations

import logging

from config.schema import Momentum
from trading.strategies.bars import ATR_PERIOD, Bars
from trading.strategies.base import Strategy, grade, volume_burst
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)


class MomentumStrategy(Strategy):
    name = "momentum"

    def __init__(self, cfg: Momentum) -> None:
        self.cfg = cfg
        # RSI at the last two bars, and the volume average before the last bar.
        self.min_bars = max(cfg.rsi_period + 2, cfg.volume_period + 1, ATR_PERIOD + 1)
        self.prefetch = (("rsi", cfg.rsi_period),)

    def _evaluate(self, b: Bars) -> Signal:
        cfg = self.cfg
        before, now = b.rsi(cfg.rsi_period)[-2:].tolist()
        up, down = cfg.rsi_thrust, 100.0 - cfg.rsi_thrust
        if before < up <= now:
            side, thrust = Side.LONG, f"RSI thrust {before:.1f} -> {now:.1f} up through {up:g}"
        elif before > down >= now:
            side, thrust = Side.SHORT, f"RSI thrust {before:.1f} -> {now:.1f} down through {down:g}"
        else:
            return self.flat(b, f"no RSI thrust through {up:g} or {down:g} (RSI {now:.1f})")
        ratio, volume = volume_burst(b.volume, cfg.volume_period, cfg.volume_burst)
        if not ratio >= cfg.volume_burst:
            return self.flat(b, thrust, volume)
        strength = grade(ratio - cfg.volume_burst, cfg.volume_burst)
        return self.signal(b, side, strength, self.atr_stop(b, side), (thrust, volume))
