"""Drawdown-scaled sizing: linear from 1 at the peak to 0 at drawdown_halt."""
from __future__ import annotations

import pytest

from trading.risk.drawdown import drawdown, drawdown_reason, drawdown_scale


@pytest.mark.parametrize(("equity", "peak", "expected"), [
    (10_000.0, 10_000.0, 0.0),
    (9_000.0, 10_000.0, 0.10),     # 1 - 9000/10000
    (7_500.0, 10_000.0, 0.25),
    (11_000.0, 10_000.0, 0.0),     # above a stale peak: no drawdown
    (0.0, 0.0, 0.0),
])
def test_drawdown(equity: float, peak: float, expected: float) -> None:
    assert drawdown(equity, peak) == pytest.approx(expected)


@pytest.mark.parametrize(("dd", "expected"), [
    (0.0, 1.0),
    (0.10, 0.6),      # 1 - 0.10/0.25
    (0.125, 0.5),     # halfway to the halt
    (0.20, 0.2),      # 1 - 0.20/0.25
    (0.25, 0.0),      # at the halt: entries stop
    (0.40, 0.0),      # beyond: still 0, never negative
])
def test_linear_scale_with_halt_25(dd: float, expected: float) -> None:
    assert drawdown_scale(dd, 0.25) == pytest.approx(expected)


def test_reasons() -> None:
    assert drawdown_reason(0.25, 0.25) == "drawdown 25.0% >= halt 25.0%: entries stop"
    assert drawdown_reason(0.10, 0.25) == "drawdown 10.0% of halt 25.0%: size x0.60"


def test_zero_halt_is_refused() -> None:
    with pytest.raises(ValueError, match="halt"):
        drawdown_scale(0.1, 0.0)
