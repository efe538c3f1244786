"""The key vault: secrets (API keys, bot tokens) encrypted at rest in ``${BOT_HOME}/vault.bin``.

AES-256-GCM under a scrypt-derived key (:mod:`.fileformat`), mode 0600, atomic rewrites
(:mod:`.atomic`). A wrong passphrase and a modified file give the same single error (GCM
cannot tell them apart); a file that is not a vault says so. Secret values never appear in
logs, exceptions or ``repr`` -- only names do. Module map:

- :mod:`.store` :class:`Vault` (``create``/``open``/``get``/``set``/``delete``/``rotate``)
- :mod:`.load` :func:`load_secrets` for processes (never prompts)
- :mod:`.passphrase` passphrase sources (env, ``*_FILE``, terminal prompt)
- :mod:`.names` name rules and the :class:`Secrets` mapping; :mod:`.errors`
- :mod:`.cli` ``python -m trading.vault init|set|get|list|delete|rotate``
"""
from trading.vault.errors import (
    NoPassphrase,
    NotAVaultFile,
    UnsafePermissions,
    VaultError,
    WrongPassphrase,
)
from trading.vault.fileformat import DEFAULT_KDF, KdfParams
from trading.vault.load import load_secrets
from trading.vault.names import Secrets
from trading.vault.store import Vault

__all__ = ["DEFAULT_KDF", "KdfParams", "NoPassphrase", "NotAVaultFile", "Secrets",
           "UnsafePermissions", "Vault", "VaultError", "WrongPassphrase", "load_secrets"]
