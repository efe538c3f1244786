"""Config loading: overlay order, parsing, and one clear line per kind of bad value."""
from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from config import Config, ConfigError, load_config


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment isolated from the developer's own .env."""
    return {"BOT_ENV_FILE": str(tmp_path / "none.env"), **extra}


def error_of(environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(environ)
    text = str(info.value)
    assert "\n" not in text
    return text


def test_defaults(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path))
    assert cfg.app.mode == "paper"
    assert cfg.market.source == "sim"
    assert cfg.trading.pairs == ("BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD",
                                 "ADA/USD", "DOT/USD", "LINK/USD", "LTC/USD")
    assert (cfg.web.host, cfg.web.port, cfg.sim.port) == ("127.0.0.1", 8080, 8765)
    assert cfg.risk.max_daily_loss == 0.05


def test_yaml_defaults_match_schema_defaults(tmp_path: Path) -> None:
    assert load_config(env(tmp_path)) == Config()


def test_overlay_order_file_then_dotenv_then_environment(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("web:\n  port: 9001\n  host: 0.0.0.0\n"
                    "sim:\n  seed: 7\nrisk:\n  max_daily_loss: 0.04\n")
    dotenv = tmp_path / "bot.env"
    dotenv.write_text("BOT__WEB__PORT=9002\nBOT__SIM__SEED=8\nOTHER=ignored\n")
    cfg = load_config({"BOT_CONFIG": str(user), "BOT_ENV_FILE": str(dotenv),
                       "BOT__WEB__PORT": "9003"})
    assert cfg.web.port == 9003          # environment beats .env and file
    assert cfg.sim.seed == 8             # .env beats file
    assert cfg.web.host == "0.0.0.0"     # file beats defaults
    assert cfg.risk.max_daily_loss == 0.04
    assert cfg.risk.kelly_fraction == 0.25  # sections merge key by key


def test_env_values_parse_as_yaml(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path, BOT__TELEGRAM__ALLOWED_CHAT_IDS="[111, 222]",
                          BOT__RISK__MAX_DAILY_LOSS="0.03", BOT__TELEGRAM__ENABLED="true"))
    assert cfg.telegram.allowed_chat_ids == (111, 222)
    assert cfg.risk.max_daily_loss == 0.03
    assert cfg.telegram.enabled is True


def test_text_keys_keep_the_raw_string(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path, BOT__WEB__TOKEN="0123", BOT__TELEGRAM__TOKEN="12:ab-c"))
    assert cfg.web.token == "0123"
    assert cfg.telegram.token == "12:ab-c"


def test_config_is_frozen(tmp_path: Path) -> None:
    cfg = load_config(env(tmp_path))
    with pytest.raises(AttributeError):
        cfg.web.port = 1  # type: ignore[misc]
    assert isinstance(cfg, msgspec.Struct)


def test_unknown_key_names_the_path_and_origin(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__WEB__PROT="1"))
    assert text.startswith("config error: web.prot (from env BOT__WEB__PROT): unknown key")
    assert "host, port, token" in text


def test_unknown_section(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("risky:\n  x: 1\n")
    text = error_of(env(tmp_path, BOT_CONFIG=str(user)))
    assert text.startswith(f"config error: risky (from BOT_CONFIG {user}): unknown key")


def test_wrong_type(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__WEB__PORT="abc"))
    assert text == ("config error: web.port = 'abc' (from env BOT__WEB__PORT) is not allowed: "
                    "expected an integer >= 1 and <= 65535")


def test_out_of_range(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__RISK__MAX_DAILY_LOSS="0.9"))
    assert text.startswith("config error: risk.max_daily_loss = 0.9 (from env "
                           "BOT__RISK__MAX_DAILY_LOSS) is not allowed")
    assert "<= 0.5" in text


def test_bad_choice(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__MARKET__SOURCE="binance"))
    assert "market.source = 'binance'" in text and "one of kraken, sim" in text


def test_bad_list_item_names_the_index(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__TRADING__PAIRS="[BTC/USD, btc-usd]"))
    assert text.startswith("config error: trading.pairs[1] = 'btc-usd' "
                           "(from env BOT__TRADING__PAIRS) is not allowed")


def test_wrong_shape_for_a_section(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__WEB="3"))
    assert text.startswith("config error: web = 3 (from env BOT__WEB) is not allowed: "
                           "expected a section with keys host, port, token")


def test_bool_is_not_a_number(tmp_path: Path) -> None:
    assert "web.port = True" in error_of(env(tmp_path, BOT__WEB__PORT="yes"))


def test_duplicate_pair(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__TRADING__PAIRS="[BTC/USD, ETH/USD, BTC/USD]"))
    assert text.startswith("config error: trading.pairs[2] = 'BTC/USD' is not allowed")


def test_live_needs_kraken_market(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__APP__MODE="live"))
    assert "app.mode = 'live'" in text and "market.source" in text


def test_live_needs_the_kraken_broker(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__APP__MODE="live", BOT__MARKET__SOURCE="kraken"))
    assert "execution.broker = 'paper'" in text and "kraken for live trading" in text


def test_real_orders_need_live_mode(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT__EXECUTION__BROKER="kraken", BOT__MARKET__SOURCE="kraken"))
    assert "execution.broker = 'kraken'" in text and "app.mode: live" in text


def test_kraken_broker_against_the_emulator_is_allowed(tmp_path: Path) -> None:
    assert load_config(env(tmp_path, BOT__EXECUTION__BROKER="kraken")).execution.broker == "kraken"


def test_sim_and_web_port_clash(tmp_path: Path) -> None:
    assert "sim.port = 8080" in error_of(env(tmp_path, BOT__SIM__PORT="8080"))


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("web:\n  port: 8080\n  host: [unclosed\n")
    text = error_of(env(tmp_path, BOT_CONFIG=str(user)))
    assert text.startswith(f"config error: BOT_CONFIG={user} line ")


def test_missing_user_file(tmp_path: Path) -> None:
    text = error_of(env(tmp_path, BOT_CONFIG=str(tmp_path / "nope.yaml")))
    assert text == f"config error: BOT_CONFIG={tmp_path / 'nope.yaml'}: file not found"


def test_user_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text("- a\n- b\n")
    text = error_of(env(tmp_path, BOT_CONFIG=str(user)))
    assert "expected a mapping of sections, got list" in text


def test_dotenv_value_is_named_as_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / "bot.env"
    dotenv.write_text("BOT__SIM__BAR_SECONDS=0\n")
    text = error_of({"BOT_ENV_FILE": str(dotenv)})
    assert text.startswith("config error: sim.bar_seconds = 0 (from .env BOT__SIM__BAR_SECONDS)")


def test_malformed_override_name(tmp_path: Path) -> None:
    assert "expected BOT__SECTION__KEY" in error_of(env(tmp_path, BOT__WEB____PORT="1"))
