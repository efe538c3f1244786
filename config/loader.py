"""Loading the configuration: four layers, one frozen result.

Overlay order, later wins: ``config/config.yaml`` (every default) < the YAML
file named by ``BOT_CONFIG`` < the ``.env`` file (``BOT_ENV_FILE``, default
``<repo>/.env``) < the environment. Both ``.env`` and the environment use
``BOT__SECTION__KEY=value`` names; values are parsed as YAML
(``BOT__TELEGRAM__ALLOWED_CHAT_IDS=[111, 222]`` is a list) except for text
keys, which take the raw string so a token such as ``0123`` stays text.

Caveats: mappings merge key by key, lists replace whole. A value that cannot
be used raises :class:`ConfigError` whose text is the one line to show the
user; the caller exits with code 2. The result is immutable.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
import yaml
from dotenv import dotenv_values
from msgspec import inspect as mi

from config.errors import ConfigError, from_validation, type_at
from config.rules import check_rules
from config.schema import Config

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = Path(__file__).resolve().parent / "config.yaml"
ENV_PREFIX = "BOT__"


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the frozen :class:`Config` from defaults, file, ``.env`` and environment."""
    env = os.environ if environ is None else environ
    tree: dict[str, Any] = {}
    origins: dict[str, str] = {}
    _merge(tree, _read_yaml(DEFAULTS_FILE, "config.yaml"), origins, "config.yaml", "")
    user_file = env.get("BOT_CONFIG", "")
    if user_file:
        label = f"BOT_CONFIG {user_file}"
        _merge(tree, _read_yaml(Path(user_file), f"BOT_CONFIG={user_file}"), origins, label, "")
    env_file = Path(env.get("BOT_ENV_FILE", "") or REPO_ROOT / ".env")
    for name, raw in _read_dotenv(env_file).items():
        _apply_override(tree, origins, name, raw, f".env {name}")
    for name in sorted(env):
        if name.startswith(ENV_PREFIX):
            _apply_override(tree, origins, name, env[name], f"env {name}")
    try:
        cfg = msgspec.convert(tree, Config)
    except msgspec.ValidationError as err:
        raise from_validation(err, tree, Config, origins) from None
    check_rules(cfg)
    return cfg


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config error: {label}: file not found") from None
    except OSError as err:
        raise ConfigError(f"config error: {label}: cannot read ({err.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise ConfigError(f"config error: {label}{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config error: {label}: expected a mapping of sections, "
                          f"got {type(data).__name__}")
    return data


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    values = dotenv_values(path)
    return {k: (v or "") for k, v in values.items() if k.startswith(ENV_PREFIX)}


def _merge(tree: dict[str, Any], layer: dict[str, Any], origins: dict[str, str],
           label: str, prefix: str) -> None:
    for key, value in layer.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(tree.get(key), dict):
            _merge(tree[key], value, origins, label, f"{path}.")
        else:
            tree[key] = value
            origins[path] = label


def _apply_override(tree: dict[str, Any], origins: dict[str, str], name: str,
                    raw: str, label: str) -> None:
    parts = [p.lower() for p in name[len(ENV_PREFIX):].split("__")]
    if not all(parts):
        raise ConfigError(f"config error: {label}: expected BOT__SECTION__KEY")
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"config error: {'.'.join(parts)} ({label}): "
                              f"{part} is not a section")
        node = child
    node[parts[-1]] = _parse_value(raw, type_at(Config, list(parts)))
    origins[".".join(parts)] = label


def _parse_value(raw: str, info: mi.Type | None) -> Any:
    if isinstance(info, mi.StrType) or raw == "":
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
