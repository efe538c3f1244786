"""Bar close to signal: the real stack (emulator, feed, 2 scanners) under supervisord.

A subscriber on the bus stamps the arrival of each ``bar.<PAIR>`` event and of the
``signal.<PAIR>`` for the same bar; the row is the gap between the two (bus hop to the
scanner, shared-memory window read, five strategies, bus hop back), p50 and p99 over
``DURATION_S`` of a fast simulated market (``sim.bar_seconds`` 0.25, 8 pairs). The
scanners take the bar events that arrive together as one batch (``Scanner.on_bars``), so
this is the batched path as the processes meet it: a pair's signal waits for the batch
it came with.
"""
from __future__ import annotations

import time

from bench.common import Row, percentile
from bench.instance import running_instance
from config import Paths, load_config
from ipc.bus import Subscriber
from procs.runtime import endpoints_for

DURATION_S = 15.0
WARMUP_S = 3.0


def latencies_ms() -> list[float]:
    bars: dict[tuple[str, float], float] = {}
    out: list[float] = []
    with running_instance(BOT__SIM__BAR_SECONDS="0.25") as (home, env):
        bus_out = endpoints_for(load_config(env), Paths(home=home)).bus_out
        sub = Subscriber(bus_out, ["bar.", "signal."])
        start = time.monotonic()
        while time.monotonic() < start + WARMUP_S + DURATION_S:
            ev = sub.recv(0.2)
            if ev is None or time.monotonic() < start + WARMUP_S:
                continue
            key = (ev.key, float(ev.data["bar_ts"]))
            if ev.type == "bar":
                bars[key] = time.monotonic()
            elif key in bars:
                out.append((time.monotonic() - bars.pop(key)) * 1000)
        sub.close()
    return out


def run() -> list[Row]:
    samples = latencies_ms()
    note = f"bar event -> signal event at a bus subscriber, 8 pairs, 2 scanners, n={len(samples)}"
    return [Row("bar close -> signal p50", percentile(samples, 50), "ms", note),
            Row("bar close -> signal p99", percentile(samples, 99), "ms")]
