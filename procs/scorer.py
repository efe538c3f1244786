"""Program ``scorer``: confluence + order book + TFLite model -> ``intent`` events.

Subscribes to every ``signal.<PAIR>`` and to ``model.update``; samples every pair's order
book from shared memory ``BOOK_HZ`` times a second (spoof detection needs the history);
for each signal event publishes one ``thought`` (taken or skipped, with the numbers) and,
when confluence, the book and the model agree, an ``intent.<PAIR>``. Bars and books are
read from shared memory, never shipped through the bus.

The model is ``${BOT_HOME}/models/current.tflite``; it is reloaded when the file changes or
a ``model.update`` event arrives, and the old one is kept if the new one is bad. With no
model the scorer runs on confluence alone and says so in its thoughts, its heartbeat state
and a ``model.status`` event. Strategy weights follow each strategy's recent closed trades
in the ledger (read-only, every ``RECORDS_EVERY_S``) once there are any.

Latency trail: each intent and each of the scorer's thoughts carries its bar's ``bar_ts`` and
the stamps of the signal it answers -- ``t_bar`` (the feed's ``time.monotonic()`` at bar close)
and ``t_signal`` (the scanner's send) -- plus ``t_decided`` (this process's send), one clock for
every process on the machine. So whoever receives an intent (the executor, the dashboard,
``bench/bench_intent.py``) knows bar close -> intent without stamping the bar itself.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from ipc import messages
from ipc.bus import Subscriber
from ipc.codec import Event, stamp
from procs.runtime import Runtime, boot
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import StoreError
from trading.ai.book_analyzer import BookAnalyzer
from trading.ai.memory import SignalMemory
from trading.ai.predictor import Predictor, PredictorStatus
from trading.ai.records import load_records
from trading.ai.scorer import Decision, Scorer
from trading.ai.service import ScoringService

logger = logging.getLogger(__name__)
NAME = "scorer"
BOOK_HZ = 4.0
RECORDS_EVERY_S = 60.0
MODEL_STATUS_EVERY_S = 5.0  # also on every change: late subscribers (the dashboard) learn it


def attach(rt: Runtime) -> tuple[BarStore, BookStore] | None:
    """The feed's stores, once both exist; None if asked to stop first."""
    while not rt.stopping.is_set():
        try:
            return (BarStore.attach(rt.cfg.runtime.namespace),
                    BookStore.attach(rt.cfg.runtime.namespace))
        except StoreError as err:
            logger.info("waiting for the feed's stores: %s", err)
            rt.stopping.wait(1.0)
    return None


def publish_model_status(rt: Runtime, predictor: Predictor) -> None:
    s = predictor.status
    rt.publisher.publish(messages.MODEL, "status", loaded=s.loaded, sha=s.sha256,
                         runtime=s.runtime, error=s.error, text=s.text)


def trail(body: Mapping[str, Any]) -> dict[str, float | None]:
    """The signal's ``t_bar`` / ``t_signal`` stamps (None where absent or not a number)."""
    return {"t_bar": stamp(body, "t_bar"), "t_signal": stamp(body, "t_signal")}


def publish_decision(rt: Runtime, d: Decision, stamps: Mapping[str, float | None]) -> None:
    stamps = {**stamps, "t_decided": time.monotonic()}
    if d.intent is not None:
        rt.publisher.publish(messages.INTENT, d.pair, **d.intent.to_dict(), **stamps)
    rt.publisher.publish(messages.THOUGHT, d.pair, text=d.thought, bar_ts=d.bar_ts, **stamps)


class Loop:
    def __init__(self, rt: Runtime, service: ScoringService, predictor: Predictor) -> None:
        self.rt, self.service, self.predictor = rt, service, predictor
        self.next_books = self.next_records = self.next_status = 0.0
        self.shown: PredictorStatus | None = None

    def _model(self, forced: bool) -> None:
        if forced:
            self.predictor.reload()
        else:
            self.predictor.maybe_reload()
        status = self.predictor.status
        if status != self.shown:
            self.shown = status
            logger.info("model: %s", status.text)
            self.next_status = 0.0

    def _publish_status(self, now: float) -> None:
        if now >= self.next_status:
            self.next_status = now + MODEL_STATUS_EVERY_S
            publish_model_status(self.rt, self.predictor)

    def _periodic(self, now: float) -> None:
        self._model(forced=False)
        self._publish_status(now)
        if now >= self.next_books:
            self.next_books = now + 1.0 / BOOK_HZ
            self.service.sample_books()
        if now >= self.next_records:
            self.next_records = now + RECORDS_EVERY_S
            records = load_records(self.rt.paths.db)
            if records:
                self.service.scorer.use_records(records)

    def handle(self, event: Event) -> None:
        if event.type == messages.MODEL:
            self._model(forced=True)
            return
        try:
            decision = self.service.on_signal(event.key or "", event.data)
        except ValueError as err:
            logger.warning("%s", err)
            return
        if decision is not None:
            publish_decision(self.rt, decision, trail(event.data))

    def run(self, sub: Subscriber) -> None:
        self._model(forced=False)
        while not self.rt.stopping.is_set():
            event = sub.recv(1.0 / BOOK_HZ)
            while event is not None:  # every signal already queued first, then the rest
                self.handle(event)
                event = sub.recv_ready()
            self._periodic(time.monotonic())
            self.rt.heartbeat.maybe_beat()


def main() -> None:
    rt = boot(NAME)
    cfg = rt.cfg
    sub = Subscriber(rt.endpoints.bus_out,
                     [messages.topic(messages.SIGNAL), messages.topic(messages.MODEL, "update")])
    stores = attach(rt)
    try:
        if stores is not None:
            interval = 60.0 * cfg.trading.timeframe_minutes
            predictor = Predictor(rt.paths.models / "current.tflite")
            rt.state = lambda: predictor.status.text
            service = ScoringService(stores[0], stores[1], cfg.trading.pairs,
                                     Scorer(cfg.ai, cfg.risk, predictor),
                                     lambda pair: BookAnalyzer.from_config(cfg.ai, pair),
                                     lambda: SignalMemory(cfg.ai.signal_memory_bars, interval),
                                     time.time)
            logger.info("scoring %d pairs; %s", len(cfg.trading.pairs), predictor.status.text)
            Loop(rt, service, predictor).run(sub)
    finally:
        sub.close()
        rt.close()
        if stores is not None:
            for store in stores:
                store.close()


if __name__ == "__main__":
    main()
