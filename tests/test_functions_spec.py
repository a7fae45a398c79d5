"""Function specs: formulas read without eval, variables inferred or named, bad input refused in one line."""
import pytest
import sympy as sp

from symnn.errors import ParseError, SpecError
from symnn.funcspec import parse_function, rosenbrock

x, y = sp.symbols("x y", real=True)


def test_the_seed_function_reads_as_written_with_caret_powers():
    spec = parse_function("x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y")
    expected = x**4 + sp.Rational(4, 5) * y**4 + 4 * x**2 + 2 * y**2 - x * y - sp.Rational(1, 5) * x**2 * y
    assert sp.expand(spec.expression - expected) == 0
    assert spec.names == ("x", "y")


@pytest.mark.parametrize("text, names", [
    ("x1^2 + x10 + x2", ("x1", "x2", "x10")),  # natural order, not x1, x10, x2
    ("exp(x) - ln(x)", ("x",)),
    ("pi*y + e^x", ("x", "y")),  # pi and e are constants
    ("b*a", ("a", "b")),
])
def test_variables_are_inferred_in_natural_order(text, names):
    assert parse_function(text).names == names


def test_vars_fix_the_order_and_may_include_unused_variables():
    spec = parse_function("x*y", "y,x,z")
    assert spec.names == ("y", "x", "z")


@pytest.mark.parametrize("text, vars, words", [
    ("__import__('os')", None, "unknown function"),
    ("__import__('os').system('ls')", None, "cannot be called"),
    ("x.__class__", None, "attribute"),
    ("x + y", "x", "unknown name 'y'"),
    ("x +", None, "cannot read"),
    ("2 + 3", None, "no variables"),
    ("x^9^9^9", None, "too large"),
    ("x*y", "x,x", "named twice"),
    ("x*np", "x,np", "reserved"),
    ("x + lambda_", "x,lambda", "cannot be a variable"),
    ("1/(x-x)", None, "divides by zero"),
    ("log(0)*x", None, "not a finite function"),
    ("(" * 60 + "x" + ")" * 60, None, "nests"),
])
def test_bad_input_is_refused_with_one_line(text, vars, words):
    with pytest.raises((ParseError, SpecError)) as error:
        parse_function(text, vars)
    message = str(error.value)
    assert words in message and "\n" not in message


def test_rosenbrock_is_the_textbook_function():
    spec = rosenbrock(3)
    x1, x2, x3 = spec.variables
    expected = 100 * (x2 - x1**2) ** 2 + (1 - x1) ** 2 + 100 * (x3 - x2**2) ** 2 + (1 - x2) ** 2
    assert sp.expand(spec.expression - expected) == 0
    assert spec.expression.subs({x1: 1, x2: 1, x3: 1}) == 0
