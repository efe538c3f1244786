"""The ``snapshot`` a live client gets on connect and after a ``resync``: every panel's data.

It is built from the same functions as the REST views, so the page shows the same numbers
whichever way they arrived. Cost: a few shared-memory reads and ledger queries (ms).
"""
from __future__ import annotations

from typing import Any

from web.api_algo import build_risk, build_strategies
from web.api_ledger import build_performance, build_positions
from web.api_market import build_scanner
from web.api_status import build_status
from web.context import WebContext
from web.live_messages import message

THOUGHTS = 50
EQUITY_POINTS = 200


def build_snapshot(c: WebContext) -> dict[str, Any]:
    return {
        "status": build_status(c),
        "scanner": build_scanner(c),
        "risk": build_risk(c),
        "strategies": build_strategies(c),
        "positions": build_positions(c)["positions"],
        "performance": build_performance(c, EQUITY_POINTS),
        "thoughts": c.live.thoughts(THOUGHTS),
    }


def snapshot_message(c: WebContext) -> bytes:
    return message("snapshot", build_snapshot(c))
