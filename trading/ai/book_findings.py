"""Order-book findings: what the book analyzer saw in one snapshot, as numbers plus a sentence.

Dependency-free (stdlib only), so the scorer, the web API and the tests import it cheaply.

Semantics shared by every finding:

- ``side`` is ``"bid"`` or ``"ask"`` (:class:`BookSide`). Prices are quote per base unit,
  quantities are in base units (``unit``, e.g. ``"BTC"``; ``""`` when the pair is unknown,
  used only in texts).
- Distances are measured from the reference price: the mid when both sides have levels,
  else the best price of the side that has them (``ref`` names which: ``"mid"``,
  ``"best bid"``, ``"best ask"``). They are >= 0 and point away from the reference (below it
  for bids, above it for asks), in basis points (1 bp = 0.01 %); ``*_pct`` = bps / 100.
- ``text`` is a one-line plain-English sentence with the numbers, built only when asked for
  (the analyzer runs per snapshot; texts are for thoughts, logs and the dashboard).
- ``to_dict()`` is JSON-ready and includes ``text``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any


class BookSide:
    """The two sides of a book (supervisor-style class constants, plain ``str``)."""

    BID = "bid"
    ASK = "ask"


class VoidKind:
    """``THIN``: a run of thin levels. ``GAP``: an abnormally wide gap between two levels."""

    THIN = "thin"
    GAP = "gap"


def fmt(x: float, digits: int = 7) -> str:
    """``x`` to about ``digits`` significant digits, thousands separators, trailing zeros cut
    to one decimal (``64210.0`` -> ``"64,210.0"``, ``0.000012345`` -> ``"0.000012345"``)."""
    if not math.isfinite(x) or x == 0.0:
        return str(x)
    decimals = min(max(1, digits - 1 - math.floor(math.log10(abs(x)))), 12)
    text = f"{x:,.{decimals}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def qty_text(qty: float, unit: str) -> str:
    """A quantity with its unit: ``"12.5 BTC"``."""
    q = fmt(qty, 4)
    return f"{q} {unit}" if unit else q


def pct(bps: float) -> str:
    """Basis points as a percentage with three significant digits: ``42.0`` -> ``"0.42%"``."""
    return f"{bps / 100.0:.3g}%"


def where(side: str, bps: float, ref: str) -> str:
    """``"0.42% below mid"`` / ``"0.42% above best ask"``."""
    return f"{pct(bps)} {'below' if side == BookSide.BID else 'above'} {ref}"


def as_dict(finding: Any, *extra: str) -> dict[str, Any]:
    """The dataclass fields of ``finding`` plus the named properties, NaN as None."""
    out = {f.name: getattr(finding, f.name) for f in fields(finding)}
    out.update((name, getattr(finding, name)) for name in extra)
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class Depth:
    """Resting quantity per side over the top ``levels`` levels, and THE imbalance.

    ``imbalance = (bid_qty - ask_qty) / (bid_qty + ask_qty)`` in ``[-1, 1]``: +1 means only
    bids, -1 only asks, 0 balanced or an empty book. Quantities, not notionals: within the
    top 25 levels of one pair prices differ by well under 1 %, so weighting by notional
    changes the value by less than that and only tilts it towards the asks (priced higher).
    """

    bid_qty: float
    ask_qty: float
    levels: int
    unit: str = ""

    @property
    def imbalance(self) -> float:
        total = self.bid_qty + self.ask_qty
        return (self.bid_qty - self.ask_qty) / total if total > 0.0 else 0.0

    @property
    def text(self) -> str:
        imb = self.imbalance
        lean = "bids heavier" if imb > 0 else "asks heavier" if imb < 0 else "even"
        return (f"bids {qty_text(self.bid_qty, '')} vs asks {qty_text(self.ask_qty, self.unit)}"
                f" over the top {self.levels} levels: imbalance {imb:+.2f} ({lean})")

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, "imbalance", "text")


@dataclass(frozen=True, slots=True)
class Whale:
    """One level holding ``multiple`` >= ``whale_multiple`` times the median level size.

    ``level`` is its rank on its side (0 = the best bid/ask).
    """

    side: str
    price: float
    qty: float
    level: int
    multiple: float
    distance_bps: float
    ref: str = "mid"
    unit: str = ""

    @property
    def distance_pct(self) -> float:
        return self.distance_bps / 100.0

    @property
    def text(self) -> str:
        return (f"{self.side} wall {qty_text(self.qty, self.unit)} at {fmt(self.price)}"
                f" ({where(self.side, self.distance_bps, self.ref)}),"
                f" {self.multiple:.1f}x the median level")

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, "distance_pct", "text")


@dataclass(frozen=True, slots=True)
class Void:
    """A price range on one side where the book holds abnormally little.

    ``near``/``far`` are the range's edges (``near`` closer to the reference price).

    - ``THIN``: ``levels`` (>= 2) consecutive levels, each below ``void_fraction`` x the
      median level size; the range runs from the first to the last of them and ``depth``
      is their total quantity; ``ratio`` = their mean size / the median level size.
    - ``GAP``: two consecutive levels of one side at least ``1 / void_fraction`` times the
      median gap between consecutive levels apart (the spread excluded); the range is
      between them, holds nothing (``depth`` 0, ``levels`` 0); ``ratio`` = gap / median gap.
    """

    side: str
    kind: str
    near: float
    far: float
    depth: float
    levels: int
    ratio: float
    width_bps: float
    distance_bps: float
    ref: str = "mid"
    unit: str = ""

    @property
    def width_pct(self) -> float:
        return self.width_bps / 100.0

    @property
    def distance_pct(self) -> float:
        return self.distance_bps / 100.0

    @property
    def text(self) -> str:
        span = (f"{self.side} {self.kind} {fmt(self.near)}-{fmt(self.far)}"
                f" ({pct(self.width_bps)} wide, {where(self.side, self.distance_bps, self.ref)})")
        if self.kind == VoidKind.GAP:
            return f"{span}: no orders, {self.ratio:.1f}x the median gap between levels"
        return (f"{span}: {qty_text(self.depth, self.unit)} over {self.levels} levels,"
                f" {self.ratio:.2f}x the median level each on average")

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, "width_pct", "distance_pct", "text")


@dataclass(frozen=True, slots=True)
class Spoof:
    """A wall near the touch pulled within ``spoof_seconds`` of appearing, the price never
    having reached it (see :mod:`trading.ai.spoofing` for the exact rules and caveats).

    ``qty`` and ``multiple`` are the largest seen, ``level`` and ``distance_bps`` the closest
    to the touch seen; ``appeared_ts`` is the first snapshot that showed it, ``pulled_ts`` the
    first that no longer did (so ``lifetime`` has the resolution of the snapshot interval).
    """

    side: str
    price: float
    qty: float
    multiple: float
    level: int
    distance_bps: float
    appeared_ts: float
    pulled_ts: float
    ref: str = "mid"
    unit: str = ""

    @property
    def lifetime(self) -> float:
        return self.pulled_ts - self.appeared_ts

    @property
    def distance_pct(self) -> float:
        return self.distance_bps / 100.0

    @property
    def text(self) -> str:
        return (f"likely spoof: {self.side} wall {qty_text(self.qty, self.unit)} at"
                f" {fmt(self.price)} ({where(self.side, self.distance_bps, self.ref)},"
                f" {self.multiple:.1f}x the median level) pulled after {self.lifetime:.1f} s"
                f" without the price reaching it")

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self, "lifetime", "distance_pct", "text")


__all__ = ["BookSide", "Depth", "Spoof", "Void", "VoidKind", "Whale", "fmt", "pct", "qty_text"]
