"""Every function of the formula whitelist through every output, or refused up front.

The cases are read from symnn.safe_expr.FUNCTIONS, so a function added there is tested here without
a new line. Each is used as a custom activation (the per-weight derivation, the sheet's .tex and .md,
the generated network module and its fused training step) and in a function of two variables (the
function module of `symnn hessian --code` and its C kernel). Expected values come from outside the
code under test: mpmath's evaluation of the SymPy expression the whitelist entry builds, with
mpmath's own numerical derivatives at 30 digits, and central differences of a module's own cost.
Points are put where mpmath finds the function real (sqrt and log only for positive arguments).
"""
from __future__ import annotations

import sys

import mpmath
import numpy as np
import pytest
import sympy as sp

from symnn import api, native
from symnn.cli import main
from symnn.render.c_kernel import hessian_kernel_source
from symnn.render.codegen import module_source
from symnn.derive.network_hessian import network_hessian
from symnn.render.function_code import load_function_module
from symnn.render.hessian_code import load_hessian_module
from symnn.safe_expr import FUNCTIONS, SYMPY_FUNCTIONS
from symnn.verify import forward_values
from symnn.verify_code import load_generated

CASES = [(name, arity) for name, (_, arities) in sorted(FUNCTIONS.items()) for arity in arities]
IDS = [f"{name}/{arity}" for name, arity in CASES]
mpmath.mp.dps = 30


def _formula(name: str, arity: int, variable: str, other: str) -> str:
    """name(z) for one argument; name(z, z/4) for two (max, min, and log to the base z/4)."""
    return f"{name}({variable})" if arity == 1 else f"{name}({variable}, {other})"


def _reference(name: str, arity: int):
    """g as an mpmath function, from the whitelist's own SymPy builder (not symnn's printers)."""
    t = sp.Symbol("t", real=True)
    builder = FUNCTIONS[name][0]
    expression = builder(t) if arity == 1 else builder(t, t / 4)
    return sp.lambdify(t, expression, "mpmath"), expression.xreplace({t: sp.Symbol("z", real=True)})


def _real_near(g, centre: float, radius: float = 0.3) -> bool:
    try:
        values = [g(mpmath.mpf(centre) + d) for d in np.linspace(-radius, radius, 7)]
    except (ValueError, ZeroDivisionError, TypeError):
        return False
    return all(isinstance(v, mpmath.mpf) and mpmath.isfinite(v) for v in values)


def _centres(g) -> list[float]:
    """Pre-activation centres in g's domain: 1 always (every whitelisted function is real there), and -1
    where g is real around it too (not sqrt, log)."""
    assert _real_near(g, 1.0)
    return [1.0] + ([-1.0] if _real_near(g, -1.0) else [])


def _mp_loss(g, W1, b1, W2, b2, x, y):
    """The 2-2-1 network with g then sigmoid, and the binary log loss, in mpmath."""
    hidden = [g(sum(W1[j][k] * x[k] for k in range(2)) + b1[j]) for j in range(2)]
    a = 1 / (1 + mpmath.exp(-(sum(W2[0][k] * hidden[k] for k in range(2)) + b2[0])))
    return -(y * mpmath.log(a) + (1 - y) * mpmath.log(1 - a))


# --- as a custom activation ---------------------------------------------------------------------

@pytest.mark.parametrize("name, arity", CASES, ids=IDS)
def test_custom_activation_derivation_sheet_and_module(name, arity, tmp_path):
    g, expression = _reference(name, arity)
    act = _formula(name, arity, "z", "z/4")
    spec = api.network("2-2-1", act=f"{act},sigmoid", loss="bce")
    rng = np.random.default_rng(7)
    derivation = api.derive(spec)
    module = load_generated(module_source(spec), f"whitelist_{name}_{arity}")
    n = derivation.notation
    for centre in _centres(g):
        # the derivation's closed form of dL/dw^[1]_11 against mpmath's derivative of the loss
        W1, W2 = rng.normal(0, 0.15, (2, 2)), rng.normal(0, 1, (1, 2))
        b1, b2 = centre + rng.normal(0, 0.05, 2), rng.normal(0, 0.5, 1)
        x, y = rng.normal(0, 1, 2), 1.0
        point = {n.x(k + 1): x[k] for k in range(2)}
        point.update({n.w(1, j + 1, k + 1): W1[j, k] for j in range(2) for k in range(2)})
        point.update({n.w(2, 1, k + 1): W2[0, k] for k in range(2)})
        point.update({n.b(1, j + 1): b1[j] for j in range(2)} | {n.b(2, 1): b2[0], derivation.targets[0]: y})
        values = derivation.delta_values(forward_values(derivation, point))
        gradient = derivation.gradient(1, 1, 1)
        closed = float(gradient.closed_form.xreplace(values))

        def loss_of(w):
            weights = [[w, W1[0, 1]], [W1[1, 0], W1[1, 1]]]
            return _mp_loss(g, weights, b1, W2, b2, x, y)

        expected = float(mpmath.diff(loss_of, mpmath.mpf(W1[0, 0])))
        assert closed == pytest.approx(expected, rel=1e-9, abs=1e-12)
        _check_module(module, spec, centre, rng)

    sheet = api.sheet(spec, tmp_path, formats="tex,md")
    written = {path.suffix: path.read_text(encoding="utf-8") for path in sheet["files"]}
    assert set(written) == {".tex", ".md"}
    shown = sp.latex(expression)
    for text in written.values():
        assert shown in text  # g(z) = ..., as SymPy writes it


def _check_module(module, spec, centre, rng, m: int = 3):
    """backward_propagation against central differences of the module's own compute_cost, then one
    fused train_step against update_parameters, with the hidden pre-activations around `centre`."""
    X = rng.normal(0, 1, (2, m))
    Y = rng.integers(0, 2, (1, m)).astype(float)
    parameters = {"W1": rng.normal(0, 0.1, (2, 2)), "b1": np.full((2, 1), centre) + rng.normal(0, 0.05, (2, 1)),
                  "W2": rng.normal(0, 1, (1, 2)), "b2": rng.normal(0, 0.5, (1, 1))}
    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)

    def cost():
        return module.compute_cost(module.forward_propagation(X, parameters)[0], Y)

    for key, value in parameters.items():
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + 1e-6
            up = cost()
            value[index] = original - 1e-6
            down = cost()
            value[index] = original
            assert grads["d" + key][index] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-8), key

    deep_AL, caches = module.L_model_forward(X, parameters)  # the course's L-layer API, through g's own functions
    assert np.allclose(deep_AL, AL, rtol=1e-13, atol=1e-15)
    deep = module.L_model_backward(deep_AL, Y, caches)
    for key in ("dW1", "db1", "dW2", "db2"):
        assert np.allclose(deep[key], grads[key], rtol=1e-9, atol=1e-12), key

    single = {k: v.astype(np.float32) for k, v in parameters.items()}  # float32 stays float32 (no NumPy float64 constants)
    AL32, cache32 = module.forward_propagation(X.astype(np.float32), single)
    grads32 = module.backward_propagation(single, cache32, X.astype(np.float32), Y.astype(np.float32))
    assert AL32.dtype == np.float32 and {grads32[k].dtype for k in ("dW1", "db1", "dW2", "db2")} == {np.dtype(np.float32)}

    expected = module.update_parameters({k: v.copy() for k, v in parameters.items()}, grads, learning_rate=0.1)
    fused = {k: v.copy() for k, v in parameters.items()}
    module.make_train_step(fused, m)(X, Y, learning_rate=0.1)
    for key in parameters:
        assert np.allclose(fused[key], expected[key], rtol=1e-12, atol=1e-14), key


@pytest.mark.parametrize("name, arity", CASES, ids=IDS)
def test_network_hessian_module(name, arity):
    """symnn hessian --network: the module's gradient against central differences of its cost, and its
    Hessian against central differences of its gradient, with the hidden pre-activations in g's domain."""
    g, _ = _reference(name, arity)
    act = _formula(name, arity, "z", "z/4")
    module = load_hessian_module(network_hessian(api.derive("2-1-1", act=f"{act},sigmoid")))
    rng = np.random.default_rng(5)
    X, Y = rng.normal(0, 1, (2, 4)), rng.integers(0, 2, (1, 4)).astype(float)
    for centre in _centres(g):
        parameters = {"W1": rng.normal(0, 0.1, (1, 2)), "b1": np.array([[centre]]),
                      "W2": rng.normal(0, 1, (1, 1)), "b2": rng.normal(0, 0.5, (1, 1))}
        theta = module.to_vector(parameters)
        step = 1e-5

        def along(function, i):
            up, down = theta.copy(), theta.copy()
            up[i] += step
            down[i] -= step
            return (np.asarray(function(module.to_parameters(up), X, Y)) - function(module.to_parameters(down), X, Y)) / (2 * step)

        numeric_gradient = [along(module.cost, i) for i in range(theta.size)]
        assert np.allclose(module.gradient(parameters, X, Y), numeric_gradient, rtol=1e-6, atol=1e-9)
        numeric_hessian = np.array([along(module.gradient, i) for i in range(theta.size)])
        assert np.allclose(module.hessian(parameters, X, Y), numeric_hessian, rtol=1e-5, atol=1e-8)


# --- in a function: symnn hessian's module and C kernel -----------------------------------------

@pytest.mark.parametrize("name, arity", CASES, ids=IDS)
def test_function_module_and_kernel(name, arity, tmp_path, monkeypatch):
    text = f"{_formula(name, arity, 'x', 'y')}*y^2" if arity == 1 else _formula(name, arity, "x", "y")
    derivation = api.hessian(text, "x,y", solve_seconds=1)
    module = load_function_module(derivation)
    t_x, t_y = sp.symbols("x y", real=True)
    builder = FUNCTIONS[name][0]
    f = sp.lambdify((t_x, t_y), builder(t_x) * t_y ** 2 if arity == 1 else builder(t_x, t_y), "mpmath")
    points = np.array([[0.8, 2.3], [1.3, 2.7], [0.6, 2.1]])  # x > 0, y > 1: inside every domain, off every kink
    for point in points:
        p = [mpmath.mpf(v) for v in point]
        assert module.f(point) == pytest.approx(float(f(*p)), rel=1e-12)
        gradient = [float(mpmath.diff(f, p, order)) for order in ((1, 0), (0, 1))]
        assert np.allclose(module.gradient(point), gradient, rtol=1e-10, atol=1e-12)
        hessian = [[float(mpmath.diff(f, p, (2, 0))), float(mpmath.diff(f, p, (1, 1)))],
                   [float(mpmath.diff(f, p, (1, 1))), float(mpmath.diff(f, p, (0, 2)))]]
        assert np.allclose(module.hessian(point), hessian, rtol=1e-9, atol=1e-10)
    batch = module.hessian_batch(points).copy()
    assert np.allclose(batch, [module.hessian(p) for p in points], rtol=1e-13, atol=1e-13)

    sheets = api.write_function_sheets(derivation, tmp_path / "sheet", formats=("tex", "md"))
    assert {path.suffix for path in sheets} == {".tex", ".md"}
    shown = sp.latex(derivation.spec.expression)
    for path in sheets:
        assert shown in path.read_text(encoding="utf-8")

    assert hessian_kernel_source(derivation) is not None  # C's math library has every whitelisted function
    monkeypatch.setenv("SYMNN_CACHE_DIR", str(tmp_path / "cache"))
    try:
        native.accelerate(module)
    except native.NativeUnavailable:
        return  # no C compiler here: the NumPy path above is what runs
    assert np.allclose(module.hessian_batch(points), batch, rtol=1e-13, atol=1e-13)


@pytest.mark.slow
def test_every_functions_markdown_maths_renders_in_katex():
    """The .md sheets' maths for every case, network and function, through KaTeX in strict mode."""
    from sheets_support import display_maths, inline_maths, katex_errors, katex_module

    from symnn.render.function_report import render_function_sheet
    from symnn.render.sheets import render_sheet

    module = katex_module()
    if module is None:
        pytest.skip("KaTeX is not installed (.ci/run installs it)")
    items = []
    for name, arity in CASES:
        act = _formula(name, arity, "z", "z/4")
        markdown = render_sheet(api.derive("2-2-1", act=f"{act},sigmoid"), "md", "en")
        text = f"{_formula(name, arity, 'x', 'y')}*y^2" if arity == 1 else _formula(name, arity, "x", "y")
        markdown += render_function_sheet(api.hessian(text, "x,y", solve_seconds=1), "md")
        items += [(tex, True) for tex in display_maths(markdown)] + [(tex, False) for tex in inline_maths(markdown)]
    errors = [(tex, error) for (tex, _), error in zip(items, katex_errors(items, module)) if error]
    assert not errors, errors[:3]


def test_the_whitelist_builds_only_functions_the_code_paths_know():
    """A function added to the whitelist must be known to SYMPY_FUNCTIONS (what every printer covers)."""
    x, y = sp.symbols("x y")
    for name, (builder, arities) in FUNCTIONS.items():
        for arity in arities:
            built = builder(*(x, y)[:arity])
            assert all(type(f) in SYMPY_FUNCTIONS for f in built.atoms(sp.Function)), name


# --- refused up front, in one line -------------------------------------------------------------

def _one_line_refusal(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    return lines[0]


def test_an_activation_real_nowhere_is_refused(capsys):
    line = _one_line_refusal(capsys, ["derive", "2-2-1", "--act", "sqrt(-1 - z^2),sigmoid"])
    assert "not a real number" in line


@pytest.mark.parametrize("output, shown", [("sin(z)", "-0.4794 at z = -0.5"), ("exp(z)", "1.649 at z = 0.5"),
                                           ("erf(z)", "-0.5205 at z = -0.5")])
def test_a_log_loss_of_an_output_outside_the_unit_interval_is_refused(capsys, output, shown):
    # sin(-0.5) = -0.47943, exp(0.5) = 1.64872, erf(-0.5) = -0.52050 (Abramowitz and Stegun, table 7.1)
    line = _one_line_refusal(capsys, ["build", "2-3-1", "--act", f"tanh,{output}", "--loss", "bce", "-o", "unused"])
    assert "needs outputs in (0, 1)" in line and shown in line


def test_an_output_inside_the_unit_interval_is_accepted_for_the_log_loss():
    spec = api.network("2-2-1", act="tanh,exp(-z^2)", loss="bce")  # (0, 1]: the module clips to 1 - eps
    assert spec.loss.name == "bce"


@pytest.mark.parametrize("act", ["sqrt(z),sigmoid", "log(z),sigmoid", "sigmoid,sqrt(z)"])
def test_build_puts_its_check_points_inside_the_domain(act, tmp_path):
    result = api.build("2-3-1", tmp_path, formats="tex", act=act, loss="half_se" if act.startswith("sigmoid") else "bce")
    assert result["passed"] and {c.verdict for c in result["checks"]} == {"ok"}
    assert result["code_check"].verdict == "ok"


def test_build_without_biases_says_why_a_domain_check_is_inconclusive(tmp_path):
    result = api.build("2-3-1", tmp_path, formats="tex", act="sqrt(z),sigmoid", bias=False)
    assert result["code_check"].verdict == "inconclusive" and "without biases" in result["code_check"].reason
    assert all(c.verdict in ("ok", "inconclusive") for c in result["checks"])


def test_erf_has_no_output_form_through_its_inverse():
    """SymPy can write erf'(z) through a = erf(z) with erfinv, which no code path evaluates: z-form."""
    from symnn.rules.activations import activation_from_text

    rule = activation_from_text("erf(z)")
    assert rule.derivative_in_output is None or not rule.derivative_in_output.has(sp.erfinv)
    assert "scipy.special.erf(" in module_source(api.network("2-2-1", act="erf(z),sigmoid"))


def test_a_module_using_erf_names_the_scipy_extra_when_scipy_is_missing(monkeypatch, tmp_path):
    source = module_source(api.network("2-2-1", act="z*(1+erf(z/sqrt(2)))/2,sigmoid"))
    monkeypatch.setitem(sys.modules, "scipy", None)  # import scipy now raises ImportError
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    module = load_generated(source, "gelu_without_scipy")  # importing still works
    parameters = module.initialize_parameters([2, 2, 1], "xavier", seed=0)
    with pytest.raises(ImportError, match=r"symnn\[scipy\]"):
        module.forward_propagation(np.zeros((2, 3)), parameters)
    result = api.build("2-2-1", tmp_path, formats="tex", act="z*(1+erf(z/sqrt(2)))/2,sigmoid")
    assert result["code_check"].verdict == "inconclusive" and "scipy" in result["code_check"].reason


KINKED = [name for name, (builder, _) in sorted(FUNCTIONS.items()) if builder in (sp.Max, sp.Min)]


@pytest.mark.parametrize("name", KINKED)
def test_a_kink_in_generated_code_is_pinned_from_the_left_like_relu(name):
    """max(z, 0) and min(z, 0) at z = 0 exactly: g'(0) from the left (relu'(0) = 0), in the module's own
    backward function, in backward_propagation and in the fused step."""
    builder = FUNCTIONS[name][0]
    h = mpmath.mpf(10) ** -20
    t = sp.Symbol("t", real=True)
    g = sp.lambdify(t, builder(t, 0), "mpmath")
    left = float((g(mpmath.mpf(0)) - g(-h)) / h)  # the one-sided quotient: 0 for max, 1 for min
    spec = api.network("2-2-1", act=f"{name}(z, 0),sigmoid")
    module = load_generated(module_source(spec), f"kink_{name}")
    key = spec.activations[0].spec_text
    _, backward = module.ACTIVATIONS[key]
    assert np.array_equal(backward(np.ones((2, 3)), np.zeros((2, 3))), np.full((2, 3), left))
    X, Y = np.random.default_rng(1).normal(size=(2, 3)), np.array([[1.0, 0.0, 1.0]])
    parameters = {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1)), "W2": np.array([[0.5, -0.3]]), "b2": np.zeros((1, 1))}
    AL, cache = module.forward_propagation(X, parameters)  # Z1 = 0 exactly
    grads = module.backward_propagation(parameters, cache, X, Y)
    expected_dZ1 = left * (np.array([[0.5], [-0.3]]) @ (AL - Y)) / 3
    assert np.allclose(grads["dW1"], expected_dZ1 @ X.T, rtol=1e-13, atol=1e-16)
    fused = {k: v.copy() for k, v in parameters.items()}
    module.make_train_step(fused, 3)(X, Y, learning_rate=0.1)
    assert np.allclose(fused["W1"], parameters["W1"] - 0.1 * grads["dW1"], rtol=1e-13, atol=1e-16)


GELU = "z*(1+erf(z/sqrt(2)))/2"


@pytest.mark.parametrize("act", [f"{GELU},sigmoid", "erf(z),sigmoid", "sqrt(z),sigmoid", "log(z),sigmoid"])
def test_the_commands_of_issue_14_exit_0(act, tmp_path, capsys):
    """codegen writes a module whose forward pass runs on arrays; build's checks all pass (exit 0)."""
    target = tmp_path / "net.py"
    assert main(["codegen", "2-3-1", "--act", act, "-o", str(target)]) == 0
    module = load_generated(target.read_text(encoding="utf-8"), "issue_14_module")
    parameters = module.initialize_parameters([2, 3, 1], "xavier", seed=0)
    parameters["b1"] += 1.0  # sqrt, log: pre-activations around 1
    AL, _ = module.forward_propagation(np.random.default_rng(0).normal(0, 0.1, (2, 5)), parameters)
    assert AL.shape == (1, 5) and np.isfinite(AL).all()
    assert main(["build", "2-3-1", "--act", act, "-o", str(tmp_path / "build"), "--format", "tex,md"]) == 0
    out = capsys.readouterr().out
    assert "all match" in out and "backward_propagation vs Ridders-extrapolated differences of compute_cost: match" in out
