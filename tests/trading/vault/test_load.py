from __future__ import annotations

from pathlib import Path

import pytest

from config.paths import Paths
from tests.trading.vault.conftest import PASSPHRASE, SECRET
from trading.vault import NoPassphrase, Vault, WrongPassphrase, load_secrets


def test_no_vault_file_means_no_secrets(tmp_path: Path) -> None:
    secrets = load_secrets(Paths(home=tmp_path), {})
    assert dict(secrets) == {} and len(secrets) == 0


def test_the_secrets_with_the_passphrase_from_env_or_file(vault: Vault, tmp_path: Path) -> None:
    paths = Paths(home=tmp_path)
    assert dict(load_secrets(paths, {"BOT_VAULT_PASSPHRASE": PASSPHRASE})) == {
        "kraken.api_key": SECRET}
    (tmp_path / "pp").write_text(PASSPHRASE + "\n")
    secrets = load_secrets(paths, {"BOT_VAULT_PASSPHRASE_FILE": str(tmp_path / "pp")})
    assert secrets["kraken.api_key"] == SECRET and SECRET not in repr(secrets)


def test_a_vault_without_passphrase_is_a_clear_error(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(NoPassphrase) as err:
        load_secrets(Paths(home=tmp_path), {})
    assert str(err.value) == (f"{tmp_path / 'vault.bin'} exists but neither "
                              "BOT_VAULT_PASSPHRASE nor BOT_VAULT_PASSPHRASE_FILE is set")
    with pytest.raises(NoPassphrase, match="BOT_VAULT_PASSPHRASE_FILE = .*cannot read it"):
        load_secrets(Paths(home=tmp_path), {"BOT_VAULT_PASSPHRASE_FILE": "/nonexistent/pp"})


def test_a_wrong_passphrase_is_not_silently_empty(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphrase):
        load_secrets(Paths(home=tmp_path), {"BOT_VAULT_PASSPHRASE": "nope nope"})
