"""Market data plumbing: where to connect, and the feed that fills shared memory."""
from __future__ import annotations

from typing import Protocol


class _Market(Protocol):
    source: str
    rest_url: str
    ws_url: str


def market_urls(market: _Market, sim_port: int) -> tuple[str, str]:
    """(REST base, WebSocket v2 URL): the built-in emulator for ``sim``, else Kraken's."""
    if market.source == "sim":
        return f"http://127.0.0.1:{sim_port}", f"ws://127.0.0.1:{sim_port}/v2"
    return market.rest_url, market.ws_url
