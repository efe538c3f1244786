from __future__ import annotations

import hashlib

import pytest

from trading.vault import fileformat as ff
from trading.vault.errors import NotAVaultFile, VaultError, WrongPassphrase

KEY = bytes(range(32))
SALT = bytes(16)


def sealed(plaintext: bytes = b'{"a": "b"}') -> bytes:
    return ff.seal(plaintext, KEY, ff.TEST_KDF, SALT)


def test_header_layout_is_42_bytes_with_magic_version_and_params() -> None:
    blob = sealed()
    assert ff.HEADER_SIZE == 8 + 1 + 1 + 2 + 2 + 16 + 12 == 42
    assert blob[:8] == b"BOTVAULT" and blob[8] == 1
    assert blob[9] == 4 and blob[10:12] == b"\x00\x01" and blob[12:14] == b"\x00\x01"
    assert blob[14:30] == SALT
    assert len(blob) == 42 + len(b'{"a": "b"}') + 16
    header = ff.parse_header(blob, "f")
    assert (header.kdf, header.salt, header.nonce) == (ff.TEST_KDF, SALT, blob[30:42])


def test_seal_then_open_round_trips_with_a_fresh_nonce_each_time() -> None:
    first, second = sealed(), sealed()
    assert first[30:42] != second[30:42]
    assert ff.open_sealed(first, KEY, "f") == ff.open_sealed(second, KEY, "f") == b'{"a": "b"}'


def test_wrong_key_is_one_clear_error() -> None:
    with pytest.raises(WrongPassphrase) as err:
        ff.open_sealed(sealed(), bytes(32), "/x/vault.bin")
    assert str(err.value) == "/x/vault.bin: wrong passphrase or the vault file was modified"


@pytest.mark.parametrize("index", [14, 29, 30, 41, 42, -1])  # salt, nonce, ciphertext, tag
def test_any_flipped_authenticated_byte_fails_like_a_wrong_passphrase(index: int) -> None:
    blob = bytearray(sealed())
    blob[index] ^= 0x01
    with pytest.raises(WrongPassphrase, match="wrong passphrase or the vault file was modified"):
        ff.open_sealed(bytes(blob), KEY, "f")


def test_a_changed_cost_parameter_fails_authentication() -> None:
    blob = bytearray(sealed())
    blob[9] = 5  # log2_n 4 -> 5: still in range, but the header is the AAD
    with pytest.raises(WrongPassphrase):
        ff.open_sealed(bytes(blob), KEY, "f")


@pytest.mark.parametrize("blob", [b"", b"BOT", b"hello world" * 10, b"\x00" * 100])
def test_garbage_is_not_a_vault_file(blob: bytes) -> None:
    with pytest.raises(NotAVaultFile, match=r"^f: not a vault file \(no vault header\)$"):
        ff.open_sealed(blob, KEY, "f")


def test_every_truncation_is_not_a_vault_file() -> None:
    blob = sealed(b"")
    assert len(blob) == 58
    for size in range(9, len(blob)):
        with pytest.raises(NotAVaultFile, match=r"not a vault file \(truncated"):
            ff.open_sealed(blob[:size], KEY, "f")


def test_unknown_version_names_itself() -> None:
    blob = bytearray(sealed())
    blob[8] = 7
    with pytest.raises(NotAVaultFile, match="vault format version 7 is not supported"):
        ff.parse_header(bytes(blob), "f")


def test_a_header_asking_for_too_much_memory_is_refused_before_deriving() -> None:
    blob = bytearray(sealed())
    blob[9] = 30  # 2**30 * 128 bytes: would exhaust a Pi before GCM could object
    with pytest.raises(NotAVaultFile, match="not a vault file or a damaged one"):
        ff.parse_header(bytes(blob), "f")


def test_kdf_params_out_of_range_are_refused() -> None:
    for bad in (ff.KdfParams(0, 8, 1), ff.KdfParams(15, 0, 1), ff.KdfParams(15, 8, 17),
                ff.KdfParams(22, 8, 1)):
        with pytest.raises(VaultError):
            bad.check()
    assert ff.KdfParams(21, 1, 1).check() == ff.KdfParams(21, 1, 1)


def test_default_params_are_32_mib_and_match_an_independent_scrypt() -> None:
    assert ff.DEFAULT_KDF == ff.KdfParams(log2_n=15, r=8, p=1)
    assert 128 * 2**15 * 8 == 32 * 1024 * 1024
    key = ff.derive_key("pass phrase", SALT, ff.DEFAULT_KDF)
    expected = hashlib.scrypt(b"pass phrase", salt=SALT, n=2**15, r=8, p=1,
                              maxmem=64 * 1024 * 1024, dklen=32)
    assert key == expected and len(key) == 32


def test_derive_key_matches_the_rfc7914_vector() -> None:
    # RFC 7914 section 12: P="password", S="NaCl", N=1024, r=8, p=16 (first 32 of 64 bytes)
    key = ff.derive_key("password", b"NaCl", ff.KdfParams(log2_n=10, r=8, p=16))
    assert key.hex() == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"


def test_passphrases_are_nfc_normalised() -> None:
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    assert composed != decomposed
    assert ff.derive_key(composed, SALT, ff.TEST_KDF) == ff.derive_key(
        decomposed, SALT, ff.TEST_KDF)
