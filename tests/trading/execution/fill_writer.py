"""Child process for the kill -9 test: books fills in a loop, printing each fill id once it is
committed. Usage: python fill_writer.py DB_PATH PREFIX"""
from __future__ import annotations

import sys
from decimal import Decimal

from trading.execution.ledger import Fill, Ledger
from trading.execution.ledger_types import NewOrder

PAIRS = ("BTC/USD", "ETH/USD", "SOL/USD")


def main(path: str, prefix: str) -> None:
    led = Ledger.open(path)
    i = 0
    while True:
        pair = PAIRS[i % len(PAIRS)]
        pos = led.position(pair)
        ts = 1_710_000_000_000 + i * 7_000_000  # crosses several UTC midnights
        if pos is not None and i % 4 == 3:
            qty = pos.qty if i % 8 == 7 else (pos.qty / 2).quantize(Decimal("1e-8"))
            fill = Fill(f"{prefix}-s{i}", pair, "sell", qty, 100 + i % 13, "0.0013", ts)
        else:
            cl = f"{prefix}-o{i}"
            led.record_order_pending(NewOrder(cl, pair, "buy", "market", "0.003", "entry", ts,
                                              intent_id=cl, stop=90))
            fill = Fill(f"{prefix}-b{i}", pair, "buy", "0.003", 100 + i % 11, "0.0021", ts,
                        cl_ord_id=cl)
        led.apply_fill(fill)
        led.snapshot_equity(ts, 1000.0 + i % 17, 900.0, 0.5)
        print(fill.fill_id, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
