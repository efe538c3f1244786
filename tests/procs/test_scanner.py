"""Emulator + feed + 2 scanner processes under supervisord: one signal per bar close.

A collector thread records every ``bar`` and ``signal`` event from the bus. Every bar
close it saw must get exactly one ``signal`` for the same bar (the scanners take the bar
events that arrive together as one batch); killing one scanner may lose only that
scanner's bars while it is down, never the other shard's.
"""
from __future__ import annotations

import os
import signal
import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from config import load_config
from ipc.codec import Event
from procs.scanner import waiting
from tests.conftest import Instance, poll
from tests.procs.conftest import BusRecorder
from trading.scanning.scan import shard

pytestmark = pytest.mark.slow


class Collector(BusRecorder):
    """Every (type, pair, bar_ts, arrival) from the bus, in a background thread."""

    def __init__(self, inst: Instance) -> None:
        super().__init__(inst, ["bar.", "signal.", "thought."])
        self.events: list[tuple[str, str, float, float]] = []
        self.thoughts: list[str] = []
        self.trails: list[tuple[Any, Any]] = []
        self.start()

    def on_event(self, ev: Event) -> None:
        if ev.type == "thought":
            self.thoughts.append(ev.data["text"])
            return
        if ev.type == "signal":
            self.trails.append((ev.data["t_bar"], ev.data["t_signal"]))
        self.events.append((ev.type, ev.key, float(ev.data["bar_ts"]), time.monotonic()))

    def bars(self, since: float, until: float) -> set[tuple[str, float]]:
        return {(k, ts) for t, k, ts, at in list(self.events) if t == "bar" and since <= at < until}

    def signals(self) -> Counter[tuple[str, float]]:
        return Counter((k, ts) for t, k, ts, _ in list(self.events) if t == "signal")


def scanner_pid(inst: Instance, name: str) -> int:
    return next(p["pid"] for p in inst.supervisor().processes()
                if p["name"] == name and p["statename"] == "RUNNING")


def test_one_signal_per_bar_close_and_shards_are_independent(market: Instance) -> None:
    cfg = load_config(market.env)
    mine, theirs = shard(cfg.trading.pairs, 0, 2), shard(cfg.trading.pairs, 1, 2)
    col = Collector(market)
    try:
        poll(lambda: len(col.signals()) >= 16, 30.0, "signals from both scanners")
        start = time.monotonic()
        poll(lambda: time.monotonic() > start + 4, 10.0, "4 s of bars")
        calm_end = time.monotonic()

        old = scanner_pid(market, "scanner-0")
        os.kill(old, signal.SIGKILL)
        down_end = poll(lambda: _restarted(market, old), 10.0, "scanner-0 to come back")
        after = time.monotonic()
        poll(lambda: time.monotonic() > after + 4, 10.0, "4 s of bars after the restart")
        end = time.monotonic()
        poll(lambda: time.monotonic() > end + 1.5, 5.0, "the last signals")  # in flight

        counts = col.signals()
        assert max(counts.values()) == 1, "a bar got more than one signal"
        # the latency trail: the bar event's close time and the signal's send time
        timed = [(b, s) for b, s in col.trails if b is not None]
        assert len(timed) >= len(col.trails) - 16, "most signals answer a bar event"
        assert all(isinstance(s, float) and b <= s for b, s in timed), timed[:3]
        calm = col.bars(start, calm_end)
        assert calm and {b[0] for b in calm} == set(cfg.trading.pairs)
        assert all(counts[b] == 1 for b in calm)
        other_shard = {b for b in col.bars(start, end) if b[0] in theirs}
        assert all(counts[b] == 1 for b in other_shard)  # never lost while scanner-0 was down
        back = {b for b in col.bars(after + 1.0, end) if b[0] in mine}
        assert back and all(counts[b] == 1 for b in back)
        assert down_end > calm_end
        assert any(t.startswith("BTC/USD: ") for t in col.thoughts)
    finally:
        col.close()


def _restarted(inst: Instance, old_pid: int) -> float | None:
    procs = {p["name"]: p for p in inst.supervisor().processes()}
    p = procs["scanner-0"]
    return time.monotonic() if p["statename"] == "RUNNING" and p["pid"] != old_pid else None


def bar(key: str, t_bar: object = 1.5) -> Any:
    return SimpleNamespace(key=key, data={"t_bar": t_bar})


class Queued:
    """A subscriber stand-in whose events are already waiting."""

    def __init__(self, *keys: str) -> None:
        self.events = [bar(k) for k in keys]

    def recv(self, timeout_s: float | None = None) -> Any:
        assert timeout_s == 0  # never waits for more
        return self.events.pop(0) if self.events else None


def test_waiting_takes_the_queued_bar_events_without_blocking() -> None:
    sub = Queued("B/USD", "C/USD", "D/USD")
    assert list(waiting(sub, bar("A/USD"), 2)) == ["A/USD", "B/USD", "C/USD"]  # type: ignore[arg-type]
    assert list(waiting(sub, bar("E/USD"), 5)) == ["E/USD", "D/USD"]  # type: ignore[arg-type]
    assert list(waiting(sub, bar("F/USD"), 5)) == ["F/USD"]  # type: ignore[arg-type]


def test_waiting_keeps_each_bar_events_close_time_and_ignores_a_bad_one() -> None:
    got = waiting(Queued(), bar("A/USD", 7.25), 2)  # type: ignore[arg-type]
    assert got == {"A/USD": 7.25}
    for bad in ("7.25", None, True, [1.0]):
        assert waiting(Queued(), bar("A/USD", bad), 2) == {"A/USD": None}  # type: ignore[arg-type]
