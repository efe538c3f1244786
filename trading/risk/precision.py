"""Pair precision and minimums (Kraken ``AssetPairs``): round safely, reject what is too small.

Semantics:

- Volumes round **down** to ``lot_decimals`` (never buy more than was sized or afforded).
- Prices round to ``tick_size`` when Kraken gives one (else to ``10**-pair_decimals``),
  then to ``pair_decimals``, in the direction the caller names as safe. For a long, the
  entry limit and the stop both round **up**: a fill is at or below the limit and the stop
  is at or above the sized one, so the loss at the stop never exceeds the sized risk.
- Minimums: qty below ``ordermin`` or cost (qty x price) below ``costmin`` is rejected with a
  reason naming both numbers; a qty that rounds to 0 is rejected too.
- Floats become Decimals through their shortest ``repr`` (``0.1`` -> ``Decimal('0.1')``),
  never through the binary expansion.
"""
from __future__ import annotations

import logging
import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal
from typing import Protocol

logger = logging.getLogger(__name__)


class PairRules(Protocol):
    """What sizing needs from ``trading.exchange.symbols.PairInfo``."""

    @property
    def pair_decimals(self) -> int: ...
    @property
    def lot_decimals(self) -> int: ...
    @property
    def ordermin(self) -> Decimal | None: ...
    @property
    def costmin(self) -> Decimal | None: ...
    @property
    def tick_size(self) -> Decimal | None: ...


def to_decimal(value: float | Decimal) -> Decimal:
    """A finite float or Decimal as a Decimal (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)) and math.isfinite(value):
        number = Decimal(repr(float(value)))
    else:
        raise ValueError(f"{value!r} is not a finite number")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def round_qty(qty: float | Decimal, lot_decimals: int) -> Decimal:
    """``qty`` rounded down to ``lot_decimals`` decimals (never negative)."""
    step = Decimal(1).scaleb(-lot_decimals)
    return max(Decimal(0), to_decimal(qty).quantize(step, rounding=ROUND_DOWN))


def price_step(rules: PairRules) -> Decimal:
    """The price increment: ``tick_size`` when set and not finer than ``pair_decimals``."""
    decimals_step = Decimal(1).scaleb(-rules.pair_decimals)
    tick = rules.tick_size
    if tick is None or tick <= 0:
        return decimals_step
    return max(tick, decimals_step)


def round_price(price: float | Decimal, rules: PairRules, *, up: bool) -> Decimal:
    """``price`` rounded to a whole tick and to ``pair_decimals``, up or down."""
    step = price_step(rules)
    rounding = ROUND_CEILING if up else ROUND_FLOOR
    ticks = (to_decimal(price) / step).to_integral_value(rounding=rounding)
    exponent = Decimal(1).scaleb(-rules.pair_decimals)
    return (ticks * step).quantize(exponent, rounding=rounding)


def minimum_reasons(qty: Decimal, price: Decimal, rules: PairRules, pair: str) -> list[str]:
    """Why an order of ``qty`` at ``price`` is too small for Kraken (empty: big enough)."""
    if qty <= 0:
        return [f"qty rounds to 0 at {rules.lot_decimals} lot decimals for {pair}"]
    reasons = []
    if rules.ordermin is not None and qty < rules.ordermin:
        reasons.append(f"qty {format(qty, 'f')} < ordermin {format(rules.ordermin, 'f')} "
                       f"for {pair}")
    cost = qty * price
    if rules.costmin is not None and cost < rules.costmin:
        reasons.append(f"cost {format(cost.normalize(), 'f')} < costmin "
                       f"{format(rules.costmin, 'f')} for {pair}")
    return reasons
