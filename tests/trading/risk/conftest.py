"""Fixtures for the risk tests: the default risk config and BTC/USD pair rules."""
from __future__ import annotations

import pytest

from config import load_config
from config.schema import Risk
from tests.trading.risk.helpers import pair_info
from trading.exchange.symbols import PairInfo


@pytest.fixture
def cfg() -> Risk:
    return load_config({}).risk


@pytest.fixture
def btc() -> PairInfo:
    return pair_info()
