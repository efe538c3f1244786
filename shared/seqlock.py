"""The single-writer, lock-free read protocol used by every store (seqlock + checksum + journal).

Semantics and caveats:

- Each pair has its own ``meta`` line; word 0 is the sequence counter ``seq``. The writer
  makes it odd, writes, and makes it even again (:func:`write_section`). There is exactly
  one writer per segment; nothing here stops a second one.
- NumPy stores and loads carry no memory barriers, and ARM64 (the Pi) may reorder them, so
  a reader cannot trust ``seq`` alone. Every published record therefore carries an
  ``xxh3_64`` checksum, stored next to ``seq`` by the writer inside the section. A reader
  copies the record, and the copy is returned only if its checksum matches. ``seq`` is the
  fast retry hint; the checksum is what makes a snapshot trustworthy.
- The writer never leaves a moment where no verifiable record exists: it first writes a
  *journal* copy (record plus checksum), then the live copy. If the writer dies mid-write
  (SIGKILL, OOM), ``seq`` stays odd and the live copy may be torn, but the journal is whole.
  A reader that has failed for :data:`STUCK_AFTER` stops looking at ``seq`` and accepts the
  live copy, or else the journal copy, whichever checksum matches. That is safe for the
  same reason as above: a matching checksum means the copy is a state the writer published.
  So readers keep working through a writer crash, and the restarted writer repairs the
  pair (restores the journal, makes ``seq`` even) when it re-attaches.
- Readers retry with a bounded budget: they spin a few times, then ``sched_yield``, and
  give up with :class:`~shared.errors.TornRead` after :data:`DEADLINE`. With a live writer
  (sections of a few microseconds) a reader virtually never gets there.
- A false accept needs a 64-bit checksum collision on a torn copy (about 2**-64 per torn
  attempt); the writer is not adversarial, so xxh3 (not a cryptographic hash) is enough.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

import numpy as np
import xxhash

logger = logging.getLogger(__name__)

SEQ: Final = 0  # index of the sequence counter in each pair's meta line
SPIN: Final = 8  # attempts before a retrying reader starts to sched_yield
STUCK_AFTER: Final = 0.002  # seconds of failed attempts before seq is ignored (checksum only)
DEADLINE: Final = 0.050  # seconds of failed attempts before TornRead


class Retry:
    """Type of :data:`RETRY`, the value a read attempt returns when it must be retried."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "RETRY"


RETRY: Final = Retry()

#: ``checksum(buf, seed=0) -> int``: xxh3_64 of a C-contiguous buffer (about 0.5 us for
#: 24 KB). Bound directly (no wrapper) because it sits on every read's fast path.
checksum: Final[Callable[..., int]] = xxhash.xxh3_64_intdigest


@contextmanager
def write_section(meta_row: np.ndarray, repair: Callable[[], object]) -> Iterator[None]:
    """Run a write with ``seq`` odd; on any exception call ``repair`` (which leaves seq even).

    ``meta_row`` is the pair's writable meta line.
    """
    odd = int(meta_row[SEQ]) | 1
    meta_row[SEQ] = odd
    try:
        yield
    except BaseException:
        repair()
        raise
    meta_row[SEQ] = odd + 1
