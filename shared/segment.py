"""The segment layer shared by every store: a self-describing header, create-or-attach, attach.

Semantics and caveats:

- A segment is ``[header 128 B][pair table n*16 B][meta n*64 B][data n*pair_floats*8 B]``,
  each part 64-byte aligned. The header holds a magic, the store kind and its layout
  version, the pair count, capacity (ring length or book depth), field count, a random
  64-bit *generation* chosen at creation, the creation time and the total size. Pair names
  are ASCII, at most 16 bytes. ``meta`` is one cache line (8 x uint64) per pair whose
  meaning belongs to the store (seqlock counter, checksums, ...). ``data`` is float64.
- Creation is atomic: the segment is built and initialised under a temporary name and
  then published with ``link()`` in ``/dev/shm``, so nobody ever attaches to a
  half-written header, and two writers racing to create the same store cannot both win.
- A writer that finds the segment with exactly the layout it asks for re-attaches and
  keeps all data (a restarted feed loses no bars). Any other layout raises
  :class:`LayoutMismatch`; the segment is never modified or removed by this module.
- A reader attaches read-only (all NumPy views are non-writeable). It accepts whatever pair
  list and capacity the header describes, provided kind and version are the ones this code
  reads. The file's inode is remembered so that a re-created segment can be noticed.
- Closing drops the views and the mapping; it never unlinks. Only ``shm.unlink`` /
  ``shm.remove_namespace`` delete segments.
"""
from __future__ import annotations

import logging
import os
import secrets
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.shared_memory import SharedMemory
from typing import Any

import numpy as np

from shared import shm
from shared.errors import LayoutMismatch, StoreError, StoreNotFound

logger = logging.getLogger(__name__)

MAGIC = b"BOTSHM\x00\x01"
HEADER_SIZE = 128
PAIR_NAME_BYTES = 16
META_WIDTH = 8  # uint64 per pair: one 64-byte cache line
MAX_PAIRS = 1024
# magic, header_size, version, kind, n_pairs, capacity, n_fields, meta_width,
# generation, created, pair_floats, total_size
_HEADER = struct.Struct("<8sII8sIIIIQdQQ")
_ALIGN = 64


def _align(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def check_pairs(pairs: Sequence[str]) -> tuple[str, ...]:
    """Validate a pair list (non-empty, unique, ASCII, 1-16 bytes each) and return it as a tuple."""
    if isinstance(pairs, str):
        raise ValueError(f"pairs must be a sequence of pair names, not the string {pairs!r}")
    result = tuple(pairs)
    if not result or len(result) > MAX_PAIRS:
        raise ValueError(f"a store holds 1 to {MAX_PAIRS} pairs, got {len(result)}")
    for pair in result:
        if (
            not isinstance(pair, str)
            or not pair.isascii()
            or not 0 < len(pair) <= PAIR_NAME_BYTES
            or "\x00" in pair
        ):
            raise ValueError(
                f"invalid pair name {pair!r}: use 1-{PAIR_NAME_BYTES} ASCII characters"
            )
    if len(set(result)) != len(result):
        raise ValueError(f"duplicate pair names in {list(result)}")
    return result


@dataclass(frozen=True)
class Layout:
    """Everything that must match for two processes to share a segment."""

    kind: str
    version: int
    pairs: tuple[str, ...]
    capacity: int
    n_fields: int
    pair_floats: int

    @property
    def meta_offset(self) -> int:
        return _align(HEADER_SIZE + PAIR_NAME_BYTES * len(self.pairs))

    @property
    def data_offset(self) -> int:
        return _align(self.meta_offset + META_WIDTH * 8 * len(self.pairs))

    @property
    def total_size(self) -> int:
        return self.data_offset + 8 * self.pair_floats * len(self.pairs)

    def describe(self) -> str:
        """One-line human description, e.g. ``bars layout v1, capacity 512, 2 pairs (A, B)``."""
        shown = ", ".join(self.pairs[:8]) + (", ..." if len(self.pairs) > 8 else "")
        noun = "pair" if len(self.pairs) == 1 else "pairs"
        return (
            f"{self.kind} layout v{self.version}, capacity {self.capacity}, "
            f"{len(self.pairs)} {noun} ({shown})"
        )


class Segment:
    """One mapped segment: parsed header plus NumPy views of ``meta`` and ``data``.

    ``views`` is a slot for the store's own derived views; :meth:`close` drops it first.
    """

    def __init__(
        self,
        memory: SharedMemory,
        name: str,
        layout: Layout,
        generation: int,
        created: float,
        inode: int,
        writable: bool,
    ) -> None:
        self.name = name
        self.path = shm.segment_path(name)
        self.layout = layout
        self.generation = generation
        self.created = created
        self.inode = inode
        self.writable = writable
        self.index = {pair: i for i, pair in enumerate(layout.pairs)}
        self._memory: SharedMemory | None = memory
        n = len(layout.pairs)
        # np.frombuffer (unlike np.ndarray(buffer=...)) holds a buffer export for as long as
        # any derived view lives, so the mapping can never be unmapped under a reader's feet.
        buf = shm.segment_buffer(memory)
        self.meta: np.ndarray = np.frombuffer(
            buf, np.uint64, n * META_WIDTH, layout.meta_offset
        ).reshape(n, META_WIDTH)
        self.data: np.ndarray = np.frombuffer(
            buf, np.float64, n * layout.pair_floats, layout.data_offset
        ).reshape(n, layout.pair_floats)
        if not writable:
            self.meta.flags.writeable = False
            self.data.flags.writeable = False
        self.views: Any = None

    @property
    def closed(self) -> bool:
        return self._memory is None

    def close(self) -> None:
        """Drop the views and unmap. Never unlinks. Safe to call twice."""
        memory, self._memory = self._memory, None
        if memory is None:
            return
        self.views = None
        self.meta = self.data = np.empty((0, 0))
        if not shm.close_segment(memory):
            logger.debug("segment %s still has views in use; unmapped when they go", self.name)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def path_inode(self) -> int | None:
        """The inode now at this segment's path, or None if nothing is there."""
        try:
            return os.stat(self.path).st_ino
        except FileNotFoundError:
            return None


def _pack_header(buf: memoryview, layout: Layout, generation: int, created: float) -> None:
    kind = layout.kind.encode("ascii")
    _HEADER.pack_into(
        buf, 0, MAGIC, HEADER_SIZE, layout.version, kind, len(layout.pairs), layout.capacity,
        layout.n_fields, META_WIDTH, generation, created, layout.pair_floats, layout.total_size,
    )
    for i, pair in enumerate(layout.pairs):
        start = HEADER_SIZE + i * PAIR_NAME_BYTES
        buf[start:start + PAIR_NAME_BYTES] = pair.encode("ascii").ljust(PAIR_NAME_BYTES, b"\x00")


def _unpack_header(buf: memoryview, size: int, path: str) -> tuple[Layout, int, float]:
    """Parse and sanity-check a header; raise LayoutMismatch naming the segment if it is foreign."""
    fix = "run `make stop` to remove it"
    if size < HEADER_SIZE:
        raise LayoutMismatch(
            f"shared-memory segment {path} is only {size} bytes, not a bot store; {fix}"
        )
    (magic, header_size, version, kind_raw, n_pairs, capacity, n_fields, meta_width,
     generation, created, pair_floats, total_size) = _HEADER.unpack_from(buf, 0)
    if magic != MAGIC:
        raise LayoutMismatch(
            f"shared-memory segment {path} is not a bot store (magic {magic!r}); {fix}"
        )
    if header_size != HEADER_SIZE or meta_width != META_WIDTH or not 0 < n_pairs <= MAX_PAIRS:
        raise LayoutMismatch(
            f"shared-memory segment {path} has a header this code cannot read "
            f"(header {header_size} B, meta {meta_width}, {n_pairs} pairs); {fix}"
        )
    try:
        kind = kind_raw.rstrip(b"\x00").decode("ascii")
        table = bytes(buf[HEADER_SIZE:HEADER_SIZE + n_pairs * PAIR_NAME_BYTES])
        pairs = tuple(
            table[i:i + PAIR_NAME_BYTES].rstrip(b"\x00").decode("ascii")
            for i in range(0, len(table), PAIR_NAME_BYTES)
        )
    except UnicodeDecodeError:
        raise LayoutMismatch(f"shared-memory segment {path} has a damaged header; {fix}") from None
    layout = Layout(kind, version, pairs, capacity, n_fields, pair_floats)
    if layout.total_size != total_size or total_size != size:
        raise LayoutMismatch(
            f"shared-memory segment {path} holds {layout.describe()} but is {size} bytes "
            f"(header says {total_size}, layout needs {layout.total_size}); {fix}"
        )
    return layout, generation, created


def _open_existing(name: str, writable: bool) -> Segment:
    """Attach to an existing segment and parse its header. Raises FileNotFoundError if absent."""
    path = shm.segment_path(name)
    size = os.stat(path).st_size  # before mapping: mmap of an empty file would fail messily
    if size < HEADER_SIZE:
        raise LayoutMismatch(
            f"shared-memory segment {path} is only {size} bytes, not a bot store; "
            "run `make stop` to remove it"
        )
    memory = shm.open_segment(name)
    try:
        st = os.fstat(shm.segment_fd(memory))  # the file mapped, even if the path changed since
        layout, generation, created = _unpack_header(shm.segment_buffer(memory), st.st_size, path)
        return Segment(memory, name, layout, generation, created, st.st_ino, writable)
    except BaseException:
        memory.close()
        raise


def _create_new(name: str, layout: Layout, init: Callable[[Segment], None]) -> Segment | None:
    """Build the segment under a temporary name, then publish it atomically with link().

    :return: the new writable segment, or None if another process published one first.
    """
    temp = f"{name}~{os.getpid()}.{secrets.token_hex(3)}"
    memory = shm.open_segment(temp, create=True, size=layout.total_size)
    try:
        generation = secrets.randbits(64) or 1
        created = time.time()
        _pack_header(shm.segment_buffer(memory), layout, generation, created)
        inode = os.stat(shm.segment_path(temp)).st_ino
        segment = Segment(memory, name, layout, generation, created, inode, writable=True)
    except BaseException:
        memory.close()
        shm.unlink(temp, missing_ok=True)
        raise
    try:
        init(segment)
        os.link(shm.segment_path(temp), shm.segment_path(name))
    except FileExistsError:
        segment.close()
        return None
    except BaseException:
        segment.close()
        raise
    finally:
        shm.unlink(temp, missing_ok=True)
    return segment


def create_or_attach(
    name: str, layout: Layout, init: Callable[[Segment], None]
) -> tuple[Segment, bool]:
    """Writer side: attach to ``name`` if it holds ``layout``, else create it.

    ``init`` prepares a new segment's meta/data before it is published.

    :return: ``(segment, created)``.
    :raises LayoutMismatch: the segment exists with another layout (left untouched).
    """
    for _ in range(5):
        try:
            segment = _open_existing(name, writable=True)
        except FileNotFoundError:
            created = _create_new(name, layout, init)
            if created is not None:
                return created, True
            continue  # lost a creation race: attach to the winner's segment
        if segment.layout != layout:
            have = segment.layout.describe()
            segment.close()
            raise LayoutMismatch(
                f"shared-memory segment {segment.path} holds {have}, not the "
                f"{layout.describe()} asked for; run `make stop` to remove it"
            )
        return segment, False
    raise StoreError(f"could not create or attach shared-memory segment {shm.segment_path(name)}")


def attach(
    name: str,
    kind: str,
    version: int,
    expected: Callable[[tuple[str, ...], int], Layout],
    not_found: str,
) -> Segment:
    """Reader side: attach read-only to a segment of ``kind``/``version``.

    ``expected(pairs, capacity)`` returns the layout this code would build for the header's
    pairs and capacity; it must equal the header's layout.

    :raises StoreNotFound: no such segment (message ``not_found``).
    :raises LayoutMismatch: the segment holds something this code cannot read.
    """
    try:
        segment = _open_existing(name, writable=False)
    except FileNotFoundError:
        raise StoreNotFound(not_found) from None
    have = segment.layout
    try:
        readable = have.kind == kind and have.version == version
        readable = readable and expected(have.pairs, have.capacity) == have
    except ValueError:  # e.g. a capacity this code would refuse to build
        readable = False
    if not readable:
        segment.close()
        raise LayoutMismatch(
            f"shared-memory segment {segment.path} holds {have.describe()}, which this code "
            f"cannot read (it reads {kind} layout v{version}); run `make stop` to remove it"
        )
    return segment
