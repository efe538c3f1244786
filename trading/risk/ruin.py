"""Risk of ruin from win rate, payoff and the fraction of equity risked per trade.

Model (the gambler's-ruin random walk with unequal steps; Feller, "An Introduction to
Probability Theory and Its Applications", vol. I, ch. XIV, and the Lundberg/Cramer bound of
ruin theory): each trade loses ``b x f`` of the bankroll with probability 1 - W or gains
``a x f`` with probability W (f = fraction risked at the stop, a/b = mean win/loss in R,
payoff R = a/b). "Ruin" is losing ``ruin_level`` of the bankroll -- by default the
drawdown halt, where the bot stops entering anyway. In units of one loss the walk starts
U = ruin_level / (b x f) units above ruin, steps -1 or +R, and

    RoR = z ** U,   z = the root in (0, 1) of  W * z**(R + 1) - z + (1 - W) = 0.

- For R = 1 the root is z = (1 - W)/W = (1 - A)/(1 + A) with edge A = 2W - 1: the classic
  ((1 - A)/(1 + A)) ** units formula. For W = 0.5, R = 2: z**2 + z - 1 = 0 gives
  z = (sqrt(5) - 1)/2 = 0.618...
- Exact when U is a whole number (losses are unit steps, so ruin is hit exactly); otherwise
  z ** U is an upper bound (z ** ceil(U) is exact): conservative.
- No edge (W (R + 1) <= 1, i.e. Kelly <= 0): z = 1 and RoR = 1. No losses: RoR = 0.
- Caveat: fixed-size bets are assumed; real sizes shrink with equity and drawdown, so the
  true risk is lower. The two-point payoff ignores the spread of R-multiples.

Because z does not depend on f, the largest fraction with RoR <= m has a closed form:
f_max = ruin_level x ln z / (b x ln m). z itself is found by bisection.
Far above the limit (RoR >= :data:`RUIN_STOP_MULTIPLE` x limit at the proposed size) the
manager stops entries instead of shrinking them.
"""
from __future__ import annotations

import logging
import math

logger = logging.getLogger(__name__)

RUIN_STOP_MULTIPLE = 10.0
_BISECT_STEPS = 200


def ruin_base(win_rate: float, payoff: float) -> float:
    """z in [0, 1]: the per-unit ruin probability of the walk (+R w.p. W, -1 w.p. 1 - W)."""
    if not 0.0 <= win_rate <= 1.0 or not payoff >= 0.0:
        raise ValueError(f"win rate {win_rate!r} / payoff {payoff!r} out of range")
    if win_rate >= 1.0 or math.isinf(payoff):
        return 0.0
    if win_rate * (payoff + 1.0) <= 1.0:
        return 1.0
    loss = 1.0 - win_rate

    def g(z: float) -> float:
        return win_rate * z ** (payoff + 1.0) - z + loss

    # g(0) = 1 - W > 0, g(1) = 0, g convex with its minimum (< 0) at z_min: the root below.
    lo, hi = 0.0, (1.0 / (win_rate * (payoff + 1.0))) ** (1.0 / payoff)
    for _ in range(_BISECT_STEPS):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if g(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def risk_of_ruin(win_rate: float, payoff: float, risk_fraction: float, ruin_level: float,
                 loss_r: float = 1.0) -> float:
    """Probability of losing ``ruin_level`` of equity when risking ``risk_fraction`` per trade.

    ``loss_r`` is the mean loss in R (b): a loss costs ``loss_r x risk_fraction``.
    """
    if risk_fraction <= 0.0:
        return 0.0
    z = ruin_base(win_rate, payoff)
    if z <= 0.0:
        return 0.0
    if z >= 1.0:
        return 1.0
    units = ruin_level / (max(loss_r, 1e-12) * risk_fraction)
    return z ** units


def max_risk_fraction(win_rate: float, payoff: float, max_ror: float, ruin_level: float,
                      loss_r: float = 1.0) -> float:
    """The largest risk fraction whose risk of ruin is <= ``max_ror`` (0: none; inf: any)."""
    z = ruin_base(win_rate, payoff)
    if z <= 0.0:
        return math.inf
    if z >= 1.0 or max_ror <= 0.0:
        return 0.0
    if max_ror >= 1.0:
        return math.inf
    return ruin_level * math.log(z) / (max(loss_r, 1e-12) * math.log(max_ror))
