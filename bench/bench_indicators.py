"""Indicators (``trading.indicators``) against TA-Lib's C library on the same arrays.

Rows, for 8 pairs x 500 bars (what a strategy recomputes every bar) and 8 pairs x 100k bars
(a backtest): the median time to compute the *full* indicator set for all 8 pairs -- sma,
ema, rsi, atr, plus_di, minus_di, adx, bbands, macd, stoch, obv and the four candle patterns
-- with ours and with TA-Lib, and the ratio ours / TA-Lib. Two forms:

- per pair: each indicator called once per pair (1-D arrays), ours and TA-Lib alike;
- stacked: ours called once per indicator on the ``(8, bars)`` stacks (2-D, one row per
  pair), TA-Lib -- which has no such form -- looping over the same stacks' rows.

Targets: <= 3x at 8 x 500, <= 1.5x at 8 x 100k.

Samples alternate ours / TA-Lib so load drifts hit both alike. The memo that lets
ATR/+DI/-DI/ADX (and hammer/shooting star/doji) share their smoothing never carries over
from one sample to the next: pairs are computed one after the other, and the stacked
samples alternate between two stacks of different pairs, so each set of bars pays for it
once, as at a real bar close.
Warm-cache numbers: a process waking up cold pays several times more for both libraries
(``/work/shared/notes/latency-floor.md``). Plus import cost of ``trading.indicators`` in a
fresh interpreter: wall time and resident memory after the first computation.
"""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from bench.common import Row
from config import REPO_ROOT

Bars = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
PAIRS = 8


def make_bars(n: int, seed: int) -> Bars:
    """Real-looking OHLCV: a geometric random walk with clustered volatility, zero volumes."""
    rng = np.random.default_rng(seed)
    vol = 0.004 * np.exp(np.clip(np.cumsum(rng.normal(0, 0.05, n)), -2, 2))
    close = 100.0 * (1 + seed) * np.exp(np.cumsum(rng.normal(0, 1, n) * vol))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.exponential(0.002, n))
    low = np.minimum(open_, close) * (1 - rng.exponential(0.002, n))
    volume = rng.exponential(5.0, n) * (rng.random(n) > 0.05)
    return open_, high, low, close, volume


def ours(b: Bars) -> None:
    import trading.indicators as ti

    o, h, lo, c, v = b
    ti.sma(c), ti.ema(c), ti.rsi(c), ti.atr(h, lo, c)
    ti.plus_di(h, lo, c), ti.minus_di(h, lo, c), ti.adx(h, lo, c)
    ti.bbands(c), ti.macd(c), ti.stoch(h, lo, c), ti.obv(c, v)
    ti.cdl_engulfing(o, h, lo, c), ti.cdl_hammer(o, h, lo, c)
    ti.cdl_shooting_star(o, h, lo, c), ti.cdl_doji(o, h, lo, c)


def talib_set(b: Bars) -> None:
    import talib

    o, h, lo, c, v = b
    talib.SMA(c), talib.EMA(c), talib.RSI(c), talib.ATR(h, lo, c)
    talib.PLUS_DI(h, lo, c), talib.MINUS_DI(h, lo, c), talib.ADX(h, lo, c)
    talib.BBANDS(c, 20, 2.0, 2.0), talib.MACD(c), talib.STOCH(h, lo, c), talib.OBV(c, v)
    talib.CDLENGULFING(o, h, lo, c), talib.CDLHAMMER(o, h, lo, c)
    talib.CDLSHOOTINGSTAR(o, h, lo, c), talib.CDLDOJI(o, h, lo, c)


def ours_stacked(s: Bars) -> None:
    """The full set, one call per indicator on ``(pairs, bars)`` stacks."""
    ours(s)


def talib_rows(s: Bars) -> None:
    """The full set with TA-Lib, one call per indicator and row of the stacks."""
    for r in range(s[0].shape[0]):
        talib_set(tuple(x[r] for x in s))  # type: ignore[arg-type]


def stacked(n_bars: int, first_seed: int) -> Bars:
    """Pairs ``first_seed..+PAIRS`` as ``(PAIRS, n_bars)`` stacks, one row per pair."""
    pairs = [make_bars(n_bars, seed) for seed in range(first_seed, first_seed + PAIRS)]
    o, h, lo, c, v = (np.stack([p[i] for p in pairs]) for i in range(5))
    return o, h, lo, c, v


def _once(fn: Callable[[Bars], None], pairs: list[Bars]) -> float:
    t0 = time.perf_counter_ns()
    for b in pairs:
        fn(b)
    return (time.perf_counter_ns() - t0) / 1000.0


def compare(n_bars: int, reps: int) -> tuple[float, float]:
    """Median microseconds for the full set over 8 pairs, per pair: (ours, TA-Lib)."""
    pairs = [make_bars(n_bars, seed) for seed in range(PAIRS)]
    mine, theirs = [], []
    for i in range(reps + 3):
        a, b = _once(ours, pairs), _once(talib_set, pairs)
        if i >= 3:  # warm-up
            mine.append(a)
            theirs.append(b)
    return float(np.median(mine)), float(np.median(theirs))


def compare_stacked(n_bars: int, reps: int) -> tuple[float, float]:
    """Median microseconds for the full set over 8 pairs, stacked: (ours, TA-Lib)."""
    stacks = [stacked(n_bars, 0), stacked(n_bars, PAIRS)]
    mine, theirs = [], []
    for i in range(reps + 4):
        s = [stacks[i % 2]]  # alternate: no memo hit from the sample before
        a, b = _once(ours_stacked, s), _once(talib_rows, s)
        if i >= 4:  # warm-up
            mine.append(a)
            theirs.append(b)
    return float(np.median(mine)), float(np.median(theirs))


_IMPORT_PROBE = """
import re, time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
import trading.indicators as ti
t2 = time.perf_counter()
c = numpy.linspace(1.0, 2.0, 500)
ti.ema(c)
t3 = time.perf_counter()
rss = int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(t2 - t1, t3 - t2, rss)
"""


def import_cost() -> tuple[float, float, float]:
    """(import ms, first-filter ms, RSS MB after it) in a fresh interpreter, numpy preloaded."""
    out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], cwd=REPO_ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]) * 1e3, float(out[1]) * 1e3, float(out[2]) / 1024


def run() -> list[Row]:
    rows = []
    for n_bars, reps, target in ((500, 300, 3.0), (100_000, 15, 1.5)):
        mine, theirs = compare(n_bars, reps)
        label = f"indicators 8x{n_bars // 1000}k" if n_bars >= 1000 else f"indicators 8x{n_bars}"
        rows += [
            Row(f"{label} ours (full set)", mine / 1000.0, "ms", f"median of {reps}"),
            Row(f"{label} TA-Lib (full set)", theirs / 1000.0, "ms", f"median of {reps}"),
            Row(f"{label} ours/TA-Lib", mine / theirs, "x",
                f"one call per pair; target <= {target}x"),
        ]
        mine, theirs = compare_stacked(n_bars, reps)
        rows += [
            Row(f"{label} ours stacked (full set)", mine / 1000.0, "ms",
                f"one call per indicator on the (8, {n_bars}) stacks; median of {reps}"),
            Row(f"{label} TA-Lib over the stacks' rows", theirs / 1000.0, "ms",
                f"one call per indicator and row; median of {reps}"),
            Row(f"{label} ours stacked/TA-Lib", mine / theirs, "x", f"target <= {target}x"),
        ]
    imp, first, rss = import_cost()
    rows += [
        Row("indicators import", imp, "ms", "fresh interpreter, numpy already imported"),
        Row("indicators first filter call", first, "ms", "loads scipy's lfilter kernel"),
        Row("indicators process RSS", rss, "MB", "after import + first call"),
    ]
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:40s} {r.value:10.3f} {r.unit:3s} {r.note}")
