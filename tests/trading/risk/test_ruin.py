"""Risk of ruin: z ** (ruin_level / (b f)), z the root of W z^(R+1) - z + (1 - W) = 0.

Hand computations:
- R = 1: z = (1 - W)/W. W = 0.6 -> z = 2/3; W = 0.55 -> z = 9/11.
- W = 0.5, R = 2: 0.5 z^3 - z + 0.5 = 0 = (z - 1)(z^2 + z - 1)/2 -> z = (sqrt 5 - 1)/2.
- W = 0.4, R = 2: 0.4 z^3 - z + 0.6 = (z - 1)(0.4 z^2 + 0.4 z - 0.6) -> z = (sqrt 7 - 1)/2.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trading.risk.ruin import max_risk_fraction, risk_of_ruin, ruin_base

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


@pytest.mark.parametrize(("w", "payoff", "z"), [
    (0.6, 1.0, 2.0 / 3.0),
    (0.55, 1.0, 9.0 / 11.0),
    (0.5, 2.0, GOLDEN),
    (0.4, 2.0, (math.sqrt(7.0) - 1.0) / 2.0),
])
def test_ruin_base_hand_computed(w: float, payoff: float, z: float) -> None:
    assert ruin_base(w, payoff) == pytest.approx(z, rel=1e-12)


@pytest.mark.parametrize(("w", "payoff", "z"), [
    (0.5, 1.0, 1.0),            # no edge: ruin is certain
    (0.4, 1.0, 1.0),            # negative edge
    (0.25, 3.0, 1.0),           # W (R + 1) = 1: still no edge
    (0.0, 5.0, 1.0),
    (1.0, 1.0, 0.0),            # never loses
    (0.7, math.inf, 0.0),       # no losses recorded
])
def test_ruin_base_edges(w: float, payoff: float, z: float) -> None:
    assert ruin_base(w, payoff) == z


def test_classic_formula_r1() -> None:
    # W=0.6: ((1-A)/(1+A))^U with A=0.2 -> (2/3)^25 = 2^25/3^25 = 33554432/847288609443
    assert risk_of_ruin(0.6, 1.0, 0.01, 0.25) == pytest.approx(33554432 / 847288609443)
    # W=0.55, 5% risked, ruin at 25% = 5 units: (9/11)^5 = 59049/161051
    assert risk_of_ruin(0.55, 1.0, 0.05, 0.25) == pytest.approx(59049 / 161051)


def test_payoff_two() -> None:
    # z^5 = phi^-5 = 5 phi - 8 = (5 sqrt 5 - 11)/2 = 0.0901699...
    expected = (5.0 * math.sqrt(5.0) - 11.0) / 2.0
    assert risk_of_ruin(0.5, 2.0, 0.05, 0.25) == pytest.approx(expected, rel=1e-9)
    # losses of 2R (b=2, a=4: same R=2) at 2.5%: a loss costs 5%, again 5 units
    assert risk_of_ruin(0.5, 2.0, 0.025, 0.25, loss_r=2.0) == pytest.approx(expected, rel=1e-9)


def test_fractional_units_give_an_upper_bound() -> None:
    # 0.25 / 0.03 = 8.33 units: (2/3)^8.33 lies between the exact (2/3)^9 and (2/3)^8
    ror = risk_of_ruin(0.6, 1.0, 0.03, 0.25)
    assert (2 / 3) ** 9 < ror < (2 / 3) ** 8


def test_more_risk_means_more_ruin() -> None:
    values = [risk_of_ruin(0.55, 1.5, f, 0.25) for f in (0.005, 0.01, 0.02, 0.05, 0.1)]
    assert values == sorted(values)
    assert values[0] < values[-1]


def test_no_edge_and_no_risk() -> None:
    assert risk_of_ruin(0.5, 1.0, 0.01, 0.25) == 1.0
    assert risk_of_ruin(0.6, 1.0, 0.0, 0.25) == 0.0
    assert risk_of_ruin(1.0, 1.0, 0.05, 0.25) == 0.0


def test_max_fraction_closed_form() -> None:
    # 0.25 x ln(2/3) / ln(0.02) = 0.25 x 0.4054651 / 3.9120230 = 0.0259115
    f_max = max_risk_fraction(0.6, 1.0, 0.02, 0.25)
    assert f_max == pytest.approx(0.0259115, rel=1e-5)
    assert risk_of_ruin(0.6, 1.0, f_max, 0.25) == pytest.approx(0.02)
    # W=0.5, R=2 at 1%: 0.25 x ln(0.618034) / ln(0.01) = 0.25 x 0.4812118 / 4.6051702
    assert max_risk_fraction(0.5, 2.0, 0.01, 0.25) == pytest.approx(0.0261235, rel=1e-5)


def test_max_fraction_edges() -> None:
    assert max_risk_fraction(0.5, 1.0, 0.01, 0.25) == 0.0      # no edge: nothing is safe
    assert max_risk_fraction(1.0, 1.0, 0.01, 0.25) == math.inf  # never loses
    assert max_risk_fraction(0.6, 1.0, 1.0, 0.25) == math.inf   # any ruin accepted


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="win rate"):
        ruin_base(1.5, 1.0)
    with pytest.raises(ValueError, match="payoff"):
        ruin_base(0.5, float("nan"))


@given(w=st.floats(0.01, 0.99), payoff=st.floats(0.05, 20.0))
def test_root_solves_the_walk_equation(w: float, payoff: float) -> None:
    z = ruin_base(w, payoff)
    assert 0.0 < z <= 1.0
    if w * (payoff + 1.0) > 1.0 + 1e-9:
        assert z < 1.0
        assert w * z ** (payoff + 1.0) - z + (1.0 - w) == pytest.approx(0.0, abs=1e-9)
