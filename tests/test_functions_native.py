"""The compiled batched Hessian (symnn.native): the same values as SymPy's own second derivatives and
as the NumPy path, the same layout, checked shapes, a build cache, and a plain failure without a
compiler."""
import numpy as np
import pytest
import sympy as sp

from symnn import native
from symnn.derive.functions import derive_function
from symnn.funcspec import parse_function, rosenbrock
from symnn.render.function_code import load_function_module

FUNCTIONS = [
    "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y",
    "exp(x) - ln(x)",
    "sin(x)*cos(y) + exp(-x^2 - y^2)",
    "sqrt(1 + x^2 + y^2) + tanh(x*y) + atan(z) * x",
    "erf(x)*y + max(x, y)^2 + abs(x - y)",
    "log(x, 2)*pi + sinh(y) + asinh(x*y)/(1 + y^2)^3 + x^9 + y^-3",  # M_LN2, M_PI, pow(., -3), x^9
    "k^2*p + count*t0 + int*double + v1*v0^3",  # the kernel's own names (locals, temporaries, v0..) and C keywords
]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNN_CACHE_DIR", str(tmp_path / "cache"))


def _sympy_hessians(derivation, points):
    """SymPy's own diff of the parsed expression, evaluated at 30 digits: independent of the code path."""
    variables = list(derivation.variables)
    second = sp.hessian(derivation.spec.expression, variables)
    return np.array([[[float(e.evalf(30, subs=dict(zip(variables, point)))) for e in row] for row in second.tolist()]
                     for point in points])


@pytest.mark.parametrize("text", FUNCTIONS)
def test_compiled_hessians_equal_sympys(text):
    derivation = derive_function(parse_function(text))
    module = load_function_module(derivation)
    points = np.random.default_rng(3).uniform(0.2, 1.5, size=(6, derivation.spec.n))
    numpy_path = module.hessian_batch(points).copy()
    native.accelerate(module)
    compiled = module.hessian_batch(points)
    assert compiled.shape == (6, derivation.spec.n, derivation.spec.n)
    assert np.allclose(compiled, _sympy_hessians(derivation, points), rtol=1e-12, atol=1e-12)
    assert np.allclose(compiled, numpy_path, rtol=1e-13, atol=1e-13)


def test_sparse_hessians_keep_their_zeros_and_reuse_out():
    derivation = derive_function(rosenbrock(30))
    module = load_function_module(derivation)
    points = np.random.default_rng(4).uniform(-2, 2, size=(50, 30))
    expected = np.array([module.hessian(p) for p in points])
    kernel = native.accelerate(module)
    assert np.array_equal(module.hessian_batch(points) == 0, expected == 0)
    assert np.allclose(module.hessian_batch(points), expected, rtol=1e-13)
    buffer = np.full((30, 30, 50), 7.0)  # stale values in the zero entries must not survive
    result = kernel(points, out=buffer)
    assert np.shares_memory(result, buffer) and np.allclose(result, expected, rtol=1e-13)


def test_points_in_any_layout_and_float32_stay_on_numpy():
    module = load_function_module(derive_function(parse_function("x^3*y - y^2")))
    native.accelerate(module)
    grid = np.random.default_rng(5).uniform(-1, 1, size=(2, 40))
    strided = grid.T  # (40, 2), not C-contiguous
    assert np.allclose(module.hessian_batch(strided), [module.hessian(p) for p in strided], rtol=1e-13)
    single = module.hessian_batch(strided.astype(np.float32))
    assert single.dtype == np.float32  # the compiled kernel is float64 only; float32 keeps its dtype


@pytest.mark.parametrize("bad", [np.zeros((4, 3)), np.zeros(4), np.zeros((2, 2, 2))])
def test_wrong_shapes_are_refused_before_the_c_loop_runs(bad):
    kernel = native.accelerate(load_function_module(derive_function(parse_function("x*y^2"))))
    with pytest.raises(ValueError, match=r"points must have shape \(N, 2\)"):
        kernel(bad)
    with pytest.raises(ValueError, match="out must be"):
        kernel(np.zeros((4, 2)), out=np.zeros((2, 2, 5)))


def test_a_build_is_cached(monkeypatch):
    derivation = derive_function(parse_function("x^2*y^3"))
    first = native.accelerate(load_function_module(derivation)).library
    commands, run = [], native.subprocess.run
    monkeypatch.setattr(native.subprocess, "run", lambda command, **options: commands.append(command) or run(command, **options))
    assert native.accelerate(load_function_module(derivation)).library == first
    assert not [c for c in commands if "-shared" in c]  # found in the cache, not compiled again
    native.accelerate(load_function_module(derive_function(parse_function("x^2*y^4"))))
    assert [c for c in commands if "-shared" in c]  # another source is another build


@pytest.mark.parametrize("cc, message", [("/nonexistent/cc", "cannot be run"), ("false", "the C compiler failed")])
def test_without_a_working_compiler_the_module_keeps_numpy(monkeypatch, cc, message):
    monkeypatch.setenv("CC", cc)
    module = load_function_module(derive_function(parse_function("x^2 + x*y")))
    with pytest.raises(native.NativeUnavailable, match=message) as caught:
        native.accelerate(module)
    assert "\n" not in str(caught.value)
    assert module._native_hessian_batch is None
    assert np.allclose(module.hessian_batch(np.array([[1.0, 2.0]])), [[[2.0, 1.0], [1.0, 0.0]]])


def test_a_module_without_c_source_says_so():
    module = load_function_module(derive_function(parse_function("x*y")))
    module.C_SOURCE = None
    with pytest.raises(native.NativeUnavailable, match="no C kernel"):
        native.accelerate(module)


def test_the_api_module_says_which_path_it_took(monkeypatch):
    import symnn

    assert symnn.function_module("x^2*y + y^3").BATCH_BACKEND == "C"
    assert symnn.function_module("x^2*y + y^3", compiled=False).BATCH_BACKEND == "numpy"
    monkeypatch.setenv("CC", "false")
    fallback = symnn.function_module("x^2*y + y^5")
    assert fallback.BATCH_BACKEND.startswith("numpy (the C compiler failed")
    assert np.allclose(fallback.hessian_batch(np.array([[1.0, 1.0]])), [[[2.0, 2.0], [2.0, 20.0]]])


def test_the_committed_example_modules_compile():
    """generated/functions/*.py, imported as files: their C_SOURCE builds and agrees with their NumPy path."""
    import importlib.util
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "generated" / "functions"
    files = sorted(folder.glob("*.py"))
    assert files
    for path in files:
        spec = importlib.util.spec_from_file_location("example", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        points = np.random.default_rng(6).uniform(0.1, 2.0, size=(20, len(module.VARIABLES)))
        expected = module.hessian_batch(points).copy()
        native.accelerate(module)
        assert np.allclose(module.hessian_batch(points), expected, rtol=1e-13, atol=1e-13), path.name


def test_a_broken_library_in_the_cache_is_reported_not_loaded():
    module = load_function_module(derive_function(parse_function("x^3*y^2 + y")))
    library = native.build(module.C_SOURCE)  # built, never loaded: replacing a loaded library would crash
    library.write_bytes(b"not a shared library")
    with pytest.raises(native.NativeUnavailable, match="cannot load the compiled kernel"):
        native.accelerate(module)
    assert module.BATCH_BACKEND == "numpy"
