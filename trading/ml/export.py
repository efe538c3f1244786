"""Write an ``MLP`` as a ``.tflite`` flatbuffer without TensorFlow.

The graph (input width taken from ``w1``: 10 for a valid ``MLP``) is three builtin
ops on one subgraph: FULLY_CONNECTED with a fused RELU, FULLY_CONNECTED, LOGISTIC.
Input ``features`` is float32 ``[1, 10]`` with shape_signature ``[-1, 10]`` (dynamic
batch: ``resize_tensor_input`` then ``allocate_tensors``); output ``probability`` is
float32 ``[1, 1]`` (signature ``[-1, 1]``). Same weights, same bytes.

Schema points that matter (TFLite schema v3, file identifier ``TFL3``): buffer 0 is the
empty sentinel and every activation tensor points at it; weights are stored ``[out, in]``;
constant data is aligned to 16 bytes in the file (the generated ``BufferStartDataVector``
uses alignment 1, so the data vectors are written by hand); each OperatorCode sets both
``deprecated_builtin_code`` and ``builtin_code``. No SignatureDef: use the interpreter's
input/output details. Only the prefixed schema helpers (``tflite.ModelStart``...) are
used: the unprefixed ones (``Start``, ``End``...) collide in the package namespace.

``write_model`` replaces the target atomically (temp file in the same directory, fsync,
``os.replace``, fsync of the directory), so a reader sees the old file or the new one,
never a mix. Importing this module imports ``tflite`` (about 0.2 s; trainer side).
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import flatbuffers
import numpy as np
import tflite

from trading.ml.mlp import MLP

__all__ = ["MLP", "SCHEMA_VERSION", "FILE_IDENTIFIER", "to_tflite", "write_model"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 3
FILE_IDENTIFIER = b"TFL3"
DATA_ALIGN = 16
DESCRIPTION = "kraken-pi-bot trade scorer: FC+RELU, FC, LOGISTIC"

_FC, _LOGISTIC = 0, 1  # indices into the operator-code vector


def _tensor_specs(h: int, n: int) -> list[tuple[str, list[int], list[int] | None, int]]:
    """(name, shape, shape_signature or None for a constant, buffer index) per tensor."""
    return [
        ("features", [1, n], [-1, n], 0),
        ("dense1/kernel", [h, n], None, 1),
        ("dense1/bias", [h], None, 2),
        ("dense1/relu", [1, h], [-1, h], 0),
        ("dense2/kernel", [1, h], None, 3),
        ("dense2/bias", [1], None, 4),
        ("dense2/logit", [1, 1], [-1, 1], 0),
        ("probability", [1, 1], [-1, 1], 0),
    ]


# (opcode index, inputs, outputs, fused activation or None for no options)
_OPERATORS = [
    (_FC, [0, 1, 2], [3], tflite.ActivationFunctionType.RELU),
    (_FC, [3, 4, 5], [6], tflite.ActivationFunctionType.NONE),
    (_LOGISTIC, [6], [7], None),
]


def to_tflite(mlp: MLP) -> bytes:
    """The model as ``.tflite`` bytes (deterministic: same weights give the same bytes)."""
    datas = [b""] + [np.ascontiguousarray(a, dtype="<f4").tobytes()
                     for a in (mlp.w1, mlp.b1, mlp.w2, mlp.b2)]
    b = flatbuffers.Builder(1024 + sum(len(d) + DATA_ALIGN for d in datas))
    buffers = _vector(b, [_buffer(b, d) for d in datas])
    codes = _vector(b, [_operator_code(b, op) for op in (
        tflite.BuiltinOperator.FULLY_CONNECTED, tflite.BuiltinOperator.LOGISTIC)])
    subgraph = _subgraph(b, *mlp.w1.shape)
    subgraphs = _vector(b, [subgraph])
    description = b.CreateString(DESCRIPTION)
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, SCHEMA_VERSION)
    tflite.ModelAddOperatorCodes(b, codes)
    tflite.ModelAddSubgraphs(b, subgraphs)
    tflite.ModelAddDescription(b, description)
    tflite.ModelAddBuffers(b, buffers)
    b.Finish(tflite.ModelEnd(b), file_identifier=FILE_IDENTIFIER)
    return bytes(b.Output())


def write_model(mlp: MLP, path: str | os.PathLike[str]) -> str:
    """Export ``mlp`` to ``path`` atomically; returns the file's SHA-256 (hex)."""
    target = Path(path)
    data = to_tflite(mlp)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), 0o644)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    digest = hashlib.sha256(data).hexdigest()
    logger.info("model written: %s (%d bytes, hidden %d, sha256 %s)",
                target, len(data), mlp.hidden, digest[:12])
    return digest


def _vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    """A vector of table offsets (already built)."""
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def _int_vector(b: flatbuffers.Builder, values: list[int]) -> int:
    b.StartVector(4, len(values), 4)
    for v in reversed(values):
        b.PrependInt32(v)
    return b.EndVector()


def _aligned_bytes(b: flatbuffers.Builder, data: bytes) -> int:
    """A ``[ubyte]`` vector whose first byte sits on a DATA_ALIGN boundary of the file.

    Same steps as ``Builder.CreateByteVector`` but with the schema's ``force_align: 16``.
    """
    b.StartVector(1, len(data), DATA_ALIGN)
    b.head -= len(data)
    b.Bytes[b.head:b.head + len(data)] = data
    return b.EndVector()


def _buffer(b: flatbuffers.Builder, data: bytes) -> int:
    vec = _aligned_bytes(b, data) if data else None
    tflite.BufferStart(b)
    if vec is not None:
        tflite.BufferAddData(b, vec)
    return tflite.BufferEnd(b)


def _operator_code(b: flatbuffers.Builder, op: int) -> int:
    tflite.OperatorCodeStart(b)
    tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(op, 127))  # 127: "see builtin_code"
    tflite.OperatorCodeAddBuiltinCode(b, op)
    tflite.OperatorCodeAddVersion(b, 1)
    return tflite.OperatorCodeEnd(b)


def _tensor(b: flatbuffers.Builder, name: str, shape: list[int],
            signature: list[int] | None, buffer: int) -> int:
    name_off = b.CreateString(name)
    shape_off = _int_vector(b, shape)
    sig_off = _int_vector(b, signature) if signature is not None else None
    tflite.TensorStart(b)
    tflite.TensorAddShape(b, shape_off)
    if sig_off is not None:
        tflite.TensorAddShapeSignature(b, sig_off)
    tflite.TensorAddType(b, tflite.TensorType.FLOAT32)
    tflite.TensorAddBuffer(b, buffer)
    tflite.TensorAddName(b, name_off)
    return tflite.TensorEnd(b)


def _operator(b: flatbuffers.Builder, opcode: int, inputs: list[int], outputs: list[int],
              activation: int | None) -> int:
    ins, outs = _int_vector(b, inputs), _int_vector(b, outputs)
    options = None
    if activation is not None:
        tflite.FullyConnectedOptionsStart(b)
        tflite.FullyConnectedOptionsAddFusedActivationFunction(b, activation)
        options = tflite.FullyConnectedOptionsEnd(b)
    tflite.OperatorStart(b)
    tflite.OperatorAddOpcodeIndex(b, opcode)
    tflite.OperatorAddInputs(b, ins)
    tflite.OperatorAddOutputs(b, outs)
    if options is not None:
        tflite.OperatorAddBuiltinOptionsType(b, tflite.BuiltinOptions.FullyConnectedOptions)
        tflite.OperatorAddBuiltinOptions(b, options)
    return tflite.OperatorEnd(b)


def _subgraph(b: flatbuffers.Builder, hidden: int, n_in: int) -> int:
    specs = _tensor_specs(hidden, n_in)
    tensors = _vector(b, [_tensor(b, *spec) for spec in specs])
    operators = _vector(b, [_operator(b, *op) for op in _OPERATORS])
    inputs, outputs = _int_vector(b, [0]), _int_vector(b, [len(specs) - 1])
    name = b.CreateString("main")
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tensors)
    tflite.SubGraphAddInputs(b, inputs)
    tflite.SubGraphAddOutputs(b, outputs)
    tflite.SubGraphAddOperators(b, operators)
    tflite.SubGraphAddName(b, name)
    return tflite.SubGraphEnd(b)
