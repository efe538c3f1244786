"""Kraken error arrays map to the right exception, one line each."""
from __future__ import annotations

import pytest

from trading.exchange.errors import (
    KrakenAuthError,
    KrakenError,
    KrakenInvalidNonce,
    KrakenRateLimited,
    KrakenUnavailable,
    from_errors,
)


@pytest.mark.parametrize(("errors", "cls"), [
    (["EAPI:Rate limit exceeded"], KrakenRateLimited),
    (["EService:Throttled: 1700000000"], KrakenRateLimited),
    (["EOrder:Rate limit exceeded"], KrakenRateLimited),
    (["EAPI:Invalid nonce"], KrakenInvalidNonce),
    (["EAPI:Invalid key"], KrakenAuthError),
    (["EAPI:Invalid signature"], KrakenAuthError),
    (["EOrder:Insufficient funds"], KrakenError),
])
def test_classification(errors: list[str], cls: type[KrakenError]) -> None:
    exc = from_errors(errors, "AddOrder")
    assert type(exc) is cls
    assert str(exc) == errors[0]
    assert exc.endpoint == "AddOrder"


def test_retryable_flags() -> None:
    assert from_errors(["EAPI:Rate limit exceeded"]).retryable
    assert from_errors(["EService:Unavailable"]).retryable
    assert from_errors(["EService:Busy"]).retryable
    assert not from_errors(["EOrder:Insufficient funds"]).retryable
    assert not from_errors(["EAPI:Invalid nonce"]).retryable


def test_message_is_one_line_and_bounded() -> None:
    exc = KrakenError(["EGeneral:Internal error\nwith\ttabs " + "x" * 500])
    assert "\n" not in str(exc) and len(str(exc)) <= 200
    assert "\n" not in str(KrakenUnavailable("timed\nout"))


def test_empty_error_list_still_says_something() -> None:
    assert str(KrakenError([])) == "EGeneral:Unknown error"


def test_unavailable_is_not_a_kraken_error() -> None:
    assert not issubclass(KrakenUnavailable, KrakenError)
