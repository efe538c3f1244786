"""StopBook: each open position's protective stop, kept in the ledger so it survives restarts.

Semantics: the risk manager's :class:`~trading.risk.stops.Stop` (entry, initial, price, high,
phase) of every open position is stored as a ledger flag ``stop:<PAIR>`` (JSON) and its
price in the position row (``Ledger.set_stop``, which refuses to loosen). ``on_price``
feeds one price: it trails / moves to breakeven (only ever tightening) and says whether
the stop is hit (price at or below it). A position without a stored stop (opened before a
crash could store it) gets one from its initial stop, or from its entry and ATR.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from trading.execution.ledger import Ledger
from trading.execution.ledger_types import Position
from trading.risk.manager import RiskManager
from trading.risk.stops import Stop

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StopEvent:
    pair: str
    stop: Stop
    moved: str | None      # "trail" | "breakeven" | None
    reason: str
    hit: bool


class StopBook:
    def __init__(self, ledger: Ledger, risk: RiskManager) -> None:
        self.ledger, self.risk = ledger, risk

    def _key(self, pair: str) -> str:
        return f"stop:{pair}"

    def open(self, position: Position, stop_price: float) -> Stop:
        """Start the stop of a newly opened position (raises ValueError if the fill came in
        at or below the stop: the caller exits at once)."""
        stop = self.risk.open_stop(float(position.avg_entry), stop_price)
        self._save(position.pair, stop)
        return stop

    def get(self, position: Position) -> Stop | None:
        raw = self.ledger.get_flag(self._key(position.pair))
        if raw:
            return Stop.from_dict(json.loads(raw))
        initial = position.initial_stop or position.stop
        if initial is None or float(initial) >= float(position.avg_entry):
            return None
        return self.risk.open_stop(float(position.avg_entry), float(initial))

    def _save(self, pair: str, stop: Stop) -> None:
        self.ledger.set_flag(self._key(pair), json.dumps(stop.to_dict()))
        self.ledger.set_stop(pair, round(stop.price, 12))

    def on_price(self, position: Position, price: float, atr: float) -> StopEvent | None:
        stop = self.get(position)
        if stop is None:
            return None
        update = self.risk.update_stop(stop, price, atr)
        if update.stop != stop:
            self._save(position.pair, update.stop)
        return StopEvent(position.pair, update.stop, update.transition, update.reason,
                         update.stop.hit(price))

    def forget(self, pair: str) -> None:
        self.ledger.set_flag(self._key(pair), "")
