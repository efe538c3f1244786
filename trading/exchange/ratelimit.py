"""Client-side pacing for Kraken's REST call counter, and retry backoff.

Semantics (Kraken "REST rate limits"): every API key has a counter that starts at 0, each
private call adds to it (+1; ledger/trade-history calls +2; AddOrder/CancelOrder are not
counted here, they use the per-pair trading-engine limiter), and it decays continuously
(Starter tier: max 15, -0.33/s; Intermediate: 20, -0.5/s; Pro: 20, -1/s). Exceeding the max
gives ``EAPI:Rate limit exceeded``. :class:`CallCounter` mirrors that counter locally so the
client waits *before* Kraken would refuse.

Caveats:
- The local mirror can't see calls made with the same key elsewhere (another bot, the web
  UI's API use); call :meth:`CallCounter.penalize` when Kraken still says rate-limited.
- :func:`backoff` is capped exponential with *full jitter* (a uniform draw in
  ``[0, min(cap, base * 2**attempt)]``), so many clients don't retry in lock-step.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

__all__ = ["CallCounter", "backoff"]

logger = logging.getLogger(__name__)

EPSILON = 1e-9


class CallCounter:
    """A decaying counter that never exceeds ``max_count`` (thread-safe)."""

    def __init__(
        self,
        max_count: float = 15.0,
        decay_per_s: float = 0.33,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_count <= 0 or decay_per_s <= 0:
            raise ValueError("max_count and decay_per_s must be positive")
        self.max_count = float(max_count)
        self.decay_per_s = float(decay_per_s)
        self._clock = clock
        self._sleep = sleep
        self._level = 0.0
        self._at = clock()
        self._lock = threading.Lock()

    def _decay(self) -> None:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._at) * self.decay_per_s)
        self._at = now

    def level(self) -> float:
        """The counter's current (decayed) value."""
        with self._lock:
            self._decay()
            return self._level

    def wait_time(self, n: float = 1.0) -> float:
        """Seconds until ``n`` more can be added without exceeding the max (0 if now)."""
        with self._lock:
            self._decay()
            return self._wait_locked(n)

    def _wait_locked(self, n: float) -> float:
        if n > self.max_count:
            raise ValueError(f"a call costing {n} can never fit under max {self.max_count}")
        excess = self._level + n - self.max_count
        # Tolerance: after sleeping the computed wait, float rounding may leave a crumb.
        return excess / self.decay_per_s if excess > EPSILON else 0.0

    def try_cost(self, n: float = 1.0) -> float:
        """Add ``n`` if it fits now and return 0; else add nothing and return the wait."""
        with self._lock:
            self._decay()
            wait = self._wait_locked(n)
            if wait <= 0:
                self._level = min(self.max_count, self._level + n)
            return wait

    def cost(self, n: float = 1.0, block: bool = True) -> float:
        """Account for a call costing ``n``; blocks until it fits, returns the seconds waited.

        With ``block=False`` nothing blocks: the cost is added only if it fits now, otherwise the
        needed wait is returned and nothing is added.
        """
        if n <= 0:
            return 0.0
        if not block:
            return self.try_cost(n)
        waited = 0.0
        while True:
            wait = self.try_cost(n)
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait

    def penalize(self) -> None:
        """Kraken said rate-limited anyway: assume the counter is full."""
        with self._lock:
            self._decay()
            self._level = self.max_count


def backoff(
    attempt: int,
    base_s: float = 0.5,
    cap_s: float = 30.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Delay before retry number ``attempt`` (0-based): full jitter under a capped exponential."""
    ceiling = min(cap_s, base_s * (2.0 ** max(0, attempt)))
    return rng() * ceiling
