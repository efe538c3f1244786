"""What the bot knows from the event bus: who is alive, the last thoughts, risk and prices.

``observe(event)`` is called by the bus thread for every event of ``TOPICS``; the command
thread reads snapshots. Thread-safe (one lock; reads copy).

Semantics and caveats:

- PUB/SUB loses what was sent before this process subscribed: right after a (re)start there
  is no risk snapshot, no thoughts and no prices until the next events arrive; the replies
  say "waiting for data" rather than inventing numbers.
- Current price of a pair: the newest of the last bar close (``bar.<PAIR>``, the same value as
  the shared-memory bar store's last close) and the executor's mark (``position.<PAIR>``
  ``price``). Order books are not subscribed (up to 10 events/s per pair for one number).
- Liveness is judged by local receive time (``ipc.heartbeat.Liveness``).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipc import messages
from ipc.codec import Event
from ipc.heartbeat import Liveness

TOPICS = [messages.HEARTBEAT, messages.ALERT, messages.FILL, messages.POSITION, messages.RISK,
          messages.THOUGHT, messages.topic(messages.BAR) + "."]
THOUGHTS_KEPT = 20


@dataclass(frozen=True)
class Thought:
    ts_ms: int
    src: str
    key: str | None
    text: str


class BusState:
    def __init__(self, liveness_max_age_s: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.liveness = Liveness(liveness_max_age_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._thoughts: deque[Thought] = deque(maxlen=THOUGHTS_KEPT)
        self._risk: tuple[float, dict[str, Any]] | None = None
        self._prices: dict[str, tuple[float, float]] = {}  # pair -> (received, price)
        self.events = 0

    def observe(self, ev: Event) -> None:
        now = self._clock()
        self.events += 1
        if ev.type == messages.HEARTBEAT:
            self.liveness.observe(ev, now)
            return
        with self._lock:
            if ev.type == messages.THOUGHT and isinstance(ev.data.get("text"), str):
                self._thoughts.append(Thought(ev.ts, ev.src, ev.key, ev.data["text"]))
            elif ev.type == messages.RISK:
                self._risk = (now, dict(ev.data))
            elif ev.type == messages.BAR and ev.key:
                self._price(ev.key, ev.data.get("close"), now)
            elif ev.type == messages.POSITION:
                self._price(ev.data.get("pair") or ev.key, ev.data.get("price"), now)

    def _price(self, pair: object, value: object, now: float) -> None:
        if isinstance(pair, str) and isinstance(value, int | float) and value > 0:
            self._prices[pair] = (now, float(value))

    def price(self, pair: str) -> float | None:
        with self._lock:
            seen = self._prices.get(pair)
        return seen[1] if seen else None

    def thoughts(self, n: int) -> list[Thought]:
        """The last ``n`` thoughts, newest first."""
        with self._lock:
            return list(self._thoughts)[::-1][:n]

    def risk(self) -> tuple[dict[str, Any], float] | None:
        """The latest ``risk`` event's fields and its age in seconds, or None."""
        with self._lock:
            if self._risk is None:
                return None
            at, data = self._risk
        return data, self._clock() - at

    def processes(self) -> dict[str, dict[str, Any]]:
        """``name -> {pid, state, age_s, alive}`` for every process heard from."""
        return self.liveness.snapshot(self._clock())
