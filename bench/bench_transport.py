"""Bars to a strategy: shared-memory window read vs the same array over the bus.

The shared-memory row is one ``BarStore.window(pair, 500)`` (copy + seqlock +
xxh3 check) in the reading process; the bus rows are one-way publisher ->
proxy -> subscriber transfers of the same (500, 6) float64 array, as a raw
frame (``copy=False``) and as pickle protocol 5. The ratio is the best bus
p50 over the shared-memory p50; the design's target is at least 10x.
"""
from __future__ import annotations

from bench.bench_bus import array_transfer_samples
from bench.bench_shm import window_read_samples
from bench.common import Row, percentile

SHM_REPS = 20_000
BUS_REPS = 1_000
TARGET_RATIO = 10.0


def run() -> list[Row]:
    shm = window_read_samples(SHM_REPS)
    rows = [Row("shm window read 500 bars (copy+check) p50", percentile(shm, 50), "us",
                f"n={SHM_REPS}, warm"),
            Row("shm window read 500 bars (copy+check) p99", percentile(shm, 99), "us")]
    best_bus = float("inf")
    for kind in ("raw", "pickle"):
        samples = array_transfer_samples(kind, BUS_REPS)
        p50 = percentile(samples, 50)
        best_bus = min(best_bus, p50)
        rows += [Row(f"bus array (500x6) {kind} one-way p50", p50, "us", f"n={len(samples)}"),
                 Row(f"bus array (500x6) {kind} one-way p99", percentile(samples, 99), "us")]
    ratio = best_bus / percentile(shm, 50)
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    rows.append(Row("ratio best bus p50 / shm p50", ratio, "x",
                    f"{verdict} target >= {TARGET_RATIO:.0f}x"))
    return rows
