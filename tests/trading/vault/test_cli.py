"""The CLI as a user runs it (subprocesses, default scrypt cost) and with a scripted console."""
from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import REPO_ROOT
from trading.vault import Vault
from trading.vault.cli import Console, main

OLD = "old passphrase for the cli"
NEW = "new passphrase for the cli"
KEY = "AbCdEf+/0123456789kraken-key=="
TOKEN = "123456:telegram-token-XYZ"


def vault_cli(home: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BOT")}
    environ |= {"BOT_HOME": str(home), **env}
    return subprocess.run([sys.executable, "-m", "trading.vault", *args], cwd=REPO_ROOT,
                          env=environ, input=stdin, capture_output=True, text=True,
                          start_new_session=True, timeout=120)  # no controlling terminal


def test_the_whole_life_of_a_vault_through_the_cli(tmp_path: Path) -> None:
    outputs: list[str] = []

    def ok(*args: str, stdin: str = "", **env: str) -> str:
        done = vault_cli(tmp_path, *args, stdin=stdin, **env)
        assert done.returncode == 0, done.stderr
        outputs.extend([done.stderr] + ([] if args[0] == "get" else [done.stdout]))
        return done.stdout

    ok("init", BOT_VAULT_PASSPHRASE=OLD)
    vault_file = tmp_path / "vault.bin"
    assert stat.S_IMODE(vault_file.stat().st_mode) == 0o600
    ok("set", "kraken.api_key", stdin=KEY + "\n", BOT_VAULT_PASSPHRASE=OLD)
    ok("set", "telegram.token", stdin=TOKEN, BOT_VAULT_PASSPHRASE=OLD)
    assert ok("list", BOT_VAULT_PASSPHRASE=OLD) == "kraken.api_key\ntelegram.token\n"
    assert ok("get", "kraken.api_key", BOT_VAULT_PASSPHRASE=OLD) == KEY + "\n"
    ok("rotate", BOT_VAULT_PASSPHRASE=OLD, BOT_VAULT_NEW_PASSPHRASE=NEW)
    assert stat.S_IMODE(vault_file.stat().st_mode) == 0o600
    before = vault_file.read_bytes()
    failed = vault_cli(tmp_path, "list", BOT_VAULT_PASSPHRASE=OLD)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == (f"vault: error: {vault_file}: wrong passphrase or the vault file "
                             "was modified\n")
    assert vault_file.read_bytes() == before
    outputs += [failed.stderr]
    (tmp_path / "pp").write_text(NEW + "\n")
    assert ok("get", "telegram.token", BOT_VAULT_PASSPHRASE_FILE=str(tmp_path / "pp")) == (
        TOKEN + "\n")
    for text in outputs:
        assert all(secret not in text for secret in (KEY, TOKEN, OLD, NEW)), text


def test_without_passphrase_or_terminal_it_says_what_to_set(tmp_path: Path) -> None:
    done = vault_cli(tmp_path, "init")
    assert done.returncode == 1 and not (tmp_path / "vault.bin").exists()
    assert done.stderr == ("vault: error: no vault passphrase: set BOT_VAULT_PASSPHRASE or "
                           "BOT_VAULT_PASSPHRASE_FILE, or run in a terminal\n")


def test_a_value_on_the_command_line_is_refused_and_not_echoed(tmp_path: Path) -> None:
    done = vault_cli(tmp_path, "set", "kraken.api_key", KEY, BOT_VAULT_PASSPHRASE=OLD)
    assert done.returncode == 2 and "read from standard input" in done.stderr
    assert KEY not in done.stderr + done.stdout


# In-process runs with a scripted console: prompts, a terminal on stdin, error paths.

class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def console(*answers: str, environ: dict[str, str] | None = None,
            stdin: io.StringIO | None = None) -> tuple[Console, list[str]]:
    asked: list[str] = []
    replies: Iterator[str] = iter(answers)

    def prompt(text: str) -> str:
        asked.append(text)
        return next(replies)

    con = Console(environ=environ or {}, prompt=prompt, stdin=stdin or io.StringIO(),
                  stdout=io.StringIO(), stderr=io.StringIO())
    return con, asked


def out(con: Console) -> str:
    assert isinstance(con.stdout, io.StringIO)
    return con.stdout.getvalue()


def err(con: Console) -> str:
    assert isinstance(con.stderr, io.StringIO)
    return con.stderr.getvalue()


@pytest.fixture
def made(tmp_path: Path) -> Path:
    path = tmp_path / "v.bin"
    con, asked = console(OLD, OLD)
    assert main(["--file", str(path), "init"], con) == 0
    assert asked == ["Vault passphrase: ", "Repeat the vault passphrase: "]
    assert out(con) == f"created an empty vault at {path}\n"
    return path


def test_init_with_mismatched_prompts_creates_nothing(tmp_path: Path) -> None:
    con, _ = console(OLD, NEW)
    assert main(["--file", str(tmp_path / "v.bin"), "init"], con) == 1
    assert err(con) == "vault: error: the passphrases did not match; nothing changed\n"
    assert os.listdir(tmp_path) == []


def test_init_refuses_an_existing_vault(made: Path) -> None:
    before = made.read_bytes()
    con, asked = console()
    assert main(["--file", str(made), "init"], con) == 1
    assert "already exists; use rotate" in err(con) and asked == []
    assert made.read_bytes() == before


def test_set_at_a_terminal_asks_for_the_value_without_echo(made: Path) -> None:
    con, asked = console(OLD, KEY, stdin=Tty())
    assert main(["--file", str(made), "set", "kraken.api_key"], con) == 0
    assert asked == ["Vault passphrase: ", "Value for kraken.api_key: "]
    assert KEY not in out(con) + err(con)
    assert Vault.open(made, OLD).get("kraken.api_key") == KEY


def test_get_delete_and_unknown_names(made: Path) -> None:
    Vault.open(made, OLD).set("telegram.token", TOKEN)
    con, _ = console(OLD, OLD)
    assert main(["--file", str(made), "delete", "telegram.token"], con) == 0
    assert main(["--file", str(made), "get", "telegram.token"], con) == 1
    assert err(con) == f"vault: error: no secret named 'telegram.token' in {made}\n"


def test_bad_name_is_refused_before_asking_anything(made: Path) -> None:
    con, asked = console()
    assert main(["--file", str(made), "get", "Kraken Key"], con) == 1
    assert asked == [] and err(con).startswith("vault: error: bad secret name (10 characters)")


def test_rotate_at_a_terminal_and_the_same_passphrase_is_refused(made: Path) -> None:
    before = made.read_bytes()
    con, asked = console(OLD, OLD, OLD)
    assert main(["--file", str(made), "rotate"], con) == 1
    assert "same as the current one; nothing changed" in err(con)
    assert made.read_bytes() == before
    con, asked = console(OLD, NEW, NEW)
    assert main(["--file", str(made), "rotate"], con) == 0
    assert asked == ["Vault passphrase: ", "New vault passphrase: ",
                     "Repeat the new vault passphrase: "]
    assert len(Vault.open(made, NEW)) == 0


def test_default_file_is_under_bot_home_which_init_creates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    con, _ = console(environ={"BOT_HOME": str(home), "BOT_VAULT_PASSPHRASE": OLD})
    assert main(["init"], con) == 0
    assert (home / "vault.bin").is_file()
    assert main(["list"], con) == 0 and out(con) == f"created an empty vault at {home}/vault.bin\n"
