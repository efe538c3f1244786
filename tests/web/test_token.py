"""The dashboard token: config wins, else one file per BOT_HOME, mode 0600, never replaced."""
from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

import pytest

from config import Paths, load_config
from web.token import TokenError, ensure_token, token_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generated_once_with_mode_0600_and_reused(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    paths = Paths(home=tmp_path)
    caplog.set_level(logging.DEBUG)
    first = ensure_token(paths, load_config({}))
    assert len(first) >= 40 and mode(token_path(paths)) == 0o600
    assert ensure_token(paths, load_config({})) == first
    assert first not in caplog.text
    assert [p.name for p in tmp_path.iterdir()] == ["web.token"]  # no temp files left


def test_the_config_token_wins_and_nothing_is_written(tmp_path: Path) -> None:
    paths = Paths(home=tmp_path)
    assert ensure_token(paths, load_config({"BOT__WEB__TOKEN": "from-config-123"})) == (
        "from-config-123")
    assert not token_path(paths).exists()


def test_racing_creators_agree_on_one_token(tmp_path: Path) -> None:
    paths, cfg = Paths(home=tmp_path), load_config({})
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_token(paths, cfg)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 8
    assert token_path(paths).read_text().strip() == results[0]


def test_an_empty_file_is_an_error_not_replaced(tmp_path: Path) -> None:
    token_path(Paths(home=tmp_path)).write_text("\n")
    with pytest.raises(TokenError, match="is empty; delete it to get a new token"):
        ensure_token(Paths(home=tmp_path), load_config({}))
    assert token_path(Paths(home=tmp_path)).read_text() == "\n"


def test_a_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = token_path(Paths(home=tmp_path))
    path.write_text("abcdefgh\n")
    os.chmod(path, 0o644)
    assert ensure_token(Paths(home=tmp_path), load_config({})) == "abcdefgh"
    assert mode(path) == 0o600
