"""``BarStore``: per-pair rings of closed OHLCV bars plus the bar being formed, in shared memory.

Semantics:

- One writer (the feed) creates the store with ``BarStore.create(namespace, pairs)``; any
  number of readers use ``BarStore.attach(namespace)``. The segment is ``bot.<ns>.bars``.
- A bar is six float64 fields ``[ts_seconds, open, high, low, close, volume]``.
  ``window(pair, n)`` returns the last ``n`` *closed* bars, oldest first, as a verified
  private copy. If fewer than ``n`` bars exist it returns the ones that exist (shape
  ``(min(n, available), 6)``), so callers check ``len()`` rather than catching errors during
  warm-up. ``n`` above the capacity (default 512) is a ``ValueError``.
- ``forming(pair)`` is the bar being formed (or None before the first ``set_forming``). It
  is whatever the writer last set: right after ``append`` it may still be the bar that
  just closed (compare its ts with ``last_ts``).
- ``count(pair)`` is the total number of closed bars ever appended (not capped at the
  capacity); it survives writer restarts. The store does not check bar order or gaps.

Layout and integrity:

- Mirrored ring: ``slots = capacity + 1`` and bar ``k`` is written at rows ``k % slots`` and
  ``k % slots + slots``, so the last ``capacity`` bars are always one contiguous slice and
  a read is one ~24 KB memcpy. The one spare slot is the slot being written next, so an
  append never touches any window a reader may be copying for the published count.
- Per pair, inside the seqlock section (``seq`` odd), an append writes the row, then the
  journal ``(count, sum)``, then the live ``(count, sum)``, where ``sum`` is ``xxh3_64`` of
  the whole capacity window seeded with ``count``. The forming row is written the same way
  (journal row + checksum, then live row + checksum). See :mod:`shared.seqlock`.
- A reader reads seq (retries if odd), count and sum, copies the whole capacity window,
  re-reads seq (retries if changed) and verifies the checksum of its copy (retries on a
  mismatch), then slices the last ``n`` rows of its copy. The cost is therefore the same
  for any ``n``: ~1.3 us of copy + hash plus ~2 us of Python overhead, about 3 us per
  call on the x86 dev box (``bench/bench_shm.py``).
- Why a checksum at all: NumPy has no memory barriers and ARM64 reorders stores and loads,
  so an even, unchanged ``seq`` does not prove the copy is whole. Why xxh3: it hashes the
  24 KB window in ~0.5 us (copy + hash ~1.3 us) where crc32 takes ~6 us and blake2b ~26 us
  (``/work/shared/notes/latency-floor.md`` section 2); a 64-bit hash is collision-safe
  enough against a non-adversarial writer.
- ``extend`` (backfill) runs in one seqlock section but publishes row by row, so a writer
  killed halfway leaves a consistent prefix. A writer killed in any section leaves ``seq``
  odd: readers then fall back to checksum-only reads (live, else journal) and keep
  working; the next ``create()`` repairs the pair (restores the journal if the live pair
  is torn, makes ``seq`` even) and continues from ``count``.

Caveats: single writer per namespace (not enforced). A read raises
:class:`~shared.errors.TornRead` only if no copy verifies for ~50 ms (a damaged segment, or
a writer rewriting the pair non-stop); a dead writer does not cause it. ``extend`` costs
~2 us per row (each row is published). Readers normally see an ``extend`` all or nothing,
but one holding ``seq`` odd for more than 2 ms (over ~1000 rows, or a descheduled writer)
lets them read a verified intermediate state: a consistent prefix of the backfill. All
data is float64 (ts is seconds as a float, exact for integer seconds). The x86-64 tests
cannot exhibit ARM64 reordering; the checksum is what covers it, so re-run the contention
test on the Pi.
"""
from __future__ import annotations

import logging
import operator
from collections.abc import Sequence
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from shared.segment import Layout, Segment
from shared.seqlock import RETRY, SEQ, Retry, checksum, write_section
from shared.store import SharedStore, checked_size

logger = logging.getLogger(__name__)

FIELDS: Final = ("ts", "open", "high", "low", "close", "volume")
N_FIELDS: Final = len(FIELDS)
DEFAULT_CAPACITY: Final = 512
MAX_CAPACITY: Final = 1 << 16
LAYOUT_VERSION: Final = 1

# meta words per pair (word 0 is seqlock.SEQ)
_COUNT, _SUM, _JCOUNT, _JSUM, _FORMING, _FSUM, _JFSUM = range(1, 8)


class _Views(NamedTuple):
    meta: np.ndarray  # (n_pairs, 8) uint64
    ring: np.ndarray  # (n_pairs, 2 * slots + 2, 6) float64: mirrored ring, live forming, journal
    capacity: int
    slots: int
    live: int  # row of the live forming bar
    journal: int  # row of the journal forming bar


def _as_row(row: ArrayLike) -> np.ndarray:
    r = np.ascontiguousarray(row, dtype=np.float64)
    if r.shape != (N_FIELDS,):
        raise ValueError(f"a bar is {N_FIELDS} floats {list(FIELDS)}, got shape {r.shape}")
    return r


def _window_sum(v: _Views, p: int, count: int) -> int:
    e = count % v.slots
    return checksum(v.ring[p, e + 1:e + v.slots], count)


def _try_window(v: _Views, p: int, trusting: bool) -> tuple[int, np.ndarray] | Retry:
    meta = v.meta[p]
    s1 = int(meta[SEQ])
    if s1 & 1 and not trusting:
        return RETRY
    count, expected = meta[_COUNT:_SUM + 1].tolist()
    e = count % v.slots
    win: np.ndarray = v.ring[p, e + 1:e + v.slots].copy()
    if not trusting and int(meta[SEQ]) != s1:
        return RETRY
    if checksum(win, count) == expected:
        return count, win
    if trusting:  # the writer may have died between the live count and sum: use the journal
        count = int(meta[_JCOUNT])
        expected = int(meta[_JSUM])
        e = count % v.slots
        win = v.ring[p, e + 1:e + v.slots].copy()
        if checksum(win, count) == expected:
            return count, win
    return RETRY


def _try_forming(v: _Views, p: int, trusting: bool) -> np.ndarray | None | Retry:
    meta = v.meta[p]
    s1 = int(meta[SEQ])
    if s1 & 1 and not trusting:
        return RETRY
    if not int(meta[_FORMING]):
        return None if trusting or int(meta[SEQ]) == s1 else RETRY
    expected = int(meta[_FSUM])
    row: np.ndarray = v.ring[p, v.live].copy()
    if not trusting and int(meta[SEQ]) != s1:
        return RETRY
    if checksum(row) == expected:
        return row
    if trusting:
        row = v.ring[p, v.journal].copy()
        if checksum(row) == int(meta[_JFSUM]):
            return row
    return RETRY


class BarStore(SharedStore):
    """Shared-memory OHLCV bar rings; see the module docstring for semantics."""

    KIND = "bars"
    VERSION = LAYOUT_VERSION
    NOUN = "bar store"

    @classmethod
    def create(
        cls, namespace: str, pairs: Sequence[str], capacity: int = DEFAULT_CAPACITY
    ) -> BarStore:
        """Writer: create the store, or re-attach to it (data kept) if it has this layout.

        :raises LayoutMismatch: it exists with other pairs, capacity or version.
        """
        return cls._open_writer(namespace, pairs, capacity)

    @classmethod
    def attach(cls, namespace: str) -> BarStore:
        """Reader: attach read-only.

        :raises StoreNotFound: no bar store in this namespace (the feed is not running).
        :raises LayoutMismatch: the segment holds a layout this code cannot read.
        """
        return cls._open_reader(namespace)

    # -- layout ---------------------------------------------------------------------------

    @classmethod
    def _layout(cls, pairs: tuple[str, ...], capacity: int) -> Layout:
        slots = checked_size("capacity", capacity, MAX_CAPACITY) + 1
        return Layout(cls.KIND, cls.VERSION, pairs, capacity, N_FIELDS, (2 * slots + 2) * N_FIELDS)

    @classmethod
    def _init_segment(cls, segment: Segment) -> None:
        # count 0 still has a checksum (of the all-zero window), so every state verifies
        capacity = segment.layout.capacity
        empty = checksum(np.zeros((capacity, N_FIELDS)), 0)
        segment.meta[:, _SUM] = empty
        segment.meta[:, _JSUM] = empty

    def _bind(self, segment: Segment) -> None:
        capacity = segment.layout.capacity
        slots = capacity + 1
        ring = segment.data.reshape(len(segment.layout.pairs), 2 * slots + 2, N_FIELDS)
        segment.views = _Views(segment.meta, ring, capacity, slots, 2 * slots, 2 * slots + 1)

    @property
    def capacity(self) -> int:
        """Most bars a window can hold (the ring keeps this many closed bars per pair)."""
        return int(self._segment().layout.capacity)

    # -- reads ----------------------------------------------------------------------------

    def window(self, pair: str, n: int) -> np.ndarray:
        """The last ``n`` closed bars of ``pair``, oldest first: a verified (k, 6) float64 copy.

        ``k = min(n, bars available)``.

        :raises ValueError: ``n`` is negative or above the capacity.
        :raises KeyError: unknown pair.
        """
        n = operator.index(n)
        count, win = self._read(pair, _try_window)
        capacity = len(win)
        if not 0 <= n <= capacity:
            raise ValueError(f"window of {n} bars asked, {self.name} holds 0..{capacity}")
        k = min(n, count)
        return win[capacity - k:]

    def forming(self, pair: str) -> np.ndarray | None:
        """The bar being formed, a verified (6,) copy, or None if none was set yet."""
        return self._read(pair, _try_forming)

    def count(self, pair: str) -> int:
        """Total closed bars ever appended for ``pair`` (keeps counting past the capacity)."""
        _, v, p = self._resolve(pair)
        return int(v.meta[p, _COUNT])

    def last_ts(self, pair: str) -> float | None:
        """ts of the last closed bar, or None if there is none."""
        count, win = self._read(pair, _try_window)
        return float(win[-1, 0]) if count else None

    # -- writes (the one writer process) -----------------------------------------------------

    def append(self, pair: str, row: ArrayLike) -> None:
        """Append one closed bar ``[ts, o, h, l, c, v]``."""
        r = _as_row(row)
        v, p = self._target(pair)
        with write_section(v.meta[p], lambda: self._repair_pair(v, p)):
            self._put(v, p, r)

    def extend(self, pair: str, rows: ArrayLike) -> None:
        """Append closed bars ``(k, 6)`` oldest first in one seqlock section (backfill).

        ``k`` may exceed the capacity: only the last ``capacity`` stay readable, but
        ``count`` grows by ``k``.
        """
        rs = np.ascontiguousarray(rows, dtype=np.float64)
        if rs.size == 0:
            return
        if rs.ndim != 2 or rs.shape[1] != N_FIELDS:
            raise ValueError(f"bars must have shape (k, {N_FIELDS}), got {rs.shape}")
        v, p = self._target(pair)
        with write_section(v.meta[p], lambda: self._repair_pair(v, p)):
            for r in rs:  # row by row: a writer killed halfway leaves a consistent prefix
                self._put(v, p, r)

    def set_forming(self, pair: str, row: ArrayLike) -> None:
        """Publish the bar being formed ``[ts, o, h, l, c, v]``."""
        r = _as_row(row)
        v, p = self._target(pair)
        meta = v.meta[p]
        with write_section(meta, lambda: self._repair_pair(v, p)):
            h = checksum(r)
            v.ring[p, v.journal] = r
            meta[_JFSUM] = h
            v.ring[p, v.live] = r
            meta[_FSUM] = h
            meta[_FORMING] = 1

    @staticmethod
    def _put(v: _Views, p: int, row: np.ndarray) -> None:
        meta = v.meta[p]
        count = int(meta[_COUNT])
        e = count % v.slots  # the spare slot: outside the published window
        v.ring[p, e] = row
        v.ring[p, e + v.slots] = row
        count += 1
        h = _window_sum(v, p, count)
        meta[_JCOUNT] = count
        meta[_JSUM] = h
        meta[_COUNT] = count
        meta[_SUM] = h

    def _repair_pair(self, v: _Views, p: int) -> list[str]:
        meta = v.meta[p]
        seq = int(meta[SEQ])
        count = int(meta[_COUNT])
        window_ok = _window_sum(v, p, count) == int(meta[_SUM])
        forming_ok = not int(meta[_FORMING]) or checksum(v.ring[p, v.live]) == int(meta[_FSUM])
        if not seq & 1 and window_ok and forming_ok:
            return []
        fixes = [f"seq {seq} was odd"] if seq & 1 else []
        meta[SEQ] = seq | 1
        if not window_ok:
            jcount = int(meta[_JCOUNT])
            if _window_sum(v, p, jcount) == int(meta[_JSUM]):
                meta[_COUNT] = jcount
                meta[_SUM] = meta[_JSUM]
                fixes.append(f"bars restored from the journal (count {count} -> {jcount})")
            else:
                meta[_SUM] = _window_sum(v, p, count)
                fixes.append(f"bar checksum recomputed (count {count})")
        if not forming_ok:
            if checksum(v.ring[p, v.journal]) == int(meta[_JFSUM]):
                v.ring[p, v.live] = v.ring[p, v.journal]
                meta[_FSUM] = meta[_JFSUM]
                fixes.append("forming bar restored from the journal")
            else:
                meta[_FORMING] = 0
                fixes.append("torn forming bar dropped")
        meta[SEQ] = (seq | 1) + 1
        return fixes

    # -- test-only --------------------------------------------------------------------------

    def _window_unchecked(self, pair: str, n: int) -> np.ndarray:
        """TESTS ONLY: copy the last n bars with no seqlock and no checksum (may be torn)."""
        _, v, p = self._resolve(pair)
        count = int(v.meta[p, _COUNT])
        e = count % v.slots
        k = min(n, count, v.capacity)
        rows: np.ndarray = v.ring[p, e + v.slots - k:e + v.slots].copy()
        return rows

    def _forming_unchecked(self, pair: str) -> np.ndarray | None:
        """TESTS ONLY: copy the forming bar with no seqlock and no checksum (may be torn)."""
        _, v, p = self._resolve(pair)
        if not int(v.meta[p, _FORMING]):
            return None
        row: np.ndarray = v.ring[p, v.live].copy()
        return row


def remove(namespace: str) -> bool:
    """Unlink the bar store of ``namespace`` (readers keep their mapping until they close)."""
    return BarStore.remove(namespace)


__all__ = ["BarStore", "DEFAULT_CAPACITY", "FIELDS", "remove"]
