"""Secret names and the read-only mapping of secrets handed to other code.

A name is 1 to 64 characters of ``a-z 0-9 _ . -`` (``kraken.api_key``, ``telegram.token``);
valid names are not secret and may appear in messages and logs (an invalid one is never
echoed: it may be a value typed in the wrong place). Values are: :class:`Secrets` is a
``Mapping[str, str]`` whose ``repr``/``str`` list the names only.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from trading.vault.errors import VaultError

NAME_RE = re.compile(r"^[a-z0-9_.-]{1,64}$")
MAX_VALUE_CHARS = 65536


def check_name(name: str) -> str:
    """Return ``name`` if valid, else raise :class:`VaultError` naming it."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise VaultError(f"bad secret name {_shown(name)}: expected 1 to 64 characters "
                         "of a-z 0-9 _ . -")
    return name


def check_value(name: str, value: str) -> str:
    """Return ``value`` if storable (non-empty text up to 64 KiB); the error never shows it."""
    if not isinstance(value, str):
        raise VaultError(f"secret {name!r}: value must be text, not {type(value).__name__}")
    if not value:
        raise VaultError(f"secret {name!r}: empty value; nothing stored")
    if len(value) > MAX_VALUE_CHARS:
        raise VaultError(f"secret {name!r}: value longer than {MAX_VALUE_CHARS} characters")
    return value


def _shown(name: object) -> str:
    """A bad name as shown in errors: never quoted, since it may be a value typed by mistake."""
    if isinstance(name, str):
        return f"({len(name)} characters)"
    return f"(a {type(name).__name__}, not text)"


class Secrets(Mapping[str, str]):
    """A read-only name -> secret mapping whose ``repr`` shows names, never values."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data: dict[str, str] = dict(data or {})

    def __getitem__(self, name: str) -> str:
        try:
            return self._data[name]
        except KeyError:
            pass
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Secrets(names={sorted(self._data)!r})"

    __str__ = __repr__
