"""Where the vault passphrase comes from, in this order:

1. ``BOT_VAULT_PASSPHRASE`` (the variable itself; empty counts as unset),
2. ``BOT_VAULT_PASSPHRASE_FILE`` (a file's text, one trailing newline removed),
3. an interactive prompt (``prompt``), asked twice for a *new* passphrase (``confirm``).

A new passphrase for ``rotate`` is looked up the same way under ``BOT_VAULT_NEW_PASSPHRASE``
and ``BOT_VAULT_NEW_PASSPHRASE_FILE``. With no source and no prompt (a service, a pipe, CI)
:class:`NoPassphrase` says what to set. No message ever contains a passphrase.
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping

from trading.vault.errors import NoPassphrase, VaultError

ENV = "BOT_VAULT_PASSPHRASE"
NEW_ENV = "BOT_VAULT_NEW_PASSPHRASE"

#: Asks for a passphrase without echoing it; ``None`` means nobody can be asked.
Prompt = Callable[[str], str]


def get_passphrase(environ: Mapping[str, str], prompt: Prompt | None = None, *,
                   confirm: bool = False, env: str = ENV, what: str = "vault passphrase"
                   ) -> str:
    """The passphrase from ``env``, then ``env + "_FILE"``, then ``prompt``."""
    value = environ.get(env, "")
    if value:
        return value
    path = environ.get(f"{env}_FILE", "")
    if path:
        return read_passphrase_file(path, f"{env}_FILE")
    if prompt is None:
        raise NoPassphrase(f"no {what}: set {env} or {env}_FILE, or run in a terminal")
    first = prompt(f"{what[:1].upper()}{what[1:]}: ")
    if confirm and prompt(f"Repeat the {what}: ") != first:
        raise VaultError("the passphrases did not match; nothing changed")
    if not first:
        raise NoPassphrase(f"empty {what}; nothing changed")
    return first


def read_passphrase_file(path: str, variable: str) -> str:
    """The text of ``path`` without one trailing newline (``\\n`` or ``\\r\\n``)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as err:
        raise NoPassphrase(f"{variable} = {path!r}: cannot read it ({err.strerror})") from None
    except UnicodeDecodeError:
        text = None
    if text is None:
        raise NoPassphrase(f"{variable} = {path!r}: not UTF-8 text")
    text = text.removesuffix("\n").removesuffix("\r") if text.endswith("\n") else text
    if not text:
        raise NoPassphrase(f"{variable} = {path!r}: the file is empty")
    return text


def terminal_prompt() -> Prompt | None:
    """``getpass`` on the controlling terminal, or ``None`` when there is none."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return None
    os.close(fd)
    return getpass.getpass
