"""The information commands and the daily summary: gather the data, format the reply.

``Views`` joins the three sources (the executor through the facade, the bus state, the
ledger read-only) with the pure formatters of :mod:`web.telegram.commands`. A failing source
never raises out of a view: the reply says what could not be read (one line), so a broken
ledger or a down executor still gets the user an answer.

Blocking: ``status`` and ``summary`` ask the executor and take up to ~1.6 s when it is down;
the others only read memory or SQLite.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime

from ipc.facade import Facade
from trading.execution.ledger_types import LedgerError
from web.telegram import commands, fmt
from web.telegram.busstate import BusState
from web.telegram.fmt import esc
from web.telegram.ledger_view import LedgerView

logger = logging.getLogger(__name__)


def _guard(what: str, fn: Callable[[], str]) -> str:
    try:
        return fn()
    except (LedgerError, sqlite3.Error) as e:
        return f"⚠️ {what}: cannot read the ledger: {esc(e)}"
    except Exception as e:  # a bug in one view must not kill the poll loop
        logger.exception("the %s view failed", what)
        return f"⚠️ {what}: internal error ({esc(type(e).__name__)}); see the telegram log"


class Views:
    def __init__(self, facade: Facade, state: BusState, ledger: LedgerView,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.facade = facade
        self.state = state
        self.ledger = ledger
        self._wall = wall_clock

    def table(self) -> dict[str, Callable[[], str]]:
        """command -> its reply (the information commands only)."""
        return {"status": self.status, "pnl": self.pnl, "positions": self.positions,
                "risk": self.risk, "trades": self.trades, "thoughts": self.thoughts,
                "help": commands.help_text, "start": commands.help_text}

    def status(self) -> str:
        return _guard("status", lambda: commands.status_text(self.facade.status(),
                                                             self.state.processes()))

    def pnl(self) -> str:
        return _guard("pnl", lambda: commands.pnl_text(self.ledger.pnl()))

    def positions(self) -> str:
        return _guard("positions",
                      lambda: commands.positions_text(self.ledger.positions(self.state.price)))

    def risk(self) -> str:
        return _guard("risk", lambda: commands.risk_text(self.state.risk()))

    def trades(self) -> str:
        return _guard("trades",
                      lambda: commands.trades_text(self.ledger.trades(commands.TRADES_SHOWN)))

    def thoughts(self) -> str:
        return _guard("thoughts", lambda: commands.thoughts_text(
            self.state.thoughts(commands.THOUGHTS_SHOWN), int(self._wall() * 1000)))

    def summary(self) -> str:
        """The daily summary: the day's P&L and the executor's state."""
        day = datetime.fromtimestamp(self._wall(), UTC).date().isoformat()
        pnl = _guard("summary", lambda: commands.pnl_text(self.ledger.pnl()))
        reply = self.facade.status()
        if reply.ok and isinstance(reply.result, dict):
            d = reply.result
            state = "KILLED" if d.get("killed") else "PAUSED" if d.get("paused") else "running"
            tail = (f"equity {fmt.amount(d.get('equity'))} · {d.get('open_positions', '-')} "
                    f"open · trading {state}")
        else:
            tail = f"executor: {reply.error or 'unavailable'}"
        return f"📊 <b>Daily summary</b> {day} (UTC)\n{pnl}\n{esc(tail)}"
