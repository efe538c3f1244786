"""Protective stop of a long position: initial ATR stop, trailing, breakeven. Tighten only.

States (:class:`StopPhase`, named after what last moved the stop) and their transitions:

    initial   -> trailing   (TRAIL)      high - trail_atr_multiple x ATR rose above the stop
    initial   -> breakeven  (BREAKEVEN)  high - entry reached breakeven_at_r x initial risk
    trailing  -> breakeven  (BREAKEVEN)  (the trail was still below entry)
    trailing  -> trailing   (TRAIL)
    breakeven -> trailing   (TRAIL)      the trail passed the entry price

Never back to ``initial``; the stop price never decreases (the new price is the max of the
old one and the candidates), so a stop only ever tightens. Semantics:

- The initial stop is ``entry - stop_atr_multiple x ATR`` (:func:`initial_stop`); the
  strategy's suggested stop is used only when the ATR is unusable (0).
- ``high`` is the highest price seen since entry (the caller may feed bar highs or marks);
  the trail uses the ATR passed to each update (a wider ATR cannot loosen the stop).
- Breakeven triggers once the high has been ``breakeven_at_r`` x the initial risk above the
  entry, and sets the stop to the entry (it stays there: the stop cannot loosen).
- Spot only: there is no short stop. ``hit(price)`` is ``price <= stop``.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any

logger = logging.getLogger(__name__)


class StopPhase:
    INITIAL = "initial"
    TRAILING = "trailing"
    BREAKEVEN = "breakeven"


PHASES = (StopPhase.INITIAL, StopPhase.TRAILING, StopPhase.BREAKEVEN)
TRAIL, BREAKEVEN = "trail", "breakeven"     # transition names


def initial_stop(entry: float, atr: float, multiple: float,
                 hint: float | None = None) -> float | None:
    """``entry - multiple x atr``; the hint when the ATR is unusable; None if neither works."""
    if atr > 0.0 and math.isfinite(atr):
        stop = entry - multiple * atr
        return stop if stop > 0.0 else None
    if hint is not None and 0.0 < hint < entry:
        return hint
    return None


@dataclass(frozen=True, slots=True)
class Stop:
    entry: float
    initial: float
    price: float
    high: float
    phase: str = StopPhase.INITIAL

    def __post_init__(self) -> None:
        values = (self.entry, self.initial, self.price, self.high)
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
            raise ValueError(f"stop values must be finite numbers, got {values!r}")
        if not 0.0 < self.initial < self.entry:
            raise ValueError(f"initial stop {self.initial!r} is not below entry {self.entry!r}")
        if self.price < self.initial:
            raise ValueError(f"stop {self.price!r} is below its initial {self.initial!r}")
        if self.phase not in PHASES:
            raise ValueError(f"stop phase {self.phase!r} is not one of {PHASES}")

    @classmethod
    def open(cls, entry: float, stop: float) -> Stop:
        """The stop of a new long filled at ``entry`` with protective ``stop``."""
        return cls(entry=entry, initial=stop, price=stop, high=entry)

    @property
    def risk(self) -> float:
        """Initial risk per unit (1R): entry - initial stop."""
        return self.entry - self.initial

    def hit(self, price: float) -> bool:
        return price <= self.price

    def update(self, price: float, atr: float, trail_multiple: float,
               breakeven_at_r: float) -> tuple[Stop, str | None]:
        """The stop after seeing ``price``, and the transition taken (None: not moved)."""
        if not (math.isfinite(price) and price > 0.0):
            raise ValueError(f"stop update price {price!r} is not a positive finite number")
        high = max(self.high, price)
        candidates: list[tuple[float, str]] = []
        if high - self.entry >= breakeven_at_r * self.risk:
            candidates.append((self.entry, BREAKEVEN))
        if atr > 0.0 and math.isfinite(atr):
            candidates.append((high - trail_multiple * atr, TRAIL))
        best: float = self.price
        move: str | None = None
        for value, name in candidates:     # ties go to the first (breakeven)
            if value > best:
                best, move = value, name
        if move is None:
            return (self if high == self.high else replace(self, high=high)), None
        phase = StopPhase.TRAILING if move == TRAIL else StopPhase.BREAKEVEN
        return replace(self, price=best, high=high, phase=phase), move

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "initial": self.initial, "price": self.price,
                "high": self.high, "phase": self.phase}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stop:
        """Rebuild a stored stop; a missing or bad field raises a one-line ValueError."""
        try:
            return cls(float(data["entry"]), float(data["initial"]), float(data["price"]),
                       float(data["high"]), str(data["phase"]))
        except (KeyError, TypeError) as err:
            raise ValueError(f"stop state has a missing or bad field: {err}") from None
