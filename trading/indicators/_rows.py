"""Inputs: one series or a stack of series, time on the last axis (private).

Semantics: every public indicator takes 1-D series or 2-D ``(pairs, bars)`` stacks (one
row per series) and computes a whole stack in one call. :func:`array` / :func:`arrays`
convert the inputs to float64 (no copy when they already are), check them -- more than two
dimensions, or inputs of different shapes, are a one-line ``ValueError`` -- and make a
stack C-contiguous (a copy otherwise: a transposed or Fortran-ordered array, the columns
of a window).

How a stack row gets exactly the bits of the same series alone: the kernels index only
the last axis (``x[..., a:b]``) and reduce only along it (NumPy then loops along each
row); shifted elementwise arithmetic runs on the flattened stack (:func:`flat`) as one
contiguous pass, whatever it computes across a row boundary landing in the next row's
warm-up, which is discarded or overwritten; recursions and running sums run row by row.
A 1-D series goes through the same code, at the cost it had before stacks existed.

Long rows are computed a block of rows at a time (:func:`blocks`: at most
``_BLOCK_VALUES`` values per block, at least one row). Batching saves per-call overhead
only on short rows; bounded blocks keep the temporaries -- and the reused scratch buffers
-- of a stack of long series as small as for one series.
"""
from __future__ import annotations

from types import EllipsisType

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]
_F64 = np.dtype(np.float64)
_BLOCK_VALUES = 1 << 16


def array(x: ArrayLike) -> F64:
    """``x`` as a 1-D float64 series or a C-contiguous 2-D float64 stack (no copy when it
    already is one)."""
    a = x if type(x) is np.ndarray and x.dtype == _F64 else np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        return a
    if a.ndim != 2:
        raise ValueError(f"expected a 1-D series or a 2-D (pairs, bars) stack, "
                         f"got shape {a.shape}")
    return np.ascontiguousarray(a)  # no copy when it already is (see the module docstring)


def arrays(*xs: ArrayLike) -> tuple[F64, ...]:
    """Each input as by :func:`array`; all must have the same shape."""
    first = xs[0]
    shape = first.shape if type(first) is np.ndarray else None
    for x in xs:  # the common case, checked cheaply: 1-D float64 arrays of one length
        if type(x) is not np.ndarray or x.dtype is not _F64 or x.shape != shape:
            break
    else:
        if len(shape) == 1:  # type: ignore[arg-type]
            return xs  # type: ignore[return-value]
    out = tuple(array(x) for x in xs)
    for a in out:
        if a.shape != out[0].shape:
            shapes = " vs ".join(str(b.shape) for b in out)
            raise ValueError(f"inputs must have the same shape, got {shapes}")
    return out


def flat(a: F64) -> F64:
    """The values of a series or a C-contiguous stack as one 1-D array (a view)."""
    return a if a.ndim == 1 else a.reshape(-1)


_WHOLE: list[EllipsisType] = [...]


def blocks(a: F64) -> list[slice] | list[EllipsisType]:
    """Indices of the row blocks of ``a``: ``[...]`` (everything at once) for a series or a
    stack of at most ``_BLOCK_VALUES`` values, else row slices holding as many rows as fit
    (at least one); none for an empty stack."""
    if a.size <= _BLOCK_VALUES or a.ndim == 1:
        return _WHOLE if a.size else []
    step = max(1, _BLOCK_VALUES // max(a.shape[1], 1))
    return [slice(start, start + step) for start in range(0, a.shape[0], step)]
