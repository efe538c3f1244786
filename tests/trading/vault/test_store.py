from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.trading.vault.conftest import PASSPHRASE, SECRET
from trading.vault import (
    NotAVaultFile,
    UnsafePermissions,
    Vault,
    VaultError,
    WrongPassphrase,
)
from trading.vault import fileformat as ff

NEW_PASSPHRASE = "a different passphrase"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask: the vault must still end up 0600."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_round_trip(vault: Vault, vault_path: Path) -> None:
    vault.set("telegram.token", "123:abc")
    again = Vault.open(vault_path, PASSPHRASE)
    assert again.names() == ["kraken.api_key", "telegram.token"]
    assert again.get("kraken.api_key") == SECRET and again.get("telegram.token") == "123:abc"
    assert "telegram.token" in again and len(again) == 2
    assert dict(again.secrets()) == {"kraken.api_key": SECRET, "telegram.token": "123:abc"}


def test_set_replaces_and_delete_removes(vault: Vault, vault_path: Path) -> None:
    vault.set("kraken.api_key", "v2")
    vault.delete("kraken.api_key")
    assert Vault.open(vault_path, PASSPHRASE).names() == []
    with pytest.raises(VaultError, match="no secret named 'kraken.api_key'"):
        vault.delete("kraken.api_key")


def test_create_with_default_params_writes_them_in_the_header(vault_path: Path) -> None:
    Vault.create(vault_path, PASSPHRASE)
    header = ff.parse_header(vault_path.read_bytes(), "f")
    assert header.kdf == ff.KdfParams(15, 8, 1)
    assert Vault.open(vault_path, PASSPHRASE).kdf == ff.DEFAULT_KDF


def test_create_refuses_an_existing_file(vault: Vault, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with pytest.raises(VaultError, match="already exists"):
        Vault.create(vault_path, NEW_PASSPHRASE, kdf=ff.TEST_KDF)
    assert vault_path.read_bytes() == before


def test_wrong_passphrase_is_one_clear_error_and_the_file_is_untouched(
        vault: Vault, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with pytest.raises(WrongPassphrase) as err:
        Vault.open(vault_path, "not the passphrase")
    assert str(err.value) == f"{vault_path}: wrong passphrase or the vault file was modified"
    assert vault_path.read_bytes() == before


@pytest.mark.parametrize("index", [20, 35, -5])  # salt, nonce, ciphertext/tag
def test_tampered_byte_is_refused_and_left_as_is(vault: Vault, vault_path: Path,
                                                 index: int) -> None:
    blob = bytearray(vault_path.read_bytes())
    blob[index] ^= 0x80
    vault_path.write_bytes(bytes(blob))
    with pytest.raises(WrongPassphrase, match="wrong passphrase or the vault file was modified"):
        Vault.open(vault_path, PASSPHRASE)
    assert vault_path.read_bytes() == bytes(blob)


def test_truncated_file_is_not_a_vault_file(vault: Vault, vault_path: Path) -> None:
    cut = vault_path.read_bytes()[:50]
    vault_path.write_bytes(cut)
    with pytest.raises(NotAVaultFile, match="not a vault file"):
        Vault.open(vault_path, PASSPHRASE)
    assert vault_path.read_bytes() == cut


def test_missing_file_says_how_to_create_one(vault_path: Path) -> None:
    with pytest.raises(VaultError, match="no vault file at .*python -m trading.vault init"):
        Vault.open(vault_path, PASSPHRASE)


def test_mode_is_0600_after_create_set_and_rotate(vault_path: Path, open_umask: None) -> None:
    made = Vault.create(vault_path, PASSPHRASE, kdf=ff.TEST_KDF)
    assert mode(vault_path) == 0o600
    made.set("a", "1")
    assert mode(vault_path) == 0o600
    made.rotate(NEW_PASSPHRASE, kdf=ff.TEST_KDF)
    assert mode(vault_path) == 0o600


@pytest.mark.parametrize("bad_mode", [0o640, 0o604, 0o660])
def test_a_file_others_can_read_is_refused(vault: Vault, vault_path: Path,
                                           bad_mode: int) -> None:
    os.chmod(vault_path, bad_mode)
    before = vault_path.read_bytes()
    with pytest.raises(UnsafePermissions, match=rf"mode 0{bad_mode:o} .*chmod 600"):
        Vault.open(vault_path, PASSPHRASE)
    assert vault_path.read_bytes() == before and mode(vault_path) == bad_mode


def test_a_failed_replace_leaves_file_and_object_as_they_were(
        vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = vault_path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(VaultError, match="could not write the vault file .*nothing changed"):
        vault.set("telegram.token", "never stored")
    assert vault_path.read_bytes() == before
    assert sorted(os.listdir(vault_path.parent)) == ["vault.bin"]  # no temp file left
    assert vault.names() == ["kraken.api_key"]
    monkeypatch.undo()
    vault.set("telegram.token", "stored")  # the object is still usable afterwards
    assert Vault.open(vault_path, PASSPHRASE).get("telegram.token") == "stored"


def test_a_failed_fsync_during_rotate_keeps_the_old_passphrase(
        vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(VaultError, match="Input/output error"):
        vault.rotate(NEW_PASSPHRASE, kdf=ff.TEST_KDF)
    monkeypatch.undo()
    assert Vault.open(vault_path, PASSPHRASE).get("kraken.api_key") == SECRET
    assert sorted(os.listdir(vault_path.parent)) == ["vault.bin"]


def test_rotate_changes_salt_and_the_old_passphrase_stops_working(
        vault: Vault, vault_path: Path) -> None:
    old_salt = ff.parse_header(vault_path.read_bytes(), "f").salt
    vault.rotate(NEW_PASSPHRASE, kdf=ff.TEST_KDF)
    assert ff.parse_header(vault_path.read_bytes(), "f").salt != old_salt
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, PASSPHRASE)
    assert Vault.open(vault_path, NEW_PASSPHRASE).get("kraken.api_key") == SECRET
    vault.set("b", "2")  # the rotated object writes under the new key
    assert Vault.open(vault_path, NEW_PASSPHRASE).names() == ["b", "kraken.api_key"]


def test_a_write_after_someone_else_changed_the_file_is_refused(
        vault: Vault, vault_path: Path) -> None:
    other = Vault.open(vault_path, PASSPHRASE)
    other.set("telegram.token", "from the other writer")
    written = vault_path.read_bytes()
    with pytest.raises(VaultError, match="changed since it was opened"):
        vault.set("kraken.api_secret", "would lose the other write")
    assert vault_path.read_bytes() == written


def test_bad_names_values_and_short_passphrases_change_nothing(
        vault: Vault, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    for name in ("", "Kraken.Key", "a b", "x" * 65, "a/b"):
        with pytest.raises(VaultError, match="bad secret name"):
            vault.set(name, "v")
    with pytest.raises(VaultError, match="empty value"):
        vault.set("ok", "")
    with pytest.raises(VaultError, match="passphrase too short"):
        vault.rotate("short", kdf=ff.TEST_KDF)
    assert vault_path.read_bytes() == before
    with pytest.raises(VaultError, match="passphrase too short"):
        Vault.create(vault_path.with_name("other.bin"), "1234567")


def test_authenticated_but_malformed_contents_are_reported_without_quoting_them(
        vault_path: Path) -> None:
    salt = ff.new_salt()
    key = ff.derive_key(PASSPHRASE, salt, ff.TEST_KDF)
    vault_path.write_bytes(ff.seal(b'["' + SECRET.encode() + b'"]', key, ff.TEST_KDF, salt))
    os.chmod(vault_path, 0o600)
    with pytest.raises(NotAVaultFile, match="not a JSON object of text secrets") as err:
        Vault.open(vault_path, PASSPHRASE)
    assert SECRET not in str(err.value)


def test_repr_str_and_errors_never_show_secrets_or_the_passphrase(
        vault: Vault, vault_path: Path) -> None:
    shown = [repr(vault), str(vault), repr(vault.secrets()), str(vault.secrets())]
    assert shown[0] == f"Vault(path={str(vault_path)!r}, secrets=1)"
    assert shown[2] == "Secrets(names=['kraken.api_key'])"
    for action in (lambda: Vault.open(vault_path, PASSPHRASE + "x"),
                   lambda: vault.set(SECRET, "v"), lambda: vault.get(SECRET),
                   lambda: vault.rotate(PASSPHRASE, kdf=ff.KdfParams(30, 8, 1))):
        with pytest.raises(VaultError) as err:
            action()
        shown.append(str(err.value))
    for text in shown:
        assert SECRET not in text and PASSPHRASE not in text
