"""Bar windows and book reads for the ai tests."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def trending(n: int = 200, start: float = 100.0, step: float = 0.1, seed: int = 1) -> np.ndarray:
    """An ``(n, 6)`` window drifting by ``step`` per bar with small noise, 60 s bars."""
    rng = np.random.default_rng(seed)
    close = start + step * np.arange(n) + rng.normal(0, 0.05, n)
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) + 0.05
    low = np.minimum(open_, close) - 0.05
    volume = np.full(n, 10.0)
    ts = 60.0 * np.arange(1, n + 1)
    return np.column_stack([ts, open_, high, low, close, volume])


@dataclass(frozen=True)
class Book:
    imbalance: float
    mid: float
    spread: float
