"""The vault's errors: one line each, naming the file or the secret's *name*, never a value.

Every message is safe to log and to show: no exception raised by this package carries a
secret value, a passphrase or a derived key, and none is chained to an exception that could
(JSON and GCM failures are raised outside their ``except`` blocks).
"""
from __future__ import annotations


class VaultError(Exception):
    """Anything that stops a vault operation; ``str(err)`` is one line. Nothing was changed."""


class NotAVaultFile(VaultError):
    """The file is truncated, garbage, or lacks the vault's magic bytes."""


class WrongPassphrase(VaultError):
    """GCM authentication failed: a wrong passphrase and a modified file look the same."""


class UnsafePermissions(VaultError):
    """The vault file can be read or written by its group or by others."""


class NoPassphrase(VaultError):
    """No passphrase in the environment and no terminal to ask for one."""
