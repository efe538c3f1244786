"""MLP weights: validation and the NumPy forward pass (hand-computed)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from trading.ml.mlp import MLP, N_FEATURES


def _hand_mlp() -> MLP:
    w1 = np.zeros((2, N_FEATURES), np.float32)
    w1[0, 0], w1[1, 1] = 1.0, -1.0
    return MLP(w1, np.array([0.0, 0.5], np.float32), np.array([[2.0, -1.0]], np.float32),
               np.array([0.25], np.float32))


def test_forward_matches_hand_computation() -> None:
    x = np.zeros(N_FEATURES, np.float32)
    x[0], x[1] = 1.0, 2.0
    # h = relu([1*1 + 0, -1*2 + 0.5]) = [1, 0]; z = 2*1 - 1*0 + 0.25 = 2.25
    expected = 1.0 / (1.0 + math.exp(-2.25))  # 0.904650...
    out = _hand_mlp().forward(x)
    assert out.shape == (1,) and out.dtype == np.float32
    assert out[0] == pytest.approx(expected, abs=1e-6)
    assert out[0] == pytest.approx(0.9046505, abs=1e-6)


def test_forward_batch_and_extremes() -> None:
    mlp = _hand_mlp()
    X = np.zeros((3, N_FEATURES), np.float32)
    # row 0: h = [0, 0.5] -> z = -0.5 + 0.25 = -0.25 -> p = 1 / (1 + e^0.25) = 0.437823...
    X[1, 0] = 200.0  # h = [200, 0.5] -> z = 399.75 -> p = 1
    X[2, 1] = -200.0  # h = [0, 200.5] -> z = -200.25 -> p = 0 (no overflow warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mlp.forward(X)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(1.0 / (1.0 + math.exp(0.25)), abs=1e-6)
    assert out[0] == pytest.approx(0.4378235, abs=1e-6)
    assert out[1] == 1.0 and out[2] == 0.0


def test_forward_rejects_wrong_width() -> None:
    with pytest.raises(ValueError, match=r"expected \(k, 10\)"):
        _hand_mlp().forward(np.zeros((4, 9), np.float32))


def test_weights_are_read_only_copies() -> None:
    w1 = np.ones((3, N_FEATURES), np.float32)
    mlp = MLP(w1, np.zeros(3, np.float32), np.ones((1, 3), np.float32), np.zeros(1, np.float32))
    w1[:] = 5.0
    assert (mlp.w1 == 1.0).all()
    assert mlp.hidden == 3
    with pytest.raises(ValueError):
        mlp.w1[0, 0] = 2.0


def _weights(h: int = 4) -> dict[str, object]:
    return {"w1": np.zeros((h, N_FEATURES), np.float32), "b1": np.zeros(h, np.float32),
            "w2": np.zeros((1, h), np.float32), "b2": np.zeros(1, np.float32)}


@pytest.mark.parametrize(("name", "value", "message"), [
    ("w1", np.zeros((4, N_FEATURES), np.float64), "w1: dtype float64, expected float32"),
    ("w1", np.zeros((4, 9), np.float32), r"w1: shape \(4, 9\), expected \(4, 10\)"),
    ("w1", np.zeros((0, N_FEATURES), np.float32), "hidden size 0"),
    ("w1", [[0.0] * N_FEATURES] * 4, "w1: expected a numpy array, got list"),
    ("b1", np.zeros(5, np.float32), r"b1: shape \(5,\), expected \(4,\)"),
    ("b1", np.array([0, np.nan, 0, 0], np.float32), "b1: contains NaN or infinity"),
    ("w2", np.zeros((2, 4), np.float32), r"w2: shape \(2, 4\), expected \(1, 4\)"),
    ("w2", np.full((1, 4), np.inf, np.float32), "w2: contains NaN or infinity"),
    ("b2", np.zeros((1, 1), np.float32), "b2: 2 dims, expected 1"),
])
def test_bad_weights_rejected(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(**(_weights() | {name: value}))
