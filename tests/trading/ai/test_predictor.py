"""The TFLite predictor: load, score, hot reload, and every way a model file can be bad."""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from trading.ai import predictor as predictor_mod
from trading.ai.predictor import ModelState, Predictor, Runtime, find_runtime
from trading.ml import mlp as mlp_mod
from trading.ml.export import to_tflite, write_model
from trading.ml.mlp import MLP, N_FEATURES

ROWS = (np.random.default_rng(11).standard_normal((64, N_FEATURES)) * 2).astype(np.float32)


@pytest.fixture
def model_path(tmp_path: Path) -> Path:
    (tmp_path / "models").mkdir()
    return tmp_path / "models" / "current.tflite"


def _put(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with raw bytes (as a careless copy tool would not)."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _singles(p: Predictor) -> np.ndarray:
    return np.array([p.predict(row) for row in ROWS[:16]])


def test_load_and_predict(model_path: Path) -> None:
    mlp = MLP.random(16, seed=1)
    write_model(mlp, model_path)
    p = Predictor(model_path)
    st = p.status
    assert st.state == ModelState.LOADED and st.loaded
    assert st.sha256 == hashlib.sha256(model_path.read_bytes()).hexdigest()[:12]
    assert st.runtime == "ai-edge-litert" and st.loaded_at is not None and st.error == ""
    assert st.text == f"model loaded ({st.sha256}, ai-edge-litert)"
    got = p.predict(ROWS[0])
    assert isinstance(got, float)
    assert got == pytest.approx(float(mlp.forward(ROWS[0])[0]), abs=1e-5)
    assert p.predict(ROWS[0].astype(np.float64)) == got  # cast, same answer


def test_batch_then_single(model_path: Path) -> None:
    mlp = MLP.random(16, seed=2)
    write_model(mlp, model_path)
    p = Predictor(model_path)
    out = p.predict_batch(ROWS)
    assert out is not None and out.shape == (64,) and out.dtype == np.float32
    assert np.abs(out - mlp.forward(ROWS)).max() <= 1e-5
    assert np.abs(_singles(p) - out[:16]).max() <= 1e-6  # resized back to batch 1
    assert p.predict_batch(ROWS[:3]).shape == (3,)
    empty = p.predict_batch(np.empty((0, N_FEATURES), np.float32))
    assert empty is not None and empty.shape == (0,)


@pytest.mark.parametrize(("call", "value", "message"), [
    ("predict", np.zeros(9, np.float32), r"features: shape \(9,\), expected \(10,\)"),
    ("predict", np.zeros((1, N_FEATURES), np.float32), r"shape \(1, 10\), expected \(10,\)"),
    ("predict", np.array([np.nan] + [0.0] * 9), "features: contains NaN or infinity"),
    ("predict", np.array([1e39] + [0.0] * 9), "features: contains NaN or infinity"),
    ("predict_batch", np.zeros(N_FEATURES, np.float32), r"shape \(10,\), expected \(k, 10\)"),
    ("predict_batch", np.full((2, N_FEATURES), np.inf), "contains NaN or infinity"),
])
def test_bad_input_rejected(model_path: Path, call: str, value: np.ndarray,
                            message: str) -> None:
    write_model(MLP.random(4), model_path)
    p = Predictor(model_path)
    with pytest.raises(ValueError, match=message) as info:
        getattr(p, call)(value)
    assert "\n" not in str(info.value)


def test_no_model_gives_none(model_path: Path) -> None:
    p = Predictor(model_path)
    assert p.predict(ROWS[0]) is None and p.predict_batch(ROWS) is None
    assert p.status.state == "no model: confluence only"
    assert p.status.text == "no model: confluence only"
    assert not p.status.loaded and p.status.sha256 == "" and p.status.loaded_at is None
    with pytest.raises(ValueError):  # bad input is still a caller bug without a model
        p.predict(np.zeros(3))


def test_model_appears_later(model_path: Path) -> None:
    p = Predictor(model_path)
    assert p.maybe_reload() is False and p.predict(ROWS[0]) is None
    mlp = MLP.random(8, seed=3)
    write_model(mlp, model_path)
    assert p.maybe_reload() is True
    assert p.status.state == ModelState.LOADED
    assert p.predict(ROWS[0]) == pytest.approx(float(mlp.forward(ROWS[0])[0]), abs=1e-5)


def test_atomic_replace_is_picked_up(model_path: Path) -> None:
    write_model(MLP.random(16, seed=1), model_path)
    p = Predictor(model_path)
    old_sha, before = p.status.sha256, _singles(p)
    assert p.maybe_reload() is False  # unchanged file: nothing happens
    new = MLP.random(16, seed=2)
    write_model(new, model_path)
    assert p.maybe_reload() is True
    after = _singles(p)
    assert np.abs(after - before).max() > 1e-3
    assert np.abs(after - new.forward(ROWS[:16])).max() <= 1e-5
    assert p.status.sha256 != old_sha


def test_reload_on_event_same_content_is_a_no_op(model_path: Path) -> None:
    write_model(MLP.random(8, seed=1), model_path)
    p = Predictor(model_path)
    loaded_at = p.status.loaded_at
    write_model(MLP.random(8, seed=1), model_path)  # new inode, same bytes
    assert p.reload() is False
    assert p.status.loaded_at == loaded_at and p.status.state == ModelState.LOADED


def _bad_bytes(kind: str, good: bytes, monkeypatch: pytest.MonkeyPatch) -> bytes:
    if kind == "wrong_input":  # a valid 7 -> 8 -> 1 model
        with monkeypatch.context() as m:
            m.setattr(mlp_mod, "N_FEATURES", 7)
            return to_tflite(MLP(np.ones((8, 7), np.float32), np.zeros(8, np.float32),
                                 np.ones((1, 8), np.float32), np.zeros(1, np.float32)))
    return {"garbage": bytes(range(256)) * 4, "truncated": good[:900],
            "empty": b""}[kind]


@pytest.mark.parametrize(("kind", "message"), [
    ("garbage", "not a TFLite model (no TFL3 identifier"),
    ("truncated", "ValueError: The model is not a valid Flatbuffer buffer"),
    ("empty", "empty file (0 bytes)"),
    ("wrong_input", "input is float32 [-1, 7], expected float32 [-1 or 1, 10]"),
])
def test_bad_file_keeps_old_model(model_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  caplog: pytest.LogCaptureFixture, kind: str,
                                  message: str) -> None:
    write_model(MLP.random(16, seed=1), model_path)
    p = Predictor(model_path)
    good, before = p.status, _singles(p)
    _put(model_path, _bad_bytes(kind, model_path.read_bytes(), monkeypatch))
    with caplog.at_level(logging.ERROR, logger=predictor_mod.__name__):
        assert p.maybe_reload() is False
        assert p.maybe_reload() is False  # same bad file: not retried, not logged again
    st = p.status
    assert st.error.startswith(f"{model_path}: {message}")
    assert st.text == f"model loaded ({good.sha256}, ai-edge-litert); rejected {st.error}"
    assert "\n" not in st.error
    assert (st.state, st.sha256, st.loaded_at) == (good.state, good.sha256, good.loaded_at)
    assert np.array_equal(_singles(p), before)
    rejected = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 1 and str(model_path) in rejected[0]
    assert f"keeping model {good.sha256}" in rejected[0]


class _OutOfRange(Interpreter):
    """A runtime whose outputs are not probabilities."""

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        return super().get_tensor(tensor_index, subgraph_index) * 10 - 5


class _NoResize(Interpreter):
    """A runtime that cannot change the batch size."""

    def resize_tensor_input(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("resize not supported")


@pytest.mark.parametrize(("interpreter", "message"), [
    (_OutOfRange, "probe batch gave ["),
    (_NoResize, "probe batch failed (batch resize?): RuntimeError: resize not supported"),
])
def test_sanity_check_rejects(model_path: Path, interpreter: type, message: str) -> None:
    write_model(MLP.random(4), model_path)
    p = Predictor(model_path, runtime_finder=lambda: Runtime("odd", interpreter))
    assert p.predict(ROWS[0]) is None and p.status.state == ModelState.NO_MODEL
    assert p.status.error.startswith(f"{model_path}: {message}")


def test_bad_file_first_then_good(model_path: Path) -> None:
    _put(model_path, b"\x00" * 64)
    p = Predictor(model_path)
    assert p.status.state == ModelState.NO_MODEL and "no TFL3 identifier" in p.status.error
    assert p.predict(ROWS[0]) is None
    write_model(MLP.random(4), model_path)
    assert p.maybe_reload() is True and p.status.error == ""


def test_deleted_file_keeps_loaded_model(model_path: Path) -> None:
    write_model(MLP.random(16, seed=1), model_path)
    p = Predictor(model_path)
    before = _singles(p)
    model_path.unlink()
    assert p.maybe_reload() is False
    assert p.status.state == "model file missing: keeping the loaded model" and p.status.loaded
    assert np.array_equal(_singles(p), before)
    write_model(MLP.random(16, seed=1), model_path)  # the same model comes back
    assert p.maybe_reload() is False and p.status.state == ModelState.LOADED


def test_no_runtime_gives_none(model_path: Path) -> None:
    write_model(MLP.random(4), model_path)
    p = Predictor(model_path, runtime_finder=lambda: None)
    assert p.predict(ROWS[0]) is None
    assert p.status.state == "no TFLite runtime: confluence only" and not p.status.loaded


def _fake_runtime(monkeypatch: pytest.MonkeyPatch, name: str, error: Exception) -> None:
    class Interpreter:
        def __init__(self, **kwargs: object) -> None:
            raise error

    module = types.ModuleType(name)
    module.Interpreter = Interpreter  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)


def test_runtime_that_cannot_build_an_interpreter_counts_as_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_runtime(monkeypatch, "fake_numpy1_runtime", SystemError("_ARRAY_API not found"))
    broken = ("tflite-runtime", "fake_numpy1_runtime")
    absent = ("nothing", "no_such_tflite_module_here")
    assert find_runtime((absent, broken)) is None
    found = find_runtime((broken, ("ai-edge-litert", "ai_edge_litert.interpreter")))
    assert isinstance(found, Runtime) and found.name == "ai-edge-litert"
