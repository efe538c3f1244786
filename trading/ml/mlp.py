"""The scoring model's weights and its NumPy forward pass (the reference the .tflite must match).

Semantics: ``p = sigmoid(w2 @ relu(w1 @ x + b1) + b2)`` for a feature row ``x`` of
``N_FEATURES`` float32 values; ``p`` is the model's probability that a trade succeeds.
Weights are stored the TFLite way, ``[out, in]``: ``w1`` is ``(hidden, N_FEATURES)`` and
``w2`` is ``(1, hidden)``. A Keras-style ``[in, out]`` kernel must be transposed first.

Caveats: construction validates shapes, dtype (float32 only: no silent casts, so the
exported file and this reference compute in the same precision) and finiteness, then keeps
read-only copies, so later edits to the caller's arrays change nothing. Instances compare by
identity (arrays have no single truth value). This module needs only NumPy; writing a
``.tflite`` lives in ``trading.ml.export``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

N_FEATURES = 10
MAX_HIDDEN = 4096


@dataclass(frozen=True, eq=False)
class MLP:
    """A 10 -> hidden -> 1 perceptron: FC + ReLU, FC + logistic. All arrays float32."""

    w1: np.ndarray  # (hidden, N_FEATURES)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (1, hidden)
    b2: np.ndarray  # (1,)

    def __post_init__(self) -> None:
        hidden = _check("w1", self.w1, 2).shape[0]
        expected = {"w1": (hidden, N_FEATURES), "b1": (hidden,), "w2": (1, hidden), "b2": (1,)}
        if not 1 <= hidden <= MAX_HIDDEN:
            raise ValueError(f"MLP w1: hidden size {hidden} outside 1..{MAX_HIDDEN}")
        for name, shape in expected.items():
            arr = _check(name, getattr(self, name), len(shape))
            if arr.shape != shape:
                raise ValueError(f"MLP {name}: shape {arr.shape}, expected {shape}")
            arr = arr.copy()
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def hidden(self) -> int:
        """Width of the hidden layer."""
        return int(self.w1.shape[0])

    @classmethod
    def random(cls, hidden: int, seed: int = 0, scale: float = 0.5) -> MLP:
        """Random normal weights (tests, benchmarks, a placeholder model)."""
        rng = np.random.default_rng(seed)

        def draw(*shape: int) -> np.ndarray:
            return (rng.standard_normal(shape) * scale).astype(np.float32)

        return cls(draw(hidden, N_FEATURES), draw(hidden), draw(1, hidden), draw(1))

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Probabilities, shape ``(k,)`` float32, for ``X`` of shape ``(k, N_FEATURES)``.

        One row ``(N_FEATURES,)`` is accepted too and gives shape ``(1,)``.
        """
        x = np.asarray(X, dtype=np.float32)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != N_FEATURES:
            raise ValueError(f"MLP input: shape {np.shape(X)}, expected (k, {N_FEATURES})")
        h = np.maximum(x @ self.w1.T + self.b1, np.float32(0))
        z = h @ self.w2.T + self.b2
        with np.errstate(over="ignore"):  # exp(-z) -> inf for very negative z gives p = 0
            return (np.float32(1) / (np.float32(1) + np.exp(-z)))[:, 0]


def _check(name: str, arr: object, ndim: int) -> np.ndarray:
    """``arr`` as a float32 ndarray of ``ndim`` dims with finite values, else ValueError."""
    if not isinstance(arr, np.ndarray):
        raise ValueError(f"MLP {name}: expected a numpy array, got {type(arr).__name__}")
    if arr.dtype != np.float32:
        raise ValueError(f"MLP {name}: dtype {arr.dtype}, expected float32")
    if arr.ndim != ndim:
        raise ValueError(f"MLP {name}: {arr.ndim} dims, expected {ndim}")
    if not np.isfinite(arr).all():
        raise ValueError(f"MLP {name}: contains NaN or infinity")
    return arr
