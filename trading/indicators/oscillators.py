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

Each takes 1-D series or 2-D ``(pairs, bars)`` stacks, computing every row in one call
(see ``_rows``); row ``i`` of a stack's result is exactly the result for row ``i`` alone.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators import _rows
from trading.indicators._filters import F64, NAN
from trading.indicators._windows import window_means

_EPS = 1e-14  # TA-Lib's TA_EPSILON
_TINY = 5e-324  # the smallest positive float64


def rsi(close: ArrayLike, n: int = 14) -> F64:
    """Relative strength index with Wilder smoothing (TA-Lib ``RSI``)."""
    a = _rows.array(close)
    f.check_period(n, 2)
    if a.shape[-1] <= n:
        return f.nans(a.shape)
    out = np.empty(a.shape)
    out[..., :n] = NAN
    for rs in _rows.blocks(a):
        _rsi(a[rs], n, out[rs])
    return out


def _rsi(a: F64, n: int, out: F64) -> None:
    """RSI of each row of ``a`` into ``out``, from index ``n`` on."""
    # Rows (gain, |change|) of bars 1.. (column 0 unused): Wilder-smoothing |change| gives
    # avg_gain + avg_loss directly (the same sum up to rounding), so RSI = 100 * avg_gain /
    # that, one pass fewer. The changes are taken on the flattened rows in one pass.
    moves = f.scratch(f._WORK_A, (2, *a.shape))
    gain, move = moves
    changes, af = move.ravel(), _rows.flat(a)
    changes[0] = 0.0
    np.subtract(af[1:], af[:-1], out=changes[1:])
    np.maximum(move, 0.0, out=gain)
    np.abs(move, out=move)
    seeds = moves[..., 1 : n + 1].sum(axis=-1)
    seeds /= n
    avg = f.continued(1.0 / n, (n - 1.0) / n, moves[..., n:], seeds)  # from bar n
    # A zero total has a zero gain: any positive divisor gives 0 (and a positive total is
    # at least the smallest subnormal already): TA-Lib's 0 when nothing moved.
    np.maximum(avg[1], _TINY, out=avg[1])
    rest = out[..., n:]
    np.divide(avg[0], avg[1], out=rest)
    rest *= 100.0


def _rolling(x: F64, n: int, fn: np.ufunc) -> F64:
    """``fn`` (``np.maximum`` / ``np.minimum``) over the ``n`` values starting at each
    position of flattened ``x`` (``size - n + 1`` of them), by doubling the window (1, 2,
    4, ...) and joining two overlapping windows at the end."""
    width, cur = 1, _rows.flat(x)
    while 2 * width <= n:
        cur = fn(cur[width:], cur[:-width])
        width *= 2
    if width < n:
        cur = fn(cur[n - width :], cur[: cur.shape[0] - (n - width)])
    return cur if width > 1 else cur.copy()


def _raw_k(h: F64, lo: F64, c: F64, n: int) -> F64:
    """TA-Lib's fast %K, ``(c - ll) / ((hh - ll) / 100)`` (0 over a flat window), shaped as
    the input: valid from bar ``n - 1`` on (before it: as in ``_windows``)."""
    out = np.empty(c.shape)
    raw = out.ravel()[n - 1 :]  # on the flattened rows: a window straddling two rows lands
    hh = _rolling(h, n, np.maximum)  # in the second one's warm-up
    ll = _rolling(lo, n, np.minimum)
    np.subtract(_rows.flat(c)[n - 1 :], ll, out=raw)
    span = np.subtract(hh, ll)
    np.abs(hh, out=hh)
    hh += np.abs(ll)
    hh *= _EPS
    still = np.abs(span) <= hh
    span /= 100.0
    if still.any():
        span[still] = 1.0  # any non-zero divisor: the numerator is zeroed
        raw[still] = 0.0
    raw /= span
    return out


def stoch(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk: int = 5,
    slowk: int = 3,
    slowd: int = 3,
) -> tuple[F64, F64]:
    """Slow stochastic ``(%K, %D)``, SMA-smoothed (TA-Lib ``STOCH`` with its defaults)."""
    h, lo, c = _rows.arrays(high, low, close)
    f.check_period(min(fastk, slowk, slowd))
    lookback = fastk + slowk + slowd - 3
    out = np.empty((2, *c.shape))
    if c.shape[-1] > lookback:
        for rs in _rows.blocks(c):
            k, d = out[0][rs], out[1][rs]
            window_means(_raw_k(h[rs], lo[rs], c[rs], fastk), slowk, k, fastk - 1)
            window_means(k, slowd, d, fastk + slowk - 2)
    out[..., :lookback] = NAN
    return out[0], out[1]
