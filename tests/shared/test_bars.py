"""shared.bars.BarStore in one process: windows, mirrored ring, forming bar, errors."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from shared.bars import BarStore, remove
from shared.errors import ReadOnlyStore, StoreError
from tests.shared.helpers import PAIRS, bar, bars, window_ok

A, B = PAIRS


Stores = tuple[BarStore, BarStore]


@pytest.fixture
def stores(ns: str) -> Iterator[Stores]:
    """(writer, reader) on one namespace."""
    writer = BarStore.create(ns, PAIRS)
    reader = BarStore.attach(ns)
    yield writer, reader
    reader.close()
    writer.close()


def test_round_trip_and_window_shapes(stores: Stores) -> None:
    writer, reader = stores
    assert reader.pairs == [A, B] and reader.capacity == 512
    assert reader.window(A, 10).shape == (0, 6)
    assert reader.count(A) == 0 and reader.last_ts(A) is None
    for k in range(5):
        writer.append(A, bar(k))
    w = reader.window(A, 10)  # fewer bars than asked: returns what exists
    assert w.shape == (5, 6) and w.dtype == np.float64
    np.testing.assert_array_equal(w, bars(0, 5))
    np.testing.assert_array_equal(reader.window(A, 2), bars(3, 2))  # oldest first
    assert reader.window(A, 0).shape == (0, 6)
    assert reader.count(A) == 5 and reader.last_ts(A) == 4 * 60.0
    assert reader.count(B) == 0 and reader.window(B, 5).shape == (0, 6)
    writer.append(B, [1.0, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(reader.window(B, 512), [[1.0, 2, 3, 4, 5, 6]])
    np.testing.assert_array_equal(reader.window(A, 512), bars(0, 5))  # pairs are independent


def test_window_is_a_private_copy(stores: Stores) -> None:
    writer, reader = stores
    writer.extend(A, bars(0, 20))
    w = reader.window(A, 20)
    assert w.flags.writeable and w.flags.c_contiguous
    w[:] = -1
    np.testing.assert_array_equal(reader.window(A, 20), bars(0, 20))


def test_mirrored_ring_wraps_around(ns: str) -> None:
    capacity = 8
    writer = BarStore.create(ns, PAIRS, capacity=capacity)
    reader = BarStore.attach(ns)
    for k in range(capacity * 6 + 3):
        writer.append(A, bar(k))
        for n in range(capacity + 1):
            w = reader.window(A, n)
            expect = min(n, k + 1)
            assert w.shape == (expect, 6)
            assert w.flags.c_contiguous
            np.testing.assert_array_equal(w, bars(k + 1 - expect, expect))
    # every slot is mirrored: row i and row i + slots hold the same bar
    ring = reader._seg.views.ring[0]
    slots = capacity + 1
    np.testing.assert_array_equal(ring[:slots], ring[slots:2 * slots])
    assert reader.count(A) == capacity * 6 + 3
    reader.close()
    writer.close()


def test_extend_more_than_capacity(ns: str) -> None:
    writer = BarStore.create(ns, PAIRS, capacity=16)
    writer.extend(A, bars(0, 3 * 16 + 5))
    assert writer.count(A) == 53
    np.testing.assert_array_equal(writer.window(A, 16), bars(37, 16))
    writer.append(A, bar(53))
    writer.extend(A, bars(54, 2))
    writer.extend(A, np.empty((0, 6)))  # no-op
    np.testing.assert_array_equal(writer.window(A, 16), bars(40, 16))
    assert writer.count(A) == 56 and writer.last_ts(A) == 55 * 60.0
    writer.close()


def test_forming_bar(stores: Stores) -> None:
    writer, reader = stores
    assert reader.forming(A) is None
    writer.set_forming(A, [60.0, 1, 2, 0.5, 1.5, 10])
    np.testing.assert_array_equal(reader.forming(A), [60.0, 1, 2, 0.5, 1.5, 10])
    writer.set_forming(A, [60.0, 1, 3, 0.5, 2.5, 12])
    f = reader.forming(A)
    np.testing.assert_array_equal(f, [60.0, 1, 3, 0.5, 2.5, 12])
    f[:] = 0  # a private copy
    assert reader.forming(A)[2] == 3
    assert reader.forming(B) is None
    assert reader.window(A, 5).shape == (0, 6)  # forming bars are not closed bars


def test_unknown_pair(stores: Stores) -> None:
    writer, reader = stores
    for call in (
        lambda: reader.window("ZZZ/USD", 5),
        lambda: reader.forming("ZZZ/USD"),
        lambda: reader.count("ZZZ/USD"),
        lambda: writer.append("ZZZ/USD", bar(0)),
    ):
        with pytest.raises(KeyError, match=r"'ZZZ/USD' is not in bar store .*AAA/USD, BBB/USD"):
            call()


def test_window_size_limits(stores: Stores) -> None:
    writer, reader = stores
    with pytest.raises(ValueError, match="513"):
        reader.window(A, 513)
    with pytest.raises(ValueError):
        reader.window(A, -1)
    with pytest.raises(TypeError):
        reader.window(A, 2.5)  # type: ignore[arg-type]


def test_bad_rows(stores: Stores) -> None:
    writer, _ = stores
    with pytest.raises(ValueError, match="6 floats"):
        writer.append(A, [1.0, 2.0])
    with pytest.raises(ValueError, match="6 floats"):
        writer.set_forming(A, np.zeros((1, 6)))
    with pytest.raises(ValueError, match=r"shape \(k, 6\)"):
        writer.extend(A, np.zeros((3, 5)))
    assert writer.count(A) == 0


def test_read_only_store_refuses_writes(stores: Stores) -> None:
    writer, reader = stores
    assert not reader.writable and writer.writable
    for call in (
        lambda: reader.append(A, bar(0)),
        lambda: reader.extend(A, bars(0, 2)),
        lambda: reader.set_forming(A, bar(0)),
    ):
        with pytest.raises(ReadOnlyStore, match="attached read-only"):
            call()
    assert writer.count(A) == 0


def test_writer_reattach_keeps_data(ns: str) -> None:
    writer = BarStore.create(ns, PAIRS)
    writer.extend(A, bars(0, 600))
    writer.set_forming(A, [1.0] * 6)
    generation = writer.generation
    writer.close()
    again = BarStore.create(ns, PAIRS)
    assert again.generation == generation
    assert again.count(A) == 600
    np.testing.assert_array_equal(again.window(A, 512), bars(88, 512))
    np.testing.assert_array_equal(again.forming(A), [1.0] * 6)
    again.append(A, bar(600))
    assert window_ok(again.window(A, 512)) and again.last_ts(A) == 600 * 60.0
    again.close()


def test_closed_store(ns: str) -> None:
    with BarStore.create(ns, PAIRS) as writer:
        writer.append(A, bar(0))
    assert writer.closed
    with pytest.raises(StoreError, match="closed"):
        writer.window(A, 1)
    assert remove(ns) is True
    assert remove(ns) is False
