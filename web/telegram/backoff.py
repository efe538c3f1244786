"""Exponential backoff with jitter for the poll loop.

``next()`` returns ``base``, ``2 x base``, ``4 x base`` ... capped at ``cap`` seconds, each
scaled by a random factor in ``[1 - jitter, 1 + jitter]`` (so many clients that failed together
do not retry together); ``reset()`` after a success starts again at ``base``.
"""
from __future__ import annotations

import random


class Backoff:
    def __init__(self, base_s: float = 1.0, cap_s: float = 15.0, factor: float = 2.0,
                 jitter: float = 0.2, rng: random.Random | None = None) -> None:
        if base_s <= 0 or cap_s < base_s or factor < 1 or not 0 <= jitter < 1:
            raise ValueError(f"bad backoff: base {base_s}, cap {cap_s}, factor {factor}, "
                             f"jitter {jitter}")
        self.base_s = base_s
        self.cap_s = cap_s
        self.factor = factor
        self.jitter = jitter
        self._rng = rng or random.Random()
        self.failures = 0

    def next(self) -> float:
        """The delay before the next try (and count one more failure)."""
        raw = min(self.cap_s, self.base_s * self.factor ** min(self.failures, 32))
        self.failures += 1
        return raw * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def reset(self) -> None:
        self.failures = 0
