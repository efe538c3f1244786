"""shared.store lifecycle: readers follow a re-created segment, notice removal, never delete."""
from __future__ import annotations

import os

import numpy as np

from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from tests.shared.helpers import PAIRS, Spawn, bars, book_for, book_ok, wait_for

A, B = PAIRS


def test_reader_follows_recreated_segment(ns: str) -> None:
    first = BarStore.create(ns, PAIRS[:1])
    first.extend(A, bars(0, 100))
    reader = BarStore.attach(ns)
    generation_a = reader.generation
    np.testing.assert_array_equal(reader.window(A, 3), bars(97, 3))
    first.close()

    assert BarStore.remove(ns)
    wait_for(lambda: reader.stale, 5, "the reader to notice the segment vanished")
    np.testing.assert_array_equal(reader.window(A, 3), bars(97, 3))  # still serves old data
    assert reader.generation == generation_a

    second = BarStore.create(ns, PAIRS, capacity=256)  # generation B, other layout
    second.extend(A, bars(1000, 10))
    assert second.generation != generation_a
    wait_for(
        lambda: reader.generation == second.generation,
        5, "the reader to re-attach to the re-created segment",
    )
    assert not reader.stale
    assert reader.pairs == [A, B] and reader.capacity == 256
    np.testing.assert_array_equal(reader.window(A, 3), bars(1007, 3))
    assert reader.count(A) == 10
    reader.close()
    second.close()


def test_unknown_pair_triggers_an_immediate_check(ns: str) -> None:
    first = BarStore.create(ns, PAIRS[:1])
    reader = BarStore.attach(ns)
    reader.window(A, 1)
    first.close()
    BarStore.remove(ns)
    second = BarStore.create(ns, PAIRS)
    second.extend(B, bars(0, 4))
    # no waiting for the periodic check: a read that cannot succeed checks at once
    np.testing.assert_array_equal(reader.window(B, 4), bars(0, 4))
    assert reader.generation == second.generation
    reader.close()
    second.close()


def test_reader_keeps_old_mapping_if_recreated_segment_is_foreign(ns: str) -> None:
    writer = BookStore.create(ns, PAIRS)
    writer.write(A, *book_for(3))
    reader = BookStore.attach(ns)
    writer.close()
    BookStore.remove(ns)
    junk = shm.open_segment(shm.segment_name(ns, "books"), create=True, size=4096)
    junk.close()
    wait_for(lambda: reader.stale, 5, "the reader to notice a foreign segment")
    assert book_ok(reader.read(A)) and reader.read(A).ts == 3
    reader.close()


def test_writer_reports_stale_but_never_follows(ns: str) -> None:
    writer = BarStore.create(ns, PAIRS)
    generation = writer.generation
    BarStore.remove(ns)
    wait_for(lambda: writer.stale, 5, "the writer to notice its segment vanished")
    writer.append(A, bars(0, 1)[0])  # writes into its own (orphaned) mapping
    assert writer.generation == generation
    writer.close()


def test_reader_process_exit_never_removes_segment(ns: str, spawn: Spawn) -> None:
    writer = BarStore.create(ns, PAIRS)
    BookStore.create(ns, PAIRS).close()
    writer.extend(A, bars(0, 10))
    reader = spawn("_reader.py", ns, "--min-reads", "30")
    assert reader.json(30) == {"ready": True}
    result = reader.json(30)
    assert reader.wait(10) == 0
    assert result["reads"] >= 30 and result["torn"] == 0 and result["errors"] == []
    assert "leaked" not in reader.stderr()
    assert os.path.exists(shm.segment_path(f"bot.{ns}.bars"))
    assert os.path.exists(shm.segment_path(f"bot.{ns}.books"))
    np.testing.assert_array_equal(writer.window(A, 10), bars(0, 10))
    writer.close()


def test_old_mapping_outlives_close_while_a_view_is_in_use(ns: str) -> None:
    """Regression: closing (or re-attaching) must never unmap memory a thread is still reading."""
    writer = BarStore.create(ns, PAIRS)
    writer.extend(A, bars(0, 5))
    reader = BarStore.attach(ns)
    in_flight = reader._seg.views  # what a concurrent read holds while the store re-attaches
    writer.close()
    BarStore.remove(ns)
    second = BarStore.create(ns, PAIRS)
    wait_for(lambda: reader.generation == second.generation, 5, "the re-attach")
    np.testing.assert_array_equal(in_flight.ring[0, 0:5], bars(0, 5))  # still mapped, no crash
    reader.close()
    np.testing.assert_array_equal(in_flight.ring[0, 0:5], bars(0, 5))
    del in_flight
    second.close()
