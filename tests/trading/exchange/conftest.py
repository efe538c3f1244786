"""Helpers for the Kraken client tests: load the docs samples in ``tests/fixtures/kraken``."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kraken"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str, exact: bool = False) -> Any:
    """Parse a fixture; ``exact`` parses JSON floats as ``Decimal`` (keeps trailing zeros)."""
    text = fixture_text(name)
    return json.loads(text, parse_float=Decimal) if exact else json.loads(text)
