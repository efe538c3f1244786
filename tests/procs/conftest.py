"""Fixtures for tests that run the whole stack: a market (emulator + feed + scanners)."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

import pytest
import requests

from config import load_config
from ipc.bus import Subscriber
from ipc.codec import Event
from procs.runtime import endpoints_for
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




class BusRecorder:
    """Subscribes to ``topics`` of an instance's bus and hands every event to ``on_event``
    from a background thread until ``close()``."""

    def __init__(self, inst: Instance, topics: Iterable[str]) -> None:
        bus_out = endpoints_for(load_config(inst.env), inst.paths).bus_out
        self.sub = Subscriber(bus_out, list(topics))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def on_event(self, ev: Event) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self.stop.is_set():
            ev = self.sub.recv(0.1)
            if ev is not None:
                self.on_event(ev)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sub.close()
