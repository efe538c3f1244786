"""Shared helpers for benchmarks: rows, percentiles, timers.

A benchmark module ``bench/bench_<topic>.py`` exposes ``run() -> list[Row]``.
``python -m bench`` runs every module, prints one table and writes
``bench/results/latest.json`` (one entry per row with its value and unit).
Numbers are medians and percentiles of many samples: these machines are
shared and noisy, so a single timing means little.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    name: str
    value: float
    unit: str
    note: str = ""


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of the samples."""
    return float(np.percentile(np.asarray(samples, dtype=np.float64), q))


def time_us(fn: Callable[[], object], reps: int, warmup: int = 100) -> list[float]:
    """Time ``fn`` ``reps`` times, each call on its own, in microseconds."""
    for _ in range(warmup):
        fn()
    out = []
    clock = time.perf_counter_ns
    for _ in range(reps):
        t0 = clock()
        fn()
        out.append((clock() - t0) / 1000.0)
    return out
