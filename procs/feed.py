"""Program ``feed``: Kraken market data (REST backfill + WebSocket v2) into shared memory.

Creates (or, after a crash, re-attaches to) this instance's BarStore and BookStore,
backfills every pair from REST (retrying until the exchange answers), then follows
the ``ohlc`` and ``book`` channels; see :class:`trading.marketdata.feed.MarketFeed`
for what is written and announced. Exits 1 with one line when a segment of another
layout already exists (e.g. the pair list changed: ``make stop`` removes it).
"""
from __future__ import annotations

import logging

from procs.runtime import Runtime, boot, fail
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError
from trading.exchange.errors import KrakenError, KrakenUnavailable
from trading.exchange.rest import KrakenREST
from trading.exchange.wsbuild import subscribe_book, subscribe_ohlc, unsubscribe_book
from trading.exchange.wsclient import KrakenWS
from trading.marketdata import market_urls
from trading.marketdata.feed import MarketFeed

logger = logging.getLogger(__name__)
NAME = "feed"
RETRY_S = 1.0


def open_stores(rt: Runtime) -> tuple[BarStore, BookStore]:
    cfg = rt.cfg
    try:
        bars = BarStore.create(cfg.runtime.namespace, cfg.trading.pairs, cfg.trading.bar_capacity)
        books = BookStore.create(cfg.runtime.namespace, cfg.trading.pairs, cfg.feed.book_depth)
    except StoreError as err:
        fail(NAME, str(err), code=1)
    return bars, books


def wait_for_exchange(rt: Runtime, rest: KrakenREST, feed: MarketFeed) -> bool:
    """Load pair precisions and backfill every pair; False if asked to stop first."""
    while not rt.stopping.is_set():
        try:
            feed.use_precisions(rest.asset_pairs(list(rt.cfg.trading.pairs)))
            if feed.start():
                return True
        except (KrakenError, KrakenUnavailable) as err:
            logger.warning("exchange not ready: %s", err)
        rt.stopping.wait(RETRY_S)
    return False


def main() -> None:
    rt = boot(NAME)
    cfg = rt.cfg
    rest_url, ws_url = market_urls(cfg.market, cfg.sim.port)
    bars, books = open_stores(rt)
    pairs, depth = list(cfg.trading.pairs), cfg.feed.book_depth
    ws: KrakenWS | None = None

    def resubscribe(pair: str) -> None:
        if ws is not None:
            ws.send(unsubscribe_book([pair], depth))
            ws.send(subscribe_book([pair], depth))

    rest = KrakenREST(rest_url)
    feed = MarketFeed(pairs, cfg.trading.timeframe_minutes, rest, bars, books,
                      rt.publisher.publish, resubscribe, cfg.feed.book_publish_hz,
                      wall_clock_close=cfg.market.source != "sim")
    rt.heartbeat.start_thread()
    try:
        if wait_for_exchange(rt, rest, feed):
            logger.info("backfilled %d pairs; following %s", len(pairs), ws_url)
            ws = KrakenWS(ws_url, feed.on_event,
                          [subscribe_ohlc(pairs, cfg.trading.timeframe_minutes),
                           subscribe_book(pairs, depth)],
                          on_reconnect=feed.on_reconnect)
            ws.run(rt.stopping)
    finally:
        rt.close()
        bars.close()
        books.close()


if __name__ == "__main__":
    main()
