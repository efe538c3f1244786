"""Volume indicators, matching TA-Lib 0.8's ``OBV``.

Semantics: ``obv[0] = volume[0]``; then the running total adds the bar's volume on an up
close, subtracts it on a down close and keeps it on an unchanged close, so zero-volume bars
and flat closes leave it alone. No warm-up: every output is defined. The total is summed in
TA-Lib's order, so it matches bit for bit.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators._filters import F64


def obv(close: ArrayLike, volume: ArrayLike) -> F64:
    """On-balance volume (TA-Lib ``OBV``)."""
    c, v = f.as_f64(close), f.as_f64(volume)
    out = np.empty(c.shape[0])
    if out.shape[0] == 0:
        return out
    out[0] = v[0]
    tail = out[1:]
    np.subtract(c[1:], c[:-1], out=tail)
    np.sign(tail, out=tail)
    tail *= v[1:]
    return np.add.accumulate(out, out=out)  # type: ignore[no-any-return]
