"""Wilder's directional movement system, matching TA-Lib 0.8's ``PLUS_DI``, ``MINUS_DI``
and ``ADX`` (and the true-range smoothing ``ATR`` builds on).

Semantics (TA-Lib's, unstable period 0, ``n >= 2``):

* +DM of bar ``i`` is ``high[i] - high[i-1]`` when that is positive and larger than
  ``low[i-1] - low[i]``; -DM mirrors it; otherwise 0. TR is the true range.
* The smoothed sums start as the plain sums over bars ``1..n-1`` and take one Wilder step
  ``s = s - s / n + x`` at bar ``n`` and every bar after. ``+DI = 100 * +DM_s / TR_s`` from
  index ``n`` (NaN before), and 0 while ``TR_s`` is exactly 0 (a flat market).
* DX ``= 100 * |+DI - -DI| / (+DI + -DI)``, undefined when ``TR_s`` is 0 or the DI sum is
  below 1e-14. ADX is the mean of the first ``n`` DX values (bars ``n..2n-1``; an undefined
  DX counts as 0), first reported at index ``2n - 1``, then ``adx = adx + (dx - adx) / n``
  -- and a bar whose DX is undefined leaves it unchanged rather than pulling it toward 0.

The smoothed sums are shared: whichever of ATR, +DI, -DI and ADX comes first smooths the
true range and both movements in one pass, the others reuse it (see ``_memo``).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators._filters import F64, NAN
from trading.indicators._memo import LastCall, key_of

_EPS = 1e-14  # TA-Lib's TA_EPSILON
_TINY = 5e-324  # the smallest positive float64
_STACK = LastCall[tuple[F64, float]]()


def _movement(h: F64, lo: F64, c: F64) -> F64:
    """Per-bar rows ``(TR, +DM, -DM)`` of bars ``1..``.

    TR is computed as ``max(h, c_prev) - min(l, c_prev)``: for ``h >= l`` that is the very
    subtraction TA-Lib's ``max(h - l, |h - c_prev|, |l - c_prev|)`` picks, so the same bits.
    """
    m = h.shape[0] - 1
    rows = f.scratch(f._WORK_A, (3, m))  # only read by the filter: a scratch buffer
    np.maximum(h[1:], c[:-1], out=rows[0])
    rows[0] -= np.minimum(lo[1:], c[:-1], out=f.scratch(f._WORK_B, (m,)))
    dm = rows[1:]
    np.subtract(h[1:], h[:-1], out=dm[0])
    np.subtract(lo[:-1], lo[1:], out=dm[1])
    wins = np.empty((2, m), dtype=bool)
    np.greater(dm[0], dm[1], out=wins[0])
    np.greater(dm[1], dm[0], out=wins[1])
    np.maximum(dm, 0.0, out=dm)
    np.multiply(dm, wins, out=dm)
    return rows


def smoothed(h: F64, lo: F64, c: F64, n: int) -> tuple[F64, float]:
    """Wilder-smoothed sums ``(TR_s, +DM_s, -DM_s)`` of bars ``n..``, and the plain sum of
    the first ``n - 1`` true ranges (ATR's seed differs from the sums' by it)."""

    def compute() -> tuple[F64, float]:
        rows = _movement(h, lo, c)
        seeds = rows[:, : n - 1].sum(axis=1)
        sums = f.recursive_rows(1.0, (n - 1.0) / n, rows[:, n - 1 :], seeds)
        return sums, float(seeds[0])

    return _STACK.get(key_of(h, lo, c, n), compute)


def _di(dm: F64, tr: F64, size: int) -> F64:
    """``100 * dm / tr`` (0 where ``tr`` is 0) behind ``size - len(tr)`` NaNs."""
    out = np.empty(size)
    out[: size - tr.shape[0]] = NAN
    rest = out[size - tr.shape[0] :]
    np.maximum(tr, _TINY, out=rest)  # a positive divisor; where tr is 0, fixed below
    np.divide(dm, rest, out=rest)
    rest *= 100.0
    flat = tr <= 0.0
    if flat.any():
        rest[flat] = 0.0
    return out


def _inputs(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int) -> tuple[F64, ...]:
    f.check_period(n, 2)
    return f.as_f64(high), f.as_f64(low), f.as_f64(close)


def _directional(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int, row: int) -> F64:
    """+DI (``row`` 1) or -DI (``row`` 2) from the shared Wilder sums."""
    h, lo, c = _inputs(high, low, close, n)
    if c.shape[0] <= n:
        return f.nans(c.shape[0])
    sums = smoothed(h, lo, c, n)[0]
    return _di(sums[row], sums[0], c.shape[0])


def plus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Plus directional indicator (TA-Lib ``PLUS_DI``)."""
    return _directional(high, low, close, n, 1)


def minus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Minus directional indicator (TA-Lib ``MINUS_DI``)."""
    return _directional(high, low, close, n, 2)


def _dx(h: F64, lo: F64, c: F64, n: int) -> tuple[F64, F64]:
    """DX of bars ``n..`` (0 where undefined) and the mask of where it is defined.

    ``|+DI - -DI| / (+DI + -DI)`` is ``|+DM_s - -DM_s| / (+DM_s + -DM_s)``: TR_s cancels.
    """
    tr, plus, minus = smoothed(h, lo, c, n)[0]
    total = plus + minus
    live = total >= (_EPS / 100.0) * tr  # the DI sum is not within epsilon of 0
    live &= tr > 0.0
    dx = plus - minus
    np.abs(dx, out=dx)
    dx *= 100.0
    np.maximum(total, _TINY, out=total)  # a positive divisor; undefined DX zeroed below
    dx /= total
    if not live.all():
        dx[~live] = 0.0
    return dx, live


def adx(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Average directional index (TA-Lib ``ADX``)."""
    h, lo, c = _inputs(high, low, close, n)
    size = c.shape[0]
    if size < 2 * n:
        return f.nans(size)
    dx, live = _dx(h, lo, c, n)
    out = np.empty(size)
    out[: 2 * n - 1] = NAN
    seed = dx[:n].sum() / n
    out[2 * n - 1] = seed
    rest = out[2 * n :]
    if live[n:].all():
        f.wilder(dx[n:], n, seed, rest)
        return out
    steps = np.flatnonzero(live[n:])
    held = np.zeros(rest.shape[0], dtype=np.intp)
    held[steps] = np.arange(1, steps.shape[0] + 1)
    np.maximum.accumulate(held, out=held)
    values = np.empty(steps.shape[0] + 1)
    values[0] = seed
    values[1:] = f.wilder(dx[n:][steps], n, seed)
    rest[:] = values[held]
    return out
