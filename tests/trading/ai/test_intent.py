"""Intent: stable ids, validation, round trip through a dict."""
from __future__ import annotations

import uuid

import pytest

from trading.ai.intent import Intent, intent_id


def make(**over: object) -> Intent:
    base: dict[str, object] = dict(
        id=intent_id("BTC/USD", "long", 60.0), pair="BTC/USD", side="long", price=100.0,
        stop=98.0, atr=1.0, probability=0.7, confluence=3, counted=5,
        strategies=("trend", "momentum", "breakout"), bar_ts=60.0, created=61.0, expires=66.0,
        reasons=("why",))
    return Intent(**(base | over))  # type: ignore[arg-type]


def test_id_is_stable_unique_and_a_uuid() -> None:
    a = intent_id("BTC/USD", "long", 60.0)
    assert a == intent_id("BTC/USD", "long", 60.0)
    assert len({a, intent_id("BTC/USD", "short", 60.0), intent_id("ETH/USD", "long", 60.0),
                intent_id("BTC/USD", "long", 120.0)}) == 4
    assert str(uuid.UUID(a)) == a


def test_round_trip() -> None:
    i = make()
    assert Intent.from_dict(i.to_dict()) == i
    assert Intent.from_dict(make(probability=None).to_dict()).probability is None


@pytest.mark.parametrize(("over", "message"), [
    ({"side": "flat"}, "side"), ({"price": float("nan")}, "price"),
    ({"stop": 101.0}, "wrong side"), ({"price": -1.0, "stop": -2.0}, "out of range"),
    ({"probability": 1.5}, "probability"), ({"expires": float("inf")}, "expires"),
])
def test_bad_fields_rejected_in_one_line(over: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        make(**over)
    assert "\n" not in str(err.value)


def test_from_dict_names_missing_fields() -> None:
    d = make().to_dict()
    del d["stop"], d["pair"]
    with pytest.raises(ValueError, match="missing pair, stop"):
        Intent.from_dict(d)


def test_expiry() -> None:
    assert not make().expired(65.9) and make().expired(66.0)


def test_intent_body_is_a_valid_event_regression_ts_clashed_with_the_envelope() -> None:
    """The scorer crashed publishing its first intent: a field named ``ts`` clashed."""
    from ipc.codec import decode, encode

    frames = encode("intent", "scorer", "BTC/USD", **make().to_dict(), t_bar=1.5)
    assert Intent.from_dict(decode(frames).data) == make()
