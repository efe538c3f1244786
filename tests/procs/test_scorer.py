"""Emulator + feed + scanners + scorer under supervisord: intents where strategies agree.

The emulator's regime fault sends four pairs through repeated rallies (a steep rise on
volume, the book leaning with it) and holds four in a calm range. Intents must come from
the rallying pairs and never from the ranges (whose books do not confirm); each intent's
thought must carry its real numbers. A model file dropped into ``${BOT_HOME}/models`` is
picked up while running, a corrupt replacement is refused and the loaded model kept.

Settings (a trend-following profile, so the test does not wait minutes for a rare setup):
the three trend-following strategies only, one agreeing strategy is enough, and the book
must lean 0.3 the trade's way. One-second bars: fast, yet slow enough that a signal held
for ``ai.signal_memory_bars`` bars outlasts the book's 2-second imbalance average.
"""
from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable

import numpy as np
import pytest

from ipc.codec import Event
from tests.conftest import Instance, poll
from tests.procs.conftest import BusRecorder, fault, full_stores
from trading.ml.export import write_model
from trading.ml.mlp import MLP

pytestmark = pytest.mark.slow

RALLY = ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD")
RANGE = ("ADA/USD", "DOT/USD", "LINK/USD", "LTC/USD")
THOUGHT = re.compile(
    r"^(?P<pair>[A-Z]+/USD): (?P<n>\d)/(?P<of>\d) (?P<side>long|short) \((?P<names>[a-z_, ]+)\)"
    r"(, \d (long|short) \([a-z_, ]+\))?, book imbalance (?P<imb>[+-]\d\.\d\d) confirms, "
    r"(?P<model>no model \(confluence only\)|model (?P<p>\d\.\d\d) >= 0\.65) -> intent$")


PROFILE = {"BOT__SIM__BAR_SECONDS": "1.0", "BOT__AI__CONFLUENCE_THRESHOLD": "1",
           "BOT__AI__IMBALANCE_CONFIRM": "0.3",
           "BOT__STRATEGIES__MEAN_REVERSION__ENABLED": "false",
           "BOT__STRATEGIES__REVERSAL__ENABLED": "false"}
PHASE_S = 10.0


@pytest.fixture
def stack(instance: Instance) -> Instance:
    instance.env.update(PROFILE)
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    full_stores(instance)
    return instance


class Rallies:
    """Alternates the rally pairs between a rally and a range every ``PHASE_S``."""

    def __init__(self, inst: Instance) -> None:
        self.inst, self.phase, self.next = inst, 0, 0.0

    def step(self) -> None:
        if time.monotonic() < self.next:
            return
        self.next = time.monotonic() + PHASE_S
        hot = "rally" if self.phase % 2 == 0 else "range"
        self.phase += 1
        fault(self.inst, regime={p: hot for p in RALLY} | {p: "range" for p in RANGE})


class Collector(BusRecorder):
    """Intents, the scorer's thoughts and model status events, with arrival times."""

    def __init__(self, inst: Instance) -> None:
        super().__init__(inst, ["intent.", "thought.", "model.status"])
        self.intents: list[tuple[float, dict]] = []
        self.thoughts: list[tuple[float, str]] = []
        self.models: list[dict] = []
        self.start()

    def on_event(self, ev: Event) -> None:
        if ev.type == "intent":
            self.intents.append((time.monotonic(), ev.data))
        elif ev.type == "model":
            self.models.append(ev.data)
        elif ev.src == "scorer":
            self.thoughts.append((time.monotonic(), ev.data["text"]))

    def since(self, t: float) -> list[dict]:
        return [d for at, d in list(self.intents) if at >= t]


def check_thought_numbers(intent: dict) -> re.Match[str]:
    m = THOUGHT.match(intent["reasons"][0])
    assert m is not None, intent["reasons"]
    assert m["pair"] == intent["pair"] and m["side"] == intent["side"]
    assert int(m["n"]) == intent["confluence"] == len(intent["strategies"])
    assert int(m["of"]) == intent["counted"] == 3
    assert m["names"].split(", ") == intent["strategies"]
    imbalance = float(m["imb"])
    assert imbalance >= 0.30 if intent["side"] == "long" else imbalance <= -0.30
    assert intent["stop"] < intent["price"] if intent["side"] == "long" else \
        intent["stop"] > intent["price"]
    assert intent["expires"] - intent["created"] == pytest.approx(5.0)
    assert intent["bar_ts"] > 0 and intent["atr"] > 0
    # the latency trail, one monotonic clock: bar close <= signal sent <= decision sent
    assert intent["t_bar"] <= intent["t_signal"] <= intent["t_decided"] <= time.monotonic()
    return m


def wait_for(rallies: Rallies, check: Callable[[], object], timeout_s: float,
             what: str) -> object:
    def step() -> object:
        rallies.step()
        return check()
    return poll(step, timeout_s, what)


def test_intents_in_rallies_none_in_a_calm_range(stack: Instance) -> None:
    got = Collector(stack)
    rallies = Rallies(stack)
    try:
        poll(lambda: got.models and not got.models[-1]["loaded"], 20.0, "model status")
        assert "confluence only" in got.models[-1]["text"]
        rallies.step()
        # what the range pairs did before: held signals and averaged books settle in ~8 s
        settled = time.monotonic() + 8.0
        wait_for(rallies, lambda: len({d["pair"] for d in got.since(settled)}) >= 2, 150.0,
                 "intents for two rallying pairs")
        intents = got.since(settled)
        assert {d["pair"] for d in intents} <= set(RALLY), intents
        for d in intents:
            check_thought_numbers(d)
            assert d["probability"] is None
        assert len({d["id"] for d in intents}) == len(intents)       # one intent per bar
        skipped = [t for at, t in got.thoughts if at >= settled and t.endswith("-> skip")]
        assert any(t.startswith(RANGE) for t in skipped)
    finally:
        got.close()


def constant_model(p: float) -> MLP:
    """A model that answers ``p`` whatever the features (zero weights, logit bias)."""
    logit = float(np.log(p / (1 - p)))
    return MLP(np.zeros((4, 10), np.float32), np.zeros(4, np.float32),
               np.zeros((1, 4), np.float32), np.array([logit], np.float32))


def test_model_is_loaded_swapped_and_a_corrupt_one_refused(stack: Instance) -> None:
    got = Collector(stack)
    rallies = Rallies(stack)
    models = stack.paths.home / "models"
    try:
        write_model(constant_model(0.9), models / "current.tflite")
        poll(lambda: got.models and got.models[-1]["loaded"], 20.0, "model loaded")
        first = got.models[-1]["sha"]
        t0 = time.monotonic()
        intent = wait_for(rallies, lambda: next(iter(got.since(t0)), None), 150.0,
                          "an intent with the model")
        assert intent["probability"] == pytest.approx(0.9, abs=1e-5)
        assert check_thought_numbers(intent)["p"] == "0.90"

        write_model(constant_model(0.2), models / "current.tflite")
        poll(lambda: got.models[-1]["sha"] != first, 20.0, "model swapped")
        t1 = time.monotonic()
        wait_for(rallies, lambda: any(at >= t1 and "model 0.20 < 0.65 -> skip" in t
                                      for at, t in got.thoughts), 150.0,
                 "a skip by the new model")
        second = got.models[-1]["sha"]

        corrupt = models / "incoming.tflite"
        corrupt.write_bytes(b"TFL3 but not really a model" * 10)
        shutil.move(corrupt, models / "current.tflite")
        poll(lambda: got.models[-1]["error"], 20.0, "the corrupt model refused")
        assert got.models[-1]["loaded"] and got.models[-1]["sha"] == second
        assert "current.tflite" in got.models[-1]["error"]
    finally:
        got.close()
