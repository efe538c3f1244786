"""Strategy cost per bar close, and what a second scanner process buys.

Rows:
- all five strategies for one bar close of N pairs x 500 bars (N = 8, 32, 128): one
  window read from shared memory plus ``evaluate_all`` per pair, timed after a 20 ms
  idle each time, as the scanner meets a bar close (cold caches), not in a hot loop.
  Targets for 8 pairs: p50 <= 1.5 ms, p99 <= 5 ms.
- throughput of 1 vs 2 scanner processes over 128 pairs (each process its shard, as in
  production) and the speedup; target >= 1.7x on 2 cores.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import numpy as np

from bench.common import Row, percentile
from config import REPO_ROOT, load_config
from shared import shm
from shared.bars import BarStore
from trading.strategies import build_strategies, evaluate_all

WINDOW = 500
IDLE_S = 0.02
SAMPLES = 200
THROUGHPUT_PAIRS = 128
THROUGHPUT_REPS = 100
ROUNDS = 3  # alternating 1- and 2-process runs; medians


def pair_names(n: int) -> list[str]:
    return [f"P{i:03d}/USD" for i in range(n)]


def fill(ns: str, n_pairs: int) -> BarStore:
    """A BarStore of ``n_pairs`` random-walk pairs, 512 bars each."""
    store = BarStore.create(ns, pair_names(n_pairs))
    rng = np.random.default_rng(7)
    for pair in store.pairs:
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, 512)))
        opens = np.r_[close[0], close[:-1]]
        spread = np.abs(rng.normal(0, 0.002, 512)) * close
        rows = np.column_stack([np.arange(512) * 60.0, opens, np.maximum(opens, close) + spread,
                                np.minimum(opens, close) - spread, close,
                                rng.gamma(2.0, 5.0, 512)])
        store.extend(pair, rows)
    return store


def bar_close_samples(n_pairs: int, samples: int = SAMPLES) -> list[float]:
    """Milliseconds for one bar close of ``n_pairs`` pairs, each after an idle."""
    ns = f"bs{os.getpid() % 1000}{uuid.uuid4().hex[:5]}"
    writer = fill(ns, n_pairs)
    reader = BarStore.attach(ns)
    strategies = build_strategies(load_config().strategies)
    out = []
    try:
        for _ in range(samples):
            time.sleep(IDLE_S)  # idle like a scanner between bar closes (not synchronisation)
            t0 = time.perf_counter_ns()
            for pair in reader.pairs:
                evaluate_all(strategies, reader.window(pair, WINDOW))
            out.append((time.perf_counter_ns() - t0) / 1e6)
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
from trading.strategies import build_strategies, evaluate_all
ns, index, count, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
store = BarStore.attach(ns)
pairs = shard(store.pairs, index, count)
strategies = build_strategies(load_config().strategies)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(reps):
    for pair in pairs:
        evaluate_all(strategies, store.window(pair, 500))
"""


def wall_seconds(ns: str, processes: int) -> float:
    """Wall time for ``processes`` scanner shards to scan 128 pairs THROUGHPUT_REPS times."""
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, ns, str(i), str(processes),
                               str(THROUGHPUT_REPS)], cwd=REPO_ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for i in range(processes)]
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
        s = bar_close_samples(n, SAMPLES if n <= 32 else SAMPLES // 4)
        target = " (target p50 <= 1.5 ms, p99 <= 5 ms)" if n == 8 else ""
        rows += [Row(f"5 strategies, bar close of {n} pairs x 500 bars p50", percentile(s, 50),
                     "ms", f"after {IDLE_S * 1000:.0f} ms idle{target}"),
                 Row(f"5 strategies, bar close of {n} pairs x 500 bars p99", percentile(s, 99),
                     "ms")]
    ns = f"bt{os.getpid() % 1000}{uuid.uuid4().hex[:5]}"
    writer = fill(ns, THROUGHPUT_PAIRS)
    try:
        runs = [(wall_seconds(ns, 1), wall_seconds(ns, 2)) for _ in range(ROUNDS)]
        one = percentile([r[0] for r in runs], 50)
        two = percentile([r[1] for r in runs], 50)
    finally:
        writer.close()
        shm.remove_namespace(ns)
    scans = THROUGHPUT_PAIRS * THROUGHPUT_REPS
    rows += [Row("scanner throughput, 1 process, 128 pairs", scans / one, "scan/s"),
             Row("scanner throughput, 2 processes, 128 pairs", scans / two, "scan/s"),
             Row("scanner speedup 2 vs 1 processes", one / two, "x",
                 f"median of {ROUNDS} rounds; target >= 1.7x")]
    return rows
