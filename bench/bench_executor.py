"""Executor: intent received -> order recorded and handed to the paper broker; its memory.

The real ``Executor`` over a real ledger file (SQLite WAL, ``synchronous=FULL``: each
commit is fsynced) in /tmp, the real paper broker on a real shared-memory book, the real
risk manager: for each of ``N`` intents, the time from ``on_intent`` being called to the
broker's ``place`` being entered (intent parsed and checked, intent id recorded, portfolio
read from the ledger, risk decision, order recorded as pending). Each intent is for a new
pair slot that is closed again before the next one, so every intent really trades.
Target p99 <= 5 ms. Then the executor program's PSS in a running instance.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from bench.bench_memory import pss_kb, tree
from bench.common import Row, percentile
from bench.instance import running_instance
from config import Config, load_config
from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from tools.supervisor_client import Supervisor
from trading.exchange.symbols import PairInfo, PairMap
from trading.execution.broker import OrderRequest, OrderResult
from trading.execution.executor import Executor
from trading.execution.executor_events import Events
from trading.execution.ledger import Ledger
from trading.execution.marks import Marks
from trading.execution.paper import PaperBroker
from trading.risk.manager import RiskManager

N = 300
PAIR = PairInfo(name="BTC/USD", internal="XXBTZUSD", altname="XBTUSD", wsname="BTC/USD",
                base="BTC", quote="USD", pair_decimals=1, lot_decimals=8, cost_decimals=5,
                ordermin=Decimal("0.0001"), costmin=Decimal("0.5"), tick_size=Decimal("0.1"),
                status="online")


class TimedBroker(PaperBroker):
    """The paper broker, noting when an order is handed to it."""

    handed: float = 0.0

    def place(self, order: OrderRequest) -> OrderResult:
        self.handed = time.perf_counter()
        return super().place(order)


def intent(side: str) -> dict[str, object]:
    now = time.time()
    return {"id": str(uuid.uuid4()), "pair": "BTC/USD", "side": side, "price": 100.0,
            "stop": 98.0 if side == "long" else 102.0, "atr": 1.0, "probability": None,
            "confluence": 3, "counted": 5, "strategies": ["trend"], "bar_ts": now,
            "created": now, "expires": now + 5, "reasons": ["bench"]}


def latencies_ms() -> list[float]:
    # every round trip loses the spread and fees: keep Kelly on its prior so entries go on
    cfg = load_config({"BOT__RISK__COOLDOWN_MINUTES": "0", "BOT__RISK__KELLY_MIN_TRADES": "10000",
                       "BOT__RISK__MAX_DAILY_LOSS": "0.5"})
    namespace = f"be{os.getpid()}{uuid.uuid4().hex[:4]}"
    books = BookStore.create(namespace, ["BTC/USD"], depth=5)
    bars = BarStore.create(namespace, ["BTC/USD"], capacity=64)
    try:
        return _measure(books, bars, cfg)
    finally:
        books.close()
        bars.close()
        shm.remove_namespace(namespace)


def _measure(books: BookStore, bars: BarStore, cfg: Config) -> list[float]:
    books.write("BTC/USD", [[99.99, 500.0]], [[100.01, 500.0]], ts=time.time() + 3600)
    out = []
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        ledger = Ledger.open(Path(tmp) / "bot.db")
        broker = TimedBroker(books, PairMap([PAIR]), 0.004, {"USD": Decimal("1000000")})
        ex = Executor(ledger, broker, RiskManager(cfg.risk), PairMap([PAIR]), "USD",
                      Marks(bars, books), Events(lambda *a, **k: None), "paper")
        ex.start()
        try:
            for _ in range(N):
                t0 = time.perf_counter()
                ex.on_intent(intent("long"))
                assert broker.handed > t0, "the entry was not placed"
                out.append((broker.handed - t0) * 1000)
                ex.on_intent(intent("short"))          # close it again
        finally:
            ledger.close()
    return out


def executor_pss_mb() -> float:
    with running_instance() as (home, _):
        sup = Supervisor(home / "run" / "supervisor.sock", home / "run" / "supervisord.pid")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (home / "bot.db").exists():
            time.sleep(0.2)
        time.sleep(3.0)  # settled: stores attached, ledger open, first reports sent
        pid = next(p["pid"] for p in sup.processes() if p["name"] == "executor")
        return sum(pss_kb(p) for p in tree(pid)) / 1024


def run() -> list[Row]:
    samples = latencies_ms()
    note = f"n={N}, real ledger (WAL, synchronous=FULL) in /tmp, paper broker on shm book"
    return [Row("intent -> order recorded + handed to broker p50", percentile(samples, 50),
                "ms", note),
            Row("intent -> order recorded + handed to broker p99", percentile(samples, 99),
                "ms", "target <= 5 ms"),
            Row("memory PSS executor", executor_pss_mb(), "MB")]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name:48s} {r.value:10.3f} {r.unit:3s} {r.note}")
