"""Volume indicators, matching TA-Lib 0.8's ``OBV``.

Semantics: ``obv[0] = volume[0]``; then the running total adds the bar's volume on an up
close, subtracts it on a down close and keeps it on an unchanged close, so zero-volume bars
and flat closes leave it alone. No warm-up: every output is defined. The total is summed in
TA-Lib's order, so it matches bit for bit. Takes 1-D series or 2-D ``(pairs, bars)`` stacks
(every row in one call, each row exactly as alone; see ``_rows``).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _rows
from trading.indicators._filters import F64


def obv(close: ArrayLike, volume: ArrayLike) -> F64:
    """On-balance volume (TA-Lib ``OBV``)."""
    c, v = _rows.arrays(close, volume)
    out = np.empty(c.shape)
    if c.shape[-1] == 0:
        return out
    cf, step = _rows.flat(c), out.ravel()[1:]  # flattened rows: one pass each
    np.subtract(cf[1:], cf[:-1], out=step)
    np.sign(step, out=step)
    step *= _rows.flat(v)[1:]
    out[..., 0] = v[..., 0]  # over the values computed across row boundaries
    return np.add.accumulate(out, axis=-1, out=out)  # type: ignore[no-any-return]
