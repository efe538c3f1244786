"""Mean reversion: a Bollinger band touch while RSI is at an extreme.

Semantics:

- Long when the last bar's low touches or pierces the lower band of Bollinger(``bb_period``,
  ``bb_k``) and RSI(``rsi_period``) is at most ``rsi_low``; short when its high touches the
  upper band and RSI is at least ``rsi_high``. A touch without the RSI extreme is flat and
  says so.
- Strength: 0.5 at the RSI level, rising linearly to 1.0 ``RSI_SPAN`` points beyond it.
- Stop: close -/+ 2 x ATR(14).

The bands are TA-Lib's BBANDS (SMA +/- ``bb_k`` population standard deviations) at the last
bar, computed here in plain floats over the last ``bb_period`` closes: one value is all the
strategy needs, and that is several times cheaper than the array function on a cold cache.

Caveats: the RSI is computed over the whole window (it is recursive). A bar wide enough to
touch both bands is judged long first.
"""
from __future__ import annotations

import logging
import math

from config.schema import MeanReversion
from trading.strategies.bars import ATR_PERIOD, Bars
from trading.strategies.base import Strategy, grade, price
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)

#: RSI points beyond the level at which strength reaches 1.0.
RSI_SPAN = 15.0


class MeanReversionStrategy(Strategy):
    name = "mean_reversion"

    def __init__(self, cfg: MeanReversion) -> None:
        self.cfg = cfg
        self.min_bars = max(cfg.bb_period, cfg.rsi_period + 1, ATR_PERIOD + 1)

    def _evaluate(self, b: Bars) -> Signal:
        cfg = self.cfg
        lower, upper = bollinger(b.close[-cfg.bb_period:].tolist(), cfg.bb_k)
        low, high = float(b.low[-1]), float(b.high[-1])
        bands = f"Bollinger({cfg.bb_period}, {cfg.bb_k:g})"
        if low <= lower:
            side = Side.LONG
            touch = f"low {price(low)} touched the lower {bands} band {price(lower)}"
        elif high >= upper:
            side = Side.SHORT
            touch = f"high {price(high)} touched the upper {bands} band {price(upper)}"
        else:
            return self.flat(b, f"price inside the {bands} bands ({price(lower)}..{price(upper)})")
        rsi = float(b.rsi(cfg.rsi_period)[-1])
        excess = cfg.rsi_low - rsi if side == Side.LONG else rsi - cfg.rsi_high
        if not excess >= 0.0:
            return self.flat(b, touch, self._rsi_text(side, rsi, extreme=False))
        return self.signal(b, side, grade(excess, RSI_SPAN), self.atr_stop(b, side),
                           (touch, self._rsi_text(side, rsi, extreme=True)))

    def _rsi_text(self, side: str, rsi: float, extreme: bool) -> str:
        if side == Side.LONG:
            level, op, word = self.cfg.rsi_low, ("<=" if extreme else ">"), "oversold"
        else:
            level, op, word = self.cfg.rsi_high, (">=" if extreme else "<"), "overbought"
        return f"RSI {rsi:.1f} {op} {level:g} ({word if extreme else 'not ' + word})"


def bollinger(closes: list[float], k: float) -> tuple[float, float]:
    """(lower, upper) band over ``closes``: mean -/+ k population standard deviations."""
    n = len(closes)
    mid = math.fsum(closes) / n
    sd = math.sqrt(math.fsum([(x - mid) * (x - mid) for x in closes]) / n)
    return mid - k * sd, mid + k * sd
