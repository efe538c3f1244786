"""Events: what the executor tells the rest of the bot, through one injected ``publish``.

Bodies follow the contract the dashboard and Telegram read (``order``, ``fill``,
``position``, ``risk``, ``thought``, ``alert``); numbers that are exact in the ledger
(``Decimal``) are sent as strings so nothing is rounded on the way. ``publish`` is
``Publisher.publish``-shaped: ``publish(type, key, **fields)``; a failing publish is
logged, never raised into the money path.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from trading.execution.broker import OrderResult
from trading.execution.ledger_types import NewOrder, Position
from trading.execution.stops import StopEvent

logger = logging.getLogger(__name__)
Publish = Callable[..., None]


def _num(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


class Events:
    def __init__(self, publish: Publish) -> None:
        self._publish = publish

    def send(self, type_: str, key: str | None, **fields: Any) -> None:
        try:
            self._publish(type_, key, **{k: _num(v) for k, v in fields.items()})
        except Exception:  # noqa: BLE001 - telling others must never break trading
            logger.exception("could not publish %s", type_)

    def thought(self, pair: str | None, text: str) -> None:
        self.send("thought", pair, text=text)

    def alert(self, level: str, text: str, **extra: Any) -> None:
        self.send("alert", None, level=level, text=text, **extra)

    def order(self, order: NewOrder, state: str, txid: str | None = None,
              reason: str | None = None) -> None:
        self.send("order", order.pair, cl_ord_id=order.cl_ord_id, intent_id=order.intent_id,
                  pair=order.pair, side=order.side, qty=order.qty, kind=order.kind,
                  purpose=order.purpose, state=state, txid=txid, reason=reason)

    def result(self, order: NewOrder, result: OrderResult) -> None:
        self.order(order, result.state, result.txid, result.reason)
        for f in result.fills:
            self.send("fill", f.pair, fill_id=f.fill_id, cl_ord_id=f.cl_ord_id, pair=f.pair,
                      side=f.side, qty=f.qty, price=f.price, fee=f.fee,
                      fill_ts=f.ts, purpose=order.purpose)

    def position(self, pair: str, position: Position | None, mark: float | None) -> None:
        if position is None:
            self.send("position", pair, pair=pair, state="closed", qty="0")
            return
        upnl = (mark - float(position.avg_entry)) * float(position.qty) if mark else None
        self.send("position", pair, pair=pair, state="open", qty=position.qty,
                  avg_entry=position.avg_entry, stop=position.stop, price=mark,
                  unrealised=upnl, realised_pnl=position.realised_pnl)

    def stop_moved(self, pair: str, event: StopEvent) -> None:
        self.send("position", pair, pair=pair, state="open", stop=event.stop.price,
                  stop_phase=event.stop.phase, text=event.reason)
        if event.moved == "breakeven":
            self.alert("info", f"{pair}: stop moved to breakeven {event.stop.price:.8g}",
                       pair=pair)
