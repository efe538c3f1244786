"""Technical indicators over NumPy float64 arrays, matching TA-Lib 0.8 without importing it.

Every function takes 1-D array-likes (converted with ``np.asarray(..., float64)``) and
returns arrays of the same length: NaN during the warm-up for the float indicators, 0 for
the int32 candle patterns, exactly where TA-Lib (unstable period 0, default candle
settings) puts them. Values agree with TA-Lib to within ``1e-6 * max(1, |value|)``; sums
are replayed in TA-Lib's order so flat stretches and zero-volume bars fall the same way.
TA-Lib itself is only a test oracle (``requirements-dev.txt``), never imported here.

Stacks: every function also takes 2-D ``(pairs, bars)`` stacks (time on the last axis,
all inputs of one shape) and computes all rows in one call, returning stacks of the same
shape (tuples of them for ``bbands``, ``macd``, ``stoch``). Row ``i`` of a result is bit
for bit the 1-D result for row ``i`` -- so all of the above holds row by row -- at a
fraction of the per-call cost of one call per row (see ``_rows``). More than two
dimensions, or inputs of different shapes, raise a one-line ``ValueError``.

Modules: ``trend`` (sma, ema, macd), ``oscillators`` (rsi, stoch), ``volatility`` (atr,
bbands), ``directional`` (plus_di, minus_di, adx), ``volume`` (obv), ``candles``; each
docstring states its indicators' exact semantics.

Speed: everything is vectorised; the recursive filters (EMA, Wilder) run in SciPy's C
``lfilter`` kernel, loaded on first use without importing ``scipy.signal``, or on long
series as blocked BLAS matrix products; large temporaries live in reused per-thread
scratch buffers (see ``_filters``). Indicators that share a smoothing step
(ATR/+DI/-DI/ADX; hammer, shooting star and doji) compute it once per set of bars (see
``_memo``), for a single series or a whole stack alike.

Caveats: TA-Lib's Python wrapper skips *leading* NaNs before computing; these functions
do not (a NaN propagates as arithmetic dictates). Periods below TA-Lib's minimum raise
``ValueError`` (TA-Lib returns an error code); +DI/-DI/ADX need ``n >= 2``.
"""
from __future__ import annotations

from trading.indicators.candles import cdl_doji, cdl_engulfing, cdl_hammer, cdl_shooting_star
from trading.indicators.directional import adx, minus_di, plus_di
from trading.indicators.oscillators import rsi, stoch
from trading.indicators.trend import ema, macd, sma
from trading.indicators.volatility import atr, bbands
from trading.indicators.volume import obv

__all__ = [
    "adx",
    "atr",
    "bbands",
    "cdl_doji",
    "cdl_engulfing",
    "cdl_hammer",
    "cdl_shooting_star",
    "ema",
    "macd",
    "minus_di",
    "obv",
    "plus_di",
    "rsi",
    "sma",
    "stoch",
]
