"""The emulator's key file: created once with mode 0600, then reused."""
from __future__ import annotations

import base64
import json
import stat

import pytest

from trading.exchange.sim import load_or_create_keys


def test_created_private_then_reused(tmp_path) -> None:
    path = tmp_path / "home" / "sim-keys.json"
    key, secret = load_or_create_keys(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(base64.b64decode(secret)) == 64 and len(key) == 56
    assert json.loads(path.read_text()) == {"key": key, "secret": secret}
    assert load_or_create_keys(path) == (key, secret)
    assert list(path.parent.iterdir()) == [path]  # no temp file left


def test_a_malformed_file_is_an_error_not_replaced(tmp_path) -> None:
    path = tmp_path / "sim-keys.json"
    path.write_text('{"key": "k"}')
    with pytest.raises(ValueError, match="sim-keys.json"):
        load_or_create_keys(path)
    assert path.read_text() == '{"key": "k"}'
