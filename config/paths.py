"""Where this instance keeps its runtime files: everything under ``BOT_HOME``.

``BOT_HOME`` (default ``<repo>/var``) holds ``bot.db``, ``run/`` (mode 0700:
ZeroMQ sockets, supervisord socket and pid file), ``logs/``, ``models/`` and
``vault.bin``. Nothing runtime is written into the source tree outside it.
Unix socket paths are limited to 107 bytes, so a very deep ``BOT_HOME`` is
refused with a clear line rather than failing later inside ZeroMQ.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from config.errors import ConfigError
from config.loader import REPO_ROOT

SOCKET_PATH_MAX = 107
_LONGEST_SOCKET = "cmd-executor.sock"


@dataclass(frozen=True)
class Paths:
    home: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Paths:
        env = os.environ if environ is None else environ
        raw = env.get("BOT_HOME", "") or str(REPO_ROOT / "var")
        return cls(home=Path(raw).expanduser().resolve())

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def db(self) -> Path:
        return self.home / "bot.db"

    @property
    def vault(self) -> Path:
        return self.home / "vault.bin"

    @property
    def supervisor_socket(self) -> Path:
        return self.run / "supervisor.sock"

    @property
    def supervisor_pidfile(self) -> Path:
        return self.run / "supervisord.pid"

    def check(self) -> None:
        """Raise :class:`ConfigError` if BOT_HOME cannot be used."""
        if not self.home.exists() and not self.home.parent.is_dir():
            raise ConfigError(f"BOT_HOME = {str(self.home)!r}: parent directory "
                              f"{str(self.home.parent)!r} does not exist")
        if self.home.exists() and not self.home.is_dir():
            raise ConfigError(f"BOT_HOME = {str(self.home)!r}: exists and is not a directory")
        longest = len(str(self.run / _LONGEST_SOCKET))
        if longest > SOCKET_PATH_MAX:
            raise ConfigError(f"BOT_HOME = {str(self.home)!r}: too deep for unix sockets "
                              f"({longest} > {SOCKET_PATH_MAX} bytes); use a shorter path")

    def prepare(self) -> None:
        """Create the runtime folders (``run/`` private to this user)."""
        self.check()
        for folder in (self.home, self.logs, self.models):
            folder.mkdir(parents=False, exist_ok=True)
        self.run.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.run, 0o700)
