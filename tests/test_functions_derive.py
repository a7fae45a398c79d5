"""Gradient, Hessian, critical points and the eigenvalue test, against independent computations."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symnn.derive.functions import INCONCLUSIVE, MAXIMUM, MINIMUM, SADDLE, classify, derive_function
from symnn.funcspec import function_from_expression, parse_function

SEED = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"


def test_gradient_and_hessian_equal_sympys_own_on_the_expanded_expression():
    derivation = derive_function(parse_function(SEED))
    x, y = derivation.variables
    f = sp.expand(derivation.expression)
    assert [sp.expand(g) for g in derivation.gradient] == [sp.expand(f.diff(x)), sp.expand(f.diff(y))]
    assert (derivation.hessian - sp.hessian(f, (x, y))).applyfunc(sp.expand) == sp.zeros(2, 2)


def test_the_seed_functions_minimum_by_hand():
    # grad f(0, 0) = 0; H(0, 0) = [[8, -1], [-1, 4]], eigenvalues (12 -+ sqrt(20))/2 = 6 -+ sqrt(5)
    points = derive_function(parse_function(SEED)).critical_points
    assert points.solved_exactly
    (point,) = points.points
    assert point.values == (0, 0) and point.kind == MINIMUM
    assert list(point.eigenvalues) == [6 - sp.sqrt(5), 6 + sp.sqrt(5)]


@pytest.mark.parametrize("text, expected", [
    ("x^2 + y^2", {(0, 0): MINIMUM}),
    ("-x^2 - y^2", {(0, 0): MAXIMUM}),
    ("x^2 - y^2", {(0, 0): SADDLE}),
    ("x^3 - 3*x + y^2", {(1, 0): MINIMUM, (-1, 0): SADDLE}),
    ("x^4 + y^4", {(0, 0): INCONCLUSIVE}),  # H(0, 0) = 0, yet a minimum: the test cannot tell
    ("x^3 - 3*x*y^2", {(0, 0): INCONCLUSIVE}),  # the monkey saddle
    ("x^2 + y^3", {(0, 0): INCONCLUSIVE}),
    ("x^2 - y^2 + z^4", {(0, 0, 0): SADDLE}),  # both signs decide despite a zero eigenvalue
    ("exp(x) - ln(x)", {(0.5671432904097838,): MINIMUM}),  # the omega constant W(1)
])
def test_textbook_critical_points(text, expected):
    points = derive_function(parse_function(text)).critical_points
    found = {tuple(round(v, 12) for v in p.numeric): p.kind for p in points.points}
    assert found == {tuple(round(v, 12) for v in k): kind for k, kind in expected.items()}


def test_a_line_of_critical_points_is_reported_as_a_set():
    points = derive_function(parse_function("(x - y)^2")).critical_points
    assert not points.points
    (critical_set,) = points.sets
    x, y = sp.symbols("x y", real=True)
    assert critical_set.values == (y, y)


def test_what_sympy_cannot_solve_is_found_numerically_and_says_so():
    # f' = cos x - x = 0 at the Dottie number 0.7390851332151607; f'' = -sin x - 1 < 0 there
    points = derive_function(parse_function("sin(x) - x^2/2")).critical_points
    assert not points.solved_exactly and "numerically" in points.note
    (point,) = points.points
    assert point.method == "numeric" and point.kind == MAXIMUM
    assert point.numeric[0] == pytest.approx(0.7390851332151607, abs=1e-12)


def test_a_solve_that_runs_out_of_time_falls_back_to_the_numeric_search():
    derivation = derive_function(parse_function("x^3 - 3*x + y^2"), solve_seconds=1e-6)
    points = derivation.critical_points
    assert "did not finish" in points.note
    assert {tuple(np.round(p.numeric, 9)) for p in points.points} == {(1.0, 0.0), (-1.0, 0.0)}
    assert sorted(p.kind for p in points.points) == [MINIMUM, SADDLE]


def test_points_sympy_missed_are_added_from_the_numeric_search():
    # solve lists one period of sin(x) cos(y); the box [-5, 5]^2 holds more critical points
    points = derive_function(parse_function("sin(x)*cos(y)")).critical_points
    methods = {p.method for p in points.points}
    assert methods == {"exact", "numeric"} and "missed" in points.note
    for p in points.points:  # every point really is critical, and its verdict matches its eigenvalues
        x, y = p.numeric
        assert abs(np.cos(x) * np.cos(y)) < 1e-9 and abs(np.sin(x) * np.sin(y)) < 1e-9
        assert p.kind == classify(list(np.linalg.eigvalsh([[-np.sin(x) * np.cos(y), -np.sin(y) * np.cos(x)],
                                                           [-np.sin(y) * np.cos(x), -np.sin(x) * np.cos(y)]])))


symmetric = st.integers(-4, 4)


@settings(max_examples=25, deadline=None)
@given(a=symmetric, b=symmetric, c=symmetric, p=symmetric, q=symmetric)
def test_quadratics_against_numpy(a, b, c, p, q):
    """f = (a x^2 + 2 b x y + c y^2)/2 + p x + q y: one critical point -A^-1 (p, q) when A is invertible,
    classified by NumPy's eigenvalues of A."""
    A = np.array([[a, b], [b, c]], dtype=float)
    if abs(np.linalg.det(A)) < 1e-9:
        return
    x, y = sp.symbols("x y", real=True)
    f = sp.Rational(1, 2) * (a * x**2 + 2 * b * x * y + c * y**2) + p * x + q * y
    points = derive_function(function_from_expression(f, (x, y))).critical_points
    (point,) = points.points
    assert np.allclose(point.numeric, -np.linalg.solve(A, [p, q]))
    eigenvalues = np.linalg.eigvalsh(A)
    expected = SADDLE if eigenvalues.min() < 0 < eigenvalues.max() else MINIMUM if eigenvalues.min() > 0 else MAXIMUM
    assert point.kind == expected
    assert np.allclose(point.numeric_eigenvalues, eigenvalues)


def test_cardano_roots_are_exact_yet_shown_as_numbers():
    # f' = x^3 - x + 1/10 has three real roots, which Cardano's formula writes through complex cube roots
    points = derive_function(parse_function("x^4/4 - x^2/2 + x/10 + y^2")).critical_points
    assert points.solved_exactly
    roots = sorted(np.roots([1, 0, -1, 0.1]).real)
    assert [p.numeric[0] for p in points.points] == pytest.approx(roots, abs=1e-12)
    assert [p.kind for p in points.points] == [MINIMUM, SADDLE, MINIMUM]  # f'' = 3x^2 - 1 at each root
    assert all(p.exact and p.readable == (False, True) for p in points.points)
