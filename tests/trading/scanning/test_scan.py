"""Scanner.scans / on_bars: bar events that waited together, scanned together, same scans.

Two stores in shared memory receive the same bars; one scanner scans its pairs one by one
(``on_bar``), the other all at once (``on_bars``). Their scans must be identical at every
bar close, including while some pairs are still short of a full window (windows of
different lengths are grouped by length), and each bar is scanned at most once.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from config.schema import Strategies
from shared import shm
from shared.bars import BarStore
from tests.trading.strategies.builders import regime_walk
from trading.scanning import scan as scan_module
from trading.scanning.scan import Scanner
from trading.strategies import build_strategies

PAIRS = [f"P{i}/USD" for i in range(6)]
WINDOW = 120


@pytest.fixture
def stores() -> Iterator[tuple[BarStore, BarStore]]:
    """Two empty bar stores of PAIRS, removed afterwards."""
    names = [f"t{os.getpid()}{uuid.uuid4().hex[:6]}" for _ in range(2)]
    made = [BarStore.create(ns, PAIRS) for ns in names]
    yield made[0], made[1]
    for store, ns in zip(made, names):
        store.close()
        shm.remove_namespace(ns)


def test_on_bars_scans_exactly_as_on_bar(stores: tuple[BarStore, BarStore],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    one, many = stores
    walks = {p: regime_walk(400, seed) for seed, p in enumerate(PAIRS)}
    late = {p: 40 * (i // 2) for i, p in enumerate(PAIRS)}  # two by two: short windows
    strategies = build_strategies(Strategies())
    alone, together = (Scanner(s, PAIRS, strategies, WINDOW) for s in stores)
    batches: list[tuple[int, ...]] = []
    real = scan_module.iter_batch

    def recording(strategies_: Any, windows: list[np.ndarray]) -> Any:
        batches.append((len(windows), *windows[0].shape))
        return real(strategies_, windows)

    monkeypatch.setattr(scan_module, "iter_batch", recording)
    for t in range(300):
        ready = [p for p in PAIRS if t >= late[p]]
        for p in ready:
            for store in stores:
                store.append(p, walks[p][t - late[p]])
        expected = {p: alone.on_bar(p) for p in ready}
        got = together.on_bars(list(reversed(ready)))
        assert {s.pair: s for s in got} == expected and len(got) == len(expected), t
        if t >= 40 * 2 + WINDOW:  # all windows full: one batch, in the order given
            assert [s.pair for s in got] == list(reversed(ready))
    assert (4, WINDOW, 6) in batches and (6, WINDOW, 6) in batches  # full windows, together
    assert (2, 50, 6) in batches  # short ones of one length as well


def test_each_bar_is_scanned_at_most_once(stores: tuple[BarStore, BarStore]) -> None:
    store = stores[0]
    for i, p in enumerate(PAIRS):
        store.extend(p, regime_walk(50, i))
    scanner = Scanner(store, PAIRS, build_strategies(Strategies()), WINDOW)
    assert scanner.on_bars(PAIRS) == []  # a fresh scanner: what was stored counts as scanned
    store.append(PAIRS[0], regime_walk(51, 0)[-1])  # the next bar of two pairs
    store.append(PAIRS[2], regime_walk(51, 2)[-1])
    scans = scanner.on_bars([PAIRS[2], "XX/USD", PAIRS[0], PAIRS[2], PAIRS[1]])
    assert [s.pair for s in scans] == [PAIRS[2], PAIRS[0]]
    assert all(s.count == 51 and len(s.signals) == 5 for s in scans)
    assert scanner.on_bars(PAIRS) == [] and scanner.due() == []


def test_scans_are_yielded_one_by_one_and_marked_at_once(
        stores: tuple[BarStore, BarStore]) -> None:
    store = stores[0]
    for i, p in enumerate(PAIRS):
        store.extend(p, regime_walk(WINDOW + 1, i)[:-1])
    scanner = Scanner(store, PAIRS, build_strategies(Strategies()), WINDOW)
    for i, p in enumerate(PAIRS):
        store.append(p, regime_walk(WINDOW + 1, i)[-1])
    scans = scanner.scans(PAIRS)
    assert scanner.due() == []  # marked before any is computed: at most once, even on a crash
    assert next(scans).pair == PAIRS[0]
    assert [s.pair for s in scans] == PAIRS[1:]
