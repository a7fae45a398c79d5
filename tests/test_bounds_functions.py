"""Issue 10: functions that crashed `symnn hessian` (a traceback) now give the right answer or one line.

The expected values are independent of symnn's code paths: central differences of the function
written with Python's math module, and hand-derived limits (erf(u) = 2u/sqrt(pi) + O(u^3))."""
import math
import shutil

import numpy as np
import pytest

import symnn
from symnn import native
from symnn.cli import main
from symnn.derive.functions import derive_function
from symnn.errors import ParseError, SpecError
from symnn.funcspec import parse_function
from symnn.render.function_code import load_function_module


def central_hessian(f, point, h=1e-4):
    """Second derivatives by central differences of f (a plain Python function of floats)."""
    n = len(point)
    result = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                p = list(point)
                p[i] += di
                p[j] += dj
                return f(*p)
            result[i, j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return result


def test_nested_erf_is_classified_at_the_origin(capsys):
    # lambdify used math.erf on arrays in the numeric search: "only 0-dimensional arrays can be converted"
    assert main(["hessian", "erf(erf(erf(x*y)))"]) == 0
    out = capsys.readouterr().out
    assert "x = 0, y = 0  [exact]" in out and "saddle" in out
    derivation = derive_function(parse_function("erf(erf(erf(x*y)))"))
    c = 2 / math.sqrt(math.pi)  # erf(u) ~ c u near 0, so f ~ c^3 x y and the Hessian is [[0, c^3], [c^3, 0]]
    eigenvalues = sorted(derivation.critical_points.points[0].numeric_eigenvalues)
    assert eigenvalues == pytest.approx([-c ** 3, c ** 3], rel=1e-12)
    module = load_function_module(derivation)
    point = (0.3, -0.7)
    f = lambda x, y: math.erf(math.erf(math.erf(x * y)))  # noqa: E731
    assert np.allclose(module.hessian(np.array(point)), central_hessian(f, point), atol=1e-6)
    assert np.allclose(module.hessian_batch(np.array([point, point]))[1], central_hessian(f, point), atol=1e-6)


@pytest.mark.parametrize("text, error, words", [
    ("sqrt(-1)*x", SpecError, "complex"),  # float(complex) raised in the numeric search
    ("ln(-10)*x", SpecError, "complex"),
    ("x + log(-1)", SpecError, "complex"),
    ("min(2, ln(-10))*x", ParseError, "not comparable"),  # Min raised ValueError while the formula was read
    ("max(x, sqrt(-4))", ParseError, "not comparable"),
])
def test_a_complex_function_is_refused_in_one_line(capsys, text, error, words):
    with pytest.raises(error, match=words):
        derive_function(parse_function(text))
    assert main(["hessian", text]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_abs_of_log_has_a_hessian_off_its_kink(tmp_path):
    # SymPy left Derivative(sign(log(y)), y) in the Hessian and NumPy's printer raised on it; off y = 1 it is 0
    assert main(["hessian", "abs(--log(y))", "--code", str(tmp_path / "f.py")]) == 0
    module = load_function_module(derive_function(parse_function("abs(--log(y))")))
    for y in (0.3, 0.8, 1.7, 4.0):
        expected = central_hessian(lambda t: abs(math.log(t)), (y,), h=1e-5)
        assert module.hessian(np.array([y])) == pytest.approx(expected, rel=1e-5)


def test_max_of_a_quotient_compiles_and_matches_central_differences(tmp_path, monkeypatch):
    # SymPy's C printer rewrote Heaviside(x/y - x) as a Piecewise and raised "Invalid comparison of non-real"
    assert main(["hessian", "max(x, x/y)", "--code", str(tmp_path / "f.py")]) == 0
    module = load_function_module(derive_function(parse_function("max(x, x/y)")))
    points = np.array([(0.5, 2.0), (1.5, 0.5), (-1.0, 3.0), (2.0, -0.5)])  # away from the kink x = x/y
    expected = np.array([central_hessian(lambda x, y: max(x, x / y), p) for p in points])
    assert np.allclose(module.hessian_batch(points), expected, atol=1e-5)
    assert "? 1.0 :" in module.C_SOURCE
    if shutil.which("cc") or shutil.which("gcc"):
        monkeypatch.setenv("SYMNN_CACHE_DIR", str(tmp_path / "cache"))
        native.accelerate(module)
        assert np.allclose(module.hessian_batch(points), expected, atol=1e-5)


def test_a_fractional_power_of_a_negative_number_is_a_domain_error_not_a_complex_number():
    # found by tests/fuzz: Newton's root search on pi + x^pi stepped to x < 0, where Python's ** gave a complex
    # number and float() raised TypeError; math.pow raises a domain error, which ends the run with a reason
    module = load_function_module(derive_function(parse_function("pi + x^pi")))
    assert module.f(np.array([2.0])) == pytest.approx(math.pi + 2.0 ** math.pi, rel=1e-15)
    with pytest.raises(ValueError):
        module.f(np.array([-2.0]))
    run = symnn.newton("pi + x ^ pi", "0.05", root=True, max_iter=30)[0]
    assert "cannot be evaluated" in run.message and "\n" not in run.message


@pytest.mark.parametrize("text", ["e + 1e300 + log(1e-300, x)", "y * 1e308 + x^2", "x^2 + 2^70*y^2"])
def test_huge_exact_constants_become_floats_in_numeric_code(text):
    # found by the long fuzz run: log(10**300) and 10**308 reached NumPy as Python ints (object arrays: TypeError)
    derivation = derive_function(parse_function(text))
    derivation.critical_points  # noqa: B018 - the numeric search ran into the TypeError
    module = load_function_module(derivation)
    point = np.array([0.5, 0.7][:derivation.spec.n])
    expected = np.array([[float(h.evalf(30, subs=dict(zip(derivation.variables, point)))) for h in row]
                         for row in derivation.hessian.tolist()])
    assert np.allclose(module.hessian_batch(point[None, :])[0], expected, rtol=1e-12)
    assert np.allclose(module.gradient(point), [float(g.evalf(30, subs=dict(zip(derivation.variables, point))))
                                                for g in derivation.gradient], rtol=1e-12)


@pytest.mark.parametrize("text, words", [("10^400*x", "function holds a number beyond"),
                                         ("min(-1e308, x + 1e308)", "derivatives hold a number beyond")])
def test_numbers_past_float64_are_refused(text, words):
    with pytest.raises(SpecError, match=words):
        derive_function(parse_function(text)).hessian  # noqa: B018
