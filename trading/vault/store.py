"""The :class:`Vault`: an encrypted name -> secret file (see :mod:`.fileformat`).

Semantics and caveats:

- ``Vault.open`` refuses a file that its group or others may access (mode must be ``0600``
  or stricter): an error, not a warning, because a readable vault invites offline guessing.
- Every change (``set``, ``delete``, ``rotate``) rewrites the whole file atomically with a
  fresh nonce; the object's state changes only after the new file is safely in place, so a
  failed write leaves both the file and the object as they were.
- Writers in other processes are serialised with a folder lock; a write is refused if the
  file changed since this object read it (reopen and retry), so no update is silently lost.
- The derived key lives in this object's memory for its lifetime (Python cannot wipe it);
  the passphrase is not kept. ``repr``/``str`` show the path and the number of secrets.
"""
from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from trading.vault import fileformat as ff
from trading.vault.atomic import folder_lock, write_private
from trading.vault.errors import NotAVaultFile, UnsafePermissions, VaultError
from trading.vault.names import Secrets, check_name, check_value

logger = logging.getLogger(__name__)

MIN_PASSPHRASE_CHARS = 8


class Vault:
    """An opened vault file. Build with :meth:`create` or :meth:`open`."""

    def __init__(self, path: Path, key: bytes, kdf: ff.KdfParams, salt: bytes,
                 data: dict[str, str], on_disk: bytes | None) -> None:
        self._path = path
        self._key = key
        self._kdf = kdf
        self._salt = salt
        self._data = data
        self._on_disk = on_disk

    @classmethod
    def create(cls, path: Path | str, passphrase: str, kdf: ff.KdfParams = ff.DEFAULT_KDF
               ) -> Vault:
        """Write a new, empty vault at ``path``; refuses to overwrite an existing file."""
        path = Path(path)
        check_new_passphrase(passphrase)
        salt = ff.new_salt()
        vault = cls(path, ff.derive_key(passphrase, salt, kdf.check()), kdf, salt, {}, None)
        vault._commit({}, vault._key, kdf, salt)
        logger.info("vault created at %s", path)
        return vault

    @classmethod
    def open(cls, path: Path | str, passphrase: str) -> Vault:
        """Read and decrypt ``path``; :class:`VaultError` (one line) if that fails."""
        path = Path(path)
        blob = read_vault_file(path)
        header = ff.parse_header(blob, str(path))
        key = ff.derive_key(passphrase, header.salt, header.kdf)
        data = _decode(ff.open_sealed(blob, key, str(path)), str(path))
        return cls(path, key, header.kdf, header.salt, data, blob)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def kdf(self) -> ff.KdfParams:
        return self._kdf

    def names(self) -> list[str]:
        return sorted(self._data)

    def get(self, name: str) -> str:
        """The secret called ``name``; :class:`VaultError` if there is none."""
        if name not in self._data:
            raise VaultError(f"no secret named {check_name(name)!r} in {self._path}")
        return self._data[name]

    def secrets(self) -> Secrets:
        """A read-only copy of all secrets (its ``repr`` shows names only)."""
        return Secrets(self._data)

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name`` (replacing any old value) and rewrite the file."""
        data = dict(self._data)
        data[check_name(name)] = check_value(name, value)
        self._commit(data, self._key, self._kdf, self._salt)

    def delete(self, name: str) -> None:
        """Remove ``name``; :class:`VaultError` if there is no such secret."""
        self.get(name)
        self._commit({k: v for k, v in self._data.items() if k != name},
                     self._key, self._kdf, self._salt)

    def rotate(self, new_passphrase: str, kdf: ff.KdfParams | None = None) -> None:
        """Re-encrypt under ``new_passphrase`` with a new salt (and ``kdf``, default: current
        defaults); the old passphrase no longer opens the file."""
        check_new_passphrase(new_passphrase)
        kdf = (kdf or ff.DEFAULT_KDF).check()
        salt = ff.new_salt()
        self._commit(dict(self._data), ff.derive_key(new_passphrase, salt, kdf), kdf, salt)
        logger.info("vault %s re-encrypted under a new passphrase", self._path)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Vault(path={str(self._path)!r}, secrets={len(self._data)})"

    __str__ = __repr__

    def _commit(self, data: dict[str, str], key: bytes, kdf: ff.KdfParams, salt: bytes) -> None:
        """Write ``data`` sealed with ``key``; adopt the new state only once it is on disk."""
        plaintext = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        blob = ff.seal(plaintext, key, kdf, salt)
        folder = self._path.parent
        if not folder.is_dir():
            raise VaultError(f"{self._path}: folder {str(folder)!r} does not exist")
        with folder_lock(folder):
            self._check_unchanged()
            try:
                write_private(self._path, blob)
            except OSError as err:
                raise VaultError(f"{self._path}: could not write the vault file "
                                 f"({err.strerror or type(err).__name__}); "
                                 "nothing changed") from None
        self._data, self._key, self._kdf, self._salt, self._on_disk = (
            data, key, kdf, salt, blob)
        logger.debug("vault %s written (%d secrets)", self._path, len(data))

    def _check_unchanged(self) -> None:
        if self._on_disk is None:
            if os.path.lexists(self._path):
                raise VaultError(f"{self._path}: a vault file already exists; "
                                 "use rotate to change its passphrase")
            return
        if read_vault_file(self._path) != self._on_disk:
            raise VaultError(f"{self._path}: the vault file changed since it was opened "
                             "(another writer?); nothing written, open it again")


def check_new_passphrase(passphrase: str) -> str:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise VaultError(f"passphrase too short: use at least {MIN_PASSPHRASE_CHARS} characters")
    return passphrase


def read_vault_file(path: Path) -> bytes:
    """The raw bytes of a vault file that is a private regular file; else one-line error."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise VaultError(f"no vault file at {path}; create one with "
                         "`python -m trading.vault init`") from None
    except OSError as err:
        raise VaultError(f"{path}: cannot read the vault file ({err.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAVaultFile(f"{path}: not a vault file (not a regular file)")
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise UnsafePermissions(f"{path}: mode {mode:04o} lets others read the vault; "
                                    f"it must be private (chmod 600 {path})")
        return handle.read(ff.MAX_FILE_SIZE + 1)


def _decode(plaintext: bytes, where: str) -> dict[str, str]:
    """The name -> secret dict inside an authenticated plaintext (errors never quote it)."""
    data: object
    try:
        data = json.loads(plaintext.decode("utf-8"))
    except ValueError:  # JSONDecodeError/UnicodeDecodeError carry the text: do not chain
        data = None
    ok = isinstance(data, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items())
    if not ok:
        raise NotAVaultFile(f"{where}: vault contents are not a JSON object of text secrets")
    assert isinstance(data, dict)
    return data
