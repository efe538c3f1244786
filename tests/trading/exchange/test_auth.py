"""``kraken_signature`` against Kraken's published example (spot REST authentication guide).

The expected value is copied from Kraken's docs, never computed with the code under test. The
negative controls are the signatures that common bugs produce for the same inputs; they were
computed independently (see /work/shared/notes) and must not match.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tests.trading.exchange.conftest import fixture_json
from trading.exchange import kraken_signature

EX = fixture_json("rest_auth_example.json")
SECRET_NOT_DECODED = (
    "zA0LsmBEQjAhiVXDC0d286hCa9i387Mf1ZKLsYKEAfzW+x3m5FeiAkR7eoNxQ7ykM1KedtbCWKAZ4wyKRSmgfQ=="
)
HEX_DIGEST = (
    "zo+vrOtmhw2LH1Fh3GAqpXIqhgnLDTHJUiD6oiKNvJ4z8K6XEtgTTwr9ob8wbAF2rCRgTCD6KZSUz3JYQiekzg=="
)
PATH_OMITTED = (
    "zwA/7ZeyMabSuj0sa2mqDmFopYBRkumvBDihoq6FoE/MXkJYG/bcbqef1QnhQQTCCeRWeCQsdt3iNfx8KBKv7A=="
)


def test_docs_example_with_encoded_body() -> None:
    sig = kraken_signature(EX["uri_path"], EX["encoded_payload"], EX["private_key"])
    assert sig == EX["api_sign"]


def test_docs_example_with_dict_body() -> None:
    data = {"nonce": EX["nonce"], "ordertype": "limit", "pair": "XBTUSD", "price": 37500,
            "type": "buy", "volume": 1.25}
    assert kraken_signature(EX["uri_path"], data, EX["private_key"]) == EX["api_sign"]


def test_int_nonce_in_dict_is_the_same_body() -> None:
    data = {"nonce": int(EX["nonce"]), "ordertype": "limit", "pair": "XBTUSD", "price": "37500",
            "type": "buy", "volume": "1.25"}
    assert kraken_signature(EX["uri_path"], data, EX["private_key"]) == EX["api_sign"]


def test_result_is_none_of_the_known_bug_signatures() -> None:
    sig = kraken_signature(EX["uri_path"], EX["encoded_payload"], EX["private_key"])
    assert sig not in {SECRET_NOT_DECODED, HEX_DIGEST, PATH_OMITTED}


def test_field_order_matters_because_the_body_is_signed() -> None:
    reordered = "ordertype=limit&nonce=1616492376594&pair=XBTUSD&price=37500&type=buy&volume=1.25"
    assert kraken_signature(EX["uri_path"], reordered, EX["private_key"]) != EX["api_sign"]


def test_other_path_differs() -> None:
    sig = kraken_signature("/0/private/Balance", EX["encoded_payload"], EX["private_key"])
    assert sig != EX["api_sign"]


@pytest.mark.parametrize("data", [{"pair": "XBTUSD"}, "pair=XBTUSD"])
def test_missing_nonce_is_an_error(data: dict[str, str] | str) -> None:
    with pytest.raises(ValueError):
        kraken_signature(EX["uri_path"], data, EX["private_key"])


def test_the_bug_values_are_what_those_bugs_produce() -> None:
    # Each likely bug, written out here with hashlib (not the code under test), gives the
    # independently recorded wrong value, never Kraken's published one.
    path, body, nonce = EX["uri_path"], EX["encoded_payload"], EX["nonce"]
    raw_secret = base64.b64decode(EX["private_key"])
    sha = hashlib.sha256((nonce + body).encode())

    def sign(key: bytes, msg: bytes) -> str:
        return base64.b64encode(hmac.new(key, msg, hashlib.sha512).digest()).decode()

    assert sign(raw_secret, path.encode() + sha.digest()) == EX["api_sign"]
    assert sign(EX["private_key"].encode(), path.encode() + sha.digest()) == SECRET_NOT_DECODED
    assert sign(raw_secret, path.encode() + sha.hexdigest().encode()) == HEX_DIGEST
    assert sign(raw_secret, sha.digest()) == PATH_OMITTED
    hex_out = hmac.new(raw_secret, path.encode() + sha.digest(), hashlib.sha512).hexdigest()
    assert hex_out != EX["api_sign"]
