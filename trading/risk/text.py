"""Number and time formatting for risk reasons ("daily loss 5.1% >= limit 5.0%").

Reasons are plain words with the real numbers; every module formats them the same way here.
Times are UTC, minute precision: ``2026-11-26 00:00 UTC``.
"""
from __future__ import annotations

from datetime import datetime, timezone

DAY_SECONDS = 86_400.0


def pct(fraction: float, digits: int = 1) -> str:
    """0.051 -> ``5.1%`` (``digits`` decimals)."""
    return f"{fraction * 100.0:.{digits}f}%"


def utc_text(ts: float) -> str:
    """Epoch seconds -> ``2026-11-26 00:00 UTC``."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def utc_day_start(ts: float) -> float:
    """The UTC midnight at or before ``ts`` (epoch seconds)."""
    return float(ts - ts % DAY_SECONDS)


def next_utc_midnight(ts: float) -> float:
    """The first UTC midnight strictly after ``ts``."""
    return utc_day_start(ts) + DAY_SECONDS
