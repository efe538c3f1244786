"""Bounded oscillators, matching TA-Lib 0.8's ``RSI`` and ``STOCH``.

Semantics (TA-Lib's, unstable period 0):

* ``rsi(close, n)``: Wilder's RSI ``100 * avg_gain / (avg_gain + avg_loss)``. Both averages
  are seeded with the plain mean of the first ``n`` changes and first reported at index
  ``n`` (NaN before), then smoothed ``avg = (avg * (n - 1) + change) / n``. When nothing has
  moved (both averages exactly zero) the RSI is **0**, not 50: TA-Lib's convention.
* ``stoch(high, low, close, 5, 3, 3)``: slow stochastic. The raw value is
  ``100 * (close - lowest low) / (highest high - lowest low)`` over ``fastk`` bars, or 0 when
  that range is zero to within TA-Lib's relative epsilon (1e-14 of ``|hh| + |ll|``);
  ``%K`` is its SMA over ``slowk`` and ``%D`` the SMA of ``%K`` over ``slowd``. Both are NaN
  before index ``fastk + slowk + slowd - 3`` (8 for the defaults).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators._filters import F64, NAN

_EPS = 1e-14  # TA-Lib's TA_EPSILON
_TINY = 5e-324  # the smallest positive float64


def rsi(close: ArrayLike, n: int = 14) -> F64:
    """Relative strength index with Wilder smoothing (TA-Lib ``RSI``)."""
    a = f.as_f64(close)
    f.check_period(n, 2)
    size = a.shape[0]
    if size <= n:
        return f.nans(size)
    # Rows (gain, |change|): Wilder-smoothing |change| gives avg_gain + avg_loss directly
    # (the same sum up to rounding), so RSI = 100 * avg_gain / that, one pass fewer.
    moves = f.scratch(f._WORK_A, (2, size - 1))
    gain, move = moves
    np.subtract(a[1:], a[:-1], out=move)
    np.maximum(move, 0.0, out=gain)
    np.abs(move, out=move)
    seeds = moves[:, :n].sum(axis=1)
    seeds /= n
    avg = f.recursive_rows(1.0 / n, (n - 1.0) / n, moves[:, n:], seeds)
    out = np.empty(size)
    out[:n] = NAN
    total = float(seeds[1])
    out[n] = 100.0 * (seeds[0] / total) if total > 0.0 else 0.0
    rest = out[n + 1 :]
    # A zero total has a zero gain: any positive divisor gives 0 (and a positive total is
    # at least the smallest subnormal already).
    np.maximum(avg[1], _TINY, out=avg[1])
    np.divide(avg[0], avg[1], out=rest)
    rest *= 100.0
    return out


def _rolling(x: F64, n: int, fn: np.ufunc) -> F64:
    """``fn`` (``np.maximum`` / ``np.minimum``) over each ``n``-window of ``x``, by doubling
    the window (1, 2, 4, ...) and joining two overlapping windows at the end."""
    width, cur = 1, x
    while 2 * width <= n:
        cur = fn(cur[width:], cur[:-width])
        width *= 2
    if width < n:
        cur = fn(cur[n - width :], cur[: cur.shape[0] - (n - width)])
    return cur if cur is not x else x.copy()


def _raw_k(h: F64, lo: F64, c: F64, n: int) -> F64:
    """TA-Lib's fast %K: ``(c - ll) / ((hh - ll) / 100)``, 0 over a flat window."""
    hh = _rolling(h, n, np.maximum)
    ll = _rolling(lo, n, np.minimum)
    raw = c[n - 1 :] - ll
    span = hh - ll
    np.abs(hh, out=hh)
    hh += np.abs(ll)
    hh *= _EPS
    flat = np.abs(span) <= hh
    span /= 100.0
    if flat.any():
        span[flat] = 1.0  # any non-zero divisor: the numerator is zeroed
        raw[flat] = 0.0
    raw /= span
    return raw


def stoch(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk: int = 5,
    slowk: int = 3,
    slowd: int = 3,
) -> tuple[F64, F64]:
    """Slow stochastic ``(%K, %D)``, SMA-smoothed (TA-Lib ``STOCH`` with its defaults)."""
    h, lo, c = f.as_f64(high), f.as_f64(low), f.as_f64(close)
    f.check_period(min(fastk, slowk, slowd))
    size = c.shape[0]
    lookback = fastk + slowk + slowd - 3
    if size <= lookback:
        return f.nans(size), f.nans(size)
    k = f.window_means(_raw_k(h, lo, c, fastk), slowk)
    out = np.empty((2, size))
    out[:, :lookback] = NAN
    out[0, lookback:] = k[slowd - 1 :]
    f.window_means(k, slowd, out[1, lookback:])
    return out[0], out[1]
