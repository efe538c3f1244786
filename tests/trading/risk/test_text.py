"""Reason formatting: percentages and UTC day boundaries."""
from __future__ import annotations

from tests.trading.risk.helpers import utc
from trading.risk.text import next_utc_midnight, pct, utc_day_start, utc_text


def test_pct() -> None:
    assert pct(0.051) == "5.1%"
    assert pct(0.005, 2) == "0.50%"


def test_utc_day_boundaries() -> None:
    late = utc(2026, 11, 25, 23, 59, 59)
    assert utc_day_start(late) == utc(2026, 11, 25)
    assert next_utc_midnight(late) == utc(2026, 11, 26)
    assert next_utc_midnight(utc(2026, 11, 26)) == utc(2026, 11, 27)   # strictly after
    assert utc_text(utc(2026, 11, 26)) == "2026-11-26 00:00 UTC"
