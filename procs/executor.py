"""Program ``executor``: risk rules, the broker (paper or Kraken) and the SQLite ledger.

The only writer of money state and the only process that signs private Kraken calls.
Start-up: refuse live trading without ``BOT_LIVE_CONFIRM=yes`` and keys in the vault (one
line, exit 2); wait for the feed's stores and the exchange's pair list; open the ledger;
reconcile every non-final order with the exchange before taking any intent. Then one loop
serves the command channel (``executor``) and ``intent.*`` events, checks every open
position's stop against its mark (the book's mid, from shared memory) every
``STOPS_EVERY_S`` -- not on ``bar.*`` events, so a bar close wakes one process fewer on the
path to the strategies -- and publishes a
``risk`` report every ``REPORT_EVERY_S``. SIGTERM: the order in flight finishes (handling is
synchronous), the ledger is closed, exit 0 -- well within supervisord's ``stopwaitsecs``.
"""
from __future__ import annotations

import logging
import os
import time
from decimal import Decimal
from typing import Any

import zmq

from config.schema import Config
from ipc import messages
from ipc.bus import Subscriber
from ipc.command import CommandServer
from procs.runtime import Runtime, boot, fail
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError
from trading.exchange.errors import KrakenError, KrakenUnavailable
from trading.exchange.nonce import NonceSource
from trading.exchange.rest import KrakenREST
from trading.exchange.sim.keys import KEYS_FILE, load_or_create_keys
from trading.exchange.symbols import PairMap
from trading.execution.broker import Broker
from trading.execution.control import Control
from trading.execution.executor import Executor
from trading.execution.executor_events import Events
from trading.execution.kraken_broker import KrakenBroker
from trading.execution.ledger import Ledger
from trading.execution.marks import Marks
from trading.execution.paper import PaperBroker
from trading.execution.portfolio import paper_balances
from trading.marketdata import market_urls
from trading.risk.manager import RiskManager

logger = logging.getLogger(__name__)
NAME = "executor"
STOPS_EVERY_S = 1.0
REPORT_EVERY_S = 5.0
RETRY_S = 1.0


def live_guard(cfg: Config) -> None:
    if cfg.app.mode == "live" and os.environ.get("BOT_LIVE_CONFIRM") != "yes":
        fail(NAME, "live trading refused: app.mode is live but BOT_LIVE_CONFIRM=yes is not "
                   "set (set it in the environment of `make run` to confirm real orders)")


def kraken_keys(rt: Runtime) -> tuple[str, str]:
    if rt.cfg.market.source == "sim":
        return load_or_create_keys(rt.paths.home / KEYS_FILE)
    from trading.vault import VaultError, load_secrets

    try:
        secrets = load_secrets(rt.paths)
    except VaultError as err:
        fail(NAME, f"cannot open the vault: {err}")
    missing = [n for n in ("kraken.api_key", "kraken.api_secret") if n not in secrets]
    if missing:
        fail(NAME, f"Kraken keys missing from the vault: {', '.join(missing)} (python -m "
                   "trading.vault set kraken.api_key)")
    return secrets["kraken.api_key"], secrets["kraken.api_secret"]


def wait_for(rt: Runtime, what: str, fn: Any) -> Any:
    """Call ``fn`` until it works; None if asked to stop first."""
    while not rt.stopping.is_set():
        try:
            return fn()
        except (StoreError, KrakenError, KrakenUnavailable, OSError) as err:
            logger.info("waiting for %s: %s", what, err)
            rt.stopping.wait(RETRY_S)
    return None


def make_broker(rt: Runtime, rest_url: str, pairs: PairMap, books: BookStore,
                ledger: Ledger) -> Broker:
    cfg = rt.cfg
    if cfg.execution.broker == "paper":
        quote = pairs.get(cfg.trading.pairs[0]).quote
        start = paper_balances(ledger, quote, Decimal(str(cfg.sim.start_balance_usd)),
                               {p.name: p.base for p in pairs})
        return PaperBroker(books, pairs, cfg.sim.taker_fee, start)
    key, secret = kraken_keys(rt)
    rest = KrakenREST(rest_url, key, secret, NonceSource(rt.paths.home / "kraken.nonce"),
                      timeout_s=cfg.execution.order_timeout_seconds, pairs=pairs)
    return KrakenBroker(rest, pairs, timeout_s=cfg.execution.order_timeout_seconds)


class Loop:
    def __init__(self, rt: Runtime, ex: Executor, control: Control, marks: Marks) -> None:
        self.rt, self.ex, self.control, self.marks = rt, ex, control, marks
        self.server = CommandServer(rt.endpoints.command(NAME), NAME, control.handlers())
        self.sub = Subscriber(rt.endpoints.bus_out, [messages.topic(messages.INTENT)])
        self.poller = zmq.Poller()
        self.poller.register(self.server.socket, zmq.POLLIN)
        self.poller.register(self.sub.socket, zmq.POLLIN)
        self.next_stops = self.next_report = self.next_reconcile = 0.0

    def _events(self) -> None:
        while (event := self.sub.recv_ready()) is not None:
            if event.type == messages.INTENT:
                self.ex.on_intent(event.data)

    def _periodic(self, now: float) -> None:
        if not self.ex.ready and now >= self.next_reconcile:
            self.next_reconcile = now + RETRY_S
            self.ex.start()
        if now >= self.next_stops:
            self.next_stops = now + STOPS_EVERY_S
            for position in self.ex.open_positions():
                mark = self.marks(position.pair)
                if mark is not None:
                    self.ex.on_price(position.pair, mark)
        if now >= self.next_report:
            self.next_report = now + REPORT_EVERY_S
            self.ex.events.send("risk", None, **self.control.report())

    def run(self) -> None:
        while not self.rt.stopping.is_set():
            ready = dict(self.poller.poll(100))
            if self.server.socket in ready:
                while self.server.poll(0):
                    pass
            if self.sub.socket in ready:
                self._events()
            self._periodic(time.monotonic())
            self.rt.heartbeat.maybe_beat()

    def close(self) -> None:
        self.server.close()
        self.sub.close()


def main() -> None:
    rt = boot(NAME)
    cfg = rt.cfg
    live_guard(cfg)
    rest_url, _ = market_urls(cfg.market, cfg.sim.port)
    stores = wait_for(rt, "the feed's stores", lambda: (
        BarStore.attach(cfg.runtime.namespace), BookStore.attach(cfg.runtime.namespace)))
    pairs = wait_for(rt, "the exchange's pairs",
                     lambda: KrakenREST(rest_url).asset_pairs(list(cfg.trading.pairs)))
    if stores is None or pairs is None:
        rt.close()
        return
    ledger = Ledger.open(rt.paths.db)
    broker = make_broker(rt, rest_url, pairs, stores[1], ledger)
    marks = Marks(stores[0], stores[1])
    ex = Executor(ledger, broker, RiskManager(cfg.risk), pairs,
                  pairs.get(cfg.trading.pairs[0]).quote, marks, Events(rt.publisher.publish),
                  cfg.app.mode)
    rt.state = lambda: "ready" if ex.ready else "reconciling"
    loop = Loop(rt, ex, Control(ex), marks)
    try:
        logger.info("executor: %s broker, %s mode", broker.name, cfg.app.mode)
        loop.run()
    finally:
        loop.close()
        broker.close()
        ledger.close()
        rt.close()
        for store in stores:
            store.close()


if __name__ == "__main__":
    main()
