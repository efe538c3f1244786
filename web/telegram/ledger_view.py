"""The ledger numbers the commands show, read through a read-only handle.

Each call opens the ledger read-only, reads, and closes it again (cheap, and a reader never
holds the executor's WAL back). A missing ``bot.db`` (the executor never ran) gives empty
answers (None / []), not errors; any other ``LedgerError`` (e.g. an old schema) is raised with
its one-line message for the reply to show.

P&L semantics (all realised, net of fees, quote currency): ``today`` is the current UTC day,
``week`` the last 7 UTC days including today, ``total`` everything booked so far; the win rate
counts closed trades with P&L > 0. Open positions' P&L is ``(current - avg entry) x qty``
before exit fees, with ``current`` from the caller (the bus), or None while unknown.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from trading.execution.ledger import Ledger, LedgerReader
from trading.execution.ledger_types import Trade

logger = logging.getLogger(__name__)

WEEK_DAYS = 7


@dataclass(frozen=True)
class PnlSummary:
    today: Decimal
    today_trades: int
    week: Decimal
    total: Decimal
    trades: int
    wins: int
    win_rate: float | None


@dataclass(frozen=True)
class PositionView:
    pair: str
    qty: Decimal
    entry: Decimal
    stop: Decimal | None
    current: float | None
    pnl: float | None
    pnl_pct: float | None


class LedgerView:
    def __init__(self, path: Path, wall_clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._wall = wall_clock

    @contextmanager
    def _reader(self) -> Iterator[LedgerReader | None]:
        if not self.path.is_file():
            yield None
            return
        reader = Ledger.open_readonly(self.path)
        try:
            yield reader
        finally:
            reader.close()

    def _days(self, n: int) -> list[str]:
        today = datetime.fromtimestamp(self._wall(), UTC).date()
        return [(today - timedelta(days=i)).isoformat() for i in range(n)]

    def pnl(self) -> PnlSummary | None:
        with self._reader() as led:
            if led is None:
                return None
            days = [led.daily(d) for d in self._days(WEEK_DAYS)]
            perf = led.performance(points=2)
        return PnlSummary(today=days[0].realised, today_trades=days[0].trades,
                          week=sum((d.realised for d in days), Decimal(0)),
                          total=perf.realised_pnl, trades=perf.trades, wins=perf.wins,
                          win_rate=perf.win_rate)

    def positions(self, price_of: Callable[[str], float | None]) -> list[PositionView]:
        with self._reader() as led:
            rows = [] if led is None else led.open_positions()
        out = []
        for p in rows:
            current = price_of(p.pair)
            pnl = pnl_pct = None
            if current is not None:
                pnl = (current - float(p.avg_entry)) * float(p.qty)
                pnl_pct = current / float(p.avg_entry) - 1 if p.avg_entry > 0 else None
            out.append(PositionView(p.pair, p.qty, p.avg_entry, p.stop, current, pnl, pnl_pct))
        return out

    def trades(self, n: int) -> list[Trade]:
        """The last ``n`` closed trades, newest first."""
        with self._reader() as led:
            return [] if led is None else led.trades(limit=n)
