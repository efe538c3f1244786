"""Risk manager: sizing (quarter-Kelly, drawdown, risk of ruin), limits, precision, stops.

Pure domain: no processes, no storage. The executor feeds a :class:`Portfolio` built from its
ledger and persists what comes back (new :class:`RiskLock` values, :class:`Stop` states).
Module map: :mod:`.types` requests/state, :mod:`.decisions` answers, :mod:`.sizing` Kelly,
:mod:`.drawdown`, :mod:`.ruin`, :mod:`.budget` (the sizing pipeline), :mod:`.limits` (daily
loss lock, cooldown, position caps), :mod:`.precision` (AssetPairs rounding and minimums),
:mod:`.stops` (initial / trailing / breakeven), :mod:`.snapshot`, :mod:`.manager`.
"""

from trading.risk.decisions import ACTIONS, EntryDecision, ExitDecision, RiskSnapshot
from trading.risk.manager import RiskManager, StopUpdate
from trading.risk.stops import Stop, StopPhase
from trading.risk.types import (
    ClosedTrade,
    EntryRequest,
    LockKind,
    OpenPosition,
    Portfolio,
    RiskLock,
)

__all__ = [
    "ACTIONS", "ClosedTrade", "EntryDecision", "EntryRequest", "ExitDecision", "LockKind",
    "OpenPosition", "Portfolio", "RiskLock", "RiskManager", "RiskSnapshot", "Stop",
    "StopPhase", "StopUpdate",
]
