"""The live hub: one bus subscriber thread fanning events out to per-client bounded queues.

Semantics and caveats (a slow browser must never slow the bot):

- One thread subscribes to the bus, folds each event into :class:`~web.live_state.LiveState`
  and turns it into one browser message (serialised once) that it offers to every
  client's :class:`ClientQueue`. Nothing in this path blocks on a client: the bus side
  (ZeroMQ SUB with a high-water mark) drops at the publisher if even this thread lags, and
  publishers never block.
- A :class:`ClientQueue` holds at most ``maxlen`` messages. "Latest value" messages (ticks,
  heartbeats, risk, ...) carry a coalescing key: a newer one replaces the queued one in
  place, so a client that reads slowly gets fewer, fresher updates. When the queue is full
  it is emptied and flagged ``resync``: the client's sender then sends ``{"type":
  "resync"}`` and a fresh snapshot. Memory per client is bounded by ``maxlen`` messages.
- ``stop()`` closes every queue and calls each client's ``abort`` (shuts its socket), so
  sender threads blocked on a dead client return at once.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from ipc.bus import Subscriber
from ipc.codec import Event
from web.live_messages import to_message
from web.live_state import LiveState
from web.sources import Market

logger = logging.getLogger(__name__)

QUEUE_MAX = 1000
RECV_S = 0.25


class ClientQueue:
    """One client's bounded outbox with coalescing and a resync flag. Thread-safe."""

    def __init__(self, maxlen: int = QUEUE_MAX, abort: Callable[[], None] | None = None) -> None:
        self.maxlen = maxlen
        self.abort = abort
        self._cond = threading.Condition()
        self._items: deque[list[object]] = deque()   # [payload, ckey]
        self._latest: dict[str, list[object]] = {}
        self._resync = False
        self.closed = False
        self.overflows = 0

    def __len__(self) -> int:
        return len(self._items)

    def put(self, payload: bytes, ckey: str | None = None) -> None:
        with self._cond:
            if self.closed:
                return
            if ckey is not None and (slot := self._latest.get(ckey)) is not None:
                slot[0] = payload
                return
            if len(self._items) >= self.maxlen:
                self._items.clear()
                self._latest.clear()
                self._resync = True
                self.overflows += 1
                self._cond.notify()
                return
            slot = [payload, ckey]
            self._items.append(slot)
            if ckey is not None:
                self._latest[ckey] = slot
            if len(self._items) == 1:  # the reader only waits on an empty queue
                self._cond.notify()

    def take(self, timeout_s: float) -> tuple[list[bytes], bool]:
        """Everything queued (oldest first) and whether a resync is due; waits up to
        ``timeout_s`` for something. A resync returns no messages: the snapshot covers them."""
        with self._cond:
            if not self._items and not self._resync and not self.closed:
                self._cond.wait(timeout_s)
            batch = [] if self._resync else [slot[0] for slot in self._items]
            resync, self._resync = self._resync, False
            self._items.clear()
            self._latest.clear()
        return batch, resync  # type: ignore[return-value]

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._items.clear()
            self._latest.clear()
            self._cond.notify_all()


class Hub:
    """Bus -> LiveState + every connected client's queue."""

    def __init__(self, bus_out: str, live: LiveState, market: Market | None,
                 maxlen: int = QUEUE_MAX) -> None:
        self.bus_out = bus_out
        self.live = live
        self.market = market
        self.maxlen = maxlen
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._clients: set[ClientQueue] = set()
        self._thread: threading.Thread | None = None
        self._failed_types: set[str] = set()
        self.events_in = 0
        self.messages_out = 0
        self.resyncs = 0

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def register(self, abort: Callable[[], None] | None = None) -> ClientQueue:
        q = ClientQueue(self.maxlen, abort)
        with self._lock:
            self._clients.add(q)
        if self.stopping.is_set():
            q.close()
        return q

    def unregister(self, q: ClientQueue) -> None:
        with self._lock:
            self._clients.discard(q)
            self.resyncs += q.overflows
        q.close()

    def broadcast(self, payload: bytes, ckey: str | None = None) -> None:
        with self._lock:
            clients = list(self._clients)
            self.messages_out += len(clients)
        for q in clients:
            q.put(payload, ckey)

    def overflows(self) -> int:
        """Resyncs so far (finished clients plus connected ones)."""
        with self._lock:
            return self.resyncs + sum(q.overflows for q in self._clients)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="live-hub", daemon=True)
            self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Close every client (aborting its socket) and end the subscriber thread
        (``wait``: join it, at most 2 s; signal handlers pass False)."""
        self.stopping.set()
        with self._lock:
            clients = list(self._clients)
        for q in clients:
            q.close()
            if q.abort is not None:
                q.abort()
        if wait and self._thread is not None:
            self._thread.join(timeout=2.0)

    def _run(self) -> None:
        sub = Subscriber(self.bus_out, [""])
        logger.info("live hub subscribed to %s", self.bus_out)
        try:
            while not self.stopping.is_set():
                ev = sub.recv(RECV_S)
                while ev is not None:  # drain what is waiting before polling again
                    self._handle(ev)
                    ev = sub.recv_ready()
        finally:
            sub.close()

    def _handle(self, ev: Event) -> None:
        self.events_in += 1
        try:
            self.live.apply(ev)
            msg = to_message(ev, self.market)
            if msg is not None:
                self.broadcast(*msg)
        except Exception:  # one bad event must not stop the feed
            if ev.type not in self._failed_types:
                self._failed_types.add(ev.type)
                logger.exception("live hub could not handle a %s event (logged once)", ev.type)
