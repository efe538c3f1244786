"""Reversal: an RSI extreme answered by a reversal candle.

Semantics:

- Long when RSI(``rsi_period``) was at most ``rsi_low`` at one of the last ``RSI_BARS`` bars
  (the pattern bar itself often lifts it) and the last bar completes a bullish engulfing or
  a hammer; short when RSI was at least ``rsi_high`` and the last bar completes a bearish
  engulfing or a shooting star. Patterns are TA-Lib's (``cdl_engulfing`` etc.).
- Strength: 0.5 at the RSI level, rising linearly to 1.0 ``RSI_SPAN`` points beyond it.
- Stop: close -/+ 2 x ATR(14).

Caveats: candle patterns are computed over the last ``CANDLE_BARS`` bars only (their
TA-Lib lookback is 11), and only when RSI is extreme, which keeps the common case cheap.
Oversold is checked before overbought.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from config.schema import Reversal
from trading import indicators as ta
from trading.strategies.bars import ATR_PERIOD, Bars
from trading.strategies.base import Strategy, grade
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)

#: Bars back (the last included) in which RSI may have been extreme.
RSI_BARS = 3
#: Bars handed to the candle-pattern functions.
CANDLE_BARS = 32
#: RSI points beyond the level at which strength reaches 1.0.
RSI_SPAN = 15.0

Pattern = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
#: (name, function, sign of the pattern's value that counts) per side, checked in order.
PATTERNS: dict[str, tuple[tuple[str, Pattern, int], ...]] = {
    Side.LONG: (("bullish engulfing", ta.cdl_engulfing, 1), ("hammer", ta.cdl_hammer, 1)),
    Side.SHORT: (("bearish engulfing", ta.cdl_engulfing, -1),
                 ("shooting star", ta.cdl_shooting_star, -1)),
}


class ReversalStrategy(Strategy):
    name = "reversal"

    def __init__(self, cfg: Reversal) -> None:
        self.cfg = cfg
        self.min_bars = max(cfg.rsi_period + RSI_BARS, CANDLE_BARS, ATR_PERIOD + 1)
        self.prefetch = (("rsi", cfg.rsi_period),)

    def _evaluate(self, b: Bars) -> Signal:
        cfg = self.cfg
        rsi = b.rsi(cfg.rsi_period)[-RSI_BARS:].tolist()
        low, high = min(rsi), max(rsi)
        if low <= cfg.rsi_low:
            side, excess = Side.LONG, cfg.rsi_low - low
            extreme = f"RSI {low:.1f} <= {cfg.rsi_low:g} (oversold) in the last {RSI_BARS} bars"
        elif high >= cfg.rsi_high:
            side, excess = Side.SHORT, high - cfg.rsi_high
            extreme = f"RSI {high:.1f} >= {cfg.rsi_high:g} (overbought) in the last {RSI_BARS} bars"
        else:
            return self.flat(b, f"RSI {rsi[-1]:.1f} not extreme in the last {RSI_BARS} bars "
                                f"(range {low:.1f}..{high:.1f})")
        pattern = self._pattern(b, side)
        if pattern is None:
            names = " or ".join(name for name, _, _ in PATTERNS[side])
            return self.flat(b, extreme, f"no {names} at the last bar")
        return self.signal(b, side, grade(excess, RSI_SPAN), self.atr_stop(b, side),
                           (extreme, f"{pattern} at the last bar"))

    def _pattern(self, b: Bars, side: str) -> str | None:
        """The first of ``side``'s patterns the last bar completes, if any."""
        k = CANDLE_BARS
        ohlc = (b.open[-k:], b.high[-k:], b.low[-k:], b.close[-k:])
        for name, fn, sign in PATTERNS[side]:
            if fn(*ohlc)[-1] * sign > 0:
                return name
        return None
