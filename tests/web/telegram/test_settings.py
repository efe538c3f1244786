from __future__ import annotations

from pathlib import Path

import pytest

from config import Paths, load_config
from trading.vault import Vault
from trading.vault.fileformat import TEST_KDF
from web.telegram.settings import Disabled, resolve

TOKEN = "123456:ABC-def_123"
PASS = "correct horse battery staple"


def env(tmp_path: Path, **kw: str) -> dict[str, str]:
    return {"BOT_ENV_FILE": str(tmp_path / "none.env"), **kw}


def test_disabled_by_default(tmp_path: Path) -> None:
    with pytest.raises(Disabled, match="telegram.enabled is false"):
        resolve(load_config(env(tmp_path)), Paths(tmp_path))


def test_enabled_without_a_token_says_how_to_set_one(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ENABLED="true"))
    with pytest.raises(Disabled, match="trading.vault set telegram.token"):
        resolve(cfg, Paths(tmp_path))


def test_token_from_the_environment(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ENABLED="true", BOT__TELEGRAM__TOKEN=TOKEN,
                          BOT__TELEGRAM__ALLOWED_CHAT_IDS="[111, -100222]",
                          BOT__TELEGRAM__API_URL="http://127.0.0.1:9"))
    s = resolve(cfg, Paths(tmp_path))
    assert s.token == TOKEN and s.chat_ids == (111, -100222)
    assert s.api_url == "http://127.0.0.1:9" and s.daily_summary_utc == "20:00"
    assert TOKEN not in repr(s)


def test_token_from_the_vault(tmp_path: Path) -> None:
    Vault.create(tmp_path / "vault.bin", PASS, kdf=TEST_KDF).set("telegram.token", TOKEN)
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ENABLED="true"))
    s = resolve(cfg, Paths(tmp_path), {"BOT_VAULT_PASSPHRASE": PASS})
    assert s.token == TOKEN


def test_a_vault_that_cannot_be_opened_disables_with_one_line(tmp_path: Path) -> None:
    Vault.create(tmp_path / "vault.bin", PASS, kdf=TEST_KDF).set("telegram.token", TOKEN)
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ENABLED="true"))
    with pytest.raises(Disabled, match="vault cannot be opened") as err:
        resolve(cfg, Paths(tmp_path), {})
    assert "\n" not in str(err.value) and TOKEN not in str(err.value)


def test_a_malformed_token_is_refused_without_showing_it(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ENABLED="true",
                          BOT__TELEGRAM__TOKEN="not a token"))
    with pytest.raises(Disabled, match="does not look like") as err:
        resolve(cfg, Paths(tmp_path))
    assert "not a token" not in str(err.value)
