"""Confluence: do enough strategies agree on one side, and how strongly?

Semantics:

- Each strategy's signal is a vote for ``long`` or ``short`` (a ``flat`` signal abstains),
  weighted by the strategy's weight: its base weight from ``ai.weights.<name>`` times a
  multiplier from its recent realised hit rate (:func:`adjusted_weights`). A strategy with
  weight 0, a disabled one (no signal) and an unknown name do not count at all.
- The candidate side is the one with the larger weighted vote ``sum(weight * strength)``;
  an exact tie (including no votes) is no side. ``agree`` lists the counted strategies on
  that side, ``oppose`` those on the other.
- The setup reaches confluence when at least ``threshold`` strategies agree (a count of
  strategies, not of weight). Two opposing camps both at the threshold still yield the
  heavier side, and ``oppose`` says who disagreed.
- ``score`` is the agreeing weighted vote over the total weight of the counted strategies,
  in 0..1: 1 when every counted strategy agrees at full strength.

The order-book confirmation ("sure fire" = confluence AND the book's imbalance confirms
the side) is the scorer's, which owns both reads.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trading.strategies.signal import Side, Signal

#: Trades of prior belief (a 50% hit rate) that a strategy's realised record is blended with.
PRIOR_TRADES = 10
#: The performance multiplier's range: a strategy never loses more than half its weight
#: from its record, nor gains more than half again.
MIN_MULTIPLIER, MAX_MULTIPLIER = 0.5, 1.5


@dataclass(frozen=True, slots=True)
class Record:
    """A strategy's recent closed trades: how many, and how many made money."""

    trades: int
    wins: int


def multiplier(record: Record | None) -> float:
    """``2 x`` the hit rate shrunk towards 50% by :data:`PRIOR_TRADES`, clipped to 0.5..1.5.

    No record gives 1.0; 10 trades with 8 wins give ``2 x (8 + 5) / 20 = 1.3``.
    """
    if record is None or record.trades <= 0:
        return 1.0
    shrunk = (record.wins + PRIOR_TRADES * 0.5) / (record.trades + PRIOR_TRADES)
    return min(MAX_MULTIPLIER, max(MIN_MULTIPLIER, 2.0 * shrunk))


def adjusted_weights(base: Mapping[str, float],
                     records: Mapping[str, Record] | None = None) -> dict[str, float]:
    """Each strategy's base weight times its performance :func:`multiplier`."""
    records = records or {}
    return {name: w * multiplier(records.get(name)) for name, w in base.items()}


@dataclass(frozen=True, slots=True)
class Confluence:
    side: str                      # long / short, or flat when there is no side
    agree: tuple[str, ...]         # counted strategies on ``side``, in signal order
    oppose: tuple[str, ...]        # counted strategies on the other side
    counted: int                   # strategies that count (enabled, weight > 0)
    score: float                   # agreeing weighted vote / total counted weight, 0..1
    threshold: int

    @property
    def reached(self) -> bool:
        return self.side != Side.FLAT and len(self.agree) >= self.threshold

    def describe(self) -> str:
        """E.g. "3/5 long (trend, momentum, breakout)" or "2/5 long (...), 2 short (...)"."""
        if self.side == Side.FLAT:
            return f"0/{self.counted} agree (no side)"
        other = Side.SHORT if self.side == Side.LONG else Side.LONG
        text = f"{len(self.agree)}/{self.counted} {self.side} ({', '.join(self.agree)})"
        if self.oppose:
            text += f", {len(self.oppose)} {other} ({', '.join(self.oppose)})"
        return text


def confluence(signals: Sequence[Signal], weights: Mapping[str, float],
               threshold: int) -> Confluence:
    """The confluence of one pair's signals at one bar (see the module docstring)."""
    counted = [s for s in signals if weights.get(s.strategy, 0.0) > 0.0]
    total = sum(weights[s.strategy] for s in counted)
    vote = {Side.LONG: 0.0, Side.SHORT: 0.0}
    for s in counted:
        if s.active:
            vote[s.side] += weights[s.strategy] * s.strength
    if vote[Side.LONG] == vote[Side.SHORT]:
        return Confluence(Side.FLAT, (), (), len(counted), 0.0, threshold)
    side = Side.LONG if vote[Side.LONG] > vote[Side.SHORT] else Side.SHORT
    agree = tuple(s.strategy for s in counted if s.side == side)
    oppose = tuple(s.strategy for s in counted if s.active and s.side != side)
    score = vote[side] / total if total > 0.0 else 0.0
    return Confluence(side, agree, oppose, len(counted), min(1.0, score), threshold)
