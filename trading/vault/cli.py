"""``python -m trading.vault [--file PATH] init|set|get|list|delete|rotate``.

- ``init``: create an empty vault (new passphrase, asked twice at a terminal).
- ``set NAME``: the value is read from standard input (hidden prompt at a terminal), never
  from the command line, which other users can see in ``ps``; one trailing newline is removed.
- ``get NAME``: the only command that prints a secret, to standard output.
- ``list``: names only. ``delete NAME``: remove one secret.
- ``rotate``: re-encrypt under a new passphrase (``BOT_VAULT_NEW_PASSPHRASE[_FILE]`` or the
  prompt) with a new salt and the current scrypt defaults.

The file is ``${BOT_HOME}/vault.bin`` unless ``--file`` says otherwise; passphrase sources are
in :mod:`.passphrase`. Errors are one line on standard error, exit status 1, file unchanged;
exit status 2 is a usage error.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from config.paths import Paths
from trading.vault.errors import VaultError
from trading.vault.names import check_name
from trading.vault.passphrase import NEW_ENV, Prompt, get_passphrase, terminal_prompt
from trading.vault.store import Vault


@dataclass
class Console:
    """What the CLI talks to; tests pass their own."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    prompt: Prompt | None = field(default_factory=terminal_prompt)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    def passphrase(self, *, confirm: bool = False) -> str:
        return get_passphrase(self.environ, self.prompt, confirm=confirm)

    def say(self, text: str) -> None:
        print(text, file=self.stdout)


def cmd_init(path: Path, args: argparse.Namespace, con: Console) -> None:
    if os.path.lexists(path):
        raise VaultError(f"{path}: a vault file already exists; use rotate to change "
                         "its passphrase")
    if not path.parent.exists() and path.parent.parent.is_dir():
        path.parent.mkdir()
    Vault.create(path, con.passphrase(confirm=True))
    con.say(f"created an empty vault at {path}")


def cmd_set(path: Path, args: argparse.Namespace, con: Console) -> None:
    name = check_name(args.name)
    vault = Vault.open(path, con.passphrase())
    vault.set(name, _read_value(name, con))
    con.say(f"stored {name} in {path}")


def cmd_get(path: Path, args: argparse.Namespace, con: Console) -> None:
    name = check_name(args.name)
    con.say(Vault.open(path, con.passphrase()).get(name))


def cmd_list(path: Path, args: argparse.Namespace, con: Console) -> None:
    for name in Vault.open(path, con.passphrase()).names():
        con.say(name)


def cmd_delete(path: Path, args: argparse.Namespace, con: Console) -> None:
    name = check_name(args.name)
    Vault.open(path, con.passphrase()).delete(name)
    con.say(f"deleted {name} from {path}")


def cmd_rotate(path: Path, args: argparse.Namespace, con: Console) -> None:
    old = con.passphrase()
    vault = Vault.open(path, old)
    new = get_passphrase(con.environ, con.prompt, confirm=True, env=NEW_ENV,
                         what="new vault passphrase")
    if new == old:
        raise VaultError("the new passphrase is the same as the current one; nothing changed")
    vault.rotate(new)
    con.say(f"re-encrypted {path} under the new passphrase")


def _read_value(name: str, con: Console) -> str:
    """The secret for ``set``: a hidden prompt at a terminal, else all of standard input."""
    if con.prompt is not None and con.stdin.isatty():
        return con.prompt(f"Value for {name}: ")
    text = con.stdin.read()
    return text.removesuffix("\n").removesuffix("\r") if text.endswith("\n") else text


COMMANDS: dict[str, Callable[[Path, argparse.Namespace, Console], None]] = {
    "init": cmd_init, "set": cmd_set, "get": cmd_get, "list": cmd_list,
    "delete": cmd_delete, "rotate": cmd_rotate,
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m trading.vault",
                                  description="The bot's encrypted key vault.")
    top.add_argument("--file", type=Path, help="vault file (default: ${BOT_HOME}/vault.bin)")
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create an empty vault")
    for cmd, text in (("set", "store a secret read from standard input"),
                      ("get", "print one secret"), ("delete", "remove one secret")):
        sub.add_parser(cmd, help=text).add_argument("name", help="e.g. kraken.api_key")
    sub.add_parser("list", help="print the names of the secrets")
    sub.add_parser("rotate", help="re-encrypt under a new passphrase")
    return top


def main(argv: list[str] | None = None, con: Console | None = None) -> int:
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra:  # never echo them: a value typed here is a secret on the command line
        top.error(f"{len(extra)} unexpected argument(s); secret values are read from "
                  "standard input, never from the command line")
    con = con or Console()
    path = args.file or Paths.from_env(con.environ).vault
    try:
        COMMANDS[args.command](path, args, con)
    except VaultError as err:
        print(f"vault: error: {err}", file=con.stderr)
        return 1
    except OSError as err:
        print(f"vault: error: {err.filename or path}: {err.strerror}", file=con.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("vault: interrupted", file=con.stderr)
        return 130
    return 0
