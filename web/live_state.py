"""What the dashboard knows from the bus: the latest value of everything, folded from events.

One :class:`LiveState` lives in the web process; the live hub's single subscriber thread
calls :meth:`LiveState.apply` for every event, the API views and WebSocket snapshots read
copies through the accessors. Everything is bounded (fixed-size rings and one entry per
process, pair or strategy), so a flood of events cannot grow it.

Semantics and caveats:

- PUB/SUB loses what was published before the web process subscribed: until an event of
  a kind arrives its accessor returns None or an empty list ("waiting for data").
- Counts (signals per strategy, bars per pair, ...) are since this web process started.
- Ages use the local monotonic receive time, never the sender's clock.
- ``t_bar`` (the feed's ``time.monotonic()`` at bar close, one clock per machine) gives the
  bar -> event latency of ``bar``, ``signal`` and ``intent`` events as seen here.
- Thread-safe: one lock, held only to copy small structures.
"""
from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipc import messages as m
from ipc.codec import Event, stamp

MAX_THOUGHTS = 500
MAX_ALERTS = 50
LATENCY_SAMPLES = 1024
LATENCY_TYPES = (m.BAR, m.SIGNAL, m.INTENT)
MAX_LATENCY_S = 60.0


@dataclass(frozen=True)
class Seen:
    """One received value: its data, the sender's ts (ms) and the local receive time."""

    data: dict[str, Any]
    ts: int
    mono: float
    src: str = ""


class LiveState:
    """The latest of every event kind, plus counters since start. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.started_mono = clock()
        self.started_ms = time.time_ns() // 1_000_000
        self._latest: dict[str, Seen] = {}            # "risk", "model", "executor"
        self._by_key: dict[str, dict[str, Seen]] = {  # type -> key -> latest
            m.HEARTBEAT: {}, m.SIGNAL: {}, m.BOOK: {}, m.POSITION: {}}
        self._thoughts: deque[dict[str, Any]] = deque(maxlen=MAX_THOUGHTS)
        self._alerts: deque[dict[str, Any]] = deque(maxlen=MAX_ALERTS)
        self._fired: dict[str, Counter[str]] = {}
        self._last_fired: dict[str, dict[str, Any]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._latency: dict[str, deque[float]] = {
            t: deque(maxlen=LATENCY_SAMPLES) for t in LATENCY_TYPES}
        self._supervisor: list[dict[str, Any]] | None = None
        self._executor_error: str | None = "not asked yet"
        self.last_event_mono: float | None = None

    # --- writing ---------------------------------------------------------------------
    def apply(self, ev: Event) -> None:
        """Fold one bus event in (unknown types are only counted)."""
        now = self._clock()
        key = ev.key or ""
        seen = Seen(ev.data, ev.ts, now, ev.src)
        with self._lock:
            self.last_event_mono = now
            self._count(ev.type, key if ev.type in (m.BAR, m.SIGNAL, m.INTENT) else "")
            if ev.type in self._by_key:
                self._by_key[ev.type][ev.src if ev.type == m.HEARTBEAT else key] = seen
            if ev.type in (m.RISK, m.MODEL):
                self._latest[ev.type] = seen
            elif ev.type == m.THOUGHT:
                self._thoughts.append({"ts": ev.ts, "src": ev.src, "pair": ev.key,
                                       "text": str(ev.data.get("text", ""))})
            elif ev.type == m.ALERT:
                self._alerts.append({"ts": ev.ts, "src": ev.src, **ev.data})
                self._count("alert." + str(ev.data.get("level", "info")), "")
            elif ev.type == m.ORDER:
                self._count("order." + str(ev.data.get("state", "unknown")), "")
            if ev.type == m.SIGNAL:
                self._fold_signals(key, ev.data)
            t_bar = stamp(ev.data, "t_bar") if ev.type in self._latency else None
            if t_bar is not None and 0.0 <= now - t_bar <= MAX_LATENCY_S:
                self._latency[ev.type].append(now - t_bar)

    def _count(self, name: str, label: str) -> None:
        self._counts.setdefault(name, Counter())[label] += 1

    def _fold_signals(self, pair: str, data: dict[str, Any]) -> None:
        for s in data.get("signals") or ():
            if not isinstance(s, dict) or not isinstance(s.get("strategy"), str):
                continue
            side = str(s.get("side", "flat"))
            self._fired.setdefault(s["strategy"], Counter())[side] += 1
            if side != "flat":
                self._last_fired[s["strategy"]] = {
                    "pair": pair, "side": side, "strength": s.get("strength"),
                    "bar_ts": s.get("bar_ts")}

    def set_executor(self, data: dict[str, Any]) -> None:
        """The executor's latest ``status`` answer (from the poller or a control reply)."""
        with self._lock:
            self._latest["executor"] = Seen(dict(data), time.time_ns() // 1_000_000,
                                            self._clock(), "executor")
            self._executor_error = None

    def merge_executor(self, data: dict[str, Any]) -> None:
        """Fold a control reply (``paused``/``killed``) into the latest status."""
        with self._lock:
            old = self._latest.get("executor")
            if old is not None:
                merged = {**old.data, **{k: v for k, v in data.items() if k in old.data}}
                self._latest["executor"] = Seen(merged, old.ts, self._clock(), "executor")

    def set_executor_error(self, error: str) -> None:
        """The last status call failed (executor down or refusing)."""
        with self._lock:
            self._executor_error = error

    def executor(self) -> tuple[Seen | None, str | None]:
        """The latest good status (may be old) and the current error (None when up)."""
        with self._lock:
            return self._latest.get("executor"), self._executor_error

    def set_supervisor(self, processes: list[dict[str, Any]] | None) -> None:
        with self._lock:
            self._supervisor = processes

    # --- reading (copies) --------------------------------------------------------------
    def age_s(self, seen: Seen | None) -> float | None:
        return None if seen is None else round(self._clock() - seen.mono, 3)

    def latest(self, name: str) -> Seen | None:
        """The latest ``risk`` or ``model`` value."""
        with self._lock:
            return self._latest.get(name)

    def by_key(self, type_: str) -> dict[str, Seen]:
        """Latest ``heartbeat`` per process, ``signal``/``book``/``position`` per pair."""
        with self._lock:
            return dict(self._by_key[type_])

    def thoughts(self, n: int) -> list[dict[str, Any]]:
        """The newest ``n`` thoughts, newest first."""
        with self._lock:
            items = list(self._thoughts)
        return items[::-1][:n]

    def alerts(self, n: int) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._alerts)
        return items[::-1][:n]

    def fired(self) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
        """Signal counts per strategy and side, and each strategy's last long/short."""
        with self._lock:
            return ({k: dict(v) for k, v in self._fired.items()},
                    {k: dict(v) for k, v in self._last_fired.items()})

    def counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {k: dict(v) for k, v in self._counts.items()}

    def latencies(self) -> dict[str, list[float]]:
        with self._lock:
            return {k: list(v) for k, v in self._latency.items()}

    def supervisor(self) -> list[dict[str, Any]] | None:
        with self._lock:
            return None if self._supervisor is None else list(self._supervisor)

    def last_event_age_s(self) -> float | None:
        last = self.last_event_mono
        return None if last is None else round(self._clock() - last, 3)

    def uptime_s(self) -> float:
        return round(self._clock() - self.started_mono, 3)
