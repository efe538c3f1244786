"""Private recursive-filter kernels and scratch buffers shared by the indicator modules.

Semantics first: the kernels work on float64 arrays the public functions have already
converted (2-D row stacks, see ``_rows``), and they trust their arguments (no validation,
no copies they can avoid).

* ``recursive_rows(b0, a1, x, y0)`` runs ``y[i] = b0 * x[i] + a1 * y[i-1]`` along each row
  (last axis) of ``x``, row ``r`` from ``y[-1] = y0[r]``, at C speed (``recursive`` on one 1-D
  series; ``iir`` for any order); ``wilder`` and ``ema`` are this filter. It agrees with
  TA-Lib's own loop to ~1e-15 relative, not bit for bit (TA-Lib 0.8 uses fused
  multiply-adds there). ``lfilter``'s loop costs about 5 ns per value -- TA-Lib's about 2
  -- so rows of 8192 values or more (with ``a1 >= 0.5``) go one at a time through
  ``blocked`` instead: blocks of 16 values as BLAS matrix products plus a carry per
  block, about 2.5 ns per value (it falls back to the loop when the row is not all
  finite, keeping NaN propagation exactly the loop's). A row is filtered by the same
  arithmetic whatever the other rows of its stack, so it gets the bits it gets alone.
* ``scratch(slot, shape)``: per-thread work buffers reused from call to call for large
  temporaries (a fresh 800 kB array costs ~200 page faults on first write). The pool
  keeps up to six buffers per thread that computed on long series (about 10 MB at 100k
  bars); results are never scratch. Moving-window sums are in ``_windows``.

Caveat, import cost: the filter is SciPy's C ``lfilter`` kernel. Importing
``scipy.signal`` costs about 0.6 s and 51 MB of private memory (x86-64, Python 3.11), so
the kernel's own extension module (``scipy/signal/_sigtools``, which needs only NumPy) is
loaded on first use, without the package. Should that private module ever change, the
public ``scipy.signal.lfilter`` is used instead, with the same results.
"""
from __future__ import annotations

import _thread
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
NAN = float("nan")

_kernel: Callable[..., Any] | None = None


def check_period(n: int, least: int = 1) -> None:
    """Reject a period below ``least`` the way TA-Lib does (it returns an error code)."""
    if n < least:
        raise ValueError(f"period must be >= {least}, got {n}")


def nans(shape: tuple[int, ...]) -> F64:
    """An all-NaN float64 array."""
    return np.full(shape, NAN)


def _sigtools_kernel() -> Callable[..., Any]:
    """SciPy's ``_linear_filter`` from its extension module, without importing scipy.signal."""
    loaded = sys.modules.get("scipy.signal._sigtools")
    if loaded is not None:
        return loaded._linear_filter  # type: ignore[no-any-return]
    import scipy

    folder = os.path.join(os.path.dirname(scipy.__file__), "signal")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, "_sigtools" + suffix)
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location("scipy.signal._sigtools", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module._linear_filter  # type: ignore[no-any-return]
    raise ImportError("scipy/signal/_sigtools not found")


def _load_kernel() -> Callable[..., Any]:
    """The fast kernel if it loads and passes a smoke test, else the public ``lfilter``."""
    try:
        fn = _sigtools_kernel()
        y, _ = fn(np.array([0.5]), np.array([1.0, -0.5]), np.ones(3), -1, np.array([0.5]))
        if np.array_equal(y, [1.0, 1.0, 1.0]):
            return fn
    except Exception:  # noqa: BLE001 - any failure means: use the public API
        pass
    from scipy.signal import lfilter

    return lfilter  # type: ignore[no-any-return]


_coefs: dict[tuple[float, ...], tuple[F64, F64]] = {}


def _kernel_fn() -> Callable[..., Any]:
    global _kernel
    if _kernel is None:
        _kernel = _load_kernel()
    return _kernel


def _coefficients(b: tuple[float, ...], a: tuple[float, ...]) -> tuple[F64, F64]:
    """Filter coefficient arrays, built once per distinct filter."""
    key = b + (float("inf"),) + a
    pair = _coefs.get(key)
    if pair is None:
        pair = (np.array(b), np.array(a))
        _coefs[key] = pair
    return pair


def iir(b: tuple[float, ...], a: tuple[float, ...], x: F64, zi: F64) -> F64:
    """``lfilter(b, a, x, zi=zi)`` along the last axis (direct form II transposed)."""
    bb, aa = _coefficients(b, a)
    y, _ = _kernel_fn()(bb, aa, x, -1, zi)
    return y  # type: ignore[no-any-return]


def recursive(b0: float, a1: float, x: F64, y0: float, out: F64 | None = None) -> F64:
    """``y[i] = b0 * x[i] + a1 * y[i-1]`` over 1-D ``x``, from ``y[-1] = y0``; into
    ``out`` when given (1-D, not overlapping ``x``), else a fresh array."""
    if x.shape[0] >= _BLOCKED and a1 >= 0.5:
        if out is None or not out.flags.c_contiguous:
            y = blocked(((b0, a1, y0),), x, np.empty(x.shape[0]))
            if y is not None and out is not None:
                out[:] = y
                y = out
        else:
            y = blocked(((b0, a1, y0),), x, out)
        if y is not None:
            return y
    y = iir((b0,), (1.0, -a1), x, np.array((a1 * y0,)))
    if out is None:
        return y
    out[:] = y
    return out


def recursive_rows(b0: float, a1: float, x: F64, y0: F64, out: F64 | None = None) -> F64:
    """:func:`recursive` along each row (last axis) of ``x``, row ``i`` from ``y0[i]``
    (``y0`` shaped as ``x`` without its last axis); into ``out`` (shaped as ``x``, not
    overlapping it) when given, else a fresh array. Long rows go one at a time through
    :func:`recursive` (the blocked products), short ones through one ``lfilter`` call."""
    if x.shape[-1] >= _BLOCKED and a1 >= 0.5:
        if out is None:
            out = np.empty(x.shape)
        for i in np.ndindex(x.shape[:-1]):
            recursive(b0, a1, x[i], float(y0[i]), out[i])
        return out
    y = iir((b0,), (1.0, -a1), x, (a1 * y0)[..., None])
    if out is None:
        return y
    out[...] = y
    return out


def continued(b0: float, a1: float, x: F64, y0: F64) -> F64:
    """``y[..., 0] = y0`` and then :func:`recursive_rows` of ``x[..., 1:]`` from ``y0``: the
    seed and its continuation in one array. ``x[..., 0]`` is a placeholder, overwritten
    with 0: ``lfilter`` started from state ``y0`` then yields exactly ``y0`` there, and
    from there the very products and sums of :func:`recursive_rows` (same bits)."""
    if x.shape[-1] - 1 >= _BLOCKED and a1 >= 0.5:
        out = np.empty(x.shape)
        out[..., 0] = y0
        recursive_rows(b0, a1, x[..., 1:], y0, out[..., 1:])
        return out
    x[..., 0] = 0.0
    return iir((b0,), (1.0, -a1), x, np.asarray(y0)[..., None])


# Long series: first-order recursions in blocks of _BLOCK values, as a matrix product.
# Within a block, ``y = M @ x_block + a1^(j+1) * y_before``, M the lower-triangular matrix
# of the filter's impulse response; the ``y_before`` of each block (one value per block)
# comes from the same recursion run over the blocks' own last values. BLAS does the
# product at about half the cost of ``lfilter``'s per-value loop; results agree with it
# to ~1e-15 relative (different rounding, not different maths).
_BLOCK = 16
_BLOCKED = 8192  # values; shorter series use lfilter directly
# Rows per matrix product: OpenBLAS runs a product of fewer than 4 * 65536 multiply-adds
# on the calling thread, so the filter uses one core (as TA-Lib does) and does not stall
# waiting for a busy second one.
_GEMM_ROWS = (4 * 65536 - 1) // (_BLOCK * _BLOCK)
_blocks: dict[tuple[float, float], tuple[F64, F64, F64]] = {}


def _block_matrix(b0: float, a1: float) -> tuple[F64, F64, F64]:
    """(M, M's last row, powers a1^1..a1^_BLOCK), cached per filter."""
    key = (b0, a1)
    entry = _blocks.get(key)
    if entry is None:
        powers = a1 ** np.arange(_BLOCK + 1, dtype=np.float64)
        lag = np.subtract.outer(np.arange(_BLOCK), np.arange(_BLOCK))
        m = np.where(lag >= 0, b0 * powers[np.clip(lag, 0, _BLOCK)], 0.0)
        entry = (m, m[-1].copy(), powers[1:].copy())
        _blocks[key] = entry
    return entry


_sums: dict[tuple[tuple[float, float], ...], F64] = {}


def _matmul(xb: F64, mt: F64, out: F64) -> None:
    """``out = xb @ mt`` in slices of ``_GEMM_ROWS`` rows."""
    for start in range(0, xb.shape[0], _GEMM_ROWS):
        stop = start + _GEMM_ROWS
        np.matmul(xb[start:stop], mt, out=out[start:stop])


def blocked(terms: tuple[tuple[float, float, float], ...], x: F64, out: F64) -> F64 | None:
    """The sum over ``terms`` ``(b0, a1, y0)`` (each ``a1 >= 0.5``) of :func:`recursive`
    of contiguous 1-D ``x``, into ``out`` by blocks; or None (``out`` then unspecified)
    when ``x`` is not all finite -- a NaN would leak backwards within its block through
    the matrix's zeros, where the loop only carries it forward."""
    size = x.shape[0]
    count = size // _BLOCK
    full = count * _BLOCK
    xb = x[:full].reshape(count, _BLOCK)
    mats = [_block_matrix(b0, a1) for b0, a1, _ in terms]
    yb = out[:full].reshape(count, _BLOCK)
    key = tuple((b0, a1) for b0, a1, _ in terms)
    mt = _sums.get(key)
    if mt is None:
        mt = _sums[key] = np.ascontiguousarray(sum(m[0] for m in mats).T)
    if len(terms) == 1:
        _matmul(xb, mt, yb)
    befores = []
    for (b0, a1, y0), (_, last, powers) in zip(terms, mats):
        # Each block's own part of its last value (all weights > 0, so a non-finite input
        # shows here); for one term, the product's last column.
        ends = yb[:, -1].copy() if len(terms) == 1 else xb @ last
        if not np.isfinite(ends).all():
            return None
        before = np.empty(count + 1)
        before[0] = y0
        before[1:] = recursive(1.0, float(powers[-1]), ends, y0)
        befores.append(before)
    if len(terms) > 1:
        _matmul(xb, mt, yb)
    carry = scratch(_WORK_C, (count, _BLOCK))
    for before, (_, _, powers) in zip(befores, mats):
        np.multiply(before[:count, None], powers, out=carry)
        yb += carry
    if full < size:
        tail = out[full:]
        tail[:] = 0.0
        for before, (b0, a1, _) in zip(befores, terms):
            tail += iir((b0,), (1.0, -a1), x[full:], np.array((a1 * before[count],)))
    return out


def wilder(x: F64, n: int, y0: F64, out: F64 | None = None) -> F64:
    """Wilder's average ``y = (y_prev * (n - 1) + x) / n`` along each row, from ``y0``."""
    return recursive_rows(1.0 / n, (n - 1.0) / n, x, y0, out)


def ema(x: F64, k: float, y0: F64, out: F64 | None = None) -> F64:
    """Exponential average ``y = y_prev + k * (x - y_prev)`` along each row, from ``y0``."""
    return recursive_rows(k, 1.0 - k, x, y0, out)


# Scratch buffers. A fresh array of 100k values costs ~200 page faults the first time it
# is written -- several times the arithmetic on it on a VM -- so large *temporaries* live
# in per-thread buffers reused from call to call (slot numbers below, one per role that
# can be live at the same time). Results handed to callers are never scratch.
_SUM_A, _SUM_B, _SUM_C, _WORK_A, _WORK_B, _WORK_C = range(6)
_POOLED = 8192  # smaller temporaries come from malloc's free lists anyway
_POOL_MAX = 1 << 22  # values; larger ones are not kept (32 MB per buffer)
_local = _thread._local()  # threading.local, without importing threading (0.5 ms)


def scratch(slot: int, shape: tuple[int, ...]) -> F64:
    """An uninitialised float64 work array of ``shape``, valid until ``slot`` is reused
    on this thread (the next call needing it). Never hand one out as a result."""
    size = 1
    for d in shape:
        size *= d
    if size < _POOLED or size > _POOL_MAX:
        return np.empty(shape)
    pool: list[F64 | None] | None = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = [None] * 6
    buf = pool[slot]
    if buf is None or buf.shape[0] < size:
        buf = pool[slot] = np.empty(size)
    return buf[:size].reshape(shape)
