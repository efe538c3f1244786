"""The dashboard snapshot: drawdown, daily loss used, Kelly, exposure, locks."""
from __future__ import annotations

import orjson
import pytest

from config.schema import Risk
from tests.trading.risk.helpers import utc
from trading.risk.manager import RiskManager
from trading.risk.types import LockKind, OpenPosition, Portfolio

NOW = utc(2026, 11, 25, 12, 0)


def test_snapshot_numbers(cfg: Risk) -> None:
    positions = {"BTC/USD": OpenPosition("BTC/USD", 0.05, 49_000.0, mark=50_000.0),
                 "ETH/USD": OpenPosition("ETH/USD", 1.0, 3_000.0)}
    pf = Portfolio(equity=9_000.0, peak_equity=10_000.0, day_start_equity=10_000.0,
                   day_pnl_realised=-200.0, unrealised=-100.0, positions=positions,
                   last_exit_ts={"SOL/USD": NOW - 300}, day_start_ts=utc(2026, 11, 25))
    snap = RiskManager(cfg).snapshot(pf, NOW)
    assert snap.drawdown == pytest.approx(0.1)            # 1 - 9000/10000
    assert snap.drawdown_scale == pytest.approx(0.6)
    assert snap.daily_loss == pytest.approx(0.03)         # 300 / 10000
    assert snap.stake == pytest.approx(0.003)             # prior 0.5% x 0.6
    assert (snap.kelly, snap.kelly_source, snap.risk_of_ruin) == (None, "prior", None)
    assert snap.exposure == pytest.approx(5_500.0)        # 0.05 x 50000 + 1 x 3000
    assert snap.exposure_fraction == pytest.approx(5_500.0 / 9_000.0)
    assert [(lock.kind, lock.scope) for lock in snap.locks] == [(LockKind.COOLDOWN, "SOL/USD")]
    assert (snap.open_positions, snap.entries_allowed, snap.reasons) == (2, True, ())
    body = orjson.loads(orjson.dumps(snap.to_dict()))
    assert body["locks"][0]["scope"] == "SOL/USD"


def test_snapshot_shows_the_daily_lock(cfg: Risk) -> None:
    pf = Portfolio(equity=9_400.0, peak_equity=10_000.0, day_start_equity=10_000.0,
                   day_pnl_realised=-600.0)
    snap = RiskManager(cfg).snapshot(pf, NOW)
    assert not snap.entries_allowed
    assert snap.reasons == ("daily loss 6.0% >= limit 5.0%: entries stop until "
                            "2026-11-26 00:00 UTC",)
    assert snap.locks[0].kind == LockKind.DAILY_LOSS
