"""Volatility measures, matching TA-Lib 0.8's ``ATR`` and ``BBANDS`` (SMA middle band).

Semantics (TA-Lib's, unstable period 0):

* ``atr(high, low, close, n)``: true range ``max(h - l, |h - c_prev|, |l - c_prev|)`` from
  bar 1 on; seeded with the mean of the first ``n`` true ranges at index ``n`` (NaN before),
  then ``atr = (atr * (n - 1) + tr) / n``. It is derived from the smoothed true-range sum
  the directional indicators use (same recursion, seed difference decaying as
  ``((n-1)/n)^t``), so ATR and ADX on the same bars smooth the true range once.
* ``bbands(close, n, k)``: ``(middle + k * sd, middle, middle - k * sd)``: the SMA and the
  *population* standard deviation (divide by ``n``) of the same window; NaN before index
  ``n - 1``. The variance comes from per-window sums (no running total, so no drift over
  long series) of values shifted by a local level (every 1024 bars); windows where it
  would still cancel catastrophically are recomputed exactly, so a flat window gives 0.

Both take 1-D series or 2-D ``(pairs, bars)`` stacks, computing every row in one call (see
``_rows``; a stack of rows longer than 1024 windows goes row by row); row ``i`` of a stack's
result is exactly the result for row ``i`` alone.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators import _rows
from trading.indicators._filters import F64, NAN
from trading.indicators._windows import window_sums
from trading.indicators.directional import smoothed

_CHUNK = 1024
_DOUBT = 1e-9  # relative to the window's mean square: ~1e5 x its rounding
_decay: dict[int, F64] = {}


def _decay_powers(n: int) -> F64:
    """``((n-1)/n) ** k`` for ``k`` up to where it drops below 1e-18 (cached per ``n``)."""
    pw = _decay.get(n)
    if pw is None:
        a = (n - 1.0) / n
        count = int(np.ceil(-41.5 / np.log(a))) + 1
        pw = a ** np.arange(count, dtype=np.float64)
        _decay[n] = pw
    return pw


def atr(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Average true range with Wilder smoothing (TA-Lib ``ATR``)."""
    h, lo, c = _rows.arrays(high, low, close)
    f.check_period(n)
    if c.shape[-1] <= n:
        return f.nans(c.shape)
    if n == 1:  # TA-Lib: the true range itself
        return _true_range(h, lo, c)
    smooth = smoothed(h, lo, c, n)
    sums, first = smooth.sums, smooth.first
    out = np.empty(c.shape)
    out[..., :n] = NAN
    rest = out[..., n:]
    np.divide(sums[0], n, out=rest)
    pw = _decay_powers(n)[: rest.shape[-1]]
    rest[..., : pw.shape[0]] += (first / (n * n))[..., None] * pw
    return out


def _true_range(h: F64, lo: F64, c: F64) -> F64:
    out = np.empty(c.shape)
    out[..., 0] = NAN
    np.maximum(h[..., 1:], c[..., :-1], out=out[..., 1:])
    out[..., 1:] -= np.minimum(lo[..., 1:], c[..., :-1])
    return out


def _short_moments(a: F64, n: int, middle: F64, temp: F64) -> F64:
    """:func:`_shifted_moments` for rows of at most ``_CHUNK`` windows, all rows at once,
    each row shifted by its first value; arrays shaped as ``a`` (C-contiguous), valid
    from column ``n - 1`` (the variances' columns before it are zeroed)."""
    shift = a[..., :1]
    pre = f.scratch(f._WORK_A, (2, *a.shape))
    np.subtract(a, shift, out=pre[0])
    np.multiply(pre[0], pre[0], out=pre[1])
    moments = window_sums(pre, n, f.scratch(f._WORK_B, (2, *a.shape)))
    moments[..., : n - 1] = 0.0  # the warm-up: no window, so no doubt and no square root
    moments /= n
    mean, var = moments
    limit = np.multiply(var, _DOUBT, out=temp)
    var -= np.multiply(mean, mean, out=pre[0])
    doubtful = var < limit
    np.add(mean, shift, out=middle)
    if doubtful.any():
        _exact_variances(a, n, var, np.nonzero(doubtful))
    return var


def _shifted_moments(a: F64, n: int, middle: F64, temp: F64) -> F64:
    """Window means (into ``middle``) and population variances (returned, in a scratch
    buffer; never negative), ``len(a) - n + 1`` each, about a local shift, for one 1-D
    row longer than ``_CHUNK`` windows; ``temp`` is a work array of the same length
    (overwritten).

    The input is cut into chunks of ``_CHUNK`` windows (overlapping by ``n - 1`` values);
    each chunk is shifted by its first value, and the shifted values and their squares are
    summed per window with :func:`_windows.window_sums` (no running total, so the rounding
    error does not grow with the length of the series). Where a variance is too small for
    that error (flat stretches, or a level far from the chunk's shift) it is recomputed
    exactly from its window.
    """
    size = a.shape[0]
    m = size - n + 1
    chunks = -(-m // _CHUNK)
    padded = f.scratch(f._WORK_C, (chunks * _CHUNK + n - 1,))
    padded[:size] = a
    padded[size:] = a[-1]
    view = sliding_window_view(padded, _CHUNK + n - 1)[::_CHUNK]
    shift = view[:, :1].copy()
    pre = f.scratch(f._WORK_A, (2, chunks, _CHUNK + n - 1))
    np.subtract(view, shift, out=pre[0])
    np.multiply(pre[0], pre[0], out=pre[1])
    # Window sums over the flattened chunks (windows straddling two chunks are discarded,
    # so rows and chunks never mix): contiguous 1-D passes are several times faster than
    # the same passes chunk by chunk.
    flat = pre.reshape(-1)
    sums = f.scratch(f._WORK_B, pre.shape)
    window_sums(flat, n, sums.reshape(-1))
    moments = f.scratch(f._WORK_C, (2, chunks, _CHUNK))  # ``padded`` is no longer needed
    np.divide(sums[:, :, n - 1 :], n, out=moments)
    mean, var = moments.reshape(2, -1)[:, :m]
    limit = np.multiply(var, _DOUBT, out=temp)  # of the mean square, before the subtraction
    var -= np.multiply(mean, mean, out=pre.reshape(-1)[:m])
    doubtful = var < limit  # within reach of the rounding error (every negative one too)
    cut = (chunks - 1) * _CHUNK
    np.add(moments[0, :-1], shift[:-1], out=middle[:cut].reshape(chunks - 1, _CHUNK))
    np.add(moments[0, -1, : m - cut], shift[-1, 0], out=middle[cut:])
    if doubtful.any():
        _exact_variances(a, n, var, (np.flatnonzero(doubtful) + (n - 1),), n - 1)
    return var


def _exact_variances(a: F64, n: int, var: F64, where: tuple[np.ndarray, ...],
                     lag: int = 0) -> None:
    """Two-pass population variances of the windows of ``a`` ending at ``where`` (indices
    of ``a``, as from ``np.nonzero``) into ``var`` at ``where`` shifted back by ``lag``."""
    ends = where[-1] - (n - 1)
    windows = sliding_window_view(a, n, axis=-1)[(*where[:-1], ends)]
    windows -= windows.mean(axis=1, keepdims=True)
    windows *= windows
    var[(*where[:-1], where[-1] - lag)] = windows.mean(axis=1)


def bbands(close: ArrayLike, n: int = 20, k: float = 2.0) -> tuple[F64, F64, F64]:
    """Bollinger bands ``(upper, middle, lower)`` around the SMA (TA-Lib ``BBANDS``)."""
    a = _rows.array(close)
    f.check_period(n)
    size = a.shape[-1]
    out = np.empty((3, *a.shape))
    if size - n + 1 > _CHUNK:
        for i in np.ndindex(a.shape[:-1]):
            upper, middle, lower = (band[i][n - 1 :] for band in out)
            _bands(_shifted_moments(a[i], n, middle, lower), k, upper, middle, lower)
    elif size >= n:
        for rs in _rows.blocks(a):
            upper, middle, lower = out[0][rs], out[1][rs], out[2][rs]
            _bands(_short_moments(a[rs], n, middle, lower), k, upper, middle, lower)
    out[..., : n - 1] = NAN
    return out[0], out[1], out[2]


def _bands(var: F64, k: float, upper: F64, middle: F64, lower: F64) -> None:
    """``middle -/+ k * sqrt(var)`` into ``lower`` / ``upper`` (``var`` is overwritten)."""
    np.sqrt(var, out=var)
    var *= k
    np.add(middle, var, out=upper)
    np.subtract(middle, var, out=lower)
