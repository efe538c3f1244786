"""Scorer: turn one pair's strategy signals at one closed bar into a decision.

Semantics (``Scorer.decide``): a candidate becomes an :class:`Intent` only when

1. confluence is reached (at least ``ai.confluence_threshold`` counted strategies agree on
   a side, see :mod:`trading.ai.confluence`),
2. the order book confirms that side (imbalance >= ``+ai.imbalance_confirm`` for a long,
   <= ``-ai.imbalance_confirm`` for a short); no usable book means no confirmation, and
3. the model's probability is at least ``ai.min_confidence`` -- or no model is loaded, in
   which case the scorer runs on confluence alone and every thought says so.

Every decision, taken or skipped, carries a one-sentence ``thought`` with the real numbers,
e.g. "BTC/USD: 3/5 long (trend, momentum, breakout), book imbalance +0.31 confirms, model
0.71 >= 0.65 -> intent". The stop suggestion is ``risk.stop_atr_multiple`` x ATR(14) from
the entry reference. The scorer is pure domain: the caller supplies the window, the book
read and the clock, so the backtester runs this same object.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from config.schema import AI, Risk
from trading.ai.confluence import Confluence, Record, adjusted_weights, confluence
from trading.ai.features import atr14, features
from trading.ai.intent import Intent, intent_id
from trading.strategies.signal import Side, Signal

logger = logging.getLogger(__name__)


class BookView(Protocol):
    """What the scorer needs from an order-book read."""

    imbalance: float
    mid: float
    spread: float


class Model(Protocol):
    def predict(self, features: np.ndarray) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Decision:
    pair: str
    bar_ts: float
    confluence: Confluence
    probability: float | None
    intent: Intent | None
    thought: str


class Scorer:
    def __init__(self, ai: AI, risk: Risk, model: Model | None = None) -> None:
        self.ai = ai
        self.stop_atr = risk.stop_atr_multiple
        self.model = model
        self.base_weights: Mapping[str, float] = {
            name: getattr(ai.weights, name) for name in ai.weights.__struct_fields__}
        self.weights: Mapping[str, float] = dict(self.base_weights)

    def use_records(self, records: Mapping[str, Record]) -> None:
        """Adjust the weights by each strategy's recent realised record (from the ledger)."""
        self.weights = adjusted_weights(self.base_weights, records)

    def decide(self, pair: str, signals: Sequence[Signal], bars: np.ndarray,
               book: BookView | None, now: float) -> Decision:
        """The decision for ``pair`` at the window's last (closed) bar."""
        bar_ts = float(bars[-1, 0])
        conf = confluence(signals, self.weights, self.ai.confluence_threshold)
        head = f"{pair}: {conf.describe()}"

        def skip(why: str, p: float | None = None) -> Decision:
            return Decision(pair, bar_ts, conf, p, None, f"{head}, {why} -> skip")

        if not conf.reached:
            return skip(f"below {conf.threshold}")
        confirmed, book_text = self._book(conf.side, book)
        if not confirmed:
            return skip(book_text)
        spread_bps = book.spread / book.mid * 1e4 if book is not None and book.mid > 0 else None
        atr = atr14(bars)
        x = features(bars, conf.side, conf, book.imbalance if book else None, spread_bps, atr)
        if x is None:
            return skip(f"{book_text}, too few bars for features ({bars.shape[0]})")
        p = self.model.predict(x) if self.model is not None else None
        if p is None:
            model_text = "no model (confluence only)"
        elif p >= self.ai.min_confidence:
            model_text = f"model {p:.2f} >= {self.ai.min_confidence:.2f}"
        else:
            return skip(f"{book_text}, model {p:.2f} < {self.ai.min_confidence:.2f}", p)
        thought = f"{head}, {book_text}, {model_text} -> intent"
        intent = self._intent(pair, conf, bars, atr, book, p, now, (thought,))
        return Decision(pair, bar_ts, conf, p, intent, thought)

    def _book(self, side: str, book: BookView | None) -> tuple[bool, str]:
        if book is None:
            return False, "no order book to confirm"
        t = self.ai.imbalance_confirm
        ok = book.imbalance >= t if side == Side.LONG else book.imbalance <= -t
        if ok:
            return True, f"book imbalance {book.imbalance:+.2f} confirms"
        need = f">= {t:+.2f}" if side == Side.LONG else f"<= {-t:+.2f}"
        return False, f"book imbalance {book.imbalance:+.2f} does not confirm (needs {need})"

    def _intent(self, pair: str, conf: Confluence, bars: np.ndarray, atr: float,
                book: BookView | None, p: float | None, now: float,
                reasons: tuple[str, ...]) -> Intent:
        close = float(bars[-1, 4])
        price = book.mid if book is not None and book.mid > 0 else close
        atr = atr if atr > 0.0 else price * 1e-4
        distance = self.stop_atr * atr
        stop = price - distance if conf.side == Side.LONG else price + distance
        bar_ts = float(bars[-1, 0])
        return Intent(intent_id(pair, conf.side, bar_ts), pair, conf.side, price, stop, atr, p,
                      len(conf.agree), conf.counted, conf.agree, bar_ts, now,
                      now + self.ai.intent_ttl_seconds, reasons)
