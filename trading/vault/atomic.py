"""Private, atomic file replacement and a per-folder writer lock.

:func:`write_private` writes a temporary file in the target's folder (created ``0600`` with
``O_EXCL``), fsyncs it, ``os.replace``-s it over the target and fsyncs the folder, so a
reader (or a crash at any instant) sees either the whole old file or the whole new one.
On any failure before the rename the temporary file is removed, the target is untouched and
``OSError`` propagates; a failed folder fsync after the rename is only logged (the new file
is already what readers see).

:func:`folder_lock` takes an exclusive ``flock`` on the folder itself, serialising writers
in separate processes (the target's inode changes on every replace, so it cannot be locked).
"""
from __future__ import annotations

import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_MODE = 0o600


def write_private(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``, mode 0600; raises ``OSError`` on failure."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        try:
            os.fchmod(fd, PRIVATE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    try:  # the new file is in place: from here on, failing would misreport the outcome
        fsync_folder(path.parent)
    except OSError as err:
        logger.warning("replaced %s but could not fsync its folder: %s", path, err.strerror)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``folder`` for the ``with`` block."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as err:
        logger.warning("could not remove temporary file %s: %s", path, err.strerror)
