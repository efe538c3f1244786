"""Signal: validation and the JSON shape of ``signal`` events."""
from __future__ import annotations

import dataclasses

import orjson
import pytest

from trading.strategies.signal import SIDES, Side, Signal


def test_to_dict_is_json_ready() -> None:
    sig = Signal("trend", Side.LONG, 0.75, 99.5, ("EMA12 crossed above EMA26", "ADX 30.0"), 60.0)
    body = orjson.loads(orjson.dumps(sig.to_dict()))
    assert body == {"strategy": "trend", "side": "long", "strength": 0.75, "stop": 99.5,
                    "reasons": ["EMA12 crossed above EMA26", "ADX 30.0"], "bar_ts": 60.0}


def test_flat_signal_keeps_its_reasons() -> None:
    sig = Signal.flat("trend", ("no crossover",), 60.0)
    assert (sig.side, sig.strength, sig.stop, sig.reasons) == ("flat", 0.0, None, ("no crossover",))
    assert not sig.active
    assert sig.to_dict()["reasons"] == ["no crossover"]


def test_sides_are_plain_strings() -> None:
    assert SIDES == ("long", "short", "flat")
    assert all(type(s) is str for s in SIDES)


@pytest.mark.parametrize(("side", "strength", "stop", "match"), [
    ("buy", 0.5, 1.0, "side"),
    (Side.LONG, 1.5, 1.0, "strength"),
    (Side.LONG, -0.1, 1.0, "strength"),
    (Side.FLAT, 0.3, None, "flat"),
    (Side.FLAT, 0.0, 1.0, "flat"),
    (Side.SHORT, 0.5, float("nan"), "stop"),
])
def test_invalid_signals_are_refused(side: str, strength: float, stop: float | None,
                                     match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Signal("trend", side, strength, stop, ("x",), 0.0)


def test_signal_is_frozen() -> None:
    sig = Signal.flat("trend", ("x",), 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sig.side = Side.LONG  # type: ignore[misc]
