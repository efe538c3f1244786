from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

import pytest

from trading.vault.atomic import folder_lock, write_private


def test_write_private_replaces_the_file_with_mode_0600_whatever_the_umask(
        tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    old_umask = os.umask(0)
    try:
        write_private(target, b"new contents")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["f.bin"]


def test_a_failed_write_removes_the_temporary_file_and_keeps_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")

    def broken_write(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", broken_write)
    with pytest.raises(OSError, match="No space left"):
        write_private(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.bin"]


def test_folder_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    def try_lock() -> bool:
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    with folder_lock(tmp_path):
        assert try_lock() is False
    assert try_lock() is True


def test_a_failed_folder_fsync_after_the_rename_is_logged_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    target = tmp_path / "f.bin"
    real_fsync = os.fsync

    def fsync_files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_files_only)
    write_private(target, b"new")
    assert target.read_bytes() == b"new"
    assert "could not fsync its folder: Input/output error" in caplog.text
