"""The emulated exchange without any I/O: market, books, matching engine and market clock.

:class:`Venue` is driven by the server's loop: :meth:`Venue.tick` advances market time to the
real monotonic ``now`` (revealing trades, closing bars, filling resting orders that were
traded through) and :meth:`Venue.step_books` moves every book to the latest price, returning
the top levels before and after for the pairs someone watches (the server turns those into
WebSocket diffs). Everything the REST and WS layers need is read from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from trading.exchange.sim.market import Change, Market, SimClock
from trading.exchange.sim.matching import Engine
from trading.exchange.sim.orderbook import ASK, BID, Book, Top
from trading.exchange.sim.pairs import PairTable

LEVEL_FRACTION = 0.08     # typical level size, as a fraction of a 1-minute bar's volume
EXTRA_LEVELS = 10         # kept beyond the deepest subscription, so the edge churns less
MIN_BOOK_LEVELS = 35


@dataclass(frozen=True)
class SimSettings:
    pairs: tuple[str, ...]
    seed: int = 42
    bar_seconds: float = 60.0
    history_bars: int = 1000
    timeframe_minutes: int = 1
    maker_fee: float = 0.0025
    taker_fee: float = 0.004
    start_balance_usd: float = 10000.0
    book_depth: int = 25

    @classmethod
    def from_config(cls, cfg: Any) -> SimSettings:
        """From the bot's :class:`config.Config` (``sim.*``, ``trading.*``, ``feed.book_depth``)."""
        sim = cfg.sim
        return cls(pairs=tuple(cfg.trading.pairs), seed=sim.seed, bar_seconds=sim.bar_seconds,
                   history_bars=sim.history_bars,
                   timeframe_minutes=cfg.trading.timeframe_minutes, maker_fee=sim.maker_fee,
                   taker_fee=sim.taker_fee, start_balance_usd=sim.start_balance_usd,
                   book_depth=cfg.feed.book_depth)


@dataclass(frozen=True)
class BookStep:
    old_bids: Top
    old_asks: Top
    new_bids: Top
    new_asks: Top


class Venue:
    def __init__(self, settings: SimSettings, now_mono: float, now_wall: float) -> None:
        self.settings = settings
        self.pairs = PairTable(settings.pairs)
        tf = settings.timeframe_minutes
        self.market = Market(self.pairs, settings.seed, tf, settings.history_bars, now_wall)
        self.interval_s = self.market.interval_s
        self.clock = SimClock(self.market.start_ts, self.interval_s, settings.bar_seconds,
                              now_mono)
        self.sim_now = float(self.market.start_ts)
        self.book_levels = max(MIN_BOOK_LEVELS, settings.book_depth + EXTRA_LEVELS)
        self.books = {
            p.symbol: Book(p.symbol, settings.seed, p.pair_decimals, p.lot_decimals,
                           p.bar_volume * tf * LEVEL_FRACTION, self.book_levels, self.interval_s)
            for p in self.pairs}
        for symbol, book in self.books.items():
            book.step(self.market.last_price(symbol), self.sim_now)
        self.engine = Engine(self.pairs, settings.maker_fee, settings.taker_fee,
                             settings.start_balance_usd, self.levels, self.market.last_price,
                             lambda: self.sim_now)

    # -- driving ----------------------------------------------------------------------------
    def tick(self, now_mono: float) -> list[Change]:
        """Advance market time to ``now_mono``; fill resting orders that were traded through."""
        self.sim_now = max(self.sim_now, self.clock.sim_time(now_mono))
        changes = self.market.advance(self.sim_now)
        for change in changes:
            self.engine.on_trades(change.symbol, change.prices)
        return changes

    def step_books(self, watched: dict[str, int]) -> dict[str, BookStep]:
        """Move every book to its last price; before/after tops for ``watched`` symbol->depth."""
        steps: dict[str, BookStep] = {}
        for symbol, book in self.books.items():
            depth = watched.get(symbol, 0)
            old_b, old_a = (book.top(BID, depth), book.top(ASK, depth)) if depth else ([], [])
            book.step(self.market.last_price(symbol), self.sim_now,
                      self.market.activity(symbol), self.market.lean(symbol))
            if depth:
                steps[symbol] = BookStep(old_b, old_a, book.top(BID, depth), book.top(ASK, depth))
        return steps

    # -- reading ----------------------------------------------------------------------------
    def levels(self, symbol: str, side: str) -> list[tuple[Decimal, Decimal]]:
        """The book side an order takes from (``asks`` / ``bids``), best first, as Decimals."""
        info = self.pairs.pairs[symbol]
        return [(Decimal(p).scaleb(-info.pair_decimals), Decimal(q).scaleb(-info.lot_decimals))
                for p, q in self.books[symbol].top(side, self.book_levels)]

    def events(self) -> dict[str, dict[str, int]]:
        """Per pair: regimes and volume bursts started, and book features seen."""
        counts = self.market.counts()
        for symbol, book in self.books.items():
            counts[symbol].update(book.events)
        return counts

    def state(self) -> dict[str, Any]:
        """Everything ``GET /_sim/state`` shows (orders with ``cl_ord_id``, trades, balances)."""
        eng = self.engine
        orders = [{"txid": o.txid, "cl_ord_id": o.req.cl_ord_id, "userref": o.req.userref,
                   "pair": o.req.pair.symbol, "type": o.req.side, "ordertype": o.req.ordertype,
                   "price": None if o.req.price is None else str(o.req.price),
                   "volume": str(o.req.volume), "vol_exec": str(o.vol_exec),
                   "cost": str(o.cost), "fee": str(o.fee), "status": o.status,
                   "reason": o.reason, "opentm": o.opentm, "closetm": o.closetm}
                  for o in eng.orders.values()]
        trades = [{"trade_id": tid, **t} for tid, t in eng.trades.items()]
        return {"sim_time": self.sim_now, "interval_s": self.interval_s, "orders": orders,
                "trades": trades, "balances": eng.balance(),
                "regimes": {s: self.market.regime(s) for s in self.books},
                "events": self.events()}
