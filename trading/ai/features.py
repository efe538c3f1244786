"""The model's 10 inputs for one candidate (pair, side, closed bar), each normalised.

Semantics: a pure function of the bar window up to and including the candidate's closed
bar, the confluence of that bar's signals and, when there is one, the order-book read at
decision time -- nothing later, so the backtester (which calls this same function) sees
exactly what the live scorer saw. Signed features are oriented by the candidate's side
(``s = +1`` long, ``-1`` short): positive always means "in favour of the trade". Every
value is finite and in ``[-1, 1]`` (``[0, 1]`` where noted); ``tanh`` squashes the
unbounded ones with a documented scale.

=====  ================  ==================================================================
index  name              definition
=====  ================  ==================================================================
0      agree             agreeing strategies / counted strategies (0..1)
1      score             confluence score: agreeing weighted vote / total weight (0..1)
2      oppose            opposing strategies / counted strategies (0..1)
3      imbalance         ``s x`` book imbalance over the top levels (0 without a book)
4      rsi               ``s x (RSI14 - 50) / 50``
5      trend             ``s x tanh((close - EMA50) / ATR14 / 3)``
6      volatility        ``tanh(ATR14 / close / 0.01)`` -- 1% ATR maps to 0.76 (0..1)
7      volume            ``tanh(ln(volume / mean volume of the 20 bars before))``; 0 if none
8      move              ``s x tanh((close - close 10 bars ago) / ATR14 / 3)``
9      spread            ``tanh(spread / mid x 10,000 / 10)`` -- 10 bp maps to 0.76; 0 without
=====  ================  ==================================================================

Caveat: recursive indicators are seeded at the window's first bar, so live and backtest
must pass windows of the same length (:data:`WINDOW` bars); with fewer than
:data:`MIN_BARS` bars there are no features (``None``).
"""
from __future__ import annotations

import math

import numpy as np

from trading import indicators as ti
from trading.ai.confluence import Confluence
from trading.strategies.signal import Side

NAMES: tuple[str, ...] = ("agree", "score", "oppose", "imbalance", "rsi", "trend",
                          "volatility", "volume", "move", "spread")
SIZE = len(NAMES)
WINDOW = 200
MIN_BARS = 64
_VOLUME_BARS, _MOVE_BARS = 20, 10


def _finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0


def atr14(bars: np.ndarray) -> float:
    """ATR(14) at the window's last bar (also the scorer's stop distance unit)."""
    return float(ti.atr(bars[:, 2], bars[:, 3], bars[:, 4], 14)[-1])


def _market(bars: np.ndarray, s: float, atr: float) -> list[float]:
    """Features 4..8 from the window (see the table); ``atr`` is ``atr14(bars)``."""
    close, volume = bars[:, 4], bars[:, 5]
    price = float(close[-1])
    rsi = float(ti.rsi(close, 14)[-1])
    ema = float(ti.ema(close, 50)[-1])
    unit = atr if atr > 0.0 else max(abs(price) * 1e-9, 1e-12)
    before = volume[-1 - _VOLUME_BARS:-1].mean()
    vol = math.log(volume[-1] / before) if before > 0.0 and volume[-1] > 0.0 else 0.0
    return [
        s * (rsi - 50.0) / 50.0,
        s * math.tanh((price - ema) / unit / 3.0),
        math.tanh(atr / price / 0.01) if price > 0.0 else 0.0,
        math.tanh(vol),
        s * math.tanh((price - float(close[-1 - _MOVE_BARS])) / unit / 3.0),
    ]


def features(bars: np.ndarray, side: str, conf: Confluence, imbalance: float | None = None,
             spread_bps: float | None = None, atr: float | None = None) -> np.ndarray | None:
    """The float32 feature vector (shape ``(10,)``), or None with too few bars.

    ``atr``: ``atr14(bars)`` if the caller already has it (computed here otherwise).
    """
    if side not in (Side.LONG, Side.SHORT):
        raise ValueError(f"features: side must be long or short, got {side!r}")
    if bars.ndim != 2 or bars.shape[1] != 6:
        raise ValueError(f"features: expected an (n, 6) bar window, got shape {bars.shape}")
    if bars.shape[0] < MIN_BARS:
        return None
    s = 1.0 if side == Side.LONG else -1.0
    n = max(conf.counted, 1)
    head = [len(conf.agree) / n, conf.score, len(conf.oppose) / n,
            s * imbalance if imbalance is not None else 0.0]
    tail = [math.tanh(spread_bps / 10.0) if spread_bps is not None else 0.0]
    market = _market(bars, s, atr14(bars) if atr is None else atr)
    values = [_finite(v) for v in head + market + tail]
    return np.clip(np.array(values, dtype=np.float32), -1.0, 1.0)
