"""Test helper process: a reader that checks every snapshot it reads.

Usage: ``_reader.py NAMESPACE [--unchecked] [--min-reads N] [--seconds S] [--until-torn]
[--forever]``

Each loop reads a bar window (n cycling 512, 100, 7, 1), the forming bar and the book of
``PAIR`` and checks each snapshot on its own (see ``tests.shared.helpers``). ``--unchecked``
uses the test-only read paths that skip the seqlock and checksum. It prints
``{"ready": true}`` after the first loop, stops after ``--min-reads`` reads (unless
``--forever``), at the first torn snapshot with ``--until-torn``, after ``--seconds``, or on
SIGTERM, then prints one JSON line: reads, torn counts per kind, errors, retries, highest
bar count seen, elapsed seconds.
"""
from __future__ import annotations

import argparse
import json
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from shared.bars import BarStore
from shared.books import BookStore
from tests.shared.helpers import DEPTH, PAIR, book_ok, forming_ok, window_ok

_stop = False
SIZES = (512, 100, 7, 1)


def _on_term(signum: int, frame: object) -> None:
    global _stop
    _stop = True


@dataclass
class Tally:
    reads: int = 0
    torn: int = 0
    torn_window: int = 0
    torn_forming: int = 0
    torn_book: int = 0
    errors: list[str] = field(default_factory=list)
    retries: int = 0
    max_count: int = 0
    seconds: float = 0.0


def _readers(bars: BarStore, books: BookStore, unchecked: bool) -> tuple[Callable[..., Any], ...]:
    if unchecked:
        return bars._window_unchecked, bars._forming_unchecked, books._read_unchecked
    return bars.window, bars.forming, books.read


def _one_loop(tally: Tally, loops: int, read: tuple[Callable[..., Any], ...]) -> None:
    read_window, read_forming, read_book = read
    rows = read_window(PAIR, SIZES[loops % len(SIZES)])
    tally.reads += 1
    if not window_ok(rows):
        tally.torn_window += 1
    elif len(rows):
        tally.max_count = max(tally.max_count, int(rows[-1, 1]) + 1)
    tally.reads += 1
    if not forming_ok(read_forming(PAIR)):
        tally.torn_forming += 1
    tally.reads += 1
    if not book_ok(read_book(PAIR), DEPTH):
        tally.torn_book += 1
    tally.torn = tally.torn_window + tally.torn_forming + tally.torn_book


def _done(args: argparse.Namespace, tally: Tally, loops: int, start: float) -> bool:
    if _stop or (args.until_torn and tally.torn) or len(tally.errors) >= 20:
        return True
    if not args.forever and args.min_reads and tally.reads >= args.min_reads:
        return True
    return loops % 64 == 0 and time.monotonic() - start > args.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("namespace")
    parser.add_argument("--unchecked", action="store_true")
    parser.add_argument("--min-reads", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--until-torn", action="store_true")
    parser.add_argument("--forever", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_term)

    bars = BarStore.attach(args.namespace)
    books = BookStore.attach(args.namespace)
    read = _readers(bars, books, args.unchecked)
    tally = Tally()
    loops = 0
    start = time.monotonic()
    while True:
        try:
            _one_loop(tally, loops, read)
        except Exception as exc:  # reported; the tests assert there were none
            tally.errors.append(f"{type(exc).__name__}: {exc}")
        loops += 1
        if loops == 1:
            print(json.dumps({"ready": True}), flush=True)
        if _done(args, tally, loops, start):
            break
    tally.retries = bars._retries + books._retries
    tally.seconds = round(time.monotonic() - start, 3)
    bars.close()
    books.close()
    print(json.dumps(asdict(tally)), flush=True)


if __name__ == "__main__":
    main()
