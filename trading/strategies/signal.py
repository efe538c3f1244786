"""Signal: what one strategy concluded about one pair at one closed bar.

This module must not depend on any other non-stdlib module (like supervisor's ``states.py``),
so that the scanner, the scorer, the web API and the tests can all import it cheaply.

Semantics:

- ``side`` is one of :class:`Side`'s constants (plain ``str``: ``"long"``, ``"short"``,
  ``"flat"``), so a ``Signal`` serialises to JSON without an encoder hook.
- ``strength`` is in ``0..1``; a ``flat`` signal has strength 0 and no stop. Each strategy
  documents its mapping (a signal that just meets its thresholds is 0.5, a textbook-strong
  one 1.0).
- ``stop`` is a *suggested* protective price: below the close for a long, above it for a
  short. The risk manager decides the stop it actually uses.
- ``reasons`` are human-readable and ordered; a flat signal still says why ("no crossover",
  "warming up (12/28 bars)").
- ``bar_ts`` is the ts (seconds) of the closed bar the signal was computed at.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class Side:
    """The three sides a strategy can take (supervisor-style class constants)."""

    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


SIDES: tuple[str, ...] = (Side.LONG, Side.SHORT, Side.FLAT)


@dataclass(frozen=True, slots=True)
class Signal:
    strategy: str
    side: str
    strength: float
    stop: float | None
    reasons: tuple[str, ...]
    bar_ts: float

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"side {self.side!r} is not one of {SIDES}")
        if not 0.0 <= self.strength <= 1.0:
            raise ValueError(f"strength {self.strength!r} is not in 0..1")
        if self.side == Side.FLAT and (self.strength != 0.0 or self.stop is not None):
            raise ValueError("a flat signal has strength 0 and no stop")
        if self.stop is not None and not math.isfinite(self.stop):
            raise ValueError(f"stop {self.stop!r} is not a finite price")

    @classmethod
    def flat(cls, strategy: str, reasons: tuple[str, ...], bar_ts: float) -> Signal:
        return cls(strategy, Side.FLAT, 0.0, None, reasons, bar_ts)

    @property
    def active(self) -> bool:
        """True for a long or a short."""
        return self.side != Side.FLAT

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (reasons as a list) for ``signal`` events."""
        return {"strategy": self.strategy, "side": self.side, "strength": self.strength,
                "stop": self.stop, "reasons": list(self.reasons), "bar_ts": self.bar_ts}
