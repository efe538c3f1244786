"""Intent: the scorer's request to the executor to trade one pair on one side.

Dependency-free (stdlib only), so the executor, the web API and the tests import it cheaply.

Semantics:

- ``id`` is unique per (pair, side, closed bar) and stable: the same candidate always gets
  the same id (a UUID5), so a scorer that restarts and scores a bar again cannot make the
  executor act twice, and the id can serve as Kraken's client order id (UUID form).
- ``price`` is the entry reference (the book's mid when the scorer had a fresh book, else
  the bar's close); ``stop`` an ATR-based suggestion (the risk manager sets the real one).
- ``probability`` is the model's estimate of success, or None when no model was loaded
  (confluence only) -- never an invented number.
- ``expires`` (epoch seconds): the executor drops the intent after it.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import asdict, dataclass
from typing import Any

_NAMESPACE = uuid.UUID("7d3f5a52-5c1e-4b8e-9a57-6f0f5d1d2b11")
SIDES = ("long", "short")
FIELDS = ("id", "pair", "side", "price", "stop", "atr", "probability", "confluence",
          "counted", "strategies", "bar_ts", "created", "expires", "reasons")


def intent_id(pair: str, side: str, bar_ts: float) -> str:
    """The stable id of the candidate (pair, side, bar)."""
    return str(uuid.uuid5(_NAMESPACE, f"{pair}|{side}|{bar_ts:.3f}"))


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    pair: str
    side: str
    price: float
    stop: float
    atr: float
    probability: float | None
    confluence: int
    counted: int
    strategies: tuple[str, ...]
    bar_ts: float
    created: float       # epoch seconds (the event envelope's ``ts`` is the send time, in ms)
    expires: float
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"intent side {self.side!r} is not one of {SIDES}")
        for name in ("price", "stop", "atr", "bar_ts", "created", "expires"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"intent {name} {value!r} is not a finite number")
        if self.price <= 0.0 or self.atr < 0.0:
            raise ValueError(f"intent price {self.price!r} / atr {self.atr!r} out of range")
        wrong_side = self.stop >= self.price if self.side == "long" else self.stop <= self.price
        if wrong_side:
            raise ValueError(f"intent stop {self.stop!r} is on the wrong side of {self.price!r}")
        p = self.probability
        if p is not None and not (isinstance(p, float) and 0.0 <= p <= 1.0):
            raise ValueError(f"intent probability {p!r} is not in 0..1")

    def expired(self, now: float) -> bool:
        return now >= self.expires

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["strategies"], d["reasons"] = list(self.strategies), list(self.reasons)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Intent:
        """Rebuild from an event body; a missing or bad field raises one-line ValueError."""
        missing = [f for f in FIELDS if f not in data]
        if missing:
            raise ValueError(f"intent is missing {', '.join(missing)}")
        try:
            return cls(**{f: data[f] for f in FIELDS} | {
                "strategies": tuple(data["strategies"]), "reasons": tuple(data["reasons"])})
        except TypeError as err:
            raise ValueError(f"intent has a bad field: {err}") from None
