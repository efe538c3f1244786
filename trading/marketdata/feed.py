"""MarketFeed: Kraken market data into the shared-memory stores, with no holes and no lies.

Semantics:

- ``start()`` backfills every pair from REST (up to 720 closed bars, Kraken's limit) into
  the BarStore, newer than what the store already holds, so a restarted feed continues
  where the last one stopped without duplicating a bar.
- ``on_event`` takes parsed WebSocket v2 events. An ``ohlc`` update with the forming
  bar's ``interval_begin`` replaces the forming bar (visible to readers through
  ``BarStore.forming``); a newer ``interval_begin`` closes the previous bar, which is
  appended and announced with ``bar.<PAIR>`` (``t_bar``: ``time.monotonic()`` when it was
  announced, one clock for every process on the machine). A jump of more than one interval
  is a gap: the pair is backfilled from REST before the new bar is taken. Bars older than the last
  stored one are dropped. Kraken sends candles only on trades, so against the real
  exchange (``wall_clock_close``) a forming bar is also closed by the clock, checked on
  every heartbeat; the emulator's market clock runs faster than the wall, so not there.
- ``book`` messages are applied to a per-pair order book and checked against Kraken's
  CRC32. Only a verified book reaches shared memory. On a mismatch the pair's book is
  invalid until a fresh snapshot: the caller resubscribes it (``resubscribe_book``), the
  mismatch is logged once per episode. ``book.<PAIR>`` events are throttled to
  ``book_hz`` per pair; the full book stays in shared memory.
- ``on_reconnect`` backfills every pair, closing any gap the outage left.

Caveats: one thread drives a MarketFeed (the WebSocket thread); it is not thread-safe.
Everything that leaves it goes through the injected ``publish`` callable, so this
module knows nothing of the bus.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from shared.bars import BarStore
from shared.books import BookStore
from trading.exchange.bars import BarAssembler
from trading.exchange.book import OrderBook
from trading.exchange.errors import KrakenError, KrakenUnavailable
from trading.exchange.rest import KrakenREST
from trading.exchange.symbols import PairMap
from trading.exchange.ws import BookMsg, Heartbeat, OhlcMsg

logger = logging.getLogger(__name__)

Publish = Callable[..., Any]


class MarketFeed:
    def __init__(self, pairs: Sequence[str], interval_min: int, rest: KrakenREST,
                 bars: BarStore, books: BookStore, publish: Publish,
                 resubscribe_book: Callable[[str], None], book_hz: float = 10.0,
                 wall_clock_close: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pairs = list(pairs)
        self.interval_min = interval_min
        self.interval_s = 60 * interval_min
        self.rest = rest
        self.bars = bars
        self.books = books
        self.publish = publish
        self.resubscribe_book = resubscribe_book
        self.book_gap_s = 1.0 / book_hz
        self.wall_clock_close = wall_clock_close
        self.clock = clock
        self.assemblers = {p: BarAssembler(self.interval_s, p) for p in self.pairs}
        self.order_books = {p: OrderBook(books.depth, p) for p in self.pairs}
        self.last_book_event = dict.fromkeys(self.pairs, -1e18)

    def use_precisions(self, pairs: PairMap) -> None:
        """Book checksums need each pair's printed precision (AssetPairs)."""
        for pair in self.pairs:
            info = pairs.find(pair)
            if info is not None:
                self.order_books[pair] = OrderBook(self.books.depth, pair, info.pair_decimals,
                                                   info.lot_decimals)

    # -- start-up and gaps -------------------------------------------------------------

    def start(self) -> bool:
        """Backfill every pair; False if REST failed for any (call again later)."""
        return all([self.backfill(pair) is not None for pair in self.pairs])

    def on_reconnect(self) -> None:
        self.start()

    def backfill(self, pair: str) -> int | None:
        """Append REST's closed bars newer than the store's last one; None if REST failed."""
        try:
            ohlc = self.rest.ohlc(pair, self.interval_min)
        except (KrakenError, KrakenUnavailable) as err:
            logger.warning("backfill %s failed: %s", pair, err)
            return None
        last = self.bars.last_ts(pair)
        rows = ohlc.closed if last is None else ohlc.closed_after(last)
        if last is not None and len(rows) and rows[0, 0] > last + self.interval_s:
            logger.warning("bars for %s: %d s missing before %d (longer than REST history)",
                           pair, int(rows[0, 0] - last - self.interval_s), int(rows[0, 0]))
        if len(rows):
            self.bars.extend(pair, rows)
            self._announce(pair, rows[-1])
        assembler = self.assemblers[pair]
        newest = self.bars.last_ts(pair)
        if newest is not None:
            assembler.seed(newest)
        if assembler.forming is None and ohlc.forming is not None:
            if newest is None or ohlc.forming[0] > newest:
                self.bars.set_forming(pair, ohlc.forming)
        return len(rows)

    # -- events ------------------------------------------------------------------------

    def on_event(self, event: object) -> None:
        if isinstance(event, OhlcMsg) and event.pair in self.assemblers:
            self._on_ohlc(event)
        elif isinstance(event, BookMsg) and event.pair in self.order_books:
            self._on_book(event)
        elif isinstance(event, Heartbeat) and self.wall_clock_close:
            self.close_due(time.time())

    def close_due(self, now_s: float) -> None:
        """Close forming bars whose interval has ended (no trade has closed them)."""
        for pair, assembler in self.assemblers.items():
            bar = assembler.close_if_due(now_s)
            if bar is not None:
                self._append(pair, bar)

    def _on_ohlc(self, msg: OhlcMsg) -> None:
        step = self.assemblers[msg.pair].feed(msg)
        if step.closed is not None:
            self._append(msg.pair, step.closed)
        if step.has_gap:
            self.backfill(msg.pair)
        if step.accepted and step.forming is not None:
            self.bars.set_forming(msg.pair, step.forming)

    def _append(self, pair: str, bar: np.ndarray) -> None:
        last = self.bars.last_ts(pair)
        if last is not None and bar[0] <= last:
            return
        self.bars.append(pair, bar)
        self._announce(pair, bar)

    def _announce(self, pair: str, bar: np.ndarray) -> None:
        self.publish("bar", pair, bar_ts=int(bar[0]), close=float(bar[4]),
                     volume=float(bar[5]), count=self.bars.count(pair), t_bar=time.monotonic())

    def _on_book(self, msg: BookMsg) -> None:
        pair = msg.pair
        book = self.order_books[pair]
        was_valid = book.valid
        if not book.apply(msg):
            # one resubscribe per broken episode (updates before the new snapshot also fail)
            if was_valid or msg.kind == "snapshot":
                logger.warning("book %s not verified: resubscribing", pair)
                self.resubscribe_book(pair)
            return
        bids, asks = book.to_arrays()
        self.books.write(pair, bids, asks, book.ts if book.ts is not None else time.time())
        self._maybe_announce_book(pair, bids, asks)

    def _maybe_announce_book(self, pair: str, bids: np.ndarray, asks: np.ndarray) -> None:
        now = self.clock()
        if now - self.last_book_event[pair] < self.book_gap_s or not len(bids) or not len(asks):
            return
        self.last_book_event[pair] = now
        self.publish("book", pair, bid=float(bids[0, 0]), ask=float(asks[0, 0]),
                     bid_qty=float(bids[0, 1]), ask_qty=float(asks[0, 1]))

