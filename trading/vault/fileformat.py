"""The vault file format (version 1): a fixed header, then AES-256-GCM ciphertext + tag.

Layout, big-endian, 42-byte header followed by ``ciphertext || 16-byte tag``::

    magic    8  b"BOTVAULT"
    version  1  1
    log2_n   1  scrypt cost: N = 2**log2_n
    r        2  scrypt block size
    p        2  scrypt parallelism
    salt    16  random per passphrase (new on init and rotate)
    nonce   12  random per write (never reused with one key)

The whole header is the GCM associated data, so changing any header byte (parameters, salt,
nonce, version) fails authentication exactly like a wrong passphrase does: GCM cannot tell
the two apart. The key is ``scrypt(NFC(passphrase) as UTF-8, salt, N, r, p, 32 bytes)``.

Default scrypt parameters are N=2**15, r=8, p=1: 128*N*r = 32 MiB of memory, about 0.1 s on
a desktop and well under a second on a Raspberry Pi 4. They are stored per file, so a later
version can raise them (``rotate`` rewrites with the current defaults). Because the key is
derived before the tag can be checked, a header asking for more than
:data:`MAX_KDF_MEMORY` or an absurd ``p`` is refused up front rather than obeyed.
The plaintext is a UTF-8 JSON object of name -> secret string.
"""
from __future__ import annotations

import os
import struct
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from trading.vault.errors import NotAVaultFile, VaultError, WrongPassphrase

MAGIC = b"BOTVAULT"
VERSION = 1
_HEADER = struct.Struct(">8sBBHH16s12s")
HEADER_SIZE = _HEADER.size  # 42
SALT_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
MAX_KDF_MEMORY = 256 * 1024 * 1024
MAX_P = 16
MAX_FILE_SIZE = 16 * 1024 * 1024


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost parameters: N = 2**log2_n, memory about 128 * N * r bytes."""

    log2_n: int = 15
    r: int = 8
    p: int = 1

    def check(self) -> KdfParams:
        """Return self if usable, else raise :class:`VaultError` saying which is out of range."""
        memory = 128 * (2 ** self.log2_n) * self.r
        if not (1 <= self.log2_n <= 63 and 1 <= self.r <= 0xFFFF and 1 <= self.p <= MAX_P):
            raise VaultError(f"scrypt parameters out of range: {self}")
        if memory > MAX_KDF_MEMORY:
            raise VaultError(f"scrypt parameters need {memory >> 20} MiB, more than "
                             f"{MAX_KDF_MEMORY >> 20} MiB: {self}")
        return self


DEFAULT_KDF = KdfParams()
#: Only for tests: derives in microseconds and protects nothing.
TEST_KDF = KdfParams(log2_n=4, r=1, p=1)


@dataclass(frozen=True)
class Header:
    kdf: KdfParams
    salt: bytes
    nonce: bytes

    def pack(self) -> bytes:
        return _HEADER.pack(MAGIC, VERSION, self.kdf.log2_n, self.kdf.r, self.kdf.p,
                            self.salt, self.nonce)


def derive_key(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    """The 32-byte AES key for ``passphrase`` (NFC-normalised, UTF-8) and ``salt``."""
    kdf.check()
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=KEY_SIZE, n=2 ** kdf.log2_n, r=kdf.r, p=kdf.p).derive(data)


def new_salt() -> bytes:
    return os.urandom(SALT_SIZE)


def parse_header(blob: bytes, where: str) -> Header:
    """Read and sanity-check the header of ``blob``; ``where`` names the file in errors."""
    if len(blob) > MAX_FILE_SIZE:
        raise NotAVaultFile(f"{where}: not a vault file (larger than {MAX_FILE_SIZE} bytes)")
    if len(blob) < len(MAGIC) or not blob.startswith(MAGIC):
        raise NotAVaultFile(f"{where}: not a vault file (no vault header)")
    if len(blob) > len(MAGIC) and blob[len(MAGIC)] != VERSION:
        raise NotAVaultFile(f"{where}: vault format version {blob[len(MAGIC)]} is not "
                            f"supported (this version reads {VERSION})")
    if len(blob) < HEADER_SIZE + TAG_SIZE:
        raise NotAVaultFile(f"{where}: not a vault file (truncated: {len(blob)} bytes)")
    _, _, log2_n, r, p, salt, nonce = _HEADER.unpack_from(blob)
    kdf = KdfParams(log2_n, r, p)
    try:
        kdf.check()
    except VaultError as err:
        raise NotAVaultFile(f"{where}: not a vault file or a damaged one ({err})") from None
    return Header(kdf=kdf, salt=salt, nonce=nonce)


def seal(plaintext: bytes, key: bytes, kdf: KdfParams, salt: bytes) -> bytes:
    """The whole file: a header with a fresh random nonce, then the ciphertext and tag."""
    header = Header(kdf=kdf, salt=salt, nonce=os.urandom(NONCE_SIZE)).pack()
    return header + AESGCM(key).encrypt(header[-NONCE_SIZE:], plaintext, header)


def open_sealed(blob: bytes, key: bytes, where: str) -> bytes:
    """The plaintext of ``blob``, or :class:`WrongPassphrase` if GCM rejects it."""
    header = parse_header(blob, where)
    plaintext: bytes | None
    try:
        plaintext = AESGCM(key).decrypt(header.nonce, blob[HEADER_SIZE:], blob[:HEADER_SIZE])
    except InvalidTag:
        plaintext = None
    if plaintext is None:
        raise WrongPassphrase(f"{where}: wrong passphrase or the vault file was modified")
    return plaintext
