from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trading.vault.errors import NoPassphrase, VaultError
from trading.vault.passphrase import Prompt, get_passphrase, read_passphrase_file

SECRET = "pass phrase from somewhere"


def prompter(*answers: str) -> tuple[list[str], Prompt]:
    asked: list[str] = []
    replies: Iterator[str] = iter(answers)

    def prompt(text: str) -> str:
        asked.append(text)
        return next(replies)

    return asked, prompt


def test_environment_comes_first(tmp_path: Path) -> None:
    file = tmp_path / "pp"
    file.write_text("from file\n")
    env = {"BOT_VAULT_PASSPHRASE": "from env", "BOT_VAULT_PASSPHRASE_FILE": str(file)}
    asked, prompt = prompter("from prompt")
    assert get_passphrase(env, prompt) == "from env"
    assert get_passphrase({**env, "BOT_VAULT_PASSPHRASE": ""}, prompt) == "from file"
    assert get_passphrase({}, prompt) == "from prompt"
    assert asked == ["Vault passphrase: "]


@pytest.mark.parametrize(("text", "expected"), [
    ("pp\n", "pp"), ("pp\r\n", "pp"), ("pp\n\n", "pp\n"), ("pp", "pp"), (" pp \n", " pp "),
])
def test_the_file_loses_exactly_one_trailing_newline(tmp_path: Path, text: str,
                                                     expected: str) -> None:
    file = tmp_path / "pp"
    file.write_bytes(text.encode())
    assert read_passphrase_file(str(file), "V") == expected


def test_unreadable_empty_or_binary_files_are_clear_errors_without_contents(
        tmp_path: Path) -> None:
    with pytest.raises(NoPassphrase, match=r"^V = '.*missing': cannot read it \(No such file"):
        read_passphrase_file(str(tmp_path / "missing"), "V")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(NoPassphrase, match="the file is empty"):
        read_passphrase_file(str(tmp_path / "empty"), "V")
    (tmp_path / "bin").write_bytes(SECRET.encode() + b"\xff")
    with pytest.raises(NoPassphrase, match="not UTF-8 text") as err:
        read_passphrase_file(str(tmp_path / "bin"), "V")
    assert SECRET not in str(err.value) and err.value.__context__ is None


def test_no_source_and_no_terminal_says_what_to_set() -> None:
    with pytest.raises(NoPassphrase) as err:
        get_passphrase({"BOT_VAULT_PASSPHRASE": ""}, None)
    assert str(err.value) == ("no vault passphrase: set BOT_VAULT_PASSPHRASE or "
                              "BOT_VAULT_PASSPHRASE_FILE, or run in a terminal")


def test_a_new_passphrase_is_asked_twice_and_must_match() -> None:
    asked, prompt = prompter(SECRET, SECRET)
    assert get_passphrase({}, prompt, confirm=True) == SECRET
    assert asked == ["Vault passphrase: ", "Repeat the vault passphrase: "]
    _, prompt = prompter(SECRET, SECRET + "x")
    with pytest.raises(VaultError, match="did not match; nothing changed") as err:
        get_passphrase({}, prompt, confirm=True)
    assert SECRET not in str(err.value)
    _, prompt = prompter("")
    with pytest.raises(NoPassphrase, match="empty vault passphrase"):
        get_passphrase({}, prompt)


def test_the_new_passphrase_has_its_own_variables() -> None:
    env = {"BOT_VAULT_PASSPHRASE": "old", "BOT_VAULT_NEW_PASSPHRASE": "new"}
    assert get_passphrase(env, None, env="BOT_VAULT_NEW_PASSPHRASE") == "new"
    with pytest.raises(NoPassphrase, match="^no new vault passphrase: set "
                                           "BOT_VAULT_NEW_PASSPHRASE or"):
        get_passphrase({"BOT_VAULT_PASSPHRASE": "old"}, None, env="BOT_VAULT_NEW_PASSPHRASE",
                       what="new vault passphrase")
