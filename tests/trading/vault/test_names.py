from __future__ import annotations

import pytest

from trading.vault.errors import VaultError
from trading.vault.names import MAX_VALUE_CHARS, Secrets, check_name, check_value


@pytest.mark.parametrize("name", ["kraken.api_key", "telegram.token", "a", "x" * 64, "a-b_c.9"])
def test_valid_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "x" * 65, "Kraken", "a b", "a/b", "ключ", "a\n"])
def test_invalid_names_are_refused_without_being_echoed(name: str) -> None:
    with pytest.raises(VaultError, match=rf"^bad secret name \({len(name)} characters\)"):
        check_name(name)


def test_values_must_be_non_empty_text_of_bounded_size() -> None:
    assert check_value("n", "x" * MAX_VALUE_CHARS) == "x" * MAX_VALUE_CHARS
    for bad in ("", "x" * (MAX_VALUE_CHARS + 1), b"bytes"):
        with pytest.raises(VaultError, match="^secret 'n': ") as err:
            check_value("n", bad)  # type: ignore[arg-type]
        assert "xxx" not in str(err.value)


def test_secrets_is_a_read_only_mapping_that_shows_names_only() -> None:
    secrets = Secrets({"b": "value-b", "a": "value-a"})
    assert list(secrets) == ["a", "b"] and len(secrets) == 2 and secrets["a"] == "value-a"
    assert secrets.get("zz") is None and dict(secrets) == {"a": "value-a", "b": "value-b"}
    assert repr(secrets) == str(secrets) == "Secrets(names=['a', 'b'])"
    with pytest.raises(TypeError):
        secrets["c"] = "x"  # type: ignore[index]
    with pytest.raises(KeyError) as err:
        secrets["zz"]
    assert err.value.__context__ is None
