"""Vault fixtures: a fast (insecure) scrypt setting, so unit tests derive in microseconds."""
from __future__ import annotations

from pathlib import Path

import pytest

from trading.vault import Vault
from trading.vault.fileformat import TEST_KDF

PASSPHRASE = "correct horse battery staple"
SECRET = "kr4ken-S3cret/+=value"


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault.bin"


@pytest.fixture
def vault(vault_path: Path) -> Vault:
    made = Vault.create(vault_path, PASSPHRASE, kdf=TEST_KDF)
    made.set("kraken.api_key", SECRET)
    return made
