"""REST result parsing against Kraken's documented samples, plus malformed rows."""
from __future__ import annotations

import copy
from decimal import Decimal

import numpy as np

from tests.trading.exchange.conftest import fixture_json
from trading.exchange.restparse import parse_depth, parse_ohlc

ROW = [1688671200, "30306.1", "30306.2", "30305.7", "30305.7", "30306.1", "3.39243896", 23]


def ohlc_result(rows: list[list[object]]) -> dict[str, object]:
    result = copy.deepcopy(fixture_json("rest_ohlc_docs_page.json")["result"])
    result["XXBTZUSD"] = rows
    return result


def shifted(minutes: int, **changes: object) -> list[object]:
    row = list(ROW)
    row[0] = ROW[0] + 60 * minutes
    for index, value in changes.items():
        row[int(index[1:])] = value
    return row


def test_docs_sample_rows_vwap_is_dropped() -> None:
    result = ohlc_result([shifted(0), shifted(1), shifted(2)])
    ohlc = parse_ohlc(result)
    assert ohlc.closed.shape == (2, 6) and ohlc.closed.dtype == np.float64
    np.testing.assert_array_equal(ohlc.closed[0], [ROW[0], 30306.1, 30306.2, 30305.7, 30305.7,
                                                   3.39243896])
    assert ohlc.forming is not None and ohlc.forming[0] == ROW[0] + 120
    assert ohlc.last == 1688672160
    assert list(ohlc.closed_after(ROW[0])[:, 0]) == [ROW[0] + 60]
    assert ohlc.closed_after(ROW[0] + 60).shape == (0, 6)


def test_api_spec_sample_with_a_repeated_row() -> None:
    # Kraken's OpenAPI example repeats one row: the "forming" copy is not after the closed one.
    ohlc = parse_ohlc(fixture_json("rest_ohlc.json")["result"], "XXBTZUSD")
    assert ohlc.closed.shape == (1, 6)
    assert ohlc.closed[0, 0] == 1548115200
    assert ohlc.forming is None
    assert ohlc.last == 1548111600


def test_bad_rows_are_dropped() -> None:
    rows = [
        shifted(0),
        shifted(1, r1="NaN"),               # NaN price
        shifted(2, r4="-1"),                 # negative close
        shifted(3, r2="0"),                  # zero high
        shifted(4, r3="abc"),                # non-numeric low
        shifted(5, r6="-0.1"),               # negative volume
        shifted(6, r2="30000.0"),            # high below open/close
        shifted(7, r1=None),                 # wrong type
        [ROW[0] + 60 * 8, "1"],              # truncated row
        shifted(0),                          # out of order (duplicate time)
        shifted(9),
        shifted(10),                         # forming
    ]
    ohlc = parse_ohlc(ohlc_result(rows))
    assert list(ohlc.closed[:, 0]) == [ROW[0], ROW[0] + 540]
    assert ohlc.forming is not None and ohlc.forming[0] == ROW[0] + 600
    assert np.isfinite(ohlc.closed).all()


def test_bad_forming_row_is_dropped_not_promoted() -> None:
    ohlc = parse_ohlc(ohlc_result([shifted(0), shifted(1, r4="inf")]))
    assert ohlc.forming is None
    assert ohlc.closed.shape == (1, 6)


def test_empty() -> None:
    ohlc = parse_ohlc(ohlc_result([]))
    assert ohlc.closed.shape == (0, 6) and ohlc.forming is None


def test_depth_docs_sample_is_exact_and_ordered() -> None:
    asks, bids = parse_depth(fixture_json("rest_depth.json")["result"])
    assert asks == [(Decimal("3539.90000"), Decimal("0.801")),
                    (Decimal("3540.20000"), Decimal("1.000"))]
    assert bids == [(Decimal("3538.90000"), Decimal("0.754")),
                    (Decimal("3538.70000"), Decimal("0.798"))]
    assert str(asks[1][1]) == "1.000"  # trailing zeros kept


def test_depth_drops_bad_levels() -> None:
    result = {"XXBTZUSD": {"asks": [["-1", "1", 0], ["NaN", "1", 0], ["5", "x", 0], ["6", "1", 0]],
                           "bids": "nonsense"}}
    asks, bids = parse_depth(result)
    assert asks == [(Decimal("6"), Decimal("1"))] and bids == []
