"""What the risk manager answers: entry and exit decisions, and the dashboard snapshot.

Dependency-free (stdlib only). Every value has ``to_dict()`` giving a JSON-ready dict
(Decimals as plain decimal strings, never ``1E-7``).

Semantics:

- :class:`EntryDecision` ``action`` is one of :data:`ACTIONS`:
  ``enter`` (approved: buy ``qty`` at about ``price`` with protective ``stop``),
  ``reject`` (no entry; ``reasons`` say why, with numbers),
  ``close`` (a short signal on a pair held long: spot only, so it closes the long -- an exit,
  which no risk rule blocks). ``approved`` is true for ``enter`` only.
- ``qty``/``price``/``stop`` are already rounded to the pair's precision (qty down to
  ``lot_decimals``; the entry limit and the long stop *up* to the tick, so the loss at the
  stop never exceeds the sized risk). On a reject ``qty`` is 0.
- ``kelly``, ``risk_fraction``, ``ror``, ``drawdown_scale`` report the sizing computation even
  on a reject (so the dashboard can show why). ``risk_fraction`` is the fraction of equity
  lost if the stop is hit: on ``enter`` that of the rounded (and cash-capped) ``qty``, on a
  reject what the risk budget allowed (0 when sizing itself forbids an entry).
  ``ror`` is None while the Kelly prior is in use; ``kelly`` is None until the mix has a
  decisive trade (under the prior it is reported, not applied).
- ``locks`` are *new* locks (e.g. the daily-loss lock) the executor must persist and pass
  back in ``Portfolio.locks``; they are reported on every decision that creates them.
- :class:`ExitDecision` is always approved: rules block entries, never exits.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from trading.risk.types import RiskLock

ENTER, REJECT, CLOSE = "enter", "reject", "close"
ACTIONS = (ENTER, REJECT, CLOSE)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class EntryDecision:
    action: str
    pair: str
    qty: Decimal
    price: Decimal | None
    stop: Decimal | None
    reasons: tuple[str, ...]
    kelly: float | None = None
    risk_fraction: float = 0.0
    ror: float | None = None
    drawdown_scale: float = 1.0
    locks: tuple[RiskLock, ...] = ()
    intent_id: str = ""

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"decision action {self.action!r} is not one of {ACTIONS}")

    @property
    def approved(self) -> bool:
        return self.action == ENTER

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "approved": self.approved, "pair": self.pair,
                "qty": _dec(self.qty), "price": _dec(self.price), "stop": _dec(self.stop),
                "reasons": list(self.reasons), "kelly": self.kelly,
                "risk_fraction": self.risk_fraction, "ror": self.ror,
                "drawdown_scale": self.drawdown_scale,
                "locks": [lock.to_dict() for lock in self.locks], "intent_id": self.intent_id}


@dataclass(frozen=True, slots=True)
class ExitDecision:
    """Always approved. ``qty`` is the held quantity (None when no position is recorded:
    the broker's balance decides)."""

    pair: str
    qty: float | None
    reasons: tuple[str, ...]
    approved: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"pair": self.pair, "qty": self.qty, "reasons": list(self.reasons),
                "approved": self.approved}


@dataclass(frozen=True, slots=True)
class RiskSnapshot:
    """The risk state for the dashboard (fractions are of equity, 0.05 = 5%)."""

    ts: float
    equity: float
    peak_equity: float
    drawdown: float
    drawdown_scale: float
    daily_loss: float            # fraction of the day's starting equity lost (>= 0)
    daily_loss_limit: float
    kelly: float | None          # full-Kelly risk fraction over all recent trades
    kelly_source: str            # "prior" | "ledger"
    stake: float                 # risk fraction a new entry would get (all caps applied)
    risk_of_ruin: float | None
    locks: tuple[RiskLock, ...]  # active now, including derived per-pair cooldowns
    open_positions: int
    max_open_positions: int
    exposure: float              # sum of qty x mark (quote currency)
    exposure_fraction: float
    entries_allowed: bool
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["locks"] = [lock.to_dict() for lock in self.locks]
        out["reasons"] = list(self.reasons)
        return out
