"""Each strategy's recent realised record, read from the ledger for the confluence weights.

Semantics: the last ``TRADES`` closed round trips (the ``trades`` table, newest first); a
trade counts for every strategy that contributed to its entry, and it is a win when its
P&L net of fees is positive. No ledger yet (a fresh install, or the executor has not
created it), or one that cannot be read, gives ``{}``: the base weights stay.
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable

from trading.ai.confluence import Record
from trading.execution.ledger import Ledger
from trading.execution.ledger_types import Trade

logger = logging.getLogger(__name__)
TRADES = 200


def records_of(trades: Iterable[Trade]) -> dict[str, Record]:
    counts: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for t in trades:
        for name in t.strategies:
            counts[name] += 1
            wins[name] += t.pnl > 0
    return {name: Record(counts[name], wins[name]) for name in counts}


def load_records(db_path: str | os.PathLike[str]) -> dict[str, Record]:
    if not os.path.exists(db_path):
        return {}
    try:
        with Ledger.open_readonly(db_path) as ledger:
            return records_of(ledger.trades(limit=TRADES))
    except Exception as err:  # noqa: BLE001 - a ledger we cannot read only costs the weights
        logger.warning("strategy records unavailable: %s", err)
        return {}
