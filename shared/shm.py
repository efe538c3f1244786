"""POSIX shared-memory segments that no process's exit can delete.

Semantics and caveats:

- ``multiprocessing.shared_memory.SharedMemory`` registers every segment it opens with the
  ``resource_tracker``, which unlinks it when *that* process exits (Python 3.11/3.12 do this
  for attachers too). A reader's exit would then delete the feed's bars. Every process,
  the creator included, must opt out: on 3.13+ we pass ``track=False``; on 3.11/3.12 we
  swap ``resource_tracker.register`` for a no-op while the constructor runs (under a lock,
  so threads of this process do not race on the swap).
- Because segments are never tracked, ``SharedMemory.unlink()`` must not be used (it sends
  UNREGISTER for a name the tracker never saw and the tracker prints a KeyError).
  :func:`unlink` calls ``_posixshmem.shm_unlink`` directly.
- Segment lifetime therefore has an explicit owner: ``make stop`` (or the supervisor's
  shutdown hook) calls :func:`remove_namespace`. A crashed process leaves its segments in
  place on purpose, so a restarted writer finds its data again.
- Names are ``bot.<namespace>.<kind>`` (``bot.main.bars``). Namespaces are restricted to
  ``[A-Za-z0-9_-]`` so that one namespace's prefix can never match another's segments.
- Linux only: listing and inode checks use ``/dev/shm``, where glibc keeps POSIX segments.
"""
from __future__ import annotations

import _posixshmem
import logging
import os
import re
import sys
import threading
from multiprocessing import resource_tracker, shared_memory

logger = logging.getLogger(__name__)

SHM_DIR = "/dev/shm"
PREFIX = "bot"

_NAMESPACE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KIND_RE = re.compile(r"[a-z][a-z0-9_]{0,15}")
_TRACKER_LOCK = threading.Lock()


def check_namespace(namespace: str) -> str:
    """Return ``namespace`` if it is a valid namespace, else raise ``ValueError``."""
    if not isinstance(namespace, str) or not _NAMESPACE_RE.fullmatch(namespace):
        raise ValueError(
            f"invalid namespace {namespace!r}: use 1-64 characters from A-Z a-z 0-9 _ -"
        )
    return namespace


def segment_name(namespace: str, kind: str) -> str:
    """The segment name for a store kind in a namespace, e.g. ``bot.main.bars``."""
    check_namespace(namespace)
    if not _KIND_RE.fullmatch(kind):
        raise ValueError(f"invalid segment kind {kind!r}")
    return f"{PREFIX}.{namespace}.{kind}"


def segment_path(name: str) -> str:
    """The file that backs a segment on Linux: ``/dev/shm/<name>``."""
    return os.path.join(SHM_DIR, name)


def open_segment(name: str, create: bool = False, size: int = 0) -> shared_memory.SharedMemory:
    """Open (or with ``create=True`` exclusively create) a segment, untracked.

    Raises ``FileNotFoundError`` when attaching to a missing segment and
    ``FileExistsError`` when creating one that exists.
    """
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name=name, create=create, size=size, track=False)
    with _TRACKER_LOCK:
        original = resource_tracker.register
        resource_tracker.register = _no_register
        try:
            return shared_memory.SharedMemory(name=name, create=create, size=size)
        finally:
            resource_tracker.register = original


def close_segment(memory: shared_memory.SharedMemory) -> bool:
    """Close a mapping. Never unlinks.

    If NumPy views of it still exist (another thread mid-read), the mapping cannot be closed
    now: the file descriptor is closed and the mapping is left to be unmapped when the last
    view is freed (instead of ``SharedMemory.__del__`` failing later with a BufferError).

    :return: True if unmapped now, False if deferred to the last view.
    """
    try:
        memory.close()
        return True
    except BufferError:
        # Private attributes of SharedMemory (the same in 3.11-3.13): drop our references so
        # the views keep the memoryview (and so the mmap) alive until they are freed.
        fd = segment_fd(memory)
        memory._buf = None  # type: ignore[attr-defined]
        memory._mmap = None  # type: ignore[attr-defined]
        memory._fd = -1  # type: ignore[attr-defined]
        if fd >= 0:
            os.close(fd)
        return False


def segment_buffer(memory: shared_memory.SharedMemory) -> memoryview:
    """The mapping of an open segment."""
    buf = memory.buf
    if buf is None:
        raise ValueError("segment is closed")
    return buf


def segment_fd(memory: shared_memory.SharedMemory) -> int:
    """The file descriptor of an open segment (to fstat the file actually mapped)."""
    fd: int = memory._fd  # type: ignore[attr-defined]
    return fd


def _no_register(name: object, rtype: str) -> None:
    """Stand-in for ``resource_tracker.register`` while an untracked segment is opened."""


def unlink(name: str, missing_ok: bool = False) -> bool:
    """Remove a segment by name. Mappings that are open stay valid until they are closed.

    :return: True if it was removed, False if it was absent and ``missing_ok``.
    """
    try:
        _posixshmem.shm_unlink("/" + name)
    except FileNotFoundError:
        if missing_ok:
            return False
        raise
    logger.debug("unlinked shared-memory segment %s", name)
    return True


def segment_names(prefix: str) -> list[str]:
    """Names of the segments in ``/dev/shm`` that start with ``prefix``, sorted."""
    try:
        entries = os.listdir(SHM_DIR)
    except FileNotFoundError:
        return []
    return sorted(entry for entry in entries if entry.startswith(prefix))


def remove_namespace(namespace: str) -> list[str]:
    """Unlink every segment of a namespace (``make stop``). Returns the names removed."""
    prefix = f"{PREFIX}.{check_namespace(namespace)}."
    removed = [name for name in segment_names(prefix) if unlink(name, missing_ok=True)]
    if removed:
        logger.info("removed shared-memory segments: %s", ", ".join(removed))
    return removed
