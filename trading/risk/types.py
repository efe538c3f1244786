"""Plain values the risk manager takes and gives: requests, portfolio state, locks.

Dependency-free (stdlib only, like supervisor's ``states.py``) so the executor, the web API
and the tests import it cheaply. Everything is a frozen dataclass; the risk manager never
stores state between calls -- the executor persists what it returns and passes it back.

Semantics:

- Times are epoch **seconds** (float), UTC.
- Sides are plain strings ``"long"``/``"short"`` (as in ``Signal`` and ``Intent``). The bot
  trades spot only: a short request never opens a short (see :mod:`trading.risk.manager`).
- :class:`RiskLock` is a block on *entries* (never on exits) that must survive a restart:
  ``scope`` is ``"*"`` (every pair) or one pair; ``until_ts`` None means "until lifted"
  (e.g. an operator pause the executor adds). A lock is active while ``ts < until_ts``.
- :class:`ClosedTrade` results are **R-multiples**: realised P&L divided by the amount at
  risk at entry (entry - initial stop) x qty, so +2.0 is a win of twice the risk and -1.0 a
  full stop-out. Kelly and risk of ruin are computed from these.
- :class:`Portfolio` ``unrealised`` is the open positions' unrealised P&L counted for the
  UTC day (from their entry, or from their 00:00 UTC mark if the executor tracks it);
  ``day_start_ts`` names the UTC midnight the ``day_*`` figures belong to.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LONG, SHORT = "long", "short"
SIDES = (LONG, SHORT)
GLOBAL = "*"


class LockKind:
    """Kinds of :class:`RiskLock` (the executor may add its own, e.g. ``pause``)."""

    DAILY_LOSS = "daily_loss"
    COOLDOWN = "cooldown"
    PAUSE = "pause"


def _finite(name: str, value: Any, minimum: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r} is not a finite number")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} {value!r} is below {minimum}")


@dataclass(frozen=True, slots=True)
class RiskLock:
    kind: str
    scope: str
    until_ts: float | None
    reason: str

    def __post_init__(self) -> None:
        if not self.kind or not self.scope:
            raise ValueError(f"risk lock needs a kind and a scope: {self.kind!r}/{self.scope!r}")
        if self.until_ts is not None:
            _finite("risk lock until_ts", self.until_ts)

    def active(self, ts: float) -> bool:
        return self.until_ts is None or ts < self.until_ts

    def applies_to(self, pair: str) -> bool:
        return self.scope in (GLOBAL, pair)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "scope": self.scope, "until_ts": self.until_ts,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskLock:
        """Rebuild a stored lock; a missing field raises a one-line ValueError."""
        missing = [k for k in ("kind", "scope", "until_ts", "reason") if k not in data]
        if missing:
            raise ValueError(f"risk lock is missing {', '.join(missing)}")
        until = data["until_ts"]
        return cls(str(data["kind"]), str(data["scope"]),
                   None if until is None else float(until), str(data["reason"]))


@dataclass(frozen=True, slots=True)
class EntryRequest:
    """A request to open a position (built from an ``Intent``); ``ts`` is *now*."""

    pair: str
    side: str
    price: float
    atr: float
    ts: float
    stop_hint: float | None = None
    strategies: tuple[str, ...] = ()
    intent_id: str = ""

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"entry side {self.side!r} is not one of {SIDES}")
        _finite("entry price", self.price)
        if self.price <= 0.0:
            raise ValueError(f"entry price {self.price!r} is not positive")
        _finite("entry atr", self.atr, 0.0)
        _finite("entry ts", self.ts)
        if self.stop_hint is not None:
            _finite("entry stop_hint", self.stop_hint)

    @classmethod
    def from_intent(cls, intent: Any, now: float) -> EntryRequest:
        """From a ``trading.ai.intent.Intent`` (duck-typed), evaluated at ``now``."""
        return cls(pair=intent.pair, side=intent.side, price=float(intent.price),
                   atr=float(intent.atr), ts=now, stop_hint=float(intent.stop),
                   strategies=tuple(intent.strategies), intent_id=str(intent.id))


@dataclass(frozen=True, slots=True)
class OpenPosition:
    pair: str
    qty: float
    entry: float
    stop: float | None = None
    mark: float | None = None    # last price, for exposure (entry when None)

    @property
    def exposure(self) -> float:
        return self.qty * (self.entry if self.mark is None else self.mark)


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    r_multiple: float
    strategies: tuple[str, ...] = ()
    pair: str = ""
    exit_ts: float = 0.0

    def __post_init__(self) -> None:
        _finite("closed trade r_multiple", self.r_multiple)


@dataclass(frozen=True, slots=True)
class Portfolio:
    """What the executor knows at one instant (money in quote currency, e.g. USD)."""

    equity: float
    peak_equity: float
    day_start_equity: float
    day_pnl_realised: float = 0.0
    unrealised: float = 0.0
    cash: float | None = None    # free quote balance; None: unknown (no cash cap)
    positions: Mapping[str, OpenPosition] = field(default_factory=dict)
    last_exit_ts: Mapping[str, float] = field(default_factory=dict)
    locks: tuple[RiskLock, ...] = ()
    closed_trades: tuple[ClosedTrade, ...] = ()    # oldest first
    day_start_ts: float | None = None

    def __post_init__(self) -> None:
        for name in ("equity", "peak_equity", "day_start_equity"):
            _finite(name, getattr(self, name), 0.0)
        _finite("day_pnl_realised", self.day_pnl_realised)
        _finite("unrealised", self.unrealised)
        if self.cash is not None:
            _finite("cash", self.cash, 0.0)
        if self.day_start_ts is not None:
            _finite("day_start_ts", self.day_start_ts)
        wrong = [k for k, p in self.positions.items() if p.pair != k]
        if wrong:
            raise ValueError(f"positions keyed by the wrong pair: {', '.join(wrong)}")
