"""The dashboard's access token: ``web.token`` from the config, else ``${BOT_HOME}/web.token``.

Semantics and caveats:

- A non-empty ``web.token`` (config file, ``.env`` or ``BOT__WEB__TOKEN``) always wins and
  nothing is written. Otherwise the first caller creates ``${BOT_HOME}/web.token`` (mode
  0600, 43 URL-safe characters = 256 random bits) and every later caller reads it, so
  ``make run`` (which prints the dashboard link) and the ``web`` program agree.
- Creation is race-free: the file is written under a temporary name and hard-linked into
  place, so two processes starting at once never see a half-written token and both end up
  with the one that won.
- A token file readable by others is set back to 0600 (with a warning).
- A token file that is empty or unreadable is a one-line :class:`TokenError`; it is never
  replaced silently (that would log every open dashboard out without saying why).
- This module must stay importable without Flask (``tools/launch.py`` uses it).
  The token itself is never logged.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from config import Config, Paths

logger = logging.getLogger(__name__)

TOKEN_FILE = "web.token"
TOKEN_BYTES = 32


class TokenError(RuntimeError):
    """The token file exists but cannot be used; ``str(e)`` is one line naming the file."""


def token_path(paths: Paths) -> Path:
    return paths.home / TOKEN_FILE


def generate_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def read_token(path: Path) -> str | None:
    """The token stored in ``path``; None if the file does not exist.

    :raises TokenError: the file exists but is unreadable or empty
    """
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise TokenError(f"dashboard token file {path} cannot be read: {err}") from None
    if not text:
        raise TokenError(f"dashboard token file {path} is empty; delete it to get a new token")
    return text


def _create(path: Path) -> str:
    """Write a new token to ``path`` unless another process got there first; the winner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(generate_token() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
            logger.info("generated a new dashboard token in %s (mode 0600)", path)
        except FileExistsError:
            pass  # someone else created it meanwhile: theirs wins
    finally:
        tmp.unlink(missing_ok=True)
    token = read_token(path)
    if token is None:  # deleted between link and read: nothing sane to do but say so
        raise TokenError(f"dashboard token file {path} vanished while it was being created")
    return token


def ensure_token(paths: Paths, cfg: Config) -> str:
    """The token the dashboard accepts, creating ``${BOT_HOME}/web.token`` if needed.

    :raises TokenError: the token file exists but is unreadable or empty
    """
    if cfg.web.token:
        return cfg.web.token
    path = token_path(paths)
    token = read_token(path)
    if token is None:
        return _create(path)
    _tighten(path)
    return token


def _tighten(path: Path) -> None:
    """Make a token file that others can read private again (and say so)."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, 0o600)
            logger.warning("dashboard token file %s was mode %o; set to 600", path, mode)
    except OSError as err:
        logger.warning("cannot check the mode of %s: %s", path, err)
