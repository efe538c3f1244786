"""Turning a validation failure into the one line a user reads.

Every message names the key path (``web.port``), the bad value, where that
value came from (``config.yaml``, the ``BOT_CONFIG`` file, ``.env`` or an
environment variable) and what is allowed. Nothing here raises anything but
:class:`ConfigError`.
"""
from __future__ import annotations

import re
from typing import Any

import msgspec
from msgspec import inspect as mi

_AT = re.compile(r"^(?P<reason>.*) - at `\$(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>[^`]+)`$")
_PART = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")


class ConfigError(ValueError):
    """A bad configuration; ``str(err)`` is one line naming key, value and what is allowed."""


def split_path(path: str) -> list[str | int]:
    """``".trading.pairs[2]"`` -> ``["trading", "pairs", 2]``."""
    return [name if name else int(idx) for name, idx in _PART.findall(path)]


def join_path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def lookup(tree: Any, parts: list[str | int]) -> Any:
    for part in parts:
        tree = tree[part]
    return tree


def describe(info: mi.Type) -> str:
    """What a value of this type may be, in words."""
    if isinstance(info, mi.LiteralType):
        return "one of " + ", ".join(str(v) for v in info.values)
    if isinstance(info, mi.BoolType):
        return "true or false"
    if isinstance(info, (mi.IntType, mi.FloatType)):
        kind = "an integer" if isinstance(info, mi.IntType) else "a number"
        return kind + _bounds(info)
    if isinstance(info, mi.StrType):
        return "text" + (f" matching {info.pattern}" if info.pattern else "")
    if isinstance(info, (mi.VarTupleType, mi.ListType)):
        size = _sizes(info.min_length, info.max_length)
        return f"a list{size} of {describe(info.item_type)}"
    if isinstance(info, mi.StructType):
        return "a section with keys " + ", ".join(f.name for f in info.fields)
    return str(info)


def _bounds(info: mi.IntType | mi.FloatType) -> str:
    marks = [(">=", info.ge), (">", info.gt), ("<=", info.le), ("<", info.lt)]
    shown = [f"{op} {val}" for op, val in marks if val is not None]
    return (" " + " and ".join(shown)) if shown else ""


def _sizes(lo: int | None, hi: int | None) -> str:
    if lo and hi:
        return f" of {lo} to {hi} items"
    return f" of at least {lo} items" if lo else ""


def type_at(root: type, parts: list[str | int]) -> mi.Type | None:
    """The msgspec type info of the value at ``parts`` (None if no such key)."""
    info: mi.Type = mi.type_info(root)
    for part in parts:
        if isinstance(info, mi.StructType) and isinstance(part, str):
            fields = {f.name: f.type for f in info.fields}
            if part not in fields:
                return None
            info = fields[part]
        elif isinstance(info, (mi.VarTupleType, mi.ListType)):
            info = info.item_type
        else:
            return None
    return info


def from_validation(err: msgspec.ValidationError, tree: dict, root: type,
                    origins: dict[str, str]) -> ConfigError:
    """Rewrite msgspec's message into our one line."""
    match = _AT.match(str(err))
    parts = split_path(match["path"]) if match else []
    reason = match["reason"] if match else str(err)
    unknown = _UNKNOWN.match(reason)
    if unknown:
        section = join_path(parts)
        key = join_path([*parts, unknown["key"]])
        where = origin_of(origins, key)
        allowed = describe(type_at(root, parts)) if parts else "sections " + ", ".join(
            f.name for f in mi.type_info(root).fields)
        return ConfigError(f"config error: {key}{where}: unknown key"
                           f" (allowed in {section or 'the top level'}: "
                           f"{allowed.removeprefix('a section with keys ')})")
    key = join_path(parts)
    info = type_at(root, parts)
    expected = describe(info) if info is not None and parts else _lower_first(reason)
    return ConfigError(f"config error: {key} = {lookup(tree, parts)!r}"
                       f"{origin_of(origins, key)} is not allowed: expected {expected}")


def origin_of(origins: dict[str, str], key: str) -> str:
    """`` (from env BOT__WEB__PORT)`` for the deepest recorded prefix of key."""
    probe = key
    while probe:
        if probe in origins:
            return f" (from {origins[probe]})"
        probe = probe.rpartition("[")[0] if probe.endswith("]") else probe.rpartition(".")[0]
    below = sorted(k for k in origins if k.startswith(f"{key}."))
    return f" (from {origins[below[0]]})" if below else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
