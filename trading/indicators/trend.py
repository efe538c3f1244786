"""Moving averages and MACD, matching TA-Lib 0.8's ``SMA``, ``EMA`` and ``MACD``.

Semantics (TA-Lib's, unstable period 0):

* ``sma(x, n)``: mean of the last ``n`` values; the first ``n - 1`` outputs are NaN.
* ``ema(x, n)``: ``k = 2 / (n + 1)``, seeded with the SMA of the first ``n`` values at index
  ``n - 1`` (NaN before it).
* ``macd(x, 12, 26, 9)``: both EMAs start at index ``slow - 1``; the *fast* one is seeded with
  the SMA of the ``fast`` values ending there -- not of the first ``fast`` values -- which
  is TA-Lib's own seeding and differs from ``ema(x, fast)``. The signal is an EMA of the
  MACD line seeded with the line's first ``signal`` values. All three outputs are NaN
  before index ``slow + signal - 2`` (33 for the defaults) although the line exists
  earlier. ``fast`` and ``slow`` are swapped if given the wrong way round, as TA-Lib does.

Each takes a 1-D series or a 2-D ``(pairs, bars)`` stack, computing every row in one call
(see ``_rows``); row ``i`` of a stack's result is exactly the result for row ``i`` alone.

Caveats: a NaN inside the input poisons every later EMA/MACD value (TA-Lib's as well);
TA-Lib's Python wrapper skips *leading* NaNs, these functions do not.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators import _rows
from trading.indicators._filters import F64, NAN
from trading.indicators._windows import window_means


def _prologue(x: ArrayLike, n: int) -> tuple[F64, F64 | None]:
    """The input as float64 rows and an empty output like it (None: shorter than ``n``)."""
    a = _rows.array(x)
    f.check_period(n)
    return a, (np.empty(a.shape) if a.shape[-1] >= n else None)


def sma(x: ArrayLike, n: int = 30) -> F64:
    """Simple moving average over ``n`` bars (TA-Lib ``SMA``)."""
    a, out = _prologue(x, n)
    if out is None:
        return f.nans(a.shape)
    for rs in _rows.blocks(a):
        window_means(a[rs], n, out[rs])
    out[..., : n - 1] = NAN
    return out


def _ema_run(a: F64, start: int, n: int, out: F64) -> None:
    """Write into ``out`` the EMA of each row of ``a[..., start:]``, seeded by the SMA of
    its first ``n`` values."""
    k = 2.0 / (n + 1)
    seed = a[..., start : start + n].sum(axis=-1) / n
    out[..., 0] = seed
    f.ema(a[..., start + n :], k, seed, out[..., 1:])


def ema(x: ArrayLike, n: int = 30) -> F64:
    """Exponential moving average, ``k = 2 / (n + 1)``, SMA-seeded (TA-Lib ``EMA``)."""
    a, out = _prologue(x, n)
    if out is None:
        return f.nans(a.shape)
    out[..., : n - 1] = NAN
    _ema_run(a, 0, n, out[..., n - 1 :])
    return out


def _macd_line(a: F64, fast: int, slow: int, out: F64) -> None:
    """Write fast EMA - slow EMA from index ``slow - 1`` on into ``out``, as one filter.

    The difference of two first-order EMAs is a second-order filter of the input, run from
    both seeds at once: poles ``p = 1 - k`` of each EMA, state set to their free response.
    Long rows go one at a time through the blocked products (the two EMAs, summed).
    """
    k1, k2 = 2.0 / (fast + 1), 2.0 / (slow + 1)
    p1, p2 = 1.0 - k1, 1.0 - k2
    f0 = a[..., slow - fast : slow].sum(axis=-1) / fast
    s0 = a[..., :slow].sum(axis=-1) / slow
    out[..., 0] = f0 - s0
    rest = a[..., slow:]
    b = (k1 - k2, k2 * p1 - k1 * p2)
    coefs = (1.0, -(p1 + p2), p1 * p2)
    zi = np.empty(a.shape[:-1] + (2,))
    zi[..., 0] = p1 * f0 - p2 * s0
    zi[..., 1] = -p1 * p2 * (f0 - s0)
    if rest.shape[-1] < f._BLOCKED or min(p1, p2) < 0.5:
        out[..., 1:] = f.iir(b, coefs, rest, zi)
        return
    for i in np.ndindex(a.shape[:-1]):  # long rows: the two EMAs by blocks, else the loop
        terms = ((k1, p1, float(f0[i])), (-k2, p2, -float(s0[i])))
        if f.blocked(terms, rest[i], out[i][1:]) is None:
            out[i][1:] = f.iir(b, coefs, rest[i], zi[i])


def macd(
    close: ArrayLike, fast: int = 12, slow: int = 26, signal: int = 9
) -> tuple[F64, F64, F64]:
    """MACD line, signal line and histogram (TA-Lib ``MACD``, with its own EMA seeding)."""
    a = _rows.array(close)
    f.check_period(min(fast, slow, signal))
    size = a.shape[-1]
    if slow < fast:
        fast, slow = slow, fast
    lookback = slow + signal - 2
    out = np.empty((3, *a.shape))
    if size <= lookback:
        out[...] = NAN
        return out[0], out[1], out[2]
    line = np.empty(a.shape[:-1] + (size - slow + 1,))
    _macd_line(a, fast, slow, line)
    out[..., :lookback] = NAN
    out[0, ..., lookback:] = line[..., signal - 1 :]
    _ema_run(line, 0, signal, out[1, ..., lookback:])
    np.subtract(out[0, ..., lookback:], out[1, ..., lookback:], out=out[2, ..., lookback:])
    return out[0], out[1], out[2]
