"""2-D ``(pairs, bars)`` stacks: every indicator, every row bit for bit the series alone.

Equality is exact (``np.array_equal``, NaNs equal), so everything ``test_talib`` shows for
a series holds for each row of a stack. The stacks mix price scales (1e-6, 100, 1e7),
a flat row with zero volume, flat stretches, gaps and zero-volume bars; lengths cover
every warm-up edge, the 1024-window chunks of ``bbands``, the blocked filters (8192+
values) and stacks split into row blocks; layouts cover Fortran order, transposes,
window columns and nested lists.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trading.indicators as ti
from tests.trading.indicators.cases import (
    CANDLES,
    FLOAT_CASES,
    Bars,
    constant_bars,
    gappy_bars,
    real_bars,
)
from trading.indicators import _rows

Fn = Callable[..., Any]
#: (name, fn(open, high, low, close, volume)) for every case of ``test_talib``.
STACKED: list[tuple[str, Fn]] = [(name, ours) for name, ours, _ in FLOAT_CASES] + [
    (name, lambda o, h, lo, c, v, fn=fn: fn(o, h, lo, c)) for name, fn, _ in CANDLES
]
IDS = [name for name, _ in STACKED]


def stack(size: int) -> Bars:
    """Five rows of ``size`` bars: three price scales, a flat row, jumps; zero volumes."""
    n = max(size, 60)
    rows = [real_bars(n, 1), real_bars(n, 2, scale=1e-6), real_bars(n, 3, scale=1e7),
            constant_bars(n), gappy_bars(n, 4)]
    o, h, lo, c, v = (np.stack([r[i][:size] for r in rows]) for i in range(5))
    return o, h, lo, c, v


def outputs(result: Any) -> tuple[np.ndarray, ...]:
    return result if isinstance(result, tuple) else (result,)


def assert_rows_alone(name: str, fn: Fn, data: Bars) -> None:
    """``fn`` on the stack equals ``fn`` on each row alone, exactly."""
    whole = outputs(fn(*data))
    for r in range(data[0].shape[0]):
        alone = outputs(fn(*(x[r] for x in data)))
        assert len(whole) == len(alone), name
        for i, (a, b) in enumerate(zip(whole, alone)):
            assert a.shape == data[0].shape and a.dtype == b.dtype, f"{name}[{i}]"
            assert np.array_equal(a[r], b, equal_nan=True), f"{name}[{i}] row {r}"


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 9, 10, 11, 12, 13, 14, 15, 20, 27, 28, 33,
                                  34, 35, 60, 500, 1043, 1044, 1100, 9000, 20_000])
def test_each_row_of_a_stack_is_the_series_alone(size: int) -> None:
    data = stack(size)
    for name, fn in STACKED:
        assert_rows_alone(name, fn, data)


@pytest.mark.parametrize("per_block", [1, 3])
@pytest.mark.parametrize("size", [13, 60, 500, 1100])
def test_rows_split_into_blocks_are_still_exact(size: int, per_block: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Stacks of long rows are computed a block of rows at a time: force small blocks."""
    monkeypatch.setattr(_rows, "_BLOCK_VALUES", per_block * size)
    data = stack(size)
    assert len(_rows.blocks(data[3])) == -(-5 // per_block)
    for name, fn in STACKED:
        assert_rows_alone(name, fn, data)


def _relaid(data: Bars, layout: str) -> tuple[Any, ...]:
    if layout == "fortran":
        return tuple(np.asfortranarray(x) for x in data)
    if layout == "transposed":
        return tuple(np.ascontiguousarray(x.T).T for x in data)
    if layout == "window-columns":  # a (pairs, bars, 6) block of windows, column views
        windows = np.stack([data[0] * 0.0, *data], axis=-1)
        return tuple(windows[:, :, i] for i in range(1, 6))
    return tuple(x.tolist() for x in data)


@pytest.mark.parametrize("layout", ["fortran", "transposed", "window-columns", "lists"])
@pytest.mark.parametrize("name,fn", STACKED, ids=IDS)
def test_any_layout_gives_the_same_stack(name: str, fn: Fn, layout: str) -> None:
    data = stack(300)
    for a, b in zip(outputs(fn(*_relaid(data, layout))), outputs(fn(*data))):
        assert np.array_equal(a, b, equal_nan=True), f"{name} {layout}"


@pytest.mark.parametrize("shape", [(0, 500), (4, 0), (0, 0), (1, 40)])
@pytest.mark.parametrize("name,fn", STACKED, ids=IDS)
def test_empty_and_single_row_stacks_keep_their_shape(name: str, fn: Fn,
                                                      shape: tuple[int, int]) -> None:
    x = np.full(shape, 7.0)
    for out in outputs(fn(x, x, x, x, x)):
        assert out.shape == shape, name


@pytest.mark.parametrize("call", [
    lambda x: ti.sma(x[None]),
    lambda x: ti.sma(np.float64(1.0)),
    lambda x: ti.atr(x, x, x[:, :-1]),
    lambda x: ti.obv(x, x[0]),
    lambda x: ti.cdl_hammer(x, x, x.T, x),
    lambda x: ti.stoch(x[None], x[None], x[None]),
], ids=["3-D", "0-D", "shorter", "1-D beside 2-D", "transposed", "3-D stoch"])
def test_bad_shapes_are_one_line_value_errors(call: Callable[[np.ndarray], Any]) -> None:
    with pytest.raises(ValueError) as err:
        call(np.ones((3, 40)))
    text = str(err.value)
    assert "\n" not in text and ("shape" in text), text


def test_shared_steps_follow_stacks_rows_and_in_place_changes() -> None:
    """ATR/DI/ADX and the candle patterns share steps between calls: a stack, one of its
    rows and the stack refilled in place are three different sets of bars."""
    o, h, lo, c, _ = (x.copy() for x in stack(400))
    ti.atr(h, lo, c)
    assert np.array_equal(ti.plus_di(h[1], lo[1], c[1]), ti.plus_di(h, lo, c)[1],
                          equal_nan=True)
    before = ti.adx(h, lo, c)
    h *= 1.01  # same objects, new content
    after = ti.adx(h, lo, c)
    assert not np.allclose(after[0, 27:], before[0, 27:])
    assert_rows_alone("adx", lambda o, h, lo, c, v: ti.adx(h, lo, c), (o, h, lo, c, c))
    ti.cdl_hammer(o, h, lo, c)
    c[:] = o  # every candle a doji now
    assert np.all(ti.cdl_doji(o, h, lo, c)[:, 10:] == 100)
    assert_rows_alone("star", lambda o, h, lo, c, v: ti.cdl_shooting_star(o, h, lo, c),
                      (o, h, lo, c, c))


def test_stack_outputs_are_fresh_arrays() -> None:
    o, h, lo, c, _ = stack(300)
    first = ti.minus_di(h, lo, c)
    expected = first.copy()
    first[:] = -1.0
    assert np.array_equal(ti.minus_di(h, lo, c), expected, equal_nan=True)
    star = ti.cdl_shooting_star(o, h, lo, c)
    expected_star = star.copy()
    star[:] = 7
    assert np.array_equal(ti.cdl_shooting_star(o, h, lo, c), expected_star)


_stacks = st.integers(1, 4).flatmap(lambda rows: st.integers(0, 70).flatmap(
    lambda size: st.lists(
        st.tuples(st.floats(1.0, 2.0), st.floats(1.0, 2.0), st.floats(0.0, 0.3),
                  st.floats(0.0, 0.3), st.sampled_from([0.0, 1.0, 2.5])),
        min_size=rows * size, max_size=rows * size,
    ).map(lambda values: (rows, size, values))))


@settings(max_examples=60, deadline=None)
@given(_stacks)
def test_random_small_stacks(drawn: tuple[int, int, list[tuple[float, ...]]]) -> None:
    """Arbitrary short stacks (ties and repeats included, values on a coarse grid)."""
    rows, size, values = drawn
    data = np.round(np.array(values, dtype=np.float64).reshape(rows, size, 5), 2)
    o, c = data[..., 0], data[..., 1]
    h, lo = np.maximum(o, c) + data[..., 2], np.minimum(o, c) - data[..., 3]
    for name, fn in STACKED:
        assert_rows_alone(name, fn, (o, h, lo, c, data[..., 4]))
