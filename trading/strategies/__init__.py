"""The five strategies, built from config, run together on one pair's window.

Semantics:

- :func:`build_strategies` returns the enabled strategies in a fixed order (trend,
  mean_reversion, momentum, breakout, reversal), each built from its ``strategies.<name>``
  config section; a disabled one is simply absent.
- :func:`evaluate_all` runs them on one ``(n, 6)`` window and returns their signals in the
  same order. The window is split into columns once and the indicators several strategies
  share (RSI, ATR) are computed once (see :class:`~trading.strategies.bars.Bars`).
- :func:`evaluate_batch` does the same for ``k`` windows of one length at once, as a
  ``(k, n, 6)`` array, computing the indicators every evaluation reads in one call for all
  of them; it returns exactly what :func:`evaluate_all` returns for each window (see
  :mod:`~trading.strategies.batch`).
- :func:`summarize` turns one pair's signals into the one sentence of a ``thought`` event.

Every signal is a pure function of the window it was given: nothing from later bars, no
state kept between calls (see ``base``).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from config.schema import Strategies
from trading.strategies.bars import Bars
from trading.strategies.base import Strategy
from trading.strategies.batch import evaluate_batch
from trading.strategies.breakout import BreakoutStrategy
from trading.strategies.mean_reversion import MeanReversionStrategy
from trading.strategies.momentum import MomentumStrategy
from trading.strategies.reversal import ReversalStrategy
from trading.strategies.signal import SIDES, Side, Signal
from trading.strategies.trend import TrendStrategy

__all__ = ["Bars", "SIDES", "Side", "Signal", "Strategy", "build_strategies", "evaluate_all",
           "evaluate_batch", "summarize"]

logger = logging.getLogger(__name__)


def build_strategies(cfg: Strategies) -> list[Strategy]:
    """The enabled strategies, in the fixed order."""
    candidates: list[tuple[bool, Strategy]] = [
        (cfg.trend.enabled, TrendStrategy(cfg.trend)),
        (cfg.mean_reversion.enabled, MeanReversionStrategy(cfg.mean_reversion)),
        (cfg.momentum.enabled, MomentumStrategy(cfg.momentum)),
        (cfg.breakout.enabled, BreakoutStrategy(cfg.breakout)),
        (cfg.reversal.enabled, ReversalStrategy(cfg.reversal)),
    ]
    strategies = [s for enabled, s in candidates if enabled]
    disabled = [s.name for enabled, s in candidates if not enabled]
    if disabled:
        logger.info("strategies disabled by config: %s", ", ".join(disabled))
    return strategies


def evaluate_all(strategies: Sequence[Strategy], bars: np.ndarray) -> list[Signal]:
    """Every strategy's signal at the window's last bar, in the strategies' order."""
    b = Bars.of(bars)
    return [s.evaluate(b) for s in strategies]


def summarize(pair: str, signals: Sequence[Signal]) -> str:
    """One sentence, e.g. "BTC/USD: 2/5 long (trend, breakout), 1 short (mean_reversion),
    2 flat"."""
    if not signals:
        return f"{pair}: no strategies enabled"
    longs = [s.strategy for s in signals if s.side == Side.LONG]
    shorts = [s.strategy for s in signals if s.side == Side.SHORT]
    flat = len(signals) - len(longs) - len(shorts)
    return (f"{pair}: {len(longs)}/{len(signals)} long{_names(longs)}, "
            f"{len(shorts)} short{_names(shorts)}, {flat} flat")


def _names(names: list[str]) -> str:
    return f" ({', '.join(names)})" if names else ""
