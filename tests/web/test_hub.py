"""The live hub: bounded per-client queues (coalescing, resync) and the bus fan-out."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import zmq

from ipc.bus import Publisher, run_proxy
from ipc.endpoints import Endpoints
from tests.polling import poll
from web.hub import ClientQueue, Hub
from web.live_state import LiveState


def test_queue_keeps_order_and_coalesces_latest_values() -> None:
    q = ClientQueue(maxlen=10)
    q.put(b"t1", "tick:BTC")
    q.put(b"thought-1")
    q.put(b"t2", "tick:BTC")
    q.put(b"e1", "tick:ETH")
    assert q.take(0.0) == ([b"t2", b"thought-1", b"e1"], False)
    q.put(b"t3", "tick:BTC")  # the key is free again once taken
    assert q.take(0.0) == ([b"t3"], False)


def test_overflow_empties_the_queue_and_asks_for_a_resync() -> None:
    q = ClientQueue(maxlen=3)
    for i in range(3):
        q.put(str(i).encode())
    q.put(b"3")  # full: everything queued is dropped, the snapshot will cover it
    assert (len(q), q.overflows) == (0, 1)
    q.put(b"4")
    assert q.take(0.0) == ([], True)
    assert q.take(0.0) == ([], False)
    for i in range(10_000):  # a client that never reads stays bounded
        q.put(str(i).encode())
    assert len(q) <= 3


def test_take_waits_until_something_arrives_or_times_out() -> None:
    q = ClientQueue()
    assert q.take(0.05) == ([], False)
    threading.Timer(0.05, q.put, args=(b"late",)).start()
    assert q.take(5.0) == ([b"late"], False)
    q.close()
    q.put(b"after close")
    assert q.take(0.0) == ([], False)


@pytest.fixture
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    run = Path(tmp_path_factory.mktemp("b"))
    endpoints = Endpoints.for_run_dir(run)
    ctx: zmq.Context = zmq.Context()
    thread = threading.Thread(target=run_proxy, args=(endpoints.bus_in, endpoints.bus_out, ctx),
                              daemon=True)
    thread.start()
    poll(lambda: (run / "bus-out.sock").exists(), 5.0, "the bus proxy")
    yield endpoints
    ctx.term()
    thread.join(5)


def test_hub_fans_bus_events_out_and_stop_aborts_clients(bus: Endpoints) -> None:
    live = LiveState()
    hub = Hub(bus.bus_out, live, None)
    aborted = threading.Event()
    fast, slow = hub.register(), hub.register(abort=aborted.set)
    hub.start()
    pub = Publisher(bus.bus_in, "scorer")
    got: list[dict] = []
    try:
        def delivered() -> bool:
            pub.publish("thought", "BTC/USD", text="hello")
            batch, _ = fast.take(0.05)
            got.extend(orjson.loads(b) for b in batch)
            return bool(got)
        poll(delivered, 10.0, "a thought through the bus and the hub")
        assert got[0]["type"] == "thought" and got[0]["data"] == {"text": "hello"}
        assert live.thoughts(1)[0]["text"] == "hello"
        assert len(slow) >= 1 and hub.clients == 2
        hub.unregister(fast)
        assert hub.clients == 1
    finally:
        pub.close()
        hub.stop()
    assert aborted.is_set() and slow.closed
