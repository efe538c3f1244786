"""Fixtures for tests that run the whole stack: a market (emulator + feed + scanners)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from shared.bars import BarStore
from tests.conftest import Instance, poll

MIN_BARS = 500


@pytest.fixture
def market(instance: Instance) -> Iterator[Instance]:
    instance.env["BOT__SIM__BAR_SECONDS"] = "0.25"
    out = instance.make("run")
    assert out.returncode == 0, out.stdout + out.stderr
    yield instance


def sim_url(inst: Instance, path: str) -> str:
    return f"http://127.0.0.1:{inst.env['BOT__SIM__PORT']}{path}"


def fault(inst: Instance, **body: object) -> None:
    assert requests.post(sim_url(inst, "/_sim/fault"), json=body, timeout=5).status_code == 200


def full_stores(inst: Instance) -> BarStore:
    def ready() -> BarStore | None:
        try:
            store = BarStore.attach(inst.namespace)
        except Exception:
            return None
        if all(len(store.window(p, MIN_BARS)) >= MIN_BARS for p in store.pairs):
            return store
        store.close()
        return None
    return poll(ready, 30.0, "500 bars for every pair")


