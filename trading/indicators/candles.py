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
way. Each function takes 1-D series or 2-D ``(pairs, bars)`` stacks and computes every row
in one call: the running sums run along each row, everything else on the flattened rows
(one contiguous pass; values computed across a row boundary land in the next row's
warm-up, which is zeroed), so each row's result is exactly the result for that row alone
(see ``_rows``). Hammer, shooting star and doji share one pass computing all four
averages (see ``_memo``): cheap together, but doji alone pays for all four. Caveat:
TA-Lib's settings can be changed globally (``TA_SetCandleSettings``); these functions use
the defaults.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from trading.indicators import _rows
from trading.indicators._filters import F64, I32
from trading.indicators._memo import LastCall, key_of

_LOOKBACK = 11  # hammer and shooting star: max(10, 10, 5) + 1
_DOJI_LOOKBACK = 10


#: Hammer, shooting star and doji hits (bool, stacked on a new first axis; from bar 11, and
#: bar 10 for doji) of the last set of bars: one pass computes all three (see ``_memo``).
_HITS = LastCall[np.ndarray]()
_HAMMER, _STAR, _DOJI = range(3)


def _averages(ranges: F64) -> F64:
    """TA-Lib's four running candle averages of each bar, stacked on a new first axis:
    BodyShort and ShadowVeryShort (from bar 11), BodyDoji (from bar 10), and the Near
    average *of the bar before* (from bar 11). ``ranges`` = (body, high-low) stacked the
    same way; needs 12 bars or more.

    One running sum per average, in TA-Lib's order: its first ``period`` ranges added to 0
    one by one, then each bar adds the range entering and subtracts the one leaving (as one
    difference). The differences are taken on the flattened rows; then the first ranges
    are written into the columns before each average's first bar (over what the
    differences left there), so that one ``accumulate`` per row replays every total.
    """
    rf, hl = ranges.ravel(), ranges[1]
    hf = hl.ravel()
    steps = np.empty((4, *ranges.shape[1:]))
    bodyshort, doji, near = steps[:2], steps[2], steps[3]
    np.subtract(rf[11:-1], rf[1:-11], out=bodyshort.ravel()[12:])  # bar i: + r[i-1] - r[i-11]
    np.subtract(hf[10:-1], hf[:-11], out=doji.ravel()[11:])  # bar i: + hl[i-1] - hl[i-11]
    np.subtract(hf[10:-2], hf[5:-7], out=near.ravel()[12:])  # bar i: + hl[i-2] - hl[i-7]
    bodyshort[..., :2] = 0.0
    bodyshort[..., 2:12] = ranges[..., 1:11]  # sum of bars 1..10, at bar 11
    doji[..., 0] = 0.0
    doji[..., 1:11] = hl[..., :10]  # bars 0..9, at bar 10
    near[..., :7] = 0.0
    near[..., 7:12] = hl[..., 5:10]  # bars 5..9, at bar 11
    np.add.accumulate(steps, axis=-1, out=steps)
    # factor * (sum / period): 1.0 and 0.1 of sum / 10; 0.2 * (sum / 5) is bit for bit
    # 0.4 * (sum / 10), scaling by 2 being exact.
    steps /= 10.0
    steps[1:3] *= 0.1
    steps[3] *= 0.4
    return steps


def _result(hit: np.ndarray, value: int, lookback: int) -> I32:
    """``value`` where ``hit``, 0 elsewhere and within the ``lookback``, as int32."""
    out = np.multiply(hit, value, dtype=np.int32)
    out[..., :lookback] = 0
    return out


def _hits(o: F64, h: F64, lo: F64, c: F64, out: np.ndarray) -> None:
    """Hammer, shooting star and doji hits of one block of rows (12 bars or more) into
    ``out`` (bool, stacked on a new first axis; the columns before each pattern's first
    bar are unspecified)."""
    parts = np.empty((6, *c.shape))  # one allocation for the six per-candle quantities
    top, bottom, body, hl, upper, lower = parts
    np.maximum(o, c, out=top)
    np.minimum(o, c, out=bottom)
    np.subtract(top, bottom, out=body)
    np.subtract(h, lo, out=hl)
    np.subtract(h, top, out=upper)
    np.subtract(bottom, lo, out=lower)
    short_body, tiny, doji_size, near = _averages(parts[2:4])
    near.ravel()[1:] += _rows.flat(lo)[:-1]  # low of the bar before, + its Near average
    small = body < short_body
    test = np.empty(c.shape, dtype=bool)
    hammer, star, doji = out
    np.greater(lower, body, out=hammer)  # long lower shadow, short upper one, low gap
    hammer &= small
    hammer &= np.less(upper, tiny, out=test)
    hammer &= np.less_equal(bottom, near, out=test)
    np.greater(upper, body, out=star)  # long upper shadow, short lower one, body gap up
    star &= small
    star &= np.less(lower, tiny, out=test)
    gap = star.ravel()[1:]
    gap &= np.greater(bottom.ravel()[1:], top.ravel()[:-1], out=test.ravel()[1:])
    np.less_equal(body, doji_size, out=doji)


def _pattern(which: int, value: int, lookback: int, ohlc: tuple[F64, ...]) -> I32:
    """``value`` where pattern ``which`` hits, 0 elsewhere and within the ``lookback``."""
    o, h, lo, c = ohlc
    if c.shape[-1] <= _LOOKBACK:
        return np.zeros(c.shape, dtype=np.int32)

    def compute() -> np.ndarray:
        hits = np.empty((3, *c.shape), dtype=bool)
        for rs in _rows.blocks(c):
            _hits(o[rs], h[rs], lo[rs], c[rs], hits[:, rs])
        return hits

    return _result(_HITS.get(key_of(0, o, h, lo, c), compute)[which], value, lookback)


def cdl_engulfing(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Engulfing pattern: +-100, or +-80 when an edge of the two bodies coincides.

    TA-Lib's four colour-specific rules reduce to: opposite colours, this body covers the
    prior one (``top >= top_prev`` and ``bottom <= bottom_prev``) and the two bodies are not
    identical; 100 when both edges differ, 80 when one coincides; the sign is this colour.
    """
    o, _, _, c = _rows.arrays(open, high, low, close)
    out = np.zeros(c.shape, dtype=np.int32)
    if c.shape[-1] > 2:
        for rs in _rows.blocks(c):
            _engulfing(_rows.flat(o[rs]), _rows.flat(c[rs]), out[rs].ravel()[1:])
        out[..., :2] = 0
    return out


def _engulfing(o: F64, c: F64, value: I32) -> None:
    """Engulfing values of bars ``1..`` of the flattened rows into ``value``."""
    top = np.maximum(o, c)
    bottom = np.minimum(o, c)
    white = c >= o
    t1, t0, b1, b0 = top[1:], top[:-1], bottom[1:], bottom[:-1]
    hit = white[1:] != white[:-1]
    hit &= t1 >= t0
    hit &= b1 <= b0
    moved_top = t1 != t0
    moved_bottom = b1 != b0
    hit &= moved_top | moved_bottom
    moved_top &= moved_bottom
    np.multiply(moved_top, 20, out=value, dtype=np.int32)
    value += 80
    value *= hit
    sign = np.multiply(white[1:], 2, dtype=np.int32)
    sign -= 1
    value *= sign


def cdl_hammer(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Hammer: small body near the prior low, long lower shadow, tiny upper shadow (+100)."""
    return _pattern(_HAMMER, 100, _LOOKBACK, _rows.arrays(open, high, low, close))


def cdl_shooting_star(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> I32:
    """Shooting star: small body gapping up, long upper shadow, tiny lower shadow (-100)."""
    return _pattern(_STAR, -100, _LOOKBACK, _rows.arrays(open, high, low, close))


def cdl_doji(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> I32:
    """Doji: real body at most 10% of the average high-low range of the 10 candles before."""
    ohlc = _rows.arrays(open, high, low, close)
    if ohlc[3].shape[-1] <= _LOOKBACK:
        return _doji_short(*ohlc)
    return _pattern(_DOJI, 100, _DOJI_LOOKBACK, ohlc)


def _doji_short(o: F64, h: F64, lo: F64, c: F64) -> I32:
    """Doji for 11 bars or fewer (the shared context needs 12): only bar 10 can qualify."""
    out = np.zeros(c.shape, dtype=np.int32)
    if c.shape[-1] == 11:
        limit = np.add.accumulate(h[..., :10] - lo[..., :10], axis=-1)[..., -1]
        limit /= 10.0
        limit *= 0.1
        out[..., 10] = np.where(np.abs(c[..., 10] - o[..., 10]) <= limit, 100, 0)
    return out
