"""Drawdown-scaled sizing: positions shrink as equity falls from its peak.

Semantics:

- drawdown = 1 - equity / peak (0 at or above the peak; the peak used is
  ``max(peak_equity, equity)`` so a stale peak cannot produce a negative drawdown).
- The size multiplier is linear: ``scale = max(0, 1 - drawdown / drawdown_halt)``, i.e. 1.0
  at the peak, 0.5 halfway to the halt, 0.0 at ``drawdown_halt`` and beyond. A scale of 0
  means new entries stop (exits are never affected). Example with halt 25%: drawdown 10%
  -> 1 - 0.10/0.25 = 0.6.
- There is no lock: the scale recovers as soon as equity does (open positions can recover).
"""
from __future__ import annotations

import logging

from trading.risk.text import pct

logger = logging.getLogger(__name__)


def drawdown(equity: float, peak: float) -> float:
    """Fractional drawdown of ``equity`` from ``peak`` (0..1)."""
    top = max(peak, equity)
    if top <= 0.0:
        return 0.0
    return max(0.0, 1.0 - equity / top)


def drawdown_scale(dd: float, halt: float) -> float:
    """Linear size multiplier: 1 at drawdown 0, 0 at ``halt`` and beyond."""
    if halt <= 0.0:
        raise ValueError(f"drawdown halt {halt!r} must be positive")
    return max(0.0, 1.0 - dd / halt)


def drawdown_reason(dd: float, halt: float) -> str:
    """A blocking reason when the scale is 0, else an informational note."""
    scale = drawdown_scale(dd, halt)
    if scale <= 0.0:
        return f"drawdown {pct(dd)} >= halt {pct(halt)}: entries stop"
    return f"drawdown {pct(dd)} of halt {pct(halt)}: size x{scale:.2f}"
