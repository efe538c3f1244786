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

Caveats: a NaN inside the input poisons every later EMA/MACD value (TA-Lib's as well);
TA-Lib's Python wrapper skips *leading* NaNs, these functions do not.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators._filters import F64, NAN


def _prologue(x: ArrayLike, n: int) -> tuple[F64, F64 | None]:
    """The input as float64 and an output whose warm-up is NaN (None: too short, all NaN)."""
    a = f.as_f64(x)
    f.check_period(n)
    size = a.shape[0]
    if size < n:
        return a, None
    out = np.empty(size)
    out[: n - 1] = NAN
    return a, out


def sma(x: ArrayLike, n: int = 30) -> F64:
    """Simple moving average over ``n`` bars (TA-Lib ``SMA``)."""
    a, out = _prologue(x, n)
    if out is None:
        return f.nans(a.shape[0])
    if n == 1:
        out[:] = a
    else:
        f.window_means(a, n, out[n - 1 :])
    return out


def _ema_run(a: F64, start: int, n: int, out: F64) -> None:
    """Write into ``out`` the EMA of ``a[start:]`` seeded by the SMA of its first ``n`` values."""
    k = 2.0 / (n + 1)
    seed = a[start : start + n].sum() / n
    out[0] = seed
    f.ema(a[start + n :], k, seed, out[1:])


def ema(x: ArrayLike, n: int = 30) -> F64:
    """Exponential moving average, ``k = 2 / (n + 1)``, SMA-seeded (TA-Lib ``EMA``)."""
    a, out = _prologue(x, n)
    if out is None:
        return f.nans(a.shape[0])
    _ema_run(a, 0, n, out[n - 1 :])
    return out


def _macd_line(a: F64, fast: int, slow: int, out: F64) -> None:
    """Write fast EMA - slow EMA from index ``slow - 1`` on into ``out``, as one filter.

    The difference of two first-order EMAs is a second-order filter of the input, run from
    both seeds at once: poles ``p = 1 - k`` of each EMA, state set to their free response.
    """
    k1, k2 = 2.0 / (fast + 1), 2.0 / (slow + 1)
    p1, p2 = 1.0 - k1, 1.0 - k2
    f0 = a[slow - fast : slow].sum() / fast
    s0 = a[:slow].sum() / slow
    out[0] = f0 - s0
    rest = a[slow:]
    if rest.shape[0] >= f._BLOCKED and min(p1, p2) >= 0.5:  # long: the two EMAs by blocks
        if f.blocked(((k1, p1, f0), (-k2, p2, -s0)), rest, out[1:]) is not None:
            return
    zi = np.array((p1 * f0 - p2 * s0, -p1 * p2 * (f0 - s0)))
    b = (k1 - k2, k2 * p1 - k1 * p2)
    out[1:] = f.iir(b, (1.0, -(p1 + p2), p1 * p2), a[slow:], zi)


def macd(
    close: ArrayLike, fast: int = 12, slow: int = 26, signal: int = 9
) -> tuple[F64, F64, F64]:
    """MACD line, signal line and histogram (TA-Lib ``MACD``, with its own EMA seeding)."""
    a = f.as_f64(close)
    f.check_period(min(fast, slow, signal))
    size = a.shape[0]
    if slow < fast:
        fast, slow = slow, fast
    lookback = slow + signal - 2
    if size <= lookback:
        return f.nans(size), f.nans(size), f.nans(size)
    line = np.empty(size - slow + 1)
    _macd_line(a, fast, slow, line)
    out = np.empty((3, size))
    out[:, :lookback] = NAN
    out[0, lookback:] = line[signal - 1 :]
    _ema_run(line, 0, signal, out[1, lookback:])
    np.subtract(out[0, lookback:], out[1, lookback:], out=out[2, lookback:])
    return out[0], out[1], out[2]
