"""The risk budget pipeline: Kelly stake -> cap -> drawdown -> risk of ruin (hand numbers).

Ruin level is the drawdown halt, 25%. Trades: ``GOOD`` = 12 x +2R, 8 x -1R (W 0.6, R 2,
Kelly 0.4); ``EVEN`` = 12 x +1R, 8 x -1R (W 0.6, R 1, Kelly 0.2, ruin base z = 2/3).
"""
from __future__ import annotations

import math

import msgspec
import pytest

from config.schema import Risk
from trading.risk.budget import risk_budget
from trading.risk.sizing import LEDGER, PRIOR

GOOD = [2.0] * 12 + [-1.0] * 8
EVEN = [1.0] * 12 + [-1.0] * 8
BAD = [1.0] * 8 + [-1.0] * 12


def test_prior_half_the_cap(cfg: Risk) -> None:
    b = risk_budget([], cfg, 10_000.0, 10_000.0, 0.25)
    assert (b.estimate.source, b.fraction, b.ror, b.blocks) == (PRIOR, 0.005, None, ())


def test_ledger_capped_at_max_risk(cfg: Risk) -> None:
    b = risk_budget(GOOD, cfg, 10_000.0, 10_000.0, 0.25)
    assert b.estimate.source == LEDGER
    assert b.estimate.stake == pytest.approx(0.1)          # 0.25 x 0.4
    assert b.fraction == 0.01                              # capped
    assert "capped at max risk per trade 1.00%" in b.notes
    # W=0.6, R=2: 0.6 z^3 - z + 0.4 = (z-1)(0.6 z^2 + 0.6 z - 0.4): z = (-1 + sqrt(11/3))/2
    z = (-1.0 + math.sqrt(11.0 / 3.0)) / 2.0
    assert b.ror == pytest.approx(z ** 25, rel=1e-6)       # 0.25 / 0.01 = 25 units


def test_drawdown_scales_the_prior(cfg: Risk) -> None:
    b = risk_budget([], cfg, 9_000.0, 10_000.0, 0.25)
    assert b.drawdown_scale == pytest.approx(0.6)          # 1 - 0.10/0.25
    assert b.fraction == pytest.approx(0.003)              # 0.005 x 0.6
    assert "drawdown 10.0% of halt 25.0%: size x0.60" in b.notes


def test_drawdown_halt_blocks(cfg: Risk) -> None:
    b = risk_budget([], cfg, 7_500.0, 10_000.0, 0.25)
    assert b.fraction == 0.0
    assert b.blocks == ("drawdown 25.0% >= halt 25.0%: entries stop",)


def test_negative_kelly_blocks(cfg: Risk) -> None:
    b = risk_budget(BAD, cfg, 10_000.0, 10_000.0, 0.25)
    assert (b.fraction, b.ror) == (0.0, 1.0)
    assert b.blocks == ("Kelly -0.2000 <= 0 (win rate 40.0%, payoff 1.00, 20 trades): "
                        "no edge, no entry",)


def test_ruin_above_limit_cuts_the_fraction(cfg: Risk) -> None:
    cfg = msgspec.structs.replace(cfg, max_risk_per_trade=0.05, max_risk_of_ruin=0.02)
    b = risk_budget(EVEN, cfg, 10_000.0, 10_000.0, 0.25)
    # stake 0.25 x 0.2 = 0.05; RoR (2/3)^(0.25/0.05) = 32/243 = 13.2% > 2% but < 10 x 2%
    # cut: 0.25 x ln(2/3) / ln(0.02) = 0.0259115, where RoR is exactly 2%
    assert b.fraction == pytest.approx(0.0259115, rel=1e-5)
    assert b.ror == pytest.approx(0.02)
    assert b.notes[-1] == ("risk of ruin 13.2% > limit 2.0% at risk 5.00%: "
                           "risk cut to 2.59%")
    assert b.blocks == ()


def test_ruin_far_above_limit_blocks(cfg: Risk) -> None:
    cfg = msgspec.structs.replace(cfg, max_risk_per_trade=0.05, max_risk_of_ruin=0.01)
    b = risk_budget(EVEN, cfg, 10_000.0, 10_000.0, 0.25)
    # 32/243 = 13.2% >= 10 x 1%
    assert b.ror == pytest.approx(32 / 243)
    assert b.fraction == 0.0
    assert b.blocks == ("risk of ruin 13.2% >= 10 x limit 1.0% at risk 5.00%: entries stop",)


def test_ruin_is_judged_after_drawdown_scaling(cfg: Risk) -> None:
    cfg = msgspec.structs.replace(cfg, max_risk_per_trade=0.05, max_risk_of_ruin=0.01)
    # drawdown 12.5% halves 0.05 to 0.025: RoR (2/3)^10 = 1024/59049 = 1.73% < 10%: a cut
    b = risk_budget(EVEN, cfg, 8_750.0, 10_000.0, 0.25)
    assert b.drawdown_scale == pytest.approx(0.5)
    assert b.blocks == ()
    assert b.ror == pytest.approx(0.01)
    # 0.25 x ln(2/3) / ln(0.01) = 0.25 x 0.4054651 / 4.6051702 = 0.0220113
    assert b.fraction == pytest.approx(0.0220113, rel=1e-5)
