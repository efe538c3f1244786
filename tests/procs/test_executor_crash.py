"""Crash test: the executor with the Kraken broker against the emulator, killed at random.

The test plays the scorer: it publishes 200 intents (longs, and shorts that close them)
while a killer thread ``kill -9``s the executor at random moments -- and the executor also
kills itself at its worst moments (``BOT_TEST_CRASH_POINTS``: after recording an order but
before sending it, after the exchange executed it but before the outcome was recorded) --
and the emulator drops some AddOrder responses (executed, never answered). supervisord
restarts it each time. At the end, with every order resolved:

- every client order id reached the exchange at most once (``/_sim/state`` orders),
- every exchange trade is a fill in the ledger and every ledger fill a trade,
- every asset's balance on the exchange equals the ledger: open positions for the base
  assets, start balance + sells - buys - fees for USD, exactly.
"""
from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from decimal import ROUND_DOWN, Decimal

import pytest
import requests

from config import load_config
from ipc.bus import Publisher
from procs.runtime import endpoints_for
from tests.conftest import Instance, poll
from tests.procs.conftest import fault, full_stores, sim_url
from tests.procs.intents import intent, quotes
from trading.exchange.sim.keys import KEYS_FILE, load_or_create_keys
from trading.exchange.symbols import normalize_asset
from trading.execution.ledger import Ledger

pytestmark = pytest.mark.slow

INTENTS = 200
PAIRS = ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "ADA/USD", "DOT/USD", "LINK/USD",
         "LTC/USD")
ENV = {"BOT__EXECUTION__BROKER": "kraken", "BOT__EXECUTION__ORDER_TIMEOUT_SECONDS": "2",
       "BOT__RISK__COOLDOWN_MINUTES": "0", "BOT__RISK__MAX_OPEN_POSITIONS": "8",
       "BOT__RISK__MAX_DAILY_LOSS": "0.5",
       "BOT_TEST_CRASH_POINTS": "after_record:0.04,after_send:0.04"}


def executor_pid(inst: Instance) -> int:
    info = next(p for p in inst.supervisor().processes() if p["name"] == "executor")
    return int(info["pid"]) if info["statename"] == "RUNNING" else 0


class Killer(threading.Thread):
    """SIGKILLs the running executor every 3-5 s until stopped."""

    def __init__(self, inst: Instance) -> None:
        super().__init__(daemon=True)
        self.inst, self.stop, self.kills = inst, threading.Event(), 0

    def run(self) -> None:
        rng = random.Random(7)
        while not self.stop.wait(rng.uniform(3.0, 5.0)):
            pid = executor_pid(self.inst)
            if pid:
                os.kill(pid, signal.SIGKILL)
                self.kills += 1


def publish_intents(inst: Instance) -> None:
    pub = Publisher(endpoints_for(load_config(inst.env), inst.paths).bus_in, "scorer")
    try:
        for i in range(INTENTS):
            if i % 25 == 0:
                fault(inst, drop_addorder_response=1)
                last = quotes(inst, PAIRS)
            # each pair in turn, alternately opened and closed: every intent wants an order
            pair, side = PAIRS[i % len(PAIRS)], ("long", "short")[i // len(PAIRS) % 2]
            pub.publish("intent", pair, **intent(pair, side, last[pair]))
            time.sleep(0.3)  # 60 s of intents: a dozen lives of the executor
    finally:
        pub.close()


def settled(inst: Instance) -> bool:
    if not executor_pid(inst) or not inst.paths.db.exists():
        return False
    with Ledger.open_readonly(inst.paths.db) as ledger:
        return not ledger.non_final_orders()


def test_kill_9_never_doubles_an_order_nor_loses_a_fill(instance: Instance) -> None:
    instance.env.update(ENV)
    assert instance.make("run").returncode == 0
    full_stores(instance)
    instance.supervisor().stop("scorer")  # the test is the only source of intents
    poll(lambda: executor_pid(instance), 30.0, "executor running")
    killer = Killer(instance)
    killer.start()
    publish_intents(instance)
    killer.stop.set()
    killer.join(5)
    assert killer.kills >= 3
    poll(lambda: settled(instance), 90.0, "every order resolved after the last restart")

    state = requests.get(sim_url(instance, "/_sim/state"), timeout=5).json()
    with Ledger.open_readonly(instance.paths.db) as ledger:
        fills = ledger.fills(limit=1 << 30)
        positions = {p.pair: p for p in ledger.open_positions()}
        ours = {o["cl_ord_id"] for o in state["orders"] if ledger.order(o["cl_ord_id"])}
    per_id = Counter(o["cl_ord_id"] for o in state["orders"])
    assert len(state["orders"]) >= 20, f"only {len(state['orders'])} orders reached the exchange"
    log = (instance.paths.logs / "executor.log").read_text()
    assert "outcome unknown" in log            # a dropped AddOrder response was resolved
    assert "reconciled" in log                 # a restart found orders to reconcile
    assert max(per_id.values()) == 1, [k for k, n in per_id.items() if n > 1]
    assert ours == set(per_id), "an exchange order the ledger never recorded"
    assert {t["trade_id"] for t in state["trades"]} == {f.fill_id for f in fills}

    balances = {normalize_asset(a): Decimal(v) for a, v in state["balances"].items()}
    for pair in PAIRS:
        base = pair.split("/")[0]
        held = positions[pair].qty if pair in positions else Decimal(0)
        assert balances.get(base, Decimal(0)) == held, pair
    usd = Decimal(str(load_config(instance.env).sim.start_balance_usd))
    for f in fills:
        cost = Decimal(str(f.cost))  # what the exchange moved (it rounds each trade's cost)
        usd += (cost if f.side == "sell" else -cost) - Decimal(str(f.fee))
    assert balances["USD"] == usd.quantize(Decimal("0.0001"), ROUND_DOWN), (balances["USD"], usd)
    assert_no_secret_in_logs(instance)


def assert_no_secret_in_logs(inst: Instance) -> None:
    """The exchange key and secret and the dashboard token appear in no log line."""
    key, secret = load_or_create_keys(inst.paths.home / KEYS_FILE)
    token = (inst.paths.home / "web.token").read_text().strip()
    for log in inst.paths.logs.glob("*.log"):
        text = log.read_text(errors="replace")
        for name, value in (("API key", key), ("API secret", secret), ("web token", token)):
            assert value not in text, f"{name} in {log.name}"
