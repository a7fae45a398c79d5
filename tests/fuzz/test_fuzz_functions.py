"""Fuzzing the function entry points (issue 10: `hessian 'erf(erf(erf(x*y)))'`, `'sqrt(-1)*x'`,
`'max(x, x/y)' --code` crashed): the Hessian with its critical points and report, the generated NumPy
module (and its C kernel source), and Newton's method with gradient descent."""
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import symnn
from fuzz_support import RAW_TEXT, budget, formula, handled, mutated
from symnn.render.function_code import function_module_source, load_source
from symnn.render.function_report import function_json, hessian_text


def _hessian_everything(text, variables):
    derivation = symnn.hessian(text, vars=variables, solve_seconds=1)
    hessian_text(derivation)
    json.loads(function_json(derivation))
    module = load_source(function_module_source(derivation), "symnn_fuzz_function")
    point = np.linspace(0.3, 0.9, derivation.spec.n)
    with np.errstate(all="ignore"):
        try:  # the generated module computes with Python's math: outside f's domain it raises as math does
            module.hessian(point)
        except (ValueError, ZeroDivisionError, OverflowError):
            pass
        module.hessian_batch(np.stack([point, -point]))  # NumPy: nan or inf there, never an exception
    return derivation


@budget(25)
@given(mutated(formula(("x", "y"))) | RAW_TEXT, st.sampled_from([None, "x,y", "x"]))
def test_hessian_of_a_function(text, variables):
    handled("symnn.hessian", _hessian_everything, text, variables)


@budget(25)
@given(formula(("x", "y")), st.sampled_from(["1,1", "0.5,-2", "0,0", "4,4", "1e300,1", "nan,1", "1"]),
       st.booleans(), st.sampled_from([None, 0.01, 0.5, 1e6]))
def test_newton_and_gradient_descent(text, start, any_critical, learning_rate):
    runs = handled("symnn.newton", symnn.newton, text, start, any_critical=any_critical, learning_rate=learning_rate,
                   max_iter=30, gd_max_iter=200)
    if not isinstance(runs, Exception):
        for run in runs:
            assert run.status and "\n" not in run.message
            assert all(isinstance(v, float) for row in run.rows for v in row.x)


@budget(15)
@given(formula(("x",)), st.sampled_from(["0.05", "1", "-1", "3"]))
def test_newton_root_in_one_variable(text, start):
    handled("symnn.newton --root", symnn.newton, text, start, root=True, max_iter=30)
