"""Candlestick patterns, matching TA-Lib 0.8's ``CDLENGULFING``, ``CDLHAMMER``,
``CDLSHOOTINGSTAR`` and ``CDLDOJI``.

Semantics: each returns an int32 array as long as the input: ``+100`` / ``-100`` (bullish /
bearish), ``+-80`` for an engulfing whose open or close *equals* the prior body's edge, 0
otherwise -- including TA-Lib's warm-up, which is 0 rather than NaN (2 bars for engulfing,
11 for hammer and shooting star, 10 for doji).

"Short body", "long shadow" etc. are TA-Lib's default *candle settings*: a size compared
with ``factor`` times the average of a range over the ``period`` candles before::

    BodyShort        real body   10 x 1.0      ShadowVeryShort  high-low  10 x 0.1
    BodyDoji         high-low    10 x 0.1      ShadowLong       this candle's real body
    Near             high-low     5 x 0.2      (of the candle before, for the hammer)

The averages replay TA-Lib's running sums bit for bit, so flat candles compare the same
way. Hammer, shooting star and doji share one pass computing all four averages (see
``_memo``): cheap together, but doji alone pays for all four. Caveat: TA-Lib's settings
can be changed globally (``TA_SetCandleSettings``); these functions use the defaults.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _filters as f
from trading.indicators._filters import F64, I32
from trading.indicators._memo import LastCall, key_of

_LOOKBACK = 11  # hammer and shooting star: max(10, 10, 5) + 1


class _Context(NamedTuple):
    """Per-candle quantities shared by hammer, shooting star and doji; ``[11:]`` = from bar 11."""

    top: F64  # max(open, close), all bars
    bottom: F64  # min(open, close), all bars
    body: F64  # real body, all bars
    upper: F64  # upper shadow [11:]
    lower: F64  # lower shadow [11:]
    small: np.ndarray  # body < BodyShort average [11:]
    tiny: F64  # ShadowVeryShort average [11:]
    doji: F64  # BodyDoji average [10:]
    near: F64  # Near average of the bar before [11:]


_CONTEXT = LastCall[_Context]()


def _averages(ranges: F64, size: int) -> F64:
    """TA-Lib's four running candle averages, one row each, over bars ``10..``: BodyShort
    and ShadowVeryShort from bar 11 (column 0 unused), BodyDoji from bar 10, and Near of
    bar ``i - 1`` for bar ``i`` from 11 (last column unused). ``ranges`` = (body, high-low).
    """
    hl = ranges[1]
    steps = np.empty((4, size - 10))
    steps[:2, 0] = 0.0  # unused leading cells, added first by the running sums
    steps[3, -1] = 0.0  # unused last cell of Near
    steps[:2, 1] = np.add.accumulate(ranges[:, 1:11], axis=1)[:, -1]
    np.subtract(ranges[:, 11 : size - 1], ranges[:, 1 : size - 11], out=steps[:2, 2:])
    steps[2, 0] = np.add.accumulate(hl[:10])[-1]
    np.subtract(hl[10 : size - 1], hl[: size - 11], out=steps[2, 1:])
    steps[3, 0] = np.add.accumulate(hl[5:10])[-1]
    np.subtract(hl[10 : size - 2], hl[5 : size - 7], out=steps[3, 1 : size - 11])
    np.add.accumulate(steps, axis=1, out=steps)
    # factor * (sum / period): 1.0 and 0.1 of sum / 10; 0.2 * (sum / 5) is bit for bit
    # 0.4 * (sum / 10), scaling by 2 being exact.
    steps /= 10.0
    steps[1:3] *= 0.1
    steps[3] *= 0.4
    return steps


def _ohlc(o: ArrayLike, h: ArrayLike, lo: ArrayLike, c: ArrayLike) -> tuple[F64, ...]:
    return f.as_f64(o), f.as_f64(h), f.as_f64(lo), f.as_f64(c)


def _result(hit: np.ndarray, value: int, size: int) -> I32:
    """``value`` where ``hit`` (aligned to the end), 0 elsewhere, as int32 of ``size``."""
    out = np.zeros(size, dtype=np.int32)
    np.multiply(hit, value, out=out[size - hit.shape[0] :], dtype=np.int32)
    return out


def _context(o: F64, h: F64, lo: F64, c: F64) -> _Context:
    def compute() -> _Context:
        size = c.shape[0]
        top = np.maximum(o, c)
        bottom = np.minimum(o, c)
        ranges = np.empty((2, size))
        body = np.subtract(top, bottom, out=ranges[0])
        np.subtract(h, lo, out=ranges[1])
        avg = _averages(ranges, size)
        near = avg[3, :-1]
        near += lo[_LOOKBACK - 1 : -1]
        return _Context(
            top, bottom, body,
            upper=h[_LOOKBACK:] - top[_LOOKBACK:],
            lower=bottom[_LOOKBACK:] - lo[_LOOKBACK:],
            small=body[_LOOKBACK:] < avg[0, 1:],
            tiny=avg[1, 1:], doji=avg[2], near=near,
        )

    return _CONTEXT.get(key_of(o, h, lo, c), compute)


def cdl_engulfing(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Engulfing pattern: +-100, or +-80 when an edge of the two bodies coincides.

    TA-Lib's four colour-specific rules reduce to: opposite colours, this body covers the
    prior one (``top >= top_prev`` and ``bottom <= bottom_prev``) and the two bodies are not
    identical; 100 when both edges differ, 80 when one coincides; the sign is this colour.
    """
    o, _, _, c = _ohlc(open, high, low, close)
    size = c.shape[0]
    out = np.zeros(size, dtype=np.int32)
    if size <= 2:
        return out
    top = np.maximum(o, c)
    bottom = np.minimum(o, c)
    white = c >= o
    t1, t0, b1, b0 = top[2:], top[1:-1], bottom[2:], bottom[1:-1]
    hit = white[2:] != white[1:-1]
    hit &= t1 >= t0
    hit &= b1 <= b0
    moved_top = t1 != t0
    moved_bottom = b1 != b0
    hit &= moved_top | moved_bottom
    moved_top &= moved_bottom
    value = out[2:]
    np.multiply(moved_top, 20, out=value, dtype=np.int32)
    value += 80
    value *= hit
    sign = np.multiply(white[2:], 2, dtype=np.int32)
    sign -= 1
    value *= sign
    return out


def _prepared(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> tuple[int, _Context | None]:
    """(length, the shared candle context or None when the input is within the lookback)."""
    o, h, lo, c = _ohlc(open, high, low, close)
    size = c.shape[0]
    return size, (_context(o, h, lo, c) if size > _LOOKBACK else None)


def cdl_hammer(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Hammer: small body near the prior low, long lower shadow, tiny upper shadow (+100)."""
    size, x = _prepared(open, high, low, close)
    if x is None:
        return np.zeros(size, dtype=np.int32)
    hit = x.lower > x.body[_LOOKBACK:]
    hit &= x.small
    hit &= x.upper < x.tiny
    hit &= x.bottom[_LOOKBACK:] <= x.near
    return _result(hit, 100, size)


def cdl_shooting_star(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> I32:
    """Shooting star: small body gapping up, long upper shadow, tiny lower shadow (-100)."""
    size, x = _prepared(open, high, low, close)
    if x is None:
        return np.zeros(size, dtype=np.int32)
    hit = x.upper > x.body[_LOOKBACK:]
    hit &= x.small
    hit &= x.lower < x.tiny
    hit &= x.bottom[_LOOKBACK:] > x.top[_LOOKBACK - 1 : -1]
    return _result(hit, -100, size)


def cdl_doji(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Doji: real body at most 10% of the average high-low range of the 10 candles before."""
    o, h, lo, c = _ohlc(open, high, low, close)
    size = c.shape[0]
    if size <= _LOOKBACK:
        return _doji_short(o, h, lo, c)
    x = _context(o, h, lo, c)
    return _result(x.body[10:] <= x.doji, 100, size)


def _doji_short(o: F64, h: F64, lo: F64, c: F64) -> I32:
    """Doji for 11 bars or fewer (the shared context needs 12): only bar 10 can qualify."""
    out = np.zeros(c.shape[0], dtype=np.int32)
    if c.shape[0] == 11:
        limit = 0.1 * (np.add.accumulate(h[:10] - lo[:10])[-1] / 10.0)
        out[10] = 100 if abs(c[10] - o[10]) <= limit else 0
    return out
