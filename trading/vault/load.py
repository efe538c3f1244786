"""Reading the secrets at process start (executor, telegram): never prompts.

``load_secrets(paths, environ)`` returns an empty :class:`Secrets` when there is no vault
file (paper trading, or keys kept in the environment), the vault's secrets when the
passphrase is in ``BOT_VAULT_PASSPHRASE`` or ``BOT_VAULT_PASSPHRASE_FILE``, and raises a
one-line :class:`VaultError` when the file exists but cannot be opened (no passphrase, wrong
passphrase, modified file, unsafe mode). The caller decides whether that is fatal.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from trading.vault.errors import NoPassphrase
from trading.vault.names import Secrets
from trading.vault.passphrase import ENV, get_passphrase
from trading.vault.store import Vault

if TYPE_CHECKING:
    from config.paths import Paths

logger = logging.getLogger(__name__)


def load_secrets(paths: Paths, environ: Mapping[str, str] | None = None) -> Secrets:
    """All secrets from ``paths.vault``, or empty if that file does not exist."""
    env = os.environ if environ is None else environ
    path = paths.vault
    if not os.path.lexists(path):
        logger.debug("no vault file at %s; no secrets loaded", path)
        return Secrets()
    if not env.get(ENV) and not env.get(f"{ENV}_FILE"):
        raise NoPassphrase(f"{path} exists but neither {ENV} nor {ENV}_FILE is set")
    secrets = Vault.open(path, get_passphrase(env)).secrets()
    logger.info("loaded %d secrets from %s", len(secrets), path)
    return secrets
