"""Alert batching and rate limiting, so a crash loop cannot flood the chat.

``add(line)`` queues one alert line; ``take()`` returns the next message to send, or None.

- **Batching**: a message is cut once the oldest waiting line is ``batch_s`` old, so a burst
  (a crash, its restart, the fills of one order) arrives as one message. Identical lines in one
  batch are merged with a count (``(x3)``).
- **Rate limit**: a token bucket per process, ``burst`` messages at once and ``per_minute``
  sustained (defaults 5 and 12: far under Telegram's 1 message/s per chat and 30/s overall,
  leaving room for command replies). While no token is left, lines keep collecting.
- **Bounded**: one message carries at most ``max_lines`` lines; the rest of that batch is
  summarised as "+N more". At most ``max_pending`` lines wait; older ones are dropped and
  counted, and the next message says how many were dropped. Memory is bounded whatever
  the bus sends.
Pure (time comes from ``clock``); thread-safe (one lock): the bus thread adds, the alert
thread takes.
"""
from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable

from web.telegram.fmt import MAX_TEXT


class AlertQueue:
    def __init__(self, batch_s: float = 1.0, burst: int = 5, per_minute: float = 12.0,
                 max_lines: int = 15, max_pending: int = 200,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if batch_s < 0 or burst < 1 or per_minute <= 0 or max_lines < 1 or max_pending < 1:
            raise ValueError("alert queue: batch_s >= 0, burst >= 1, per_minute > 0, "
                             "max_lines >= 1 and max_pending >= 1 are required")
        self.batch_s = batch_s
        self.burst = burst
        self.rate_per_s = per_minute / 60.0
        self.max_lines = max_lines
        self.max_pending = max_pending
        self._clock = clock
        self._lock = threading.Lock()
        self._lines: deque[tuple[float, str]] = deque()
        self._tokens = float(burst)
        self._refilled = clock()
        self.dropped = 0
        self.sent = 0

    def add(self, line: str) -> None:
        with self._lock:
            if len(self._lines) >= self.max_pending:
                self._lines.popleft()
                self.dropped += 1
            self._lines.append((self._clock(), line))

    def pending(self) -> int:
        with self._lock:
            return len(self._lines)

    def take(self) -> str | None:
        """The next message to send now (and spend a token), or None."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            if not self._lines or now - self._lines[0][0] < self.batch_s or self._tokens < 1:
                return None
            self._tokens -= 1
            lines = [line for _, line in self._lines]
            self._lines.clear()
            dropped, self.dropped = self.dropped, 0
            self.sent += 1
        return compose(lines, self.max_lines, dropped)

    def _refill(self, now: float) -> None:
        earned = (now - self._refilled) * self.rate_per_s
        self._tokens = min(float(self.burst), self._tokens + earned)
        self._refilled = now


def compose(lines: list[str], max_lines: int, dropped: int = 0) -> str:
    """One message from a batch: duplicates merged (first-seen order), at most ``max_lines``."""
    counts = Counter(lines)
    unique = list(dict.fromkeys(lines))
    shown = [line if counts[line] == 1 else f"{line} (x{counts[line]})"
             for line in unique[:max_lines]]
    rest = len(unique) - len(shown)
    if rest > 0:
        shown.append(f"… +{rest} more alerts (see the dashboard or <code>make logs</code>)")
    if dropped:
        shown.append(f"… {dropped} older alerts dropped (too many at once)")
    text = "\n".join(shown)
    if len(text) > MAX_TEXT:  # cut at a line boundary so no HTML tag is split
        cut = text.rfind("\n", 0, MAX_TEXT)
        text = text[: cut if cut > 0 else MAX_TEXT] + "\n…"
    return text
