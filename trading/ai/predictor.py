"""The TFLite trade scorer: a probability of trade success per feature row, or None.

Semantics: ``Predictor(path)`` watches one model file (``${BOT_HOME}/models/current.tflite``).
``predict(x)`` returns the model's probability for a float32 row of ``N_FEATURES`` values,
and ``None`` whenever no model is loaded: it never invents a probability (the scorer then
goes on with confluence alone). ``maybe_reload()`` is cheap (one ``os.stat``) and meant for
every scoring step; ``reload()`` forces a read (on a ``model`` event). A new file replaces the
loaded model only after it loaded and passed the sanity check (float32 input
``[-1 or 1, N_FEATURES]``, output ``[batch, 1]``, batch resize works, a fixed probe batch
gives finite values in [0, 1]); otherwise the old model stays and ``status.error`` names the
file and what was wrong (also logged, once per file version). A deleted file keeps the loaded
model and says so in ``status.state``.

Runtime: ai-edge-litert (LiteRT), else tflite-runtime; a runtime counts only if it builds
and runs an interpreter on a known-good probe model (tflite-runtime imports fine under
NumPy 2 but fails in ``Interpreter()``); the probe model comes from ``trading.ml.export``, so
the ``tflite`` schema package must be installed. One interpreter per ``Predictor``,
``num_threads=1``.

Caveats: not thread-safe (one Predictor per scoring thread/process). Changing the batch size
between calls costs a resize + allocate; the model holds a copy of the file's bytes, so the
file may be replaced or deleted at any time. Each interpreter logs an XNNPACK INFO line.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from trading.ai.probe_model import PROBE as PROBE_MODEL
from trading.ml.mlp import N_FEATURES

logger = logging.getLogger(__name__)

RUNTIMES = (("ai-edge-litert", "ai_edge_litert.interpreter"),
            ("tflite-runtime", "tflite_runtime.interpreter"))
MAX_MODEL_BYTES = 16 << 20
PROBE = np.vstack([np.zeros(N_FEATURES), np.ones(N_FEATURES), -np.ones(N_FEATURES),
                   np.linspace(-3.0, 3.0, N_FEATURES)]).astype(np.float32)


class ModelRejected(ValueError):
    """A model file that loaded but failed the sanity check (the message says why)."""


class ModelState(StrEnum):
    """What ``predict`` does now; the values are the status lines shown to the user."""

    NO_MODEL = "no model: confluence only"
    NO_RUNTIME = "no TFLite runtime: confluence only"
    LOADED = "model loaded"
    FILE_MISSING = "model file missing: keeping the loaded model"


@dataclass(frozen=True)
class PredictorStatus:
    """A snapshot for the dashboard and logs; ``state`` reads as one line for the user."""

    state: ModelState
    path: str
    sha256: str = ""  # first 12 hex digits of the loaded file's SHA-256
    runtime: str = ""  # name of the runtime in use ("" until one was needed)
    loaded_at: float | None = None  # time.time() of the load
    error: str = ""  # last rejected file and why, one line; "" when none

    @property
    def loaded(self) -> bool:
        return self.state in (ModelState.LOADED, ModelState.FILE_MISSING)

    @property
    def text(self) -> str:
        """One line for logs and the dashboard, e.g. ``model loaded (3f2a..., ai-edge-litert)``."""
        line = self.state.value
        if self.loaded:
            line += f" ({self.sha256}, {self.runtime})"
        return f"{line}; rejected {self.error}" if self.error else line


@dataclass(frozen=True)
class Runtime:
    """A TFLite runtime that was seen to work in this process."""

    name: str
    interpreter: Callable[..., Any]  # the Interpreter class


def find_runtime(candidates: tuple[tuple[str, str], ...] = RUNTIMES) -> Runtime | None:
    """The first candidate (name, module) whose Interpreter runs the probe model, else None."""
    for name, module in candidates:
        try:
            cls = importlib.import_module(module).Interpreter
            _Model(cls, PROBE_MODEL)
        except Exception as err:  # ImportError, or SystemError etc. from a NumPy ABI clash
            logger.warning("TFLite runtime %s unusable: %s", name, _one_line(err))
            continue
        return Runtime(name, cls)
    return None


@functools.cache
def default_runtime() -> Runtime | None:
    """``find_runtime()`` once per process."""
    return find_runtime()


class _Model:
    """One interpreter over one file's bytes, sanity-checked; ``run`` is the hot path."""

    def __init__(self, interpreter: Callable[..., Any], data: bytes) -> None:
        self._it = it = interpreter(model_content=data, num_threads=1)
        it.allocate_tensors()
        ins, outs = it.get_input_details(), it.get_output_details()
        if len(ins) != 1 or len(outs) != 1:
            raise ModelRejected(f"{len(ins)} inputs and {len(outs)} outputs, expected 1 and 1")
        inp, out = ins[0], outs[0]
        sig = [int(d) for d in inp["shape_signature"]]
        if inp["dtype"] != np.float32 or len(sig) != 2 or sig[0] not in (-1, 1) \
                or sig[1] != N_FEATURES:
            raise ModelRejected(f"input is {np.dtype(inp['dtype'])} {sig}, "
                                f"expected float32 [-1 or 1, {N_FEATURES}]")
        if out["dtype"] != np.float32:
            raise ModelRejected(f"output is {np.dtype(out['dtype'])}, expected float32")
        self._in, self._out = inp["index"], out["index"]
        self._batch = int(inp["shape"][0])
        self._probe()

    def _probe(self) -> None:
        try:
            many, one = self.run(PROBE), self.run(PROBE[:1])
        except Exception as err:
            raise ModelRejected(f"probe batch failed (batch resize?): {_one_line(err)}") from err
        if many.shape != (len(PROBE), 1) or one.shape != (1, 1):
            raise ModelRejected(f"output shape {list(many.shape)}, expected [batch, 1]")
        if not (np.isfinite(many).all() and ((many >= 0) & (many <= 1)).all()):
            raise ModelRejected(f"probe batch gave {many[:, 0].tolist()}, "
                                "expected values in [0, 1]")

    def run(self, x: np.ndarray) -> np.ndarray:
        """Output ``(k, 1)`` for a checked float32 ``(k, N_FEATURES)`` batch (a fresh copy)."""
        k = x.shape[0]
        if k != self._batch:
            self._it.resize_tensor_input(self._in, [k, N_FEATURES])
            self._it.allocate_tensors()
            self._batch = k
        self._it.set_tensor(self._in, x)
        self._it.invoke()
        return self._it.get_tensor(self._out)


_UNSEEN = (-1, -1, -1)  # a stat key no file has


class Predictor:
    """Scores feature rows with the model at ``path``; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str], *,
                 runtime_finder: Callable[[], Runtime | None] = default_runtime) -> None:
        self._path = Path(path)
        self._find_runtime = runtime_finder
        self._model: _Model | None = None
        self._sha = ""  # full SHA-256 of the loaded file
        self._key: tuple[int, int, int] | None = _UNSEEN  # stat of the last file looked at
        self._status = PredictorStatus(ModelState.NO_MODEL, str(self._path))
        self.maybe_reload()

    @property
    def status(self) -> PredictorStatus:
        return self._status

    def predict(self, features: np.ndarray) -> float | None:
        """Probability for one row ``(N_FEATURES,)``; None without a model."""
        x = _as_float32(features)
        if x.shape != (N_FEATURES,):
            raise ValueError(f"features: shape {x.shape}, expected ({N_FEATURES},)")
        if not np.isfinite(x).all():
            raise ValueError("features: contains NaN or infinity")
        model = self._model
        return None if model is None else float(model.run(x.reshape(1, N_FEATURES))[0, 0])

    def predict_batch(self, X: np.ndarray) -> np.ndarray | None:
        """Probabilities ``(k,)`` float32 for rows ``(k, N_FEATURES)``; None without a model."""
        x = _as_float32(X)
        if x.ndim != 2 or x.shape[1] != N_FEATURES:
            raise ValueError(f"features: shape {x.shape}, expected (k, {N_FEATURES})")
        if not np.isfinite(x).all():
            raise ValueError("features: contains NaN or infinity")
        model = self._model
        if model is None:
            return None
        return model.run(x)[:, 0] if len(x) else np.empty(0, np.float32)

    def maybe_reload(self) -> bool:
        """Load the file if its stat changed since the last look; True if a new model is in."""
        key = _stat_key(self._path)
        if key == self._key:
            return False
        return self.reload()

    def reload(self) -> bool:
        """Read the file now; True if a new model replaced the current one."""
        try:
            with open(self._path, "rb") as f:
                st = os.fstat(f.fileno())
                self._key = (st.st_ino, st.st_mtime_ns, st.st_size)
                if st.st_size > MAX_MODEL_BYTES:
                    return self._reject(f"{st.st_size} bytes, more than {MAX_MODEL_BYTES}")
                data = f.read()
        except FileNotFoundError:
            self._key = None
            return self._file_missing()
        except OSError as err:
            self._key = None
            return self._reject(f"cannot read: {err.strerror or err}")
        return self._load(data)

    def _load(self, data: bytes) -> bool:
        sha = hashlib.sha256(data).hexdigest()
        if self._model is not None and sha == self._sha:
            self._status = replace(self._status, state=ModelState.LOADED, error="")
            return False
        if not data:
            return self._reject("empty file (0 bytes)")
        if data[4:8] != b"TFL3":
            return self._reject(f"not a TFLite model (no TFL3 identifier; starts {data[:8]!r})")
        runtime = self._runtime()
        if runtime is None:
            return False
        try:
            model = _Model(runtime.interpreter, data)
        except ModelRejected as err:
            return self._reject(str(err))
        except Exception as err:  # the runtime's own errors are ValueError/RuntimeError
            return self._reject(_one_line(err))
        self._model, self._sha = model, sha
        self._status = PredictorStatus(ModelState.LOADED, str(self._path), sha[:12],
                                       runtime.name, time.time())
        logger.info("model loaded: %s (%d bytes, sha256 %s, %s)",
                    self._path, len(data), sha[:12], runtime.name)
        return True

    def _runtime(self) -> Runtime | None:
        runtime = self._find_runtime()
        if runtime is None and self._status.state != ModelState.NO_RUNTIME:
            logger.error("no usable TFLite runtime (tried %s): AI scoring off, confluence only",
                         ", ".join(name for name, _ in RUNTIMES))
            self._status = replace(self._status, state=ModelState.NO_RUNTIME)
        return runtime

    def _reject(self, what: str) -> bool:
        keeping = f"keeping model {self._sha[:12]}" if self._model else "no model loaded"
        logger.error("model %s rejected: %s; %s", self._path, what, keeping)
        self._status = replace(self._status, error=f"{self._path}: {what}")
        return False

    def _file_missing(self) -> bool:
        if self._model is None:
            logger.warning("no model at %s: confluence only", self._path)
            self._status = replace(self._status, state=ModelState.NO_MODEL, error="")
        else:
            logger.warning("model file %s missing: keeping model %s", self._path, self._sha[:12])
            self._status = replace(self._status, state=ModelState.FILE_MISSING, error="")
        return False


def _as_float32(a: object) -> np.ndarray:
    """A C-contiguous float32 array; no copy when it already is one."""
    if isinstance(a, np.ndarray) and a.dtype == np.float32:
        return np.ascontiguousarray(a)
    with np.errstate(over="ignore"):  # beyond float32's range -> inf, rejected by the caller
        return np.ascontiguousarray(a, dtype=np.float32)


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[0] if lines else ''}"[:200]
