"""The same work hot and after the process slept: the cold-wake cost on this machine.

An event-driven process sleeps between events, and on this VM the first work after a sleep
runs many times slower than the same work repeated back to back (caches, TLBs and branch
predictors are cold; the idle vCPU may have been handed to another guest). Every stage of
bar close -> intent wakes from a sleep, so these ratios, not the hot microbenchmarks, set
the floor of that chain (``bench_intent``). Rows: a small NumPy step (200 floats: cumsum +
mean) hot and after 0.5 / 2 / 10 ms asleep; the scorer's decision on the intent path
(confluence, features, the TFLite model, the stop) hot and after 10 ms asleep.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.bench_intent import put_model
from bench.common import Row, percentile
from config import load_config
from trading.ai.predictor import Predictor
from trading.ai.scorer import Scorer
from trading.ai.service import BookView
from trading.strategies.signal import Signal

REPS = 200
SLEEPS_S = (0.0005, 0.002, 0.01)


def timed(fn: Callable[[], object], sleep_s: float) -> float:
    """p50 in microseconds of ``fn``, each call after ``sleep_s`` asleep (0: back to back)."""
    out = []
    for _ in range(REPS):
        if sleep_s:
            time.sleep(sleep_s)
        t = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - t) / 1000)
    return percentile(out, 50)


def window(n: int = 200) -> np.ndarray:
    rng = np.random.default_rng(1)
    close = 100 + np.cumsum(rng.normal(0.05, 0.3, n))
    return np.column_stack([np.arange(n) * 60.0, close, close + 0.5, close - 0.5, close,
                            rng.uniform(1, 5, n)])


def decision() -> Callable[[], object]:
    """The scorer deciding one candidate that becomes an intent (model loaded)."""
    with tempfile.TemporaryDirectory(prefix="bc") as tmp:  # the model is read right away
        home = Path(tmp)
        put_model(home)
        cfg = load_config({"BOT_HOME": str(home), "BOT__AI__CONFLUENCE_THRESHOLD": "1",
                           "BOT__AI__IMBALANCE_CONFIRM": "0.3"})
        scorer = Scorer(cfg.ai, cfg.risk, Predictor(home / "models" / "current.tflite"))
    bars = window()
    signals = [Signal("trend", "long", 0.8, None, ("rising",), float(bars[-1, 0]))]
    book = BookView(0.5, float(bars[-1, 4]), 0.01)

    def decide() -> object:
        d = scorer.decide("BTC/USD", signals, bars, book, time.time())
        assert d.intent is not None
        return d
    return decide


def run() -> list[Row]:
    a = np.random.default_rng(0).normal(size=200)
    step = lambda: np.cumsum(a)[-1] + a.mean()  # noqa: E731
    hot = timed(step, 0)
    rows = [Row("numpy step (200 floats) hot p50", hot, "us")]
    for s in SLEEPS_S:
        cold = timed(step, s)
        rows.append(Row(f"numpy step after {s * 1000:g} ms asleep p50", cold, "us",
                        f"{cold / hot:.0f}x hot"))
    decide = decision()
    hot, cold = timed(decide, 0), timed(decide, 0.01)
    return rows + [Row("scorer intent decision hot p50", hot, "us"),
                   Row("scorer intent decision after 10 ms asleep p50", cold, "us",
                       f"{cold / hot:.0f}x hot")]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:46s} {r.value:10.1f} {r.unit:3s} {r.note}")
