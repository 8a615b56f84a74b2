"""accord.fpmath gives the C library's bits (those of Python's math), and so the engine gives the
same numbers whichever SIMD kernels NumPy picks for this CPU."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord import fpmath as fp

finite = st.floats(min_value=-700.0, max_value=700.0, allow_nan=False)
positive = st.floats(min_value=1e-300, max_value=1e300, allow_nan=False)
exponent = st.floats(min_value=-30.0, max_value=30.0, allow_nan=False)


def _bits(a: object) -> bytes:
    return np.asarray(a, dtype=np.float64).tobytes()


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40))
def test_tanh_and_exp_are_libm_bit_for_bit(xs: list[float]) -> None:
    x = np.array(xs)
    assert _bits(fp.tanh(x)) == _bits([math.tanh(v) for v in xs])
    assert _bits(fp.exp(x)) == _bits([math.exp(v) for v in xs])


@settings(max_examples=300, deadline=None)
@given(st.lists(positive, min_size=1, max_size=40), exponent)
def test_log_log1p_and_power_are_libm_bit_for_bit(xs: list[float], y: float) -> None:
    x = np.array(xs)
    assert _bits(fp.log(x)) == _bits([math.log(v) for v in xs])
    assert _bits(fp.log1p(x)) == _bits([math.log1p(v) for v in xs])
    with np.errstate(over="ignore"):
        got = fp.power(x, y)
    want = []
    for v in xs:
        try:
            want.append(math.pow(v, y))
        except OverflowError:
            want.append(math.inf)
    assert _bits(got) == _bits(want)


def test_outside_the_domain_the_answers_are_ieee_and_shapes_broadcast() -> None:
    with np.errstate(all="ignore"):
        assert fp.exp(1000.0) == math.inf
        assert fp.log(0.0) == -math.inf
        assert math.isnan(fp.log(-1.0))
        assert fp.power(0.0, -1.0) == math.inf
        assert math.isnan(fp.tanh(math.nan))
    out = fp.power(np.full((2, 3), 2.0), np.array([0.0, 1.0, 3.0]))
    assert out.shape == (2, 3)
    assert out[1].tolist() == [1.0, 2.0, 8.0]
    assert fp.tanh(np.array([1, 2])).dtype == np.float64  # integers are read as floats


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (0.5, 2.0),  # scalars give a scalar, as a ufunc does
        ((np.arange(12.0) + 0.5).reshape(3, 4).T, 1.5),  # a transposed (not contiguous) array
        ((np.arange(6.0) + 0.5)[::2], np.arange(3.0)),  # a strided view against a plain array
        (np.full((2, 1, 3), 1.1), np.arange(4.0)[:, None]),  # both broadcast
        (2.0, np.linspace(-3, 3, 7).reshape(7, 1)),  # a scalar base against an array
        (np.ones(0), 3.0),  # empty
        (np.ones((1,)), np.arange(3.0)),  # size 1 against size 3
        (_read_only(np.arange(4.0) + 0.5), _read_only(np.full(4, 0.5))),  # read-only inputs
    ],
)
def test_shapes_layouts_and_scalars_are_those_of_numpy(x: object, y: object) -> None:
    """The kernels run on flat arrays; what comes back has NumPy's broadcast shape and type."""
    want_p = np.power(x, y)
    got_p = fp.power(x, y)
    assert type(got_p) is type(want_p) and np.shape(got_p) == np.shape(want_p)
    assert _bits(got_p) == _bits(np.vectorize(math.pow, otypes=[float])(x, y) if np.size(want_p) else want_p)
    for f, g in ((fp.tanh, math.tanh), (fp.exp, math.exp), (fp.log1p, math.log1p), (fp.log, math.log)):
        want = np.tanh(x)
        got = f(x)
        assert type(got) is type(want) and np.shape(got) == np.shape(want)
        assert _bits(got) == _bits(np.vectorize(g, otypes=[float])(x) if np.size(x) else want)


_DIGEST = """
import sys
sys.path.insert(0, {tests!r})
from test_engine_digest import batch_digest
from accord.scenario import load_scenario
from accord.simulation import run_batch
b = run_batch(load_scenario("minsk-group"), draws=64, seed=7, history="imposed")
print(batch_digest(b))
"""


def _dispatched_features() -> list[str]:
    """The CPU features NumPy picks SIMD kernels by that this CPU has, beyond NumPy's baseline."""
    from numpy._core import _multiarray_umath as m

    return [f for f in m.__cpu_dispatch__ if m.__cpu_features__.get(f)]


def test_the_engine_gives_the_same_bits_without_numpys_cpu_specific_kernels() -> None:
    # the same batch in two processes: NumPy free to use this CPU's SIMD kernels, and NumPy held to
    # its baseline (NPY_DISABLE_CPU_FEATURES); a transcendental left to NumPy shows up as other bits
    features = _dispatched_features()
    if not features:
        pytest.skip("this CPU has no SIMD features beyond NumPy's baseline: nothing to switch off")
    code = _DIGEST.format(tests=str(Path(__file__).parent))

    def digest(extra: dict[str, str]) -> str:
        env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"} | extra
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    free = digest({})
    held = digest({"NPY_DISABLE_CPU_FEATURES": " ".join(features)})
    assert len(free) == 64
    assert free == held


def test_kernels_ask_numba_not_to_use_svml() -> None:
    """Intel's SVML would replace libm in the kernels' loops (other bits, CPU-dependent): every
    kernel module imports numba through accord._numba, which switches it off before numba loads."""
    src = Path(__file__).resolve().parents[1] / "src" / "accord"
    direct = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "_numba.py"
        and any(ln.lstrip().startswith(("from numba", "import numba")) for ln in p.read_text().splitlines())
    ]
    assert direct == [], direct
    code = (
        "import os; os.environ.pop('NUMBA_DISABLE_INTEL_SVML', None)\n"
        "import numpy as np, accord.fpmath as fp\n"
        "fp.tanh(np.ones(2))\n"
        "import numba\n"
        "print(numba.config.DISABLE_INTEL_SVML, numba.config.USING_SVML)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_INTEL_SVML"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["1", "False"], out


def test_what_is_not_a_real_number_is_refused() -> None:
    for bad in (np.array(["1.5"]), np.array([1 + 2j]), np.array([1.0], dtype=np.longdouble), np.array([object()])):
        with pytest.raises(TypeError, match="expected real numbers"):
            fp.tanh(bad)
        with pytest.raises(TypeError, match="expected real numbers"):
            fp.power(bad, 2.0)
    assert fp.exp(np.array([True, False])).tolist() == [math.e, 1.0]
    assert fp.log(np.array([1.0], dtype=np.float32)).dtype == np.float64
