"""Heartbeats on the bus, and a liveness table built from them.

Every process publishes a ``heartbeat`` event (``pid``, ``state``, ``uptime_s``) every
``interval_s``; watchers feed the events they receive into a ``Liveness`` table.

Semantics and caveats:

- Liveness is judged by **local receive time** (monotonic), not the sender's ``ts``, so
  clock jumps and skew don't matter. A process is alive while its last heartbeat is at
  most ``max_age_s`` old; after a crash it is reported dead between
  ``max_age_s - interval_s`` and ``max_age_s`` later.
- A heartbeat proves the process and the bus path work, not that its work is healthy:
  put that in ``state`` (``state_fn``).
- Heartbeats are PUB/SUB: they are lost while the bus is down, so a bus outage longer
  than ``max_age_s`` makes everyone look dead until the bus is back.
- Processes with their own loop call ``maybe_beat()`` each turn; processes that block
  (e.g. in a web server) use ``start_thread()`` - the ``Publisher`` is thread-safe.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import zmq

from ipc.bus import Publisher, Subscriber
from ipc.codec import Event
from ipc.messages import HEARTBEAT, topic

logger = logging.getLogger(__name__)


class Heartbeat:
    """Publishes ``heartbeat`` events through ``publisher``."""

    def __init__(self, publisher: Publisher, interval_s: float = 1.0,
                 state_fn: Callable[[], str] | None = None) -> None:
        self.publisher = publisher
        self.interval_s = interval_s
        self._state_fn = state_fn
        self._started = time.monotonic()
        self._next = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _state(self) -> str:
        if self._state_fn is None:
            return "running"
        try:
            return str(self._state_fn())
        except Exception:
            logger.exception("heartbeat state_fn failed")
            return "unknown"

    def beat(self, now: float | None = None) -> None:
        """Publish one heartbeat now (``now``: ``time.monotonic()``, for tests)."""
        now = time.monotonic() if now is None else now
        self._next = now + self.interval_s
        self.publisher.publish(HEARTBEAT, pid=os.getpid(), state=self._state(),
                               uptime_s=round(max(0.0, now - self._started), 3))

    def maybe_beat(self, now: float | None = None) -> bool:
        """Beat if one is due (``now``: ``time.monotonic()``). True if it beat."""
        now = time.monotonic() if now is None else now
        if now < self._next:
            return False
        self.beat(now)
        return True

    def start_thread(self) -> None:
        """Beat every ``interval_s`` from a daemon thread until ``stop()``."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name=f"heartbeat-{self.publisher.src}", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.beat()
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        """Stop the thread (if any) and wait for it briefly."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(1.0, self.interval_s))
            self._thread = None


class Liveness:
    """Who is alive, from heartbeat events. Thread-safe."""

    def __init__(self, max_age_s: float = 3.0) -> None:
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, dict[str, Any]]] = {}

    def observe(self, event: Event, now: float | None = None) -> None:
        """Record a heartbeat event (other types are ignored)."""
        if event.type != HEARTBEAT:
            return
        with self._lock:
            self._seen[event.src] = (time.monotonic() if now is None else now, dict(event.data))

    def alive(self, now: float | None = None) -> dict[str, float]:
        """``src -> last_seen`` (monotonic seconds) for every process seen recently."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return {src: seen for src, (seen, _) in self._seen.items()
                    if now - seen <= self.max_age_s}

    def is_alive(self, src: str, now: float | None = None) -> bool:
        return src in self.alive(now)

    def snapshot(self, now: float | None = None) -> dict[str, dict[str, Any]]:
        """``src -> {pid, state, age_s, alive}`` for every process ever seen."""
        now = time.monotonic() if now is None else now
        with self._lock:
            items = list(self._seen.items())
        return {
            src: {"pid": data.get("pid"), "state": data.get("state"),
                  "age_s": round(now - seen, 3), "alive": now - seen <= self.max_age_s}
            for src, (seen, data) in items
        }


def wait_for_heartbeats(bus_out: str, names: Iterable[str], timeout_s: float,
                        ctx: zmq.Context[Any] | None = None) -> dict[str, dict[str, Any]]:
    """Listen until each of ``names`` has sent a heartbeat or ``timeout_s`` passes.

    :return: ``src -> heartbeat fields`` for those of ``names`` that were seen
    """
    wanted = set(names)
    seen: dict[str, dict[str, Any]] = {}
    sub = Subscriber(bus_out, [topic(HEARTBEAT)], ctx=ctx)
    try:
        deadline = time.monotonic() + timeout_s
        while wanted - seen.keys() and (left := deadline - time.monotonic()) > 0:
            event = sub.recv(timeout_s=left)
            if event is not None and event.src in wanted:
                seen[event.src] = dict(event.data)
    finally:
        sub.close()
    return seen
