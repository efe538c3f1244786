"""Which bus events become Telegram alerts, and their one-line HTML text.

- ``alert`` (watchdog: a crash, BACKOFF, FATAL, recovery; executor: stop moved to breakeven,
  daily loss lock, risk-of-ruin scaling, ...): forwarded as they are, with an icon per
  ``level`` (``critical``, ``error``, ``warning``, ``info``).
- ``fill``: a trade opened or (partly) closed: side, size, pair, price, and the realised P&L
  of a sell.
- ``position`` going from open to ``closed``: the round trip's realised P&L. Other position
  updates (marks, stops) are not alerts: the executor announces a stop moved to breakeven
  as an ``alert`` itself.
Pure apart from remembering which pairs were open. Not thread-safe: the bus thread owns it.
"""
from __future__ import annotations

import logging
from typing import Any

from ipc import messages
from ipc.codec import Event
from web.telegram import fmt
from web.telegram.fmt import esc

logger = logging.getLogger(__name__)

ICONS = {"critical": "🛑", "error": "❗", "warning": "⚠️", "info": "ℹ️"}
MAX_ALERT_CHARS = 300


def _num(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def alert_line(data: dict[str, Any]) -> str | None:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    level = data.get("level")
    icon = ICONS.get(level, "⚠️") if isinstance(level, str) else "⚠️"
    return f"{icon} {esc(fmt.clip(text.strip(), MAX_ALERT_CHARS))}"


def fill_line(data: dict[str, Any], key: str | None) -> str | None:
    side = data.get("side")
    pair = data.get("pair") or key
    if side not in ("buy", "sell") or not isinstance(pair, str):
        return None
    icon, verb = ("🟢", "BUY") if side == "buy" else ("🔴", "SELL")
    line = (f"{icon} <b>{verb}</b> {fmt.qty(_num(data, 'qty'))} {esc(pair)} "
            f"@ {fmt.price(_num(data, 'price'))}")
    realised = _num(data, "realised")
    if side == "sell" and realised is not None:
        line += f" · P&amp;L {fmt.money(realised)}"
    return line


def closed_line(data: dict[str, Any], pair: str) -> str:
    pnl = _num(data, "realised_pnl")
    icon = "✅" if pnl is not None and pnl > 0 else "❌" if pnl is not None and pnl < 0 else "⏹"
    return f"{icon} <b>{esc(pair)}</b> position closed · P&amp;L {fmt.money(pnl)}"


class Notices:
    def __init__(self) -> None:
        self._open: set[str] = set()

    def line_for(self, ev: Event) -> str | None:
        """The alert line for ``ev``, or None if it is not alert-worthy."""
        try:
            if ev.type == messages.ALERT:
                return alert_line(ev.data)
            if ev.type == messages.FILL:
                return fill_line(ev.data, ev.key)
            if ev.type == messages.POSITION:
                return self._position(ev.data, ev.key)
        except (TypeError, ValueError) as e:  # a malformed event must not stop the bus thread
            logger.warning("could not turn a %s event into an alert: %s", ev.type, e)
        return None

    def _position(self, data: dict[str, Any], key: str | None) -> str | None:
        pair = data.get("pair") or key
        if not isinstance(pair, str):
            return None
        state = data.get("state")
        if state == "open":
            self._open.add(pair)
        elif state == "closed" and pair in self._open:
            self._open.discard(pair)
            return closed_line(data, pair)
        return None
