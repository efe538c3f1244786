"""shared.shm: names, untracked segments that survive process exit, unlink and namespace removal."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from shared import shm
from tests.shared.helpers import REPO


def test_segment_name_and_path() -> None:
    assert shm.segment_name("main", "bars") == "bot.main.bars"
    assert shm.segment_name("a_b-1", "books") == "bot.a_b-1.books"
    assert shm.segment_path("bot.main.bars") == "/dev/shm/bot.main.bars"


@pytest.mark.parametrize("bad", ["", "a.b", "a/b", "a b", "x" * 65, "é"])
def test_invalid_namespace_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid namespace"):
        shm.segment_name(bad, "bars")
    with pytest.raises(ValueError, match="invalid namespace"):
        shm.remove_namespace(bad)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=30
    )


def test_segments_survive_creator_and_attacher_exit(ns: str) -> None:
    name = f"bot.{ns}.raw"
    created = _run(
        "from shared import shm\n"
        f"m = shm.open_segment({name!r}, create=True, size=4096)\n"
        "m.buf[:5] = b'hello'\n"
    )
    assert created.returncode == 0, created.stderr
    assert created.stderr == ""  # no resource_tracker "leaked shared_memory" warning
    assert shm.segment_names(f"bot.{ns}.") == [name]
    attached = _run(
        "from shared import shm\n"
        f"m = shm.open_segment({name!r})\n"
        "print(bytes(m.buf[:5]).decode())\n"
    )
    assert attached.returncode == 0, attached.stderr
    assert attached.stdout.strip() == "hello"
    assert attached.stderr == ""
    assert os.path.exists(shm.segment_path(name))


def test_unlink(ns: str) -> None:
    name = f"bot.{ns}.raw"
    memory = shm.open_segment(name, create=True, size=64)
    memory.buf[0] = 7
    assert shm.unlink(name) is True
    assert not os.path.exists(shm.segment_path(name))
    assert memory.buf[0] == 7  # the mapping stays valid after unlink
    memory.close()
    assert shm.unlink(name, missing_ok=True) is False
    with pytest.raises(FileNotFoundError):
        shm.unlink(name)


def test_remove_namespace_removes_only_that_namespace(ns: str) -> None:
    other = f"{ns}x"  # shares the prefix string, but not the "bot.<ns>." prefix
    names = [f"bot.{ns}.bars", f"bot.{ns}.books", f"bot.{other}.bars"]
    for name in names:
        shm.open_segment(name, create=True, size=64).close()
    try:
        assert shm.segment_names(f"bot.{ns}.") == names[:2]
        assert shm.remove_namespace(ns) == names[:2]
        assert shm.segment_names(f"bot.{ns}.") == []
        assert shm.segment_names(f"bot.{other}.") == [names[2]]
        assert shm.remove_namespace(ns) == []
    finally:
        shm.remove_namespace(other)


def test_segment_names_unknown_prefix() -> None:
    assert shm.segment_names(f"bot.none{uuid.uuid4().hex}.") == []
