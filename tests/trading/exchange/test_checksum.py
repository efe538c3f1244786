"""``book_checksum`` against the worked example of Kraken's v2 book checksum guide.

The book and its checksum ``3310070434`` are copied from Kraken's docs into
``tests/fixtures/kraken/ws_book_checksum_example.json``. Negative controls (bids first,
float-formatted levels) were computed independently and must not match.
"""
from __future__ import annotations

import random
import zlib
from decimal import Decimal
from typing import Any

import pytest

from tests.trading.exchange.conftest import fixture_json, fixture_text
from trading.exchange import book_checksum
from trading.exchange.checksum import level_token

DOC = fixture_json("ws_book_checksum_example.json", exact=True)["data"][0]
EXPECTED = DOC["checksum"]
BIDS_FIRST = 2704419326
FLOAT_REPR = 1604409348
DOC_BIDS_STRING = (
    "4528351000000045283415458201545282110000000452810100000004528031545925864527907990000452776"
    "33101034527753000000045277315460273745276615445238"
)
DOC_ASKS_STRING = (
    "4528521000004528641545719534528661545711094528961545609114529021589066045291815455349145294744"
    "5474945296135380000452975994554245299518772827"
)


def _levels(side: list[dict[str, Any]]) -> list[tuple[Decimal, Decimal]]:
    return [(lvl["price"], lvl["qty"]) for lvl in side]


def test_docs_example_from_decimals() -> None:
    assert EXPECTED == 3310070434
    assert book_checksum(_levels(DOC["asks"]), _levels(DOC["bids"])) == EXPECTED


def test_docs_example_from_strings() -> None:
    asks = [(format(p, "f"), format(q, "f")) for p, q in _levels(DOC["asks"])]
    bids = [(format(p, "f"), format(q, "f")) for p, q in _levels(DOC["bids"])]
    assert book_checksum(asks, bids) == EXPECTED


def test_asks_string_matches_the_docs() -> None:
    text = "".join(level_token(p) + level_token(q) for p, q in _levels(DOC["asks"]))
    assert text == DOC_ASKS_STRING


def test_bids_string_matches_the_docs() -> None:
    text = "".join(level_token(p) + level_token(q) for p, q in _levels(DOC["bids"]))
    assert text == DOC_BIDS_STRING


def test_docs_strings_crc_and_the_bids_first_bug() -> None:
    # Computed with zlib on the docs' own strings, not with the code under test.
    assert zlib.crc32((DOC_ASKS_STRING + DOC_BIDS_STRING).encode()) == EXPECTED
    assert zlib.crc32((DOC_BIDS_STRING + DOC_ASKS_STRING).encode()) == BIDS_FIRST


def test_doc_token_examples() -> None:
    assert level_token("45285.2") == "452852"
    assert level_token("0.00100000") == "100000"
    assert level_token(Decimal("0.00000010")) == "10"  # str() would give 1.0E-7


def test_input_order_does_not_matter() -> None:
    asks, bids = _levels(DOC["asks"]), _levels(DOC["bids"])
    rng = random.Random(7)
    rng.shuffle(asks)
    rng.shuffle(bids)
    assert book_checksum(asks, bids) == EXPECTED


def test_only_top_ten_levels_count() -> None:
    asks = _levels(DOC["asks"]) + [(Decimal("45300.0"), Decimal("5.00000000"))]
    bids = _levels(DOC["bids"]) + [(Decimal("45200.0"), Decimal("5.00000000"))]
    assert book_checksum(asks, bids) == EXPECTED


def test_bids_first_does_not_match() -> None:
    swapped = book_checksum(
        [(p, q) for p, q in _levels(DOC["bids"])], [(p, q) for p, q in _levels(DOC["asks"])]
    )
    assert swapped != EXPECTED


def test_known_bug_values_differ_from_expected() -> None:
    assert EXPECTED not in {BIDS_FIRST, FLOAT_REPR}


def test_float_levels_are_rejected() -> None:
    floats = fixture_json("ws_book_checksum_example.json")["data"][0]
    asks = [(lvl["price"], lvl["qty"]) for lvl in floats["asks"]]
    bids = [(lvl["price"], lvl["qty"]) for lvl in floats["bids"]]
    with pytest.raises(TypeError):
        book_checksum(asks, bids)


def test_float_repr_strings_do_not_match() -> None:
    floats = fixture_json("ws_book_checksum_example.json")["data"][0]
    asks = [(repr(lvl["price"]), repr(lvl["qty"])) for lvl in floats["asks"]]
    bids = [(repr(lvl["price"]), repr(lvl["qty"])) for lvl in floats["bids"]]
    got = book_checksum(asks, bids)
    assert got != EXPECTED
    assert got == FLOAT_REPR  # the independently computed value of this bug


def test_fixture_keeps_trailing_zeros() -> None:
    assert '"qty": 0.10000000' in fixture_text("ws_book_checksum_example.json")
