"""Two clocks of the alert side: "is the executor reachable?" and "is the daily summary due?".

``ExecutorWatch.observe(ok)`` is fed the result of each ping of the executor's command
channel. When no ping has succeeded for more than ``down_after_s`` it returns one alert line
(once per outage); the first success after that returns a recovery line. Counting starts at
construction, so an executor that never answers is reported too. The watchdog reports a
crash of the executor process as well; this check also catches a hung or wedged executor.

``DailySchedule.due()`` is True once per UTC day at ``at`` ("HH:MM"). It is armed for the
next occurrence after construction: a restart after the time skips that day's summary
rather than sending it twice.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from web.telegram import fmt

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ExecutorWatch:
    def __init__(self, down_after_s: float = 20.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.down_after_s = down_after_s
        self._clock = clock
        self._last_ok = clock()
        self.alerted = False

    def observe(self, ok: bool) -> str | None:
        now = self._clock()
        if ok:
            self._last_ok = now
            if self.alerted:
                self.alerted = False
                return "✅ executor reachable again"
            return None
        silent = now - self._last_ok
        if not self.alerted and silent > self.down_after_s:
            self.alerted = True
            return (f"🛑 executor unreachable for {fmt.duration(silent)}: no trading, no "
                    "commands. Check <code>make status</code> and <code>make logs</code>.")
        return None


def parse_hhmm(text: str) -> tuple[int, int]:
    """``"20:00"`` -> ``(20, 0)``; one-line ValueError naming the value otherwise."""
    m = _HHMM.match(text)
    if m is None:
        raise ValueError(f"daily summary time must be HH:MM (UTC, 00:00-23:59), got {text!r}")
    return int(m.group(1)), int(m.group(2))


class DailySchedule:
    def __init__(self, at: str = "20:00", wall_clock: Callable[[], float] = time.time) -> None:
        self.hour, self.minute = parse_hhmm(at)
        self._wall = wall_clock
        self.next_at = self._next_after(self._wall())

    def _next_after(self, ts: float) -> float:
        now = datetime.fromtimestamp(ts, UTC)
        at = now.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if at <= now:
            at += timedelta(days=1)
        return at.timestamp()

    def due(self) -> bool:
        now = self._wall()
        if now < self.next_at:
            return False
        self.next_at = self._next_after(now)  # skips days missed while asleep: one summary
        return True
