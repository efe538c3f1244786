"""TFLite predictor: what the scorer pays per score, per batch, per reload check and per load.

The model is the production shape (10 -> 16 -> 1 MLP written by ``trading.ml.export``),
run by LiteRT with one thread. Per-call times include the input checks (shape, finite)
and the copy out; the NumPy forward pass of the same weights is shown for comparison.
Batch sizes are not mixed within one series (a change of batch size costs a resize +
allocate). The load time is a full ``reload()`` of a changed file: read, SHA-256, a new
interpreter and the sanity probe. The first row also includes the one-off runtime probe
(``import tflite`` and a throwaway interpreter) that a scorer process pays once.
"""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import Row, percentile, time_us
from trading.ai.predictor import Predictor, default_runtime
from trading.ml.export import write_model
from trading.ml.mlp import MLP, N_FEATURES

logger = logging.getLogger(__name__)

REPS = 20_000
LOADS = 20
HIDDEN = 16


def _load_samples(p: Predictor, path: Path) -> list[float]:
    """Milliseconds per reload of a file that changed (alternating two models)."""
    out = []
    for i in range(LOADS):
        write_model(MLP.random(HIDDEN, seed=i % 2 + 2), path)
        t0 = time.perf_counter_ns()
        if not p.reload():
            raise RuntimeError(f"reload {i} did not load: {p.status}")
        out.append((time.perf_counter_ns() - t0) / 1e6)
    return out


def run() -> list[Row]:
    """Per-call latency (batch 1, batch 64), NumPy comparison, reload check, load time."""
    t0 = time.perf_counter_ns()
    runtime = default_runtime()
    probe_ms = (time.perf_counter_ns() - t0) / 1e6
    if runtime is None:
        raise RuntimeError("no TFLite runtime available")
    mlp = MLP.random(HIDDEN, seed=1)
    X = np.random.default_rng(2).standard_normal((64, N_FEATURES)).astype(np.float32)
    row = X[0].copy()
    with tempfile.TemporaryDirectory(prefix="benchpred") as tmp:
        path = Path(tmp) / "current.tflite"
        write_model(mlp, path)
        p = Predictor(path)
        one = time_us(lambda: p.predict(row), REPS)
        many = time_us(lambda: p.predict_batch(X), REPS // 4)
        check = time_us(p.maybe_reload, REPS)
        loads = _load_samples(p, path)
    np_one = time_us(lambda: mlp.forward(row), REPS)
    np_many = time_us(lambda: mlp.forward(X), REPS // 4)
    note = f"{runtime.name}, 10-{HIDDEN}-1 MLP, num_threads=1, {REPS} reps"
    return [
        Row("predictor runtime probe (once per process)", probe_ms, "ms",
            "probe model + interpreter; import tflite not included"),
        Row("predictor predict batch 1 p50", percentile(one, 50), "us", note),
        Row("predictor predict batch 1 p99", percentile(one, 99), "us", "target <= 20 us"),
        Row("predictor predict_batch 64 p50", percentile(many, 50), "us", "per call"),
        Row("predictor predict_batch 64 p99", percentile(many, 99), "us", "per call"),
        Row("numpy forward batch 1 p50", percentile(np_one, 50), "us", "same weights"),
        Row("numpy forward batch 64 p50", percentile(np_many, 50), "us", "same weights"),
        Row("predictor maybe_reload unchanged p50", percentile(check, 50), "us", "one os.stat"),
        Row("predictor reload changed file p50", percentile(loads, 50), "ms",
            f"{LOADS} loads: read+sha+interpreter+probe"),
    ]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:45s} {r.value:8.2f} {r.unit}  {r.note}")
