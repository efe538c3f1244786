"""The .tflite exporter: round trip through LiteRT, schema details read back, atomic writes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
import tflite
from ai_edge_litert.interpreter import Interpreter

from trading.ml import export
from trading.ml.export import MLP, to_tflite, write_model
from trading.ml.mlp import N_FEATURES


def _inputs(n: int = 1000, seed: int = 7) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((n, N_FEATURES)) * 2).astype(np.float32)


def _run(data: bytes, X: np.ndarray, batch: int) -> np.ndarray:
    """Interpreter outputs for X fed in chunks of ``batch`` rows (the last may be shorter)."""
    it = Interpreter(model_content=data, num_threads=1)
    it.allocate_tensors()
    idx_in, idx_out = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
    out, size = [], 1
    for start in range(0, len(X), batch):
        chunk = X[start:start + batch]
        if len(chunk) != size:
            it.resize_tensor_input(idx_in, [len(chunk), N_FEATURES])
            it.allocate_tensors()
            size = len(chunk)
        it.set_tensor(idx_in, chunk)
        it.invoke()
        out.append(it.get_tensor(idx_out)[:, 0])
    return np.concatenate(out)


@pytest.mark.parametrize("hidden", [1, 16, 33])
@pytest.mark.parametrize("batch", [1, 64])
def test_round_trip_matches_numpy(hidden: int, batch: int) -> None:
    mlp = MLP.random(hidden, seed=hidden)
    X = _inputs()
    got = _run(to_tflite(mlp), X, batch)
    want = mlp.forward(X)
    assert got.shape == (1000,)
    assert np.abs(got - want).max() <= 1e-5
    assert want.std() > 0.05  # the inputs exercise the model, not a constant output


def test_schema_details_read_back() -> None:
    mlp = MLP.random(16, seed=3)
    data = to_tflite(mlp)
    assert data[4:8] == b"TFL3" and tflite.Model.ModelBufferHasIdentifier(data, 0)
    model = tflite.Model.GetRootAsModel(data, 0)
    assert model.Version() == 3
    assert model.SubgraphsLength() == 1
    assert model.BuffersLength() == 5 and model.Buffers(0).DataLength() == 0
    codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
    assert [(c.BuiltinCode(), c.DeprecatedBuiltinCode()) for c in codes] == [
        (tflite.BuiltinOperator.FULLY_CONNECTED, 9), (tflite.BuiltinOperator.LOGISTIC, 14)]
    g = model.Subgraphs(0)
    tensors = [g.Tensors(i) for i in range(g.TensorsLength())]
    assert g.InputsAsNumpy().tolist() == [0] and g.OutputsAsNumpy().tolist() == [7]
    assert tensors[0].ShapeSignatureAsNumpy().tolist() == [-1, N_FEATURES]
    assert tensors[7].ShapeSignatureAsNumpy().tolist() == [-1, 1]
    assert {t.Buffer() for t in (tensors[0], tensors[3], tensors[6], tensors[7])} == {0}
    assert all(t.Type() == tflite.TensorType.FLOAT32 for t in tensors)
    assert tensors[1].ShapeAsNumpy().tolist() == [16, N_FEATURES]  # weights stored [out, in]
    ops = [g.Operators(i) for i in range(g.OperatorsLength())]
    assert [op.OpcodeIndex() for op in ops] == [0, 0, 1]
    fc = tflite.FullyConnectedOptions()
    table = ops[0].BuiltinOptions()
    fc.Init(table.Bytes, table.Pos)
    assert fc.FusedActivationFunction() == tflite.ActivationFunctionType.RELU


def test_weights_stored_aligned_and_row_major() -> None:
    mlp = MLP.random(16, seed=4)
    data = to_tflite(mlp)
    model = tflite.Model.GetRootAsModel(data, 0)
    for i, arr in enumerate((mlp.w1, mlp.b1, mlp.w2, mlp.b2), start=1):
        stored = model.Buffers(i).DataAsNumpy().view("<f4")
        assert np.array_equal(stored, arr.ravel())
        offset = data.find(arr.tobytes())
        assert offset > 0 and offset % 16 == 0, f"buffer {i} at offset {offset}"


def test_export_is_deterministic() -> None:
    assert to_tflite(MLP.random(8, seed=5)) == to_tflite(MLP.random(8, seed=5))
    assert to_tflite(MLP.random(8, seed=5)) != to_tflite(MLP.random(8, seed=6))


def test_write_model_atomic(tmp_path: Path) -> None:
    target = tmp_path / "current.tflite"
    first = write_model(MLP.random(8, seed=1), target)
    assert first == hashlib.sha256(target.read_bytes()).hexdigest()
    second = write_model(MLP.random(8, seed=2), target)
    assert second != first and second == hashlib.sha256(target.read_bytes()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current.tflite"]


def test_write_model_failure_keeps_old_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "current.tflite"
    write_model(MLP.random(8, seed=1), target)
    before = target.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", boom)
    with pytest.raises(OSError, match="No space left"):
        write_model(MLP.random(8, seed=2), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current.tflite"]


def test_write_model_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_model(MLP.random(8), tmp_path / "nope" / "current.tflite")
    assert not (tmp_path / "nope").exists()
    assert os.listdir(tmp_path) == []
