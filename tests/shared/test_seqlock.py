"""shared.seqlock under real contention and real crashes (separate OS processes, no mocks).

A writer process hammers one pair (bars, forming bar, book) while reader processes check
every snapshot on its own. With the protocol there must be no torn snapshot; with the
test-only unchecked reads there must be some (so the check itself is shown to work).
"""
from __future__ import annotations

import os
import signal
import time
from typing import Any

import numpy as np
import pytest

from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import TornRead
from shared.seqlock import SEQ, write_section
from tests.shared.helpers import (
    DEPTH,
    PAIR,
    PAIRS,
    Helper,
    Spawn,
    bar,
    book_for,
    book_ok,
    forming_ok,
    forming_row,
    wait_for,
    window_ok,
)

MIN_READS = 100_000


def _start_writer(spawn: Spawn, ns: str) -> tuple[Helper, dict[str, Any]]:
    writer = spawn("_writer.py", ns, "hammer")
    ready = writer.json(30)
    assert ready["ready"] is True
    return writer, ready


def test_no_torn_reads_under_contention(ns: str, spawn: Spawn) -> None:
    writer, _ = _start_writer(spawn, ns)
    readers = [
        spawn("_reader.py", ns, "--min-reads", str(MIN_READS // 2), "--seconds", "40")
        for _ in range(2)
    ]
    results = []
    for reader in readers:
        assert reader.json(30) == {"ready": True}
    for reader in readers:
        results.append(reader.json(60))
        assert reader.wait(10) == 0
    writer.signal(signal.SIGTERM)
    final = writer.json(10)
    assert writer.wait(10) == 0
    print(f"\ncontention: writer {final}, readers {results}")
    assert all(r["errors"] == [] for r in results), results
    assert sum(r["reads"] for r in results) >= MIN_READS, results
    assert sum(r["torn"] for r in results) == 0, results
    assert sum(r["retries"] for r in results) > 0, "the writer never got in the readers' way"
    assert final["count"] > 1000


def test_unchecked_reads_do_tear(ns: str, spawn: Spawn) -> None:
    """Without seqlock and checksum the same harness sees torn snapshots, so the check bites."""
    writer, _ = _start_writer(spawn, ns)
    readers = [
        spawn("_reader.py", ns, "--unchecked", "--until-torn", "--seconds", "20")
        for _ in range(2)
    ]
    for reader in readers:
        assert reader.json(30) == {"ready": True}
    results = [reader.json(60) for reader in readers]
    writer.signal(signal.SIGTERM)
    print(f"\nunchecked: {results}")
    assert all(r["errors"] == [] for r in results), results
    assert sum(r["torn"] for r in results) > 0, results


def _check_store(ns: str) -> int:
    """A fresh reader attaches and sees consistent data; returns the bar count."""
    with BarStore.attach(ns) as store, BookStore.attach(ns) as books:
        count = store.count(PAIR)
        window = store.window(PAIR, 512)
        assert window_ok(window) and len(window) == min(count, 512)
        assert window[-1, 1] == count - 1  # the last bar is bar count-1: nothing lost
        assert forming_ok(store.forming(PAIR))
        assert book_ok(books.read(PAIR), DEPTH)
        return count


def test_writer_sigkill_and_restart(ns: str, spawn: Spawn) -> None:
    writer, ready = _start_writer(spawn, ns)
    generation = ready["generation"]
    with BarStore.attach(ns) as probe:
        wait_for(lambda: probe.count(PAIR) >= 2000, 30, "the writer to append 2000 bars")
        reader = spawn("_reader.py", ns, "--forever")
        assert reader.json(30) == {"ready": True}
        start = probe.count(PAIR)
        wait_for(lambda: probe.count(PAIR) >= start + 2000, 30, "more bars while reading")

        writer.signal(signal.SIGKILL)  # mid-stream: it is writing in a loop
        assert writer.wait(10) == -signal.SIGKILL
        assert os.path.exists(shm.segment_path(f"bot.{ns}.bars"))
        killed_at = _check_store(ns)

        restarted = spawn("_writer.py", ns, "hammer")
        again = restarted.json(30)
        assert again["count"] == killed_at  # continues from the last count
        assert again["generation"] == generation  # same segment, re-attached
        wait_for(lambda: probe.count(PAIR) >= killed_at + 100, 30, "the restarted writer")
        window = probe.window(PAIR, 512)  # spans the restart
        assert window_ok(window) and window[0, 1] < killed_at <= window[-1, 1]
        assert probe.generation == generation

    reader.signal(signal.SIGTERM)
    result = reader.json(30)
    assert reader.wait(10) == 0
    print(f"\nreader across the kill: {result}")
    assert result["errors"] == [] and result["torn"] == 0
    assert result["max_count"] > killed_at  # it kept reading, into the restarted writer's bars
    assert "leaked" not in reader.stderr()
    assert os.path.exists(shm.segment_path(f"bot.{ns}.bars"))  # a reader's exit removes nothing

    restarted.signal(signal.SIGTERM)
    assert restarted.json(10)["count"] > killed_at
    assert restarted.wait(10) == 0
    assert shm.segment_names(f"bot.{ns}.") == [f"bot.{ns}.bars", f"bot.{ns}.books"]
    assert _check_store(ns) > killed_at

    assert shm.remove_namespace(ns) == [f"bot.{ns}.bars", f"bot.{ns}.books"]
    assert shm.segment_names(f"bot.{ns}.") == []


def test_writer_killed_mid_write_is_repaired(ns: str, spawn: Spawn) -> None:
    """The worst moment: seq odd, live count ahead of its checksum, forming and book torn."""
    dying = spawn("_writer.py", ns, "die")
    assert dying.json(30) == {"dying": True, "count": 601}
    assert dying.wait(10) == -signal.SIGKILL

    store = BarStore.attach(ns)
    books = BookStore.attach(ns)
    v = store._seg.views
    assert int(v.meta[0, SEQ]) & 1, "the fault injection should leave seq odd"
    torn_live = v.ring[0, v.live].copy()
    assert not forming_ok(torn_live)
    # readers keep working: they fall back to checksum-only reads and the journal
    window = store.window(PAIR, 512)
    assert window_ok(window) and window[-1, 1] == 600
    np.testing.assert_array_equal(store.forming(PAIR), forming_row(6))
    book = books.read(PAIR)
    assert book_ok(book, DEPTH) and book.ts == 6

    writer = BarStore.create(ns, PAIRS)  # the restarted writer repairs on attach
    book_writer = BookStore.create(ns, PAIRS, depth=DEPTH)
    assert not int(v.meta[0, SEQ]) & 1
    assert not int(books._seg.views.meta[0, SEQ]) & 1
    assert writer.count(PAIR) == 601
    np.testing.assert_array_equal(v.ring[0, v.live], forming_row(6))  # live copy restored
    retries = store._retries
    assert window_ok(store.window(PAIR, 512)) and book_ok(books.read(PAIR), DEPTH)
    assert store._retries == retries  # back on the fast path
    writer.append(PAIR, bar(601))
    assert store.window(PAIR, 2)[-1, 1] == 601 and store.count(PAIR) == 602
    book_writer.write(PAIR, *book_for(7, DEPTH))
    assert books.read(PAIR).ts == 7
    for s in (store, books, writer, book_writer):
        s.close()


def test_write_section_repairs_on_exception() -> None:
    meta_row = np.zeros(8, dtype=np.uint64)
    with write_section(meta_row, lambda: None):
        assert int(meta_row[SEQ]) == 1  # odd while writing
    assert int(meta_row[SEQ]) == 2
    repaired = []

    def repair() -> None:
        repaired.append(int(meta_row[SEQ]))
        meta_row[SEQ] = int(meta_row[SEQ]) + 1

    with pytest.raises(KeyboardInterrupt):
        with write_section(meta_row, repair):
            raise KeyboardInterrupt
    assert repaired == [3] and int(meta_row[SEQ]) == 4


def test_unverifiable_data_raises_torn_read_within_the_budget(ns: str) -> None:
    writer = BarStore.create(ns, PAIRS)
    writer.extend(PAIR, np.array([bar(k) for k in range(10)]))
    writer.set_forming(PAIR, forming_row(1))
    reader = BarStore.attach(ns)
    v = writer._seg.views
    v.meta[0, SEQ] += 1  # "writing" ...
    v.ring[0, v.live, 0] = -1.0  # ... and both copies damaged: nothing can verify
    v.ring[0, v.journal, 0] = -1.0
    np.testing.assert_array_equal(reader.window(PAIR, 3)[:, 1], [7, 8, 9])  # bars still fine
    start = time.monotonic()
    with pytest.raises(TornRead) as err:
        reader.forming(PAIR)
    elapsed = time.monotonic() - start
    assert 0.04 < elapsed < 1.0
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"no consistent snapshot of {PAIR} in /dev/shm/bot.{ns}.bars")
    del v
    writer.close()
    again = BarStore.create(ns, PAIRS)  # a re-attaching writer drops what it cannot verify
    assert again.forming(PAIR) is None
    assert reader.forming(PAIR) is None
    assert not int(again._seg.views.meta[0, SEQ]) & 1
    reader.close()
    again.close()
