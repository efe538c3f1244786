"""Base class for the shared-memory stores: open/attach, re-attach, the retrying read loop.

Semantics and caveats:

- ``_open_writer`` creates the segment or re-attaches to it (same layout: data kept, every
  pair checked and repaired if a previous writer died mid-write). ``_open_reader`` attaches
  read-only. Neither ever removes a segment; ``remove(namespace)`` does.
- A reader checks at most once per :attr:`CHECK_INTERVAL` (and whenever a read cannot
  succeed, or a pair is unknown) whether the file in ``/dev/shm`` is still the one it
  mapped (by inode). A different inode means the writer re-created the store: the reader
  re-attaches (pairs and capacity may change) and :attr:`generation` changes. A vanished
  file means ``make stop`` or a crash cleanup: the reader keeps serving the old mapping and
  :attr:`stale` becomes True. A writer never follows; it only reports :attr:`stale`.
- Reads go through :meth:`_read`, which implements the retry policy of
  :mod:`shared.seqlock`: one attempt on the fast path, then bounded retries.
- A store object may be shared by threads for reads. Writes must come from one thread of
  the one writer process. If a re-attach happens while another thread is mid-read, the old
  mapping is unmapped when that read lets go of it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from shared import shm
from shared.errors import LayoutMismatch, ReadOnlyStore, StoreError, StoreNotFound, TornRead
from shared.segment import Layout, Segment, attach, check_pairs, create_or_attach
from shared.seqlock import DEADLINE, RETRY, SPIN, STUCK_AFTER, Retry

logger = logging.getLogger(__name__)

T = TypeVar("T")
S = TypeVar("S", bound="SharedStore")

#: ``attempt(views, pair_index, trusting) -> result | RETRY``; ``trusting`` means "ignore
#: seq and accept whatever checksum matches (live copy first, then the journal)".
Attempt = Callable[[Any, int, bool], T | Retry]


def checked_size(name: str, value: object, maximum: int) -> int:
    """``value`` if it is an int in 1..maximum, else ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if not 1 <= value <= maximum:
        raise ValueError(f"{name} must be 1..{maximum}, got {value}")
    return value


class SharedStore:
    """Common lifecycle of :class:`~shared.bars.BarStore` and :class:`~shared.books.BookStore`."""

    KIND: ClassVar[str]
    VERSION: ClassVar[int]
    NOUN: ClassVar[str]
    CHECK_INTERVAL: ClassVar[float] = 1.0

    def __init__(self, namespace: str, segment: Segment) -> None:
        self._namespace = namespace
        self._seg = segment
        self._writable = segment.writable
        self._closed = False
        self._stale = False
        self._foreign_inode: int | None = None
        self._next_check = time.monotonic() + self.CHECK_INTERVAL
        self._check_lock = threading.Lock()
        self._retries = 0  # failed read attempts, for diagnostics and tests
        self._bind(segment)

    # -- subclass hooks -------------------------------------------------------------------

    @classmethod
    def _layout(cls, pairs: tuple[str, ...], capacity: int) -> Layout:
        """The layout for these pairs and capacity (raise ValueError if invalid)."""
        raise NotImplementedError

    @classmethod
    def _init_segment(cls, segment: Segment) -> None:
        """Prepare a fresh segment before it is published (default: all zeros is valid)."""

    def _bind(self, segment: Segment) -> None:
        """Build the store's views of ``segment`` into ``segment.views``."""
        raise NotImplementedError

    def _repair_pair(self, views: Any, p: int) -> list[str]:
        """Writer: make pair ``p`` consistent after an interrupted write; describe the fixes."""
        raise NotImplementedError

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def _open_writer(cls: type[S], namespace: str, pairs: Sequence[str], capacity: int) -> S:
        name = shm.segment_name(namespace, cls.KIND)
        layout = cls._layout(check_pairs(pairs), capacity)
        segment, created = create_or_attach(name, layout, cls._init_segment)
        store = cls(namespace, segment)
        if created:
            logger.info("created %s %s (%s)", cls.NOUN, segment.path, layout.describe())
        else:
            logger.info("re-attached to %s %s (%s)", cls.NOUN, segment.path, layout.describe())
            store._repair_all()
        return store

    @classmethod
    def _open_reader(cls: type[S], namespace: str) -> S:
        name = shm.segment_name(namespace, cls.KIND)
        return cls(namespace, cls._attach_segment(namespace, name))

    @classmethod
    def _attach_segment(cls, namespace: str, name: str) -> Segment:
        not_found = (
            f"no {cls.NOUN} for namespace {namespace!r} ({shm.segment_path(name)}): "
            "is the feed running?"
        )
        return attach(name, cls.KIND, cls.VERSION, cls._layout, not_found)

    @classmethod
    def remove(cls, namespace: str) -> bool:
        """Unlink this kind of store in ``namespace``. True if a segment was removed."""
        return shm.unlink(shm.segment_name(namespace, cls.KIND), missing_ok=True)

    def _repair_all(self) -> None:
        views = self._seg.views
        for p, pair in enumerate(self._seg.layout.pairs):
            fixes = self._repair_pair(views, p)
            if fixes:
                logger.warning(
                    "repaired %s %s after an interrupted write: %s",
                    self._seg.name, pair, "; ".join(fixes),
                )

    # -- properties -----------------------------------------------------------------------

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def name(self) -> str:
        """Segment name, e.g. ``bot.main.bars``."""
        return self._seg.name

    @property
    def path(self) -> str:
        """Backing file, e.g. ``/dev/shm/bot.main.bars``."""
        return self._seg.path

    @property
    def pairs(self) -> list[str]:
        return list(self._segment().layout.pairs)

    @property
    def generation(self) -> int:
        """Random 64-bit id of the segment, new each time the segment is created."""
        return self._segment().generation

    @property
    def created(self) -> float:
        """Unix time at which the segment was created."""
        return self._segment().created

    @property
    def writable(self) -> bool:
        return self._writable

    @property
    def stale(self) -> bool:
        """True if the mapped segment was removed (or replaced by one this reader can't read)."""
        self._segment()
        return self._stale

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        seg = self._seg
        mode = "writer" if self._writable else "reader"
        return (
            f"<{type(self).__name__} {seg.name} {mode} {seg.layout.describe()} "
            f"generation {seg.generation:#018x}{' closed' if self._closed else ''}>"
        )

    def close(self) -> None:
        """Unmap the segment. Never unlinks it. The store is unusable afterwards."""
        self._closed = True
        self._seg.close()

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- segment checks -------------------------------------------------------------------

    def _segment(self) -> Segment:
        if self._closed:
            raise StoreError(f"{self.NOUN} {self._seg.name} is closed")
        if time.monotonic() >= self._next_check:
            self._check()
        return self._seg

    def _check(self) -> bool:
        """Compare the mapped inode with /dev/shm; re-attach a reader if re-created.

        :return: True if the store now maps a different segment.
        """
        if not self._check_lock.acquire(blocking=False):
            return False  # another thread is checking
        try:
            self._next_check = time.monotonic() + self.CHECK_INTERVAL
            return self._check_locked()
        finally:
            self._check_lock.release()

    def _check_locked(self) -> bool:
        old = self._seg
        inode = old.path_inode()
        if inode == old.inode:
            self._stale = False
            return False
        if inode is None or self._writable or inode == self._foreign_inode:
            if not self._stale:
                logger.warning(
                    "%s %s was %s; still serving the old mapping",
                    self.NOUN, old.path, "removed" if inode is None else "replaced",
                )
            self._stale = True
            return False
        try:
            new = self._attach_segment(self._namespace, old.name)
        except StoreNotFound:
            self._stale = True
            return False
        except LayoutMismatch as exc:
            self._foreign_inode = inode
            self._stale = True
            logger.warning("cannot follow re-created segment: %s", exc)
            return False
        self._bind(new)
        self._seg = new
        self._stale = False
        logger.info(
            "re-attached to re-created %s %s (generation %#x -> %#x)",
            self.NOUN, new.path, old.generation, new.generation,
        )
        old.close()
        return True

    # -- reading and writing --------------------------------------------------------------

    def _resolve(self, pair: str) -> tuple[Segment, Any, int]:
        """The current segment, its views and the pair's index (KeyError if unknown)."""
        while True:
            seg = self._segment()  # raises once the store is closed
            views = seg.views
            if views is None:  # another thread re-attached just now: use the new segment
                continue
            p = seg.index.get(pair)
            if p is not None:
                return seg, views, p
            if not self._writable and self._check():  # maybe the writer added the pair
                continue
            raise KeyError(
                f"pair {pair!r} is not in {self.NOUN} {seg.name} "
                f"(pairs: {', '.join(seg.layout.pairs)})"
            )

    def _read(self, pair: str, attempt: Attempt[T]) -> T:
        """Run ``attempt`` until it returns a verified result (see :mod:`shared.seqlock`)."""
        _, views, p = self._resolve(pair)
        result = attempt(views, p, False)
        if result is RETRY:
            return self._read_slow(pair, attempt)
        return result  # type: ignore[return-value]

    def _read_slow(self, pair: str, attempt: Attempt[T]) -> T:
        start = time.monotonic()
        tries = 1
        rechecked = False
        while True:
            self._retries += 1
            if tries >= SPIN:
                os.sched_yield()
            elapsed = time.monotonic() - start
            seg, views, p = self._resolve(pair)
            result = attempt(views, p, elapsed >= STUCK_AFTER)
            if result is not RETRY:
                return result  # type: ignore[return-value]
            tries += 1
            if elapsed < DEADLINE:
                continue
            if not rechecked:
                rechecked = True
                if self._check():  # the segment was re-created: try the new one
                    start = time.monotonic()
                    continue
            raise TornRead(
                f"no consistent snapshot of {pair} in {seg.path} after {tries} attempts "
                f"in {elapsed * 1000:.0f} ms: the writer is stuck or the segment is damaged; "
                "restart the feed (and run `make stop` if it persists)"
            )

    def _target(self, pair: str) -> tuple[Any, int]:
        """Writer: the views and index to write ``pair``; raises on a read-only store."""
        if not self._writable:
            raise ReadOnlyStore(
                f"{self.NOUN} {self._seg.name} was attached read-only; "
                f"only the process that called {type(self).__name__}.create() writes to it"
            )
        _, views, p = self._resolve(pair)
        return views, p
