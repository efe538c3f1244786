"""The bot's configuration: typed, validated, frozen after load.

``load_config()`` returns a :class:`Config`; ``Paths.from_env()`` says where
runtime files go. Bad input raises :class:`ConfigError` whose text is a single
line naming the key path, the value, its origin and what is allowed.
"""
from config.errors import ConfigError
from config.loader import REPO_ROOT, load_config
from config.paths import Paths
from config.schema import SECRET_KEYS, Config

__all__ = ["Config", "ConfigError", "Paths", "REPO_ROOT", "SECRET_KEYS", "load_config"]
