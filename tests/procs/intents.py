"""Playing the scorer in end-to-end tests: current quotes and well-formed intent bodies.

An intent published on the bus right after the publisher connects may be lost (PUB/SUB:
nothing is queued for a subscription that has not reached the publisher yet), so callers
republish the *same* intent until its effect shows: the executor acts at most once per id.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from decimal import Decimal

import requests

from tests.conftest import Instance
from tests.procs.conftest import sim_url


def quotes(inst: Instance, pairs: Iterable[str]) -> dict[str, Decimal]:
    """The emulator's last trade price of each pair (REST Ticker)."""
    out = {}
    for pair in pairs:
        r = requests.get(sim_url(inst, "/0/public/Ticker"), params={"pair": pair}, timeout=5)
        (info,) = r.json()["result"].values()
        out[pair] = Decimal(info["c"][0])
    return out


def intent(pair: str, side: str, price: Decimal, stop_frac: float = 0.02,
           atr_frac: float = 0.005) -> dict[str, object]:
    """An intent body for ``pair`` at ``price``: stop ``stop_frac`` away, ATR ``atr_frac``
    of the price, valid for 30 s."""
    p = float(price)
    now = time.time()
    return {"id": str(uuid.uuid4()), "pair": pair, "side": side, "price": p,
            "stop": p * (1 - stop_frac) if side == "long" else p * (1 + stop_frac),
            "atr": p * atr_frac, "probability": None, "confluence": 3, "counted": 5,
            "strategies": ["trend", "momentum", "breakout"], "bar_ts": now, "created": now,
            "expires": now + 30.0, "reasons": ["test intent"], "t_bar": None}
