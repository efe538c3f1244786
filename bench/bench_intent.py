"""Bar close -> scorer decision -> intent, across the running processes; scorer memory.

The real stack (emulator, feed, 2 scanners, scorer with a model loaded) under supervisord,
with the trend-following profile of ``tests/procs/test_scorer.py`` and four pairs driven
through rallies so that intents happen. The times are the ones the events carry (one
``time.monotonic()`` clock for every process): the feed's ``t_bar`` at bar close, the
scanner's ``t_signal``, the scorer's ``t_decided`` on each of its thoughts (every decision,
taken or skipped) and intents. An ``intent`` subscriber is exactly where the executor sits,
so its receive time minus ``t_bar`` is "bar close -> intent at the executor". Targets on
this 2-core machine: p50 <= 2 ms, p99 <= 10 ms. Then the scorer's PSS with the model
loaded (``/proc/<pid>/smaps_rollup``). Last, the same chain with one pair and one scanner,
where no burst of eight bar closes competes for the two cores (``bench_cold`` has the cost
of waking cold that remains).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import requests

from bench.bench_memory import pss_kb, tree
from bench.common import Row, percentile
from bench.instance import running_instance
from config import Paths, load_config
from ipc.bus import Subscriber
from procs.runtime import endpoints_for
from tools.supervisor_client import Supervisor
from trading.ml.export import write_model
from trading.ml.mlp import MLP

DURATION_S = 60.0
ONE_PAIR_S = 30.0
WARMUP_S = 5.0
PHASE_S = 10.0
RALLY = ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD")
PROFILE = {"BOT__SIM__BAR_SECONDS": "1.0", "BOT__AI__CONFLUENCE_THRESHOLD": "1",
           "BOT__AI__IMBALANCE_CONFIRM": "0.3",
           "BOT__STRATEGIES__MEAN_REVERSION__ENABLED": "false",
           "BOT__STRATEGIES__REVERSAL__ENABLED": "false"}


def put_model(home: Path) -> None:
    """A 10 -> 16 -> 1 model whose answer is about 0.9 (weights small, bias +2.2)."""
    mlp = MLP.random(16, seed=3, scale=0.05)
    mlp = MLP(mlp.w1, mlp.b1, mlp.w2, np.array([2.2], np.float32))
    (home / "models").mkdir(parents=True, exist_ok=True)
    write_model(mlp, home / "models" / "current.tflite")


Samples = dict[str, list[float]]
STAGES = ("bar close -> signal sent", "signal sent -> decision sent",
          "bar close -> scorer decision sent")


def stages(ev: dict[str, float]) -> tuple[float, float, float]:
    """The trail a scorer thought / intent carries, as stage durations in ms."""
    bar, sig, done = ev["t_bar"], ev["t_signal"], ev["t_decided"]
    return (sig - bar) * 1000, (done - sig) * 1000, (done - bar) * 1000


def collect(home: Path, env: dict[str, str], rally: tuple[str, ...] = RALLY,
            duration_s: float = DURATION_S) -> tuple[Samples, float]:
    """Stamps carried by the scorer's thoughts (every decision) and intents (received here,
    where the executor sits), for bars closed after the warm-up."""
    cfg = load_config(env)
    sub = Subscriber(endpoints_for(cfg, Paths(home=home)).bus_out, ["thought.", "intent."])
    fault = f"http://127.0.0.1:{cfg.sim.port}/_sim/fault"
    out: Samples = {name: [] for name in (*STAGES, "intent", "hop")}
    start = next_phase = time.monotonic()
    phase = 0
    while time.monotonic() < start + WARMUP_S + duration_s:
        if time.monotonic() >= next_phase:
            hot = "rally" if phase % 2 == 0 else "trend_down"
            requests.post(fault, json={"regime": {p: hot for p in rally}}, timeout=5)
            phase, next_phase = phase + 1, next_phase + PHASE_S
        ev = sub.recv(0.2)
        now = time.monotonic()
        if ev is None or ev.src != "scorer" or not isinstance(ev.data.get("t_bar"), float):
            continue
        if ev.data["t_bar"] < start + WARMUP_S:
            continue
        if ev.type == "thought":
            for name, ms in zip(STAGES, stages(ev.data)):
                out[name].append(ms)
        else:
            out["intent"].append((now - ev.data["t_bar"]) * 1000)
            out["hop"].append((now - ev.data["t_decided"]) * 1000)
    sub.close()
    sup = Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
    pid = next(p["pid"] for p in sup.processes() if p["name"] == "scorer")
    return out, sum(pss_kb(p) for p in tree(pid)) / 1024


def run() -> list[Row]:
    with running_instance(setup=put_model, **PROFILE) as (home, env):
        got, pss = collect(home, env)
    intents = got["intent"]
    n = f"n={len(got[STAGES[0]])} decisions, {len(intents)} intents, 8 pairs, model loaded"
    rows = [Row(f"{name} p{q}", percentile(got[name], q), "ms", n if i + q == 50 else "")
            for i, name in enumerate(STAGES) for q in (50, 99)]
    if intents:
        rows += [Row("intent sent -> at executor p50", percentile(got["hop"], 50), "ms"),
                 Row("bar close -> intent at executor p50", percentile(intents, 50), "ms",
                     "target <= 2 ms"),
                 Row("bar close -> intent at executor p99", percentile(intents, 99), "ms",
                     "target <= 10 ms")]
    return rows + [Row("memory PSS scorer (model loaded)", pss, "MB"), *one_pair()]


def one_pair() -> list[Row]:
    """The same chain with one pair and one scanner: no burst of 8 bar closes at once."""
    env = PROFILE | {"BOT__TRADING__PAIRS": "[BTC/USD]", "BOT__SCANNER__PROCESSES": "1"}
    with running_instance(setup=put_model, **env) as (home, full):
        got, _ = collect(home, full, ("BTC/USD",), ONE_PAIR_S)
    n = f"n={len(got[STAGES[2]])}; no burst of 8 closes"
    return [Row(f"one pair: {STAGES[0]} p50", percentile(got[STAGES[0]], 50), "ms", n),
            Row(f"one pair: {STAGES[2]} p50", percentile(got[STAGES[2]], 50), "ms"),
            Row(f"one pair: {STAGES[2]} p99", percentile(got[STAGES[2]], 99), "ms")]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:40s} {r.value:10.3f} {r.unit:3s} {r.note}")
