"""Test helper process: the single writer of a namespace's bar and book stores.

Usage: ``_writer.py NAMESPACE hammer [--pause-every N] [--pause S]``
or ``_writer.py NAMESPACE die``.

``hammer`` creates (or re-attaches to) the stores, prints ``{"ready": true, "count": k}``
and then writes to ``PAIR`` in a loop until SIGTERM: per iteration a few forming-bar
updates, one book snapshot and one closed bar (every 50th iteration a 3-bar ``extend``).
It continues from the stored count and forming value, so a restarted writer carries on.
On SIGTERM it closes the stores and prints ``{"count": k, "iterations": i}``.

``die`` writes 600 bars, forming update 5 and book 5, then fakes a crash at the worst
moment (seq odd, live bar count published but not its checksum, live forming row and live
book half-written over complete journal copies) and SIGKILLs itself.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import time

import numpy as np

from shared import bars as bars_mod
from shared import books as books_mod
from shared.bars import BarStore
from shared.books import BookStore
from shared.seqlock import SEQ, checksum
from tests.shared.helpers import DEPTH, PAIR, PAIRS, bar, bars, book_for, forming_row

_stop = False


def _on_term(signum: int, frame: object) -> None:
    global _stop
    _stop = True


def hammer(namespace: str, forming_per_bar: int, pause_every: int, pause: float) -> None:
    store = BarStore.create(namespace, PAIRS)
    books = BookStore.create(namespace, PAIRS, depth=DEPTH)
    k = store.count(PAIR)
    last = store.forming(PAIR)
    m = int(last[0]) + 1 if last is not None else 0
    print(json.dumps({"ready": True, "count": k, "generation": store.generation}), flush=True)
    i = 0
    while not _stop:
        for _ in range(forming_per_bar):
            store.set_forming(PAIR, forming_row(m))
            m += 1
        books.write(PAIR, *book_for(m, DEPTH))
        if i % 50 == 49:
            store.extend(PAIR, bars(k, 3))
            k += 3
        else:
            store.append(PAIR, bar(k))
            k += 1
        i += 1
        if pause_every and i % pause_every == 0:
            time.sleep(pause)  # load shaping so readers are not starved on 2 cores
    store.close()
    books.close()
    print(json.dumps({"count": k, "iterations": i}), flush=True)


def die(namespace: str) -> None:
    store = BarStore.create(namespace, PAIRS)
    books = BookStore.create(namespace, PAIRS, depth=DEPTH)
    store.extend(PAIR, bars(0, 600))
    store.set_forming(PAIR, forming_row(5))
    books.write(PAIR, *book_for(5, DEPTH))
    # Fault injection: replay the start of each write protocol and stop at its worst point.
    v, p = store._target(PAIR)
    meta = v.meta[p]
    meta[SEQ] = int(meta[SEQ]) + 1  # odd: "writing"
    count = int(meta[bars_mod._COUNT])
    e = count % v.slots
    v.ring[p, e] = bar(count)
    v.ring[p, e + v.slots] = bar(count)
    h = bars_mod._window_sum(v, p, count + 1)
    meta[bars_mod._JCOUNT] = count + 1
    meta[bars_mod._JSUM] = h
    meta[bars_mod._COUNT] = count + 1  # ... killed before meta[_SUM] = h
    row = forming_row(6)
    v.ring[p, v.journal] = row
    meta[bars_mod._JFSUM] = checksum(row)
    v.ring[p, v.live, :3] = row[:3]  # live forming row torn: [6, 6, 6, 5, 5, 5]
    bv, bp = books._target(PAIR)
    bmeta = bv.meta[bp]
    bmeta[SEQ] = int(bmeta[SEQ]) + 1
    record = np.array(bv.records[bp, 0])
    bids, asks, ts = book_for(6, DEPTH)
    record[:2 * len(bids)] = bids.ravel()
    record[2 * DEPTH:2 * DEPTH + 2 * len(asks)] = asks.ravel()
    record[4 * DEPTH:4 * DEPTH + 3] = (ts, len(bids), len(asks))
    bv.records[bp, 1] = record
    bmeta[books_mod._JSUM] = checksum(record)
    bv.records[bp, 0, :30] = record[:30]  # live book torn
    print(json.dumps({"dying": True, "count": count + 1}), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("namespace")
    parser.add_argument("mode", choices=["hammer", "die"])
    parser.add_argument("--forming-per-bar", type=int, default=3)
    parser.add_argument("--pause-every", type=int, default=8)
    parser.add_argument("--pause", type=float, default=0.0001)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_term)
    if args.mode == "hammer":
        hammer(args.namespace, args.forming_per_bar, args.pause_every, args.pause)
    else:
        die(args.namespace)


if __name__ == "__main__":
    main()
