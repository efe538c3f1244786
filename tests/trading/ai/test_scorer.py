"""Scorer decisions: confluence, book confirmation/veto, model gate, thoughts with numbers."""
from __future__ import annotations

import numpy as np
import pytest

from config import load_config
from tests.trading.ai.builders import Book, trending
from trading import indicators as ti
from trading.ai.confluence import Record
from trading.ai.scorer import Scorer
from trading.strategies.signal import Signal

CFG = load_config({})
NAMES = ("trend", "mean_reversion", "momentum", "breakout", "reversal")
BARS = trending()
NOW = 12_000.0


class FixedModel:
    def __init__(self, p: float | None) -> None:
        self.p, self.seen = p, []

    def predict(self, x: np.ndarray) -> float | None:
        self.seen.append(x)
        return self.p


def five(*sides: str) -> list[Signal]:
    out = []
    for name, side in zip(NAMES, sides, strict=True):
        if side == "flat":
            out.append(Signal.flat(name, ("no setup",), float(BARS[-1, 0])))
        else:
            stop = 90.0 if side == "long" else 130.0
            out.append(Signal(name, side, 1.0, stop, ("why",), float(BARS[-1, 0])))
    return out


LONG3 = five("long", "flat", "long", "long", "flat")
BOOK = Book(imbalance=0.31, mid=120.0, spread=0.02)


def test_agreement_confirmed_by_book_and_model_gives_intent() -> None:
    model = FixedModel(0.71)
    d = Scorer(CFG.ai, CFG.risk, model).decide("BTC/USD", LONG3, BARS, BOOK, NOW)
    assert d.intent is not None
    assert d.thought == ("BTC/USD: 3/5 long (trend, momentum, breakout), book imbalance "
                         "+0.31 confirms, model 0.71 >= 0.65 -> intent")
    i = d.intent
    atr = ti.atr(BARS[:, 2], BARS[:, 3], BARS[:, 4], 14)[-1]
    assert i.price == 120.0 and i.stop == pytest.approx(120.0 - 2.0 * atr)
    assert i.side == "long" and i.confluence == 3 and i.counted == 5 and i.probability == 0.71
    assert i.strategies == ("trend", "momentum", "breakout")
    assert i.expires == NOW + CFG.ai.intent_ttl_seconds and i.bar_ts == BARS[-1, 0]
    assert i.reasons == (d.thought,)
    assert model.seen[0].shape == (10,)


def test_short_intent_stop_above() -> None:
    signals = five("short", "short", "flat", "short", "flat")
    d = Scorer(CFG.ai, CFG.risk, FixedModel(0.9)).decide(
        "ETH/USD", signals, BARS, Book(-0.4, 120.0, 0.02), NOW)
    assert d.intent is not None and d.intent.side == "short" and d.intent.stop > 120.0


def test_below_threshold_skips_without_asking_the_model() -> None:
    model = FixedModel(0.99)
    d = Scorer(CFG.ai, CFG.risk, model).decide(
        "BTC/USD", five("long", "flat", "long", "flat", "flat"), BARS, BOOK, NOW)
    assert d.intent is None and model.seen == []
    assert d.thought == "BTC/USD: 2/5 long (trend, momentum), below 3 -> skip"


def test_imbalance_veto() -> None:
    d = Scorer(CFG.ai, CFG.risk, FixedModel(0.99)).decide(
        "BTC/USD", LONG3, BARS, Book(0.05, 120.0, 0.02), NOW)
    assert d.intent is None
    assert d.thought.endswith("book imbalance +0.05 does not confirm (needs >= +0.10) -> skip")


def test_imbalance_against_a_short() -> None:
    signals = five("short", "short", "flat", "short", "flat")
    d = Scorer(CFG.ai, CFG.risk, None).decide("BTC/USD", signals, BARS, BOOK, NOW)
    assert d.intent is None and "needs <= -0.10" in d.thought


def test_no_book_no_confirmation() -> None:
    d = Scorer(CFG.ai, CFG.risk, None).decide("BTC/USD", LONG3, BARS, None, NOW)
    assert d.intent is None and "no order book to confirm -> skip" in d.thought


def test_model_below_min_confidence_skips_with_numbers() -> None:
    d = Scorer(CFG.ai, CFG.risk, FixedModel(0.52)).decide("BTC/USD", LONG3, BARS, BOOK, NOW)
    assert d.intent is None and d.probability == 0.52
    assert d.thought.endswith("confirms, model 0.52 < 0.65 -> skip")


def test_no_model_runs_confluence_only_and_says_so() -> None:
    for model in (None, FixedModel(None)):
        d = Scorer(CFG.ai, CFG.risk, model).decide("BTC/USD", LONG3, BARS, BOOK, NOW)
        assert d.intent is not None and d.intent.probability is None
        assert "no model (confluence only) -> intent" in d.thought


def test_disabled_strategies_and_threshold_from_config() -> None:
    cfg = load_config({"BOT__AI__CONFLUENCE_THRESHOLD": "2", "BOT__AI__WEIGHTS__BREAKOUT": "0"})
    signals = [s for s in LONG3 if s.strategy != "momentum"]   # momentum disabled
    d = Scorer(cfg.ai, cfg.risk, None).decide("BTC/USD", signals, BARS, BOOK, NOW)
    assert d.intent is None and d.thought.startswith("BTC/USD: 1/3 long (trend), below 2")


def test_ledger_records_adjust_weights() -> None:
    scorer = Scorer(CFG.ai, CFG.risk, None)
    signals = five("long", "short", "flat", "flat", "flat")
    assert scorer.decide("X/USD", signals, BARS, BOOK, NOW).confluence.side == "flat"
    scorer.use_records({"trend": Record(20, 15)})
    assert scorer.decide("X/USD", signals, BARS, BOOK, NOW).confluence.side == "long"


def test_same_bar_same_intent_id() -> None:
    s = Scorer(CFG.ai, CFG.risk, None)
    a = s.decide("BTC/USD", LONG3, BARS, BOOK, NOW).intent
    b = s.decide("BTC/USD", LONG3, BARS, BOOK, NOW + 1).intent
    assert a is not None and b is not None and a.id == b.id
