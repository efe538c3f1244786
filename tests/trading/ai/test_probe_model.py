"""The embedded probe model is exactly what the exporter writes for ``MLP.random(1)``."""
from __future__ import annotations

from trading.ai.probe_model import PROBE
from trading.ml.export import to_tflite
from trading.ml.mlp import MLP


def test_probe_is_the_exporters_output() -> None:
    assert PROBE == to_tflite(MLP.random(1))
