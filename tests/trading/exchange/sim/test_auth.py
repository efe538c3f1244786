"""Signed-request checks, pinned to Kraken's published example (not to our own signer)."""
from __future__ import annotations

import pytest

from trading.exchange import kraken_signature
from trading.exchange.sim.auth import Authenticator
from trading.exchange.sim.errors import KrakenError

# Kraken's doc example: buy 1.25 XBTUSD at $37,500 (see notes/kraken-facts-and-user-pain.md C.4)
SECRET = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
PATH = "/0/private/AddOrder"
BODY = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
SIGN = "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
KEY = "test-key"


def rejects(auth: Authenticator, headers: dict[str, str], body: str = BODY) -> str:
    with pytest.raises(KrakenError) as info:
        auth.verify(PATH, headers, body)
    return info.value.message


def test_krakens_published_example_is_accepted() -> None:
    auth = Authenticator(KEY, SECRET)
    fields = auth.verify(PATH, {"API-Key": KEY, "API-Sign": SIGN}, BODY)
    assert fields["pair"] == "XBTUSD" and fields["volume"] == "1.25"
    assert auth.last_nonce == 1616492376594


@pytest.mark.parametrize("bad_sign", [
    "zA0LsmBEQjAhiVXDC0d286hCa9i387Mf1ZKLsYKEAfzW+x3m5FeiAkR7eoNxQ7ykM1KedtbCWKAZ4wyKRSmgfQ==",
    "zo+vrOtmhw2LH1Fh3GAqpXIqhgnLDTHJUiD6oiKNvJ4z8K6XEtgTTwr9ob8wbAF2rCRgTCD6KZSUz3JYQiekzg==",
    "zwA/7ZeyMabSuj0sa2mqDmFopYBRkumvBDihoq6FoE/MXkJYG/bcbqef1QnhQQTCCeRWeCQsdt3iNfx8KBKv7A==",
    "", "not base64 at all"])
def test_wrong_signatures_are_rejected_without_using_the_nonce(bad_sign: str) -> None:
    auth = Authenticator(KEY, SECRET)
    assert rejects(auth, {"API-Key": KEY, "API-Sign": bad_sign}) == "EAPI:Invalid signature"
    assert auth.last_nonce == -1
    auth.verify(PATH, {"API-Key": KEY, "API-Sign": SIGN}, BODY)  # the nonce is still usable


def test_unknown_or_missing_key() -> None:
    auth = Authenticator(KEY, SECRET)
    assert rejects(auth, {"API-Key": "other", "API-Sign": SIGN}) == "EAPI:Invalid key"
    assert rejects(auth, {"API-Sign": SIGN}) == "EAPI:Invalid key"


def test_a_body_changed_after_signing_is_rejected() -> None:
    auth = Authenticator(KEY, SECRET)
    tampered = BODY.replace("volume=1.25", "volume=12.5")
    assert rejects(auth, {"API-Key": KEY, "API-Sign": SIGN}, tampered) == "EAPI:Invalid signature"


def test_nonce_must_increase_and_be_present() -> None:
    auth = Authenticator(KEY, SECRET)

    def signed(nonce: int | str) -> tuple[dict[str, str], str]:
        body = f"nonce={nonce}&pair=XBTUSD"
        return {"API-Key": KEY, "API-Sign": kraken_signature("/0/private/AddOrder", body,
                                                             SECRET)}, body

    auth.verify(PATH, *signed(1000))
    for stale in (1000, 999):
        assert rejects(auth, *signed(stale)[:1], signed(stale)[1]) == "EAPI:Invalid nonce"
    auth.verify(PATH, *signed(1001))
    assert rejects(auth, {"API-Key": KEY, "API-Sign": SIGN}, "pair=XBTUSD") == "EAPI:Invalid nonce"
    assert rejects(auth, *signed("12a")[:1], signed("12a")[1]) == "EAPI:Invalid nonce"
