"""Moving-window sums along the last axis (private).

Semantics: ``window_sums(x, n, out, start)`` / ``window_means(...)`` write, for every bar
``t >= start + n - 1`` of each row of ``x`` (a 1-D series or a C-contiguous 2-D row
stack whose values from column ``start`` on are the series), the sum / mean of the ``n``
values ending there into ``out[..., t]`` (``out`` shaped as ``x``, C-contiguous, not
overlapping it). ``out[..., :start + n - 1]`` is unspecified: in a stack's later rows it
holds sums of values across the row boundary, finite where ``x`` is; the first row's is
not written, just as ``x``'s first ``start`` values are never read. Callers overwrite
their warm-up, or start their next pass where this one's values start.
Short rows (up to ``_SHORT`` = 4096 values) take differences of a running sum started
at ``start`` in each row; longer ones power-of-two partial sums (no running total, so no
error growing with the length).

The shifted additions run on the flattened stack as one contiguous 1-D pass (a window
that would straddle two rows lands in the unspecified columns of the second), and each
valid window is computed by the very additions a 1-D series gets, so every row's sums
are the bits it gets alone. Where TA-Lib's running-sum *bits* matter (the candle averages
compared with ``<``), the callers replay its additions in its order instead (see
``candles``).
"""
from __future__ import annotations

import numpy as np

from trading.indicators._filters import _SUM_A, _SUM_B, _SUM_C, F64, scratch
from trading.indicators._rows import flat

_SHORT = 4096  # a running sum up to this length, doubling beyond


def window_sums(x: F64, n: int, out: F64, start: int = 0) -> F64:
    """Sums of the ``n`` values ending at each bar (see the module docstring).

    ``n <= 4``: shifted slices added. Up to ``_SHORT`` values per row: differences of one
    running sum per row (fewest calls; its rounding error, ~eps * len / n relative, stays
    negligible at these lengths). Longer: windows of 1, 2, 4, ... values built by doubling
    (in up to three scratch buffers), each ``n``-window the sum of the power-of-two blocks
    that tile it (binary digits of ``n``): ``log2(n)`` plus ``popcount(n) - 1`` passes.
    """
    size = x.shape[-1]
    if size - start < n:
        return out
    if n > 4 and size <= _SHORT:
        c = np.add.accumulate(x[..., start:], axis=-1)  # per row: totals stay in their row
        if start == 0:
            cf = c.ravel()
            np.subtract(cf[n:], cf[:-n], out=out.ravel()[n:])
        else:
            np.subtract(c[..., n:], c[..., :-n], out=out[..., start + n :])
        out[..., start + n - 1] = c[..., n - 1]
        return out
    # One contiguous pass over all rows, from the first row's first value on.
    xf, dst = flat(x)[start:], out.ravel()[start + n - 1 :]
    m = xf.shape[0] - n + 1
    if n > 4:
        _doubling_sums(xf, n, m, dst)
    elif n == 1:
        np.copyto(dst, xf)
    else:
        np.add(xf[:m], xf[1 : m + 1], out=dst)
        for lag in range(2, n):
            dst += xf[lag : lag + m]
    return out


def window_means(x: F64, n: int, out: F64, start: int = 0) -> F64:
    """Means of the ``n`` values ending at each bar (see :func:`window_sums`)."""
    window_sums(x, n, out, start)
    out /= n
    return out


def _doubling_sums(x: F64, n: int, m: int, out: F64) -> F64:
    """The sums of the ``m`` windows of ``n`` values of 1-D ``x`` starting at ``0..m-1``, by
    doubling. The first block waits (``pending``) to be added to the second straight into
    ``out``, saving a copy; the doublings then rotate through three buffers so as not to
    overwrite it."""
    bufs = [scratch(_SUM_A, x.shape), scratch(_SUM_B, x.shape), None]
    cur, cur_i, width, offset = x, -1, 1, 0
    pending, pending_i, started = None, -1, False
    while True:
        if n & width:
            block = cur[offset : offset + m]
            if started:
                out += block
            elif pending is None:
                pending, pending_i = block, cur_i
            else:
                np.add(pending, block, out=out)
                pending, pending_i, started = None, -1, True
            offset += width
        if 2 * width > n:
            break
        length = cur.shape[0] - width
        nxt_i = next(i for i in range(3) if i != cur_i and i != pending_i)
        if bufs[nxt_i] is None:
            bufs[nxt_i] = scratch(_SUM_C, x.shape)
        nxt = bufs[nxt_i][:length]  # type: ignore[index]
        np.add(cur[width:], cur[:length], out=nxt)
        cur, cur_i = nxt, nxt_i
        width *= 2
    if pending is not None:
        np.copyto(out, pending)
    return out
