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

All take 1-D series or 2-D ``(pairs, bars)`` stacks, computing every row in one call (see
``_rows``); row ``i`` of a stack's result is exactly the result for row ``i`` alone. ADX
rows in which some DX is undefined (flat stretches) take their hold-the-value path one
row at a time.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators import _rows
from trading.indicators._filters import F64, NAN
from trading.indicators._memo import LastCall, key_of

_EPS = 1e-14  # TA-Lib's TA_EPSILON
_TINY = 5e-324  # the smallest positive float64


class Smoothed:
    """The shared smoothing of one set of bars (read-only): ``sums`` = Wilder-smoothed
    ``(TR_s, +DM_s, -DM_s)`` of bars ``n..`` stacked on a new first axis, ``first`` = per
    row the plain sum of the first ``n - 1`` true ranges (ATR's seed differs from the
    sums' by it); :meth:`divisor` derives what both DIs divide by, once."""

    __slots__ = ("sums", "first", "_divisor")

    def __init__(self, sums: F64, first: F64) -> None:
        self.sums, self.first = sums, first
        self._divisor: tuple[F64, np.ndarray | None] | None = None

    def divisor(self) -> tuple[F64, np.ndarray | None]:
        """(``max(TR_s, tiny)``, the mask where ``TR_s`` is 0 or None if nowhere)."""
        if self._divisor is None:
            tr = self.sums[0]
            flat = tr <= 0.0
            self._divisor = (np.maximum(tr, _TINY), flat if flat.any() else None)
        return self._divisor


_STACK = LastCall[Smoothed]()


def _movement(h: F64, lo: F64, c: F64) -> F64:
    """Per-bar ``(TR, +DM, -DM)`` stacked on a new first axis, from bar 1 on (column 0 is
    unspecified but finite): computed on the flattened rows in one pass each.

    TR is computed as ``max(h, c_prev) - min(l, c_prev)``: for ``h >= l`` that is the very
    subtraction TA-Lib's ``max(h - l, |h - c_prev|, |l - c_prev|)`` picks, so the same bits.
    """
    rows = f.scratch(f._WORK_A, (3, *c.shape))  # only read by the filter: a scratch buffer
    hf, lf, cf = _rows.flat(h), _rows.flat(lo), _rows.flat(c)
    tr, up, down = rows[0].ravel(), rows[1].ravel(), rows[2].ravel()
    tr[0] = up[0] = down[0] = 0.0
    np.maximum(hf[1:], cf[:-1], out=tr[1:])
    tr[1:] -= np.minimum(lf[1:], cf[:-1], out=f.scratch(f._WORK_B, cf.shape)[1:])
    np.subtract(hf[1:], hf[:-1], out=up[1:])
    np.subtract(lf[:-1], lf[1:], out=down[1:])
    dm = rows[1:]
    wins = np.empty(dm.shape, dtype=bool)
    np.greater(dm[0], dm[1], out=wins[0])
    np.greater(dm[1], dm[0], out=wins[1])
    np.maximum(dm, 0.0, out=dm)
    np.multiply(dm, wins, out=dm)
    return rows


def _smooth(h: F64, lo: F64, c: F64, n: int, out: F64 | None = None) -> tuple[F64, F64]:
    """:func:`smoothed` for one block of rows (into ``out`` when given)."""
    rows = _movement(h, lo, c)
    seeds = rows[..., 1:n].sum(axis=-1)
    return f.recursive_rows(1.0, (n - 1.0) / n, rows[..., n:], seeds, out), seeds[0]


def smoothed(h: F64, lo: F64, c: F64, n: int) -> Smoothed:
    """The Wilder smoothing of these bars (see :class:`Smoothed`), shared (``_memo``)."""

    def compute() -> Smoothed:
        blocks = _rows.blocks(c)
        if len(blocks) == 1:
            return Smoothed(*_smooth(h, lo, c, n))
        sums = np.empty((3, *c.shape[:-1], c.shape[-1] - n))
        first = np.empty(c.shape[:-1])
        for rs in blocks:
            first[rs] = _smooth(h[rs], lo[rs], c[rs], n, sums[:, rs])[1]
        return Smoothed(sums, first)

    return _STACK.get(key_of(n, h, lo, c), compute)


def _di(s: Smoothed, row: int, size: int) -> F64:
    """``100 * DM_s / TR_s`` (0 where ``TR_s`` is 0) behind NaNs up to bar ``n``."""
    dm = s.sums[row]
    divisor, flat = s.divisor()
    out = np.empty((*dm.shape[:-1], size))
    lead = size - dm.shape[-1]
    out[..., :lead] = NAN
    rest = out[..., lead:]
    np.divide(dm, divisor, out=rest)
    rest *= 100.0
    if flat is not None:
        rest[flat] = 0.0
    return out


def _inputs(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int) -> tuple[F64, ...]:
    f.check_period(n, 2)
    return _rows.arrays(high, low, close)


def _directional(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int, row: int) -> F64:
    """+DI (``row`` 1) or -DI (``row`` 2) from the shared Wilder sums."""
    h, lo, c = _inputs(high, low, close, n)
    if c.shape[-1] <= n:
        return f.nans(c.shape)
    return _di(smoothed(h, lo, c, n), row, c.shape[-1])


def plus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Plus directional indicator (TA-Lib ``PLUS_DI``)."""
    return _directional(high, low, close, n, 1)


def minus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Minus directional indicator (TA-Lib ``MINUS_DI``)."""
    return _directional(high, low, close, n, 2)


def _dx(h: F64, lo: F64, c: F64, n: int) -> tuple[F64, np.ndarray | None]:
    """DX of bars ``n..`` (0 where undefined) and the mask of where it is defined (None:
    everywhere).

    ``|+DI - -DI| / (+DI + -DI)`` is ``|+DM_s - -DM_s| / (+DM_s + -DM_s)``: TR_s cancels.
    """
    s = smoothed(h, lo, c, n)
    tr, plus, minus = s.sums
    total = plus + minus
    live = total >= (_EPS / 100.0) * tr  # the DI sum is not within epsilon of 0
    flat = s.divisor()[1]
    if flat is not None:
        live &= ~flat
    dx = plus - minus
    np.abs(dx, out=dx)
    dx *= 100.0
    np.maximum(total, _TINY, out=total)  # a positive divisor; undefined DX zeroed below
    dx /= total
    if live.all():
        return dx, None
    dx[~live] = 0.0
    return dx, live


def adx(high: ArrayLike, low: ArrayLike, close: ArrayLike, n: int = 14) -> F64:
    """Average directional index (TA-Lib ``ADX``)."""
    h, lo, c = _inputs(high, low, close, n)
    size = c.shape[-1]
    if size < 2 * n:
        return f.nans(c.shape)
    dx, live = _dx(h, lo, c, n)
    out = np.empty(c.shape)
    out[..., : 2 * n - 1] = NAN
    seed = dx[..., :n].sum(axis=-1) / n
    out[..., 2 * n - 1] = seed
    rest = out[..., 2 * n :]
    if live is None or live[..., n:].all():
        f.wilder(dx[..., n:], n, seed, rest)
    else:  # on 2-D views (one row for a series)
        m = size - 2 * n
        _some_undefined(dx[..., n:].reshape(-1, m), live[..., n:].reshape(-1, m), n,
                        np.reshape(seed, -1), rest.reshape(-1, m))
    return out


def _some_undefined(dx: F64, live: np.ndarray, n: int, seed: F64, out: F64) -> None:
    """ADX after the seed of 2-D rows where some DX is undefined: rows without one in a
    single Wilder pass, the others one at a time, stepping over defined values only and
    holding the value before over an undefined one."""
    steady = live.all(axis=1)
    if steady.any():
        out[steady] = f.wilder(dx[steady], n, seed[steady])
    for r in np.flatnonzero(~steady):
        steps = np.flatnonzero(live[r])
        held = np.zeros(out.shape[1], dtype=np.intp)
        held[steps] = np.arange(1, steps.shape[0] + 1)
        np.maximum.accumulate(held, out=held)
        values = np.empty(steps.shape[0] + 1)
        values[0] = seed[r]
        values[1:] = f.recursive(1.0 / n, (n - 1.0) / n, dx[r, steps], float(seed[r]))
        out[r] = values[held]
