"""``BookStore``: the top ``depth`` (default 25) levels of each pair's order book, in shared memory.

Semantics:

- One writer (the feed) calls ``write(pair, bids, asks, ts)`` with whole snapshots of the
  top of book; readers call ``read(pair)`` and get a :class:`Book` of private, verified
  copies, or None if the writer never wrote that pair. The segment is ``bot.<ns>.books``.
- ``bids`` and ``asks`` are ``(k, 2)`` float64 ``[price, qty]`` arrays, best level first:
  bids by descending price, asks by ascending price. The store keeps the order it is given
  and does not check it (the feed validates books against Kraken's checksum). ``k`` may
  differ per side and be anything from 0 to ``depth``.
- ``ts`` is the exchange time of the snapshot in seconds.

Integrity: the same protocol as the bar store (:mod:`shared.seqlock`). Each pair holds a
live record and a journal record ``[bids | asks | ts, n_bids, n_asks, 0]`` (832 bytes at
depth 25); a write fills the journal and its ``xxh3_64``, then the live copy and its
checksum, inside the seqlock section. Readers copy the live record and verify its checksum,
so a book is never a mix of two updates, even on ARM64 or after the writer was killed
mid-write.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from shared.segment import Layout, Segment
from shared.seqlock import RETRY, SEQ, Retry, checksum, write_section
from shared.store import SharedStore, checked_size

logger = logging.getLogger(__name__)

DEFAULT_DEPTH: Final = 25
MAX_DEPTH: Final = 1000
LAYOUT_VERSION: Final = 1
N_FIELDS: Final = 2  # price, qty

# meta words per pair (word 0 is seqlock.SEQ)
_PRESENT, _SUM, _JSUM = range(1, 4)


class Book(NamedTuple):
    """A verified top-of-book snapshot: ``(k, 2)`` ``[price, qty]`` arrays, best level first."""

    bids: np.ndarray
    asks: np.ndarray
    ts: float


class _Views(NamedTuple):
    meta: np.ndarray  # (n_pairs, 8) uint64
    records: np.ndarray  # (n_pairs, 2, record_floats) float64: [0] live, [1] journal
    depth: int


def _record_floats(depth: int) -> int:
    return 4 * depth + 4


def _side(levels: ArrayLike, depth: int, name: str) -> np.ndarray:
    side = np.asarray(levels, dtype=np.float64)
    if side.size == 0:
        return side.reshape(0, N_FIELDS)
    if side.ndim != 2 or side.shape[1] != N_FIELDS or len(side) > depth:
        raise ValueError(f"{name} must have shape (k, 2) with k <= {depth}, got {side.shape}")
    return side


def _book(record: np.ndarray, depth: int) -> Book:
    n_bids = int(record[4 * depth + 1])
    n_asks = int(record[4 * depth + 2])
    levels = record[:4 * depth].reshape(2, depth, N_FIELDS)
    return Book(levels[0, :n_bids], levels[1, :n_asks], float(record[4 * depth]))


def _try_read(v: _Views, p: int, trusting: bool) -> np.ndarray | None | Retry:
    meta = v.meta[p]
    s1 = int(meta[SEQ])
    if s1 & 1 and not trusting:
        return RETRY
    if not int(meta[_PRESENT]):
        return None if trusting or int(meta[SEQ]) == s1 else RETRY
    expected = int(meta[_SUM])
    record: np.ndarray = v.records[p, 0].copy()
    if not trusting and int(meta[SEQ]) != s1:
        return RETRY
    if checksum(record) == expected:
        return record
    if trusting:  # the writer may have died mid-write: the journal copy is whole
        record = v.records[p, 1].copy()
        if checksum(record) == int(meta[_JSUM]):
            return record
    return RETRY


class BookStore(SharedStore):
    """Shared-memory top-of-book snapshots; see the module docstring for semantics."""

    KIND = "books"
    VERSION = LAYOUT_VERSION
    NOUN = "book store"

    @classmethod
    def create(cls, namespace: str, pairs: Sequence[str], depth: int = DEFAULT_DEPTH) -> BookStore:
        """Writer: create the store, or re-attach to it (data kept) if it has this layout.

        :raises LayoutMismatch: it exists with other pairs, depth or version.
        """
        return cls._open_writer(namespace, pairs, depth)

    @classmethod
    def attach(cls, namespace: str) -> BookStore:
        """Reader: attach read-only.

        :raises StoreNotFound: no book store in this namespace (the feed is not running).
        :raises LayoutMismatch: the segment holds a layout this code cannot read.
        """
        return cls._open_reader(namespace)

    @classmethod
    def _layout(cls, pairs: tuple[str, ...], capacity: int) -> Layout:
        floats = 2 * _record_floats(checked_size("depth", capacity, MAX_DEPTH))
        return Layout(cls.KIND, cls.VERSION, pairs, capacity, N_FIELDS, floats)

    def _bind(self, segment: Segment) -> None:
        depth = segment.layout.capacity
        records = segment.data.reshape(len(segment.layout.pairs), 2, _record_floats(depth))
        segment.views = _Views(segment.meta, records, depth)

    @property
    def depth(self) -> int:
        """Levels kept per side."""
        return int(self._segment().layout.capacity)

    def read(self, pair: str) -> Book | None:
        """The latest snapshot of ``pair`` (verified copies), or None if never written."""
        record = self._read(pair, _try_read)
        if record is None:
            return None
        return _book(record, len(record) // 4 - 1)

    def write(self, pair: str, bids: ArrayLike, asks: ArrayLike, ts: float) -> None:
        """Publish a snapshot: ``(k, 2)`` ``[price, qty]`` per side, best first, ``k <= depth``."""
        v, p = self._target(pair)
        depth = v.depth
        b = _side(bids, depth, "bids")
        a = _side(asks, depth, "asks")
        record = np.zeros(_record_floats(depth))
        record[:2 * len(b)] = b.ravel()
        record[2 * depth:2 * depth + 2 * len(a)] = a.ravel()
        record[4 * depth:4 * depth + 3] = (float(ts), len(b), len(a))
        h = checksum(record)
        meta = v.meta[p]
        with write_section(meta, lambda: self._repair_pair(v, p)):
            v.records[p, 1] = record
            meta[_JSUM] = h
            v.records[p, 0] = record
            meta[_SUM] = h
            meta[_PRESENT] = 1

    def _repair_pair(self, v: _Views, p: int) -> list[str]:
        meta = v.meta[p]
        seq = int(meta[SEQ])
        live_ok = not int(meta[_PRESENT]) or checksum(v.records[p, 0]) == int(meta[_SUM])
        if not seq & 1 and live_ok:
            return []
        fixes = [f"seq {seq} was odd"] if seq & 1 else []
        meta[SEQ] = seq | 1
        if not live_ok:
            if checksum(v.records[p, 1]) == int(meta[_JSUM]):
                v.records[p, 0] = v.records[p, 1]
                meta[_SUM] = meta[_JSUM]
                fixes.append("book restored from the journal")
            else:
                meta[_PRESENT] = 0
                fixes.append("torn book dropped")
        meta[SEQ] = (seq | 1) + 1
        return fixes

    def _read_unchecked(self, pair: str) -> Book | None:
        """TESTS ONLY: copy the live record with no seqlock and no checksum (may be torn)."""
        _, v, p = self._resolve(pair)
        if not int(v.meta[p, _PRESENT]):
            return None
        return _book(v.records[p, 0].copy(), v.depth)


def remove(namespace: str) -> bool:
    """Unlink the book store of ``namespace`` (readers keep their mapping until they close)."""
    return BookStore.remove(namespace)


__all__ = ["Book", "BookStore", "DEFAULT_DEPTH", "remove"]
