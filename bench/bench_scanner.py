"""Strategy cost per bar close, and what a second scanner process buys.

Rows:
- all five strategies for one bar close of N pairs x 500 bars (N = 8, 32, 128), two ways:
  per pair (a window read from shared memory plus ``evaluate_all``, pair after pair) and
  batched (the windows read, then evaluated together by ``evaluate_batch``, as the scanner
  does with the bar events that arrive together). Each sample follows a new bar
  appended to every pair (nothing computed at the close before can be reused) and a 20 ms
  idle, as the scanner meets a bar close (cold caches), not in a hot loop; per pair and
  batched samples alternate. Targets for 8 pairs: p50 <= 1.5 ms, p99 <= 5 ms.
- throughput of 1 vs 2 scanner processes over 128 pairs (each process its shard, as in
  production) and the speedup, per pair and batched (each process evaluating its whole
  shard at once); target >= 1.7x on 2 cores.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence

import numpy as np

from bench.common import Row, percentile
from config import REPO_ROOT, load_config
from shared import shm
from shared.bars import BarStore
from trading.strategies import Strategy, build_strategies, evaluate_all, evaluate_batch

WINDOW = 500
IDLE_S = 0.02
SAMPLES = 200
THROUGHPUT_PAIRS = 128
THROUGHPUT_REPS = 100
ROUNDS = 3  # alternating 1- and 2-process runs; medians


def pair_names(n: int) -> list[str]:
    return [f"P{i:03d}/USD" for i in range(n)]


def walk(rng: np.random.Generator, count: int, minute: float, close0: float) -> np.ndarray:
    """``count`` random-walk bars after a close of ``close0``, the first at ``minute``."""
    close = close0 * np.exp(np.cumsum(rng.normal(0, 0.004, count)))
    opens = np.r_[close0, close[:-1]]
    spread = np.abs(rng.normal(0, 0.002, count)) * close
    return np.column_stack([(minute + np.arange(count)) * 60.0, opens,
                            np.maximum(opens, close) + spread, np.minimum(opens, close) - spread,
                            close, rng.gamma(2.0, 5.0, count)])


def fill(ns: str, n_pairs: int) -> BarStore:
    """A BarStore of ``n_pairs`` random-walk pairs, 512 bars each."""
    store = BarStore.create(ns, pair_names(n_pairs))
    rng = np.random.default_rng(7)
    for pair in store.pairs:
        store.extend(pair, walk(rng, 512, 0.0, 100.0))
    return store


def close_bar(store: BarStore, rng: np.random.Generator) -> None:
    """Append the next bar to every pair: a bar close."""
    for pair in store.pairs:
        last = store.window(pair, 1)[0]
        store.append(pair, walk(rng, 1, last[0] / 60.0 + 1.0, last[4])[0])


def per_pair(reader: BarStore, strategies: Sequence[Strategy]) -> None:
    for pair in reader.pairs:
        evaluate_all(strategies, reader.window(pair, WINDOW))


def batched(reader: BarStore, strategies: Sequence[Strategy]) -> None:
    evaluate_batch(strategies, [reader.window(pair, WINDOW) for pair in reader.pairs])


def bar_close_samples(n_pairs: int, samples: int = SAMPLES) -> tuple[list[float], list[float]]:
    """Milliseconds for one bar close of ``n_pairs`` pairs, each sample after a new bar
    and an idle: (per pair, batched), the two alternating."""
    ns = f"bs{os.getpid() % 1000}{uuid.uuid4().hex[:5]}"
    writer = fill(ns, n_pairs)
    reader = BarStore.attach(ns)
    strategies = build_strategies(load_config().strategies)
    rng = np.random.default_rng(11)
    out: tuple[list[float], list[float]] = ([], [])
    try:
        for i in range(2 * samples):
            close_bar(writer, rng)
            time.sleep(IDLE_S)  # idle like a scanner between bar closes (not synchronisation)
            t0 = time.perf_counter_ns()
            (per_pair if i % 2 == 0 else batched)(reader, strategies)
            out[i % 2].append((time.perf_counter_ns() - t0) / 1e6)
        return out
    finally:
        reader.close()
        writer.close()
        shm.remove_namespace(ns)


WORKER = """
import sys, time
from config import load_config
from shared.bars import BarStore
from trading.scanning.scan import shard
from trading.strategies import build_strategies, evaluate_all, evaluate_batch
ns, index, count, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
stacked = sys.argv[5] == "batched"
store = BarStore.attach(ns)
pairs = shard(store.pairs, index, count)
strategies = build_strategies(load_config().strategies)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(reps):
    if stacked:
        evaluate_batch(strategies, [store.window(pair, 500) for pair in pairs])
    else:
        for pair in pairs:
            evaluate_all(strategies, store.window(pair, 500))
"""


def wall_seconds(ns: str, processes: int, mode: str) -> float:
    """Wall time for ``processes`` scanner shards to scan 128 pairs THROUGHPUT_REPS times,
    ``mode`` "per-pair" or "batched"."""
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, ns, str(i), str(processes),
                               str(THROUGHPUT_REPS), mode], cwd=REPO_ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for i in range(processes)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    t0 = time.monotonic()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.wait()
    return time.monotonic() - t0


def run() -> list[Row]:
    rows = []
    for n in (8, 32, 128):
        one, many = bar_close_samples(n, SAMPLES if n <= 32 else SAMPLES // 4)
        target = " (target p50 <= 1.5 ms, p99 <= 5 ms)" if n == 8 else ""
        for how, s in (("", one), (" batched", many)):
            rows += [Row(f"5 strategies{how}, bar close of {n} pairs x 500 bars p50",
                         percentile(s, 50), "ms", f"after {IDLE_S * 1000:.0f} ms idle{target}"),
                     Row(f"5 strategies{how}, bar close of {n} pairs x 500 bars p99",
                         percentile(s, 99), "ms")]
    ns = f"bt{os.getpid() % 1000}{uuid.uuid4().hex[:5]}"
    writer = fill(ns, THROUGHPUT_PAIRS)
    try:
        for mode, how in (("per-pair", ""), ("batched", " batched")):
            runs = [(wall_seconds(ns, 1, mode), wall_seconds(ns, 2, mode))
                    for _ in range(ROUNDS)]
            one_s = percentile([r[0] for r in runs], 50)
            two_s = percentile([r[1] for r in runs], 50)
            scans = THROUGHPUT_PAIRS * THROUGHPUT_REPS
            rows += [Row(f"scanner throughput{how}, 1 process, 128 pairs", scans / one_s,
                         "scan/s"),
                     Row(f"scanner throughput{how}, 2 processes, 128 pairs", scans / two_s,
                         "scan/s"),
                     Row(f"scanner speedup{how} 2 vs 1 processes", one_s / two_s, "x",
                         f"median of {ROUNDS} rounds; target >= 1.7x")]
    finally:
        writer.close()
        shm.remove_namespace(ns)
    return rows
