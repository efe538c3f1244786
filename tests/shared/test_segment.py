"""shared.segment: header, create-or-attach, layout mismatches that never touch the segment."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from shared import shm
from shared.bars import BarStore
from shared.books import BookStore
from shared.errors import LayoutMismatch, StoreError, StoreNotFound
from tests.shared.helpers import PAIRS, bars


def _bytes(ns: str, kind: str = "bars") -> bytes:
    return Path(shm.segment_path(shm.segment_name(ns, kind))).read_bytes()


def test_attach_absent_store(ns: str) -> None:
    with pytest.raises(StoreNotFound) as err:
        BarStore.attach(ns)
    message = str(err.value)
    assert message == (
        f"no bar store for namespace '{ns}' (/dev/shm/bot.{ns}.bars): is the feed running?"
    )
    with pytest.raises(StoreNotFound, match=f"no book store for namespace '{ns}'"):
        BookStore.attach(ns)
    assert isinstance(err.value, StoreError)


@pytest.mark.parametrize(
    ("pairs", "capacity", "shown"),
    [
        (PAIRS[:1], 512, "1 pair (AAA/USD)"),
        ((*PAIRS, "CCC/USD"), 512, "3 pairs"),
        (PAIRS[::-1], 512, "2 pairs (BBB/USD, AAA/USD)"),
        (PAIRS, 256, "capacity 256"),
    ],
)
def test_layout_mismatch_leaves_segment_untouched(
    ns: str, pairs: tuple[str, ...], capacity: int, shown: str
) -> None:
    writer = BarStore.create(ns, PAIRS)
    writer.extend(PAIRS[0], bars(0, 700))
    writer.set_forming(PAIRS[1], [1, 2, 3, 4, 5, 6])
    before = _bytes(ns)
    with pytest.raises(LayoutMismatch) as err:
        BarStore.create(ns, pairs, capacity=capacity)
    message = str(err.value)
    assert "\n" not in message
    assert f"/dev/shm/bot.{ns}.bars holds bars layout v1, capacity 512, 2 pairs" in message
    assert shown in message
    assert message.endswith("run `make stop` to remove it")
    assert _bytes(ns) == before
    np.testing.assert_array_equal(writer.window(PAIRS[0], 512), bars(188, 512))
    writer.close()


def test_book_depth_mismatch(ns: str) -> None:
    BookStore.create(ns, PAIRS).close()
    before = _bytes(ns, "books")
    with pytest.raises(LayoutMismatch, match="capacity 25.*capacity 10"):
        BookStore.create(ns, PAIRS, depth=10)
    assert _bytes(ns, "books") == before


def test_foreign_segment_is_refused_and_kept(ns: str) -> None:
    name = shm.segment_name(ns, "bars")
    memory = shm.open_segment(name, create=True, size=4096)
    memory.buf[:16] = b"not our data ..."
    memory.close()
    before = _bytes(ns)
    with pytest.raises(LayoutMismatch, match=r"is not a bot store \(magic .*run `make stop`"):
        BarStore.attach(ns)
    with pytest.raises(LayoutMismatch, match="is not a bot store"):
        BarStore.create(ns, PAIRS)
    assert _bytes(ns) == before


def test_tiny_segment_is_refused(ns: str) -> None:
    Path(shm.segment_path(shm.segment_name(ns, "bars"))).write_bytes(b"0123456789")
    with pytest.raises(LayoutMismatch, match="only 10 bytes"):
        BarStore.attach(ns)
    with pytest.raises(LayoutMismatch, match="only 10 bytes"):
        BarStore.create(ns, PAIRS)


def test_other_layout_version_is_refused(ns: str) -> None:
    BarStore.create(ns, PAIRS).close()
    path = Path(shm.segment_path(shm.segment_name(ns, "bars")))
    raw = bytearray(path.read_bytes())
    struct.pack_into("<I", raw, 12, 99)  # the layout version field
    with open(path, "r+b") as f:
        f.write(raw)
    with pytest.raises(LayoutMismatch, match="holds bars layout v99.*it reads bars layout v1"):
        BarStore.attach(ns)
    with pytest.raises(LayoutMismatch, match="holds bars layout v99"):
        BarStore.create(ns, PAIRS)
    assert path.read_bytes() == bytes(raw)


def test_header_records_layout(ns: str) -> None:
    writer = BarStore.create(ns, PAIRS, capacity=64)
    reader = BarStore.attach(ns)
    assert reader.pairs == list(PAIRS)
    assert reader.capacity == 64
    assert reader.generation == writer.generation != 0
    assert reader.created == writer.created
    assert reader.name == f"bot.{ns}.bars" and reader.namespace == ns
    assert reader._seg.meta.flags.writeable is False  # readers map read-only views
    assert reader._seg.data.flags.writeable is False
    assert shm.segment_names(f"bot.{ns}.") == [f"bot.{ns}.bars"]  # no temporary names left
    reader.close()
    writer.close()


@pytest.mark.parametrize(
    "pairs", [[], ["A" * 17], ["AAA/USD", "AAA/USD"], "AAA/USD", ["bad\x00"], ["é/USD"]]
)
def test_invalid_pairs(ns: str, pairs: list[str]) -> None:
    with pytest.raises(ValueError):
        BarStore.create(ns, pairs)
    assert shm.segment_names(f"bot.{ns}.") == []


@pytest.mark.parametrize("capacity", [0, -1, 1 << 17, 2.0, True])
def test_invalid_capacity(ns: str, capacity: int) -> None:
    with pytest.raises(ValueError, match="capacity"):
        BarStore.create(ns, PAIRS, capacity=capacity)
