"""Fixtures for the ledger tests: a fresh writer on a temporary file with a fixed clock."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.trading.execution.helpers import T0
from trading.execution.ledger import Ledger


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "bot.db"


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    led = Ledger.open(db_path, clock=lambda: T0)
    yield led
    led.close()
