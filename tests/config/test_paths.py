"""BOT_HOME handling: default, preparation, and clear refusals."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from config import REPO_ROOT, ConfigError, Paths


def test_default_home_is_var_in_the_repo() -> None:
    assert Paths.from_env({}).home == REPO_ROOT / "var"


def test_prepare_creates_private_run_dir(tmp_path: Path) -> None:
    paths = Paths.from_env({"BOT_HOME": str(tmp_path / "home")})
    paths.prepare()
    assert paths.logs.is_dir() and paths.models.is_dir()
    assert stat.S_IMODE(paths.run.stat().st_mode) == 0o700


def test_missing_parent_is_one_clear_line(tmp_path: Path) -> None:
    paths = Paths.from_env({"BOT_HOME": str(tmp_path / "no" / "home")})
    with pytest.raises(ConfigError, match=r"^BOT_HOME = .*: parent directory .* does not exist$"):
        paths.prepare()
    assert not (tmp_path / "no").exists()


def test_home_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ConfigError, match="exists and is not a directory"):
        Paths.from_env({"BOT_HOME": str(tmp_path / "f")}).check()


def test_too_deep_for_unix_sockets(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 100)
    with pytest.raises(ConfigError, match="too deep for unix sockets"):
        Paths.from_env({"BOT_HOME": str(deep)}).check()
