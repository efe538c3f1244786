"""Book checks: turn one snapshot into a validated price ladder, or say in one line what is wrong.

Semantics:

- Input is a :class:`shared.books.Book`'s ``bids`` and ``asks``: ``(k, 2)`` ``[price, qty]``
  arrays, best level first (an empty side may have any empty shape).
- A usable book has finite prices and quantities, all > 0; bids strictly descending, asks
  strictly ascending (a repeated price is "unsorted": Kraken aggregates levels by price);
  and best bid < best ask (a locked book counts as crossed). :func:`ladder` raises
  :class:`BadBook` naming the first violation (side, level, values), else returns a
  :class:`Ladder`.
- The ladder is both sides in one ascending price array -- deepest bid ... best bid, best
  ask ... deepest ask -- so one ``diff`` checks both sides' order and the crossing at once,
  and gives every gap between neighbouring levels (index ``n_bids - 1`` is the spread).
  The fast path is a handful of NumPy calls; the per-level diagnosis runs only on failure.
"""
from __future__ import annotations

import logging
import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from trading.ai.book_findings import BookSide

logger = logging.getLogger(__name__)

_EMPTY = np.empty((0, 2))


class BadBook(ValueError):
    """A snapshot that cannot be analysed; the message is one line."""


class Ladder(NamedTuple):
    """Both sides of a validated book in ascending price order (see the module docstring)."""

    prices: np.ndarray  # (n,) ascending
    qtys: np.ndarray  # (n,)
    gaps: np.ndarray  # (n - 1,) prices[i + 1] - prices[i], all > 0
    bids: np.ndarray  # (n_bids, 2), best first (as given)
    asks: np.ndarray  # (n_asks, 2), best first (as given)

    @property
    def n_bids(self) -> int:
        return len(self.bids)

    def locate(self, i: int) -> tuple[str, int]:
        """Side and level (0 = best) of ladder index ``i``."""
        nb = len(self.bids)
        return (BookSide.BID, nb - 1 - i) if i < nb else (BookSide.ASK, i - nb)

    def qty_at(self, side: str, price: float) -> float:
        """Quantity resting at exactly ``price`` on ``side`` (0.0 when no such level)."""
        i = int(np.searchsorted(self.prices, price))
        if i == len(self.prices) or self.prices[i] != price:
            return 0.0
        return float(self.qtys[i]) if (i < len(self.bids)) == (side == BookSide.BID) else 0.0

    def beyond_view(self, side: str, price: float) -> bool:
        """True when ``price`` lies deeper than the deepest level shown on ``side``."""
        levels = self.bids if side == BookSide.BID else self.asks
        if not len(levels):
            return False
        deepest = float(levels[-1, 0])
        return price < deepest if side == BookSide.BID else price > deepest

    def touched(self, side: str, price: float) -> bool:
        """True when ``side``'s best price has reached ``price`` (best bid <= it for a bid,
        best ask >= it for an ask) or the side is empty: an order there may have traded."""
        levels = self.bids if side == BookSide.BID else self.asks
        if not len(levels):
            return True
        best = float(levels[0, 0])
        return best <= price if side == BookSide.BID else best >= price


def _side(levels: ArrayLike, name: str) -> np.ndarray:
    try:
        side = np.asarray(levels, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise BadBook(f"{name} are not numbers ({type(err).__name__})") from None
    if side.size == 0:
        return _EMPTY
    if side.ndim != 2 or side.shape[1] != 2:
        raise BadBook(f"{name} must have shape (k, 2) [price, qty], got {side.shape}")
    return side


def ladder(bids: ArrayLike, asks: ArrayLike) -> Ladder:
    """The validated ladder of a snapshot.

    :raises BadBook: the first thing wrong with it, in one line.
    """
    b = _side(bids, "bids")
    a = _side(asks, "asks")
    both = np.concatenate((b[::-1], a))
    if both.size and not (both.min() > 0.0 and both.max() < math.inf):  # NaN fails both
        raise BadBook(_value_error(b, "bids") or _value_error(a, "asks") or "bad values")
    prices = both[:, 0]
    gaps = prices[1:] - prices[:-1]  # np.diff costs 3x more at this size
    if gaps.size and not gaps.min() > 0.0:
        raise BadBook(_order_error(b, "bids", -1.0) or _order_error(a, "asks", 1.0)
                      or f"crossed book: best bid {float(b[0, 0])!r} >= best ask"
                      f" {float(a[0, 0])!r}")
    return Ladder(prices, both[:, 1], gaps, b, a)


def _value_error(side: np.ndarray, name: str) -> str | None:
    for i, (price, qty) in enumerate(side.tolist()):
        if not (math.isfinite(price) and math.isfinite(qty)):
            return f"{name} level {i} is not finite (price {price!r}, qty {qty!r})"
        if price <= 0.0:
            return f"{name} level {i} has price {price!r} (must be > 0)"
        if qty <= 0.0:
            return f"{name} level {i} has qty {qty!r} (must be > 0)"
    return None


def _order_error(side: np.ndarray, name: str, direction: float) -> str | None:
    prices = side[:, 0].tolist()
    for i in range(1, len(prices)):
        if (prices[i] - prices[i - 1]) * direction <= 0.0:
            order = "descending" if direction < 0 else "ascending"
            return (f"{name} not strictly {order} (best first): level {i} price {prices[i]!r}"
                    f" after level {i - 1} price {prices[i - 1]!r}")
    return None


__all__ = ["BadBook", "Ladder", "ladder"]
