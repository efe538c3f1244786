"""The 10 model features: range, orientation by side, hand-checked values, no look-ahead."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tests.trading.ai.builders import trending
from trading import indicators as ti
from trading.ai.confluence import Confluence
from trading.ai.features import MIN_BARS, NAMES, SIZE, atr14, features

CONF = Confluence("long", ("trend", "momentum", "breakout"), ("reversal",), 5, 0.6, 3)


def test_ten_named_float32_features_in_range() -> None:
    x = features(trending(), "long", CONF, imbalance=0.3, spread_bps=2.0)
    assert x is not None and x.shape == (SIZE,) == (len(NAMES),) and x.dtype == np.float32
    assert np.all(np.isfinite(x)) and np.all(np.abs(x) <= 1.0)


def test_a_given_atr_is_the_one_features_would_compute() -> None:
    bars = trending()
    assert atr14(bars) == float(ti.atr(bars[:, 2], bars[:, 3], bars[:, 4], 14)[-1])
    mine = features(bars, "long", CONF, 0.3, 2.0)
    given = features(bars, "long", CONF, 0.3, 2.0, atr=atr14(bars))
    other = features(bars, "long", CONF, 0.3, 2.0, atr=2 * atr14(bars))
    assert mine is not None and given is not None and other is not None
    assert np.array_equal(mine, given) and not np.array_equal(mine, other)


def test_hand_checked_values() -> None:
    bars = trending()
    x = features(bars, "long", CONF, imbalance=0.3, spread_bps=2.0)
    assert x is not None
    close, high, low = bars[:, 4], bars[:, 2], bars[:, 3]
    atr = ti.atr(high, low, close, 14)[-1]
    assert x[0] == pytest.approx(3 / 5) and x[1] == pytest.approx(0.6)
    assert x[2] == pytest.approx(1 / 5) and x[3] == pytest.approx(0.3)
    assert x[4] == pytest.approx((ti.rsi(close, 14)[-1] - 50) / 50, abs=1e-6)
    assert x[5] == pytest.approx(math.tanh((close[-1] - ti.ema(close, 50)[-1]) / atr / 3), abs=1e-6)
    assert x[6] == pytest.approx(math.tanh(atr / close[-1] / 0.01), abs=1e-6)
    assert x[7] == 0.0                                 # constant volume: ln(1) = 0
    assert x[8] == pytest.approx(math.tanh((close[-1] - close[-11]) / atr / 3), abs=1e-6)
    assert x[9] == pytest.approx(math.tanh(0.2), abs=1e-6)
    assert x[4] > 0 and x[5] > 0 and x[8] > 0          # an uptrend favours a long


def test_signed_features_flip_with_the_side() -> None:
    bars = trending()
    long = features(bars, "long", CONF, imbalance=0.3, spread_bps=2.0)
    short = features(bars, "short", CONF, imbalance=0.3, spread_bps=2.0)
    assert long is not None and short is not None
    signed = [NAMES.index(n) for n in ("imbalance", "rsi", "trend", "move")]
    unsigned = [i for i in range(SIZE) if i not in signed]
    np.testing.assert_allclose(short[signed], -long[signed], atol=1e-7)
    np.testing.assert_array_equal(short[unsigned], long[unsigned])


def test_no_book_gives_zero_book_features() -> None:
    x = features(trending(), "long", CONF)
    assert x is not None and x[3] == 0.0 and x[9] == 0.0


def test_volume_burst_feature() -> None:
    bars = trending()
    bars[-1, 5] = 10.0 * math.e                        # e times the 20-bar mean
    x = features(bars, "long", CONF)
    assert x is not None and x[7] == pytest.approx(math.tanh(1.0), abs=1e-6)


def test_too_few_bars_gives_none_and_bad_input_one_line() -> None:
    assert features(trending(MIN_BARS - 1), "long", CONF) is None
    with pytest.raises(ValueError, match="side must be long or short"):
        features(trending(), "flat", CONF)
    with pytest.raises(ValueError, match=r"\(n, 6\)"):
        features(trending()[:, :5], "long", CONF)


def test_flat_prices_stay_finite() -> None:
    bars = trending(step=0.0)
    bars[:, 1:5] = 100.0
    x = features(bars, "long", CONF)
    assert x is not None and np.all(np.isfinite(x))


def test_no_look_ahead_window_prefix_gives_the_same_features() -> None:
    long = trending(400)
    for end in (200, 300, 400):
        window = long[end - 200:end]
        again = long[end - 200:end].copy()
        x1, x2 = features(window, "long", CONF), features(again, "long", CONF)
        assert x1 is not None and np.array_equal(x1, x2)
    # what comes after the window's last bar changes nothing
    mutated = long.copy()
    mutated[300:, 1:5] *= 3.0
    assert np.array_equal(features(long[100:300], "long", CONF),
                          features(mutated[100:300], "long", CONF))
