"""The emulator's API key and secret, created once and shared through ``sim-keys.json``.

``load_or_create_keys(path)`` returns ``(key, secret)``. On first use it generates a key
(base64 of 42 random bytes, 56 characters like Kraken's) and a secret (base64 of 64 random
bytes, like Kraken's) and writes ``{"key": ..., "secret": ...}`` with mode 0600; later calls
(the emulator after a restart, the Kraken broker) read the same file.

Caveats: the file is created with ``O_EXCL`` and renamed into place, so two processes racing
on first start both end up with the one file that won. A malformed file raises ``ValueError``
naming the path; it is never silently replaced (the broker may already use the old key).
Never log the secret.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

KEYS_FILE = "sim-keys.json"


def _new_keys() -> dict[str, str]:
    return {"key": base64.b64encode(secrets.token_bytes(42)).decode(),
            "secret": base64.b64encode(secrets.token_bytes(64)).decode()}


def _read(path: Path) -> tuple[str, str]:
    try:
        data = json.loads(path.read_text())
        key, secret = data["key"], data["secret"]
        base64.b64decode(secret, validate=True)
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path}: not a valid emulator key file ({err})") from err
    if not isinstance(key, str) or not key:
        raise ValueError(f"{path}: not a valid emulator key file (empty key)")
    return key, secret


def _write_new(path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(_new_keys(), out)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # fails if another process created it meanwhile
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def load_or_create_keys(path: Path | str) -> tuple[str, str]:
    """Read ``(key, secret)`` from ``path``, creating the file (mode 0600) if it is missing."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path)
    return _read(path)
