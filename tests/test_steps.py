"""The step-by-step differentiator (symnn/derive/steps.py): every step equals SymPy's diff of the
expanded expression, the textbook rules appear where a student expects them, and a wrong step fails.

Expected values: SymPy's `diff` of `sympy.expand(f)` (an independent route from the rules), compared
at points other than the ones the differentiator checks itself at, and central differences of f.
"""
import math

import pytest
import sympy as sp

from symnn.derive import step_rules
from symnn.derive.steps import StepCheckFailed, activation_steps, derivative_steps
from symnn.rules.activations import Activation, a, activation_from_text, z
from symnn.safe_expr import FUNCTIONS, read_formula

x, y = sp.symbols("x y", real=True)
TEST_POINTS = [sp.Rational(p, 17) for p in (-23, -9, -4, 5, 11, 29)]


def rules(worked):
    return [step.rule for step in worked.steps]


def applied(worked):
    """Every rule applied in any step, with its named parts."""
    return [(app.rule, dict(app.parts)) for step in worked.steps for app in step.applications]


def parse(text, names=("z",)):
    symbols = {name: sp.Symbol(name, real=True) for name in names}
    return read_formula(text, symbols)


def assert_steps_equal_diff_of_expanded(worked, variable, others=None):
    """Each step (pending derivatives evaluated) equals diff(expand(f)) at points of our own."""
    reference = sp.diff(sp.expand(worked.function), variable)
    for step in worked.steps:
        value = step.expression.doit()
        for p in TEST_POINTS:
            point = {variable: p, **(others or {})}
            expected = sp.N(reference.xreplace(point), 25)
            if not expected.is_number or expected.has(sp.zoo, sp.nan):
                continue
            got = sp.N(value.xreplace(point), 25)
            assert abs(got - expected) <= 1e-15 * max(1, abs(expected)), (step.rule, p, got, expected)


def central_difference(function, point, h=1e-6):
    f = sp.lambdify(z, function, "mpmath")
    return float((f(point + h) - f(point - h)) / (2 * h))


# Formulas from the lecture notes in /work/shared/seeds, each cited by file and line.
SEED_FORMULAS = [
    ("1/(1 + exp(-z))", "004_41431e00af0641db.txt:21, sigmoid g(z) = 1 / (1 + np.exp(-z))"),
    ("(exp(z) - exp(-z))/(exp(z) + exp(-z))", "004_41431e00af0641db.txt:25, tanh written out"),
    ("tanh(z)", "004_41431e00af0641db.txt:15, a = np.tanh(z)"),
    ("max(0, z)", "004_41431e00af0641db.txt:29, relu g(z) = np.maximum(0, z)"),
    ("exp(z) - log(z)", "000_3a335fe5596098c4.txt:148, Newton's example minimises e^x - ln x"),
    ("1/2*(z - 3)^2", "000_3a335fe5596098c4.txt, the perceptron's half squared error (1/2)(y_hat - y)^2"),
    ("-(2*log(z) + (1 - 2)*log(1 - z))", "000_3a335fe5596098c4.txt, log loss -(y ln a + (1 - y) ln(1 - a)), y = 2"),
]
WHITELIST_FORMULAS = [
    "z*sin(z)", "exp(-z^2)", "z*sigmoid(z)", "z/(1 + exp(-z))", "z/(1 + abs(z))", "log(1 + exp(z))",
    "z*(1 + erf(z/sqrt(2)))/2", "sqrt(1 + z^2)", "atan(z) + asinh(z)", "cos(z)^2 + tan(z/3)", "sinh(z)*cosh(2*z)",
    "z^3 - 3*z + 1", "2^z", "z^z", "abs(sin(z))", "min(z, 1) + max(z^2, 2)", "exp(sin(z))/(1 + z^2)",
    "log(z, 2)", "ln(1 + z^4)", "sqrt(z)", "tanh(3*z - 1)^2", "sigmoid(2*z)*tanh(z)",
    "abs(abs(2*z))",  # found by hypothesis: SymPy's fdiff of |u| at an expression folds in u'
    "sin(exp(exp(z^2)))",  # found by hypothesis: 30 digits of sin(e^{e^{z^2}}) at z = 3 took minutes
]


@pytest.mark.parametrize("text, source", SEED_FORMULAS, ids=[s for s, _ in SEED_FORMULAS])
def test_every_step_of_a_seed_formula_is_sympys_derivative(text, source):
    f = parse(text)
    worked = derivative_steps(f, z)
    assert worked.steps and not worked.steps[-1].expression.has(sp.Derivative), source
    assert_steps_equal_diff_of_expanded(worked, z)


@pytest.mark.parametrize("text", WHITELIST_FORMULAS)
def test_every_step_of_a_whitelisted_formula_is_sympys_derivative(text):
    worked = derivative_steps(parse(text), z)
    assert worked.steps and not worked.steps[-1].expression.has(sp.Derivative)
    assert_steps_equal_diff_of_expanded(worked, z)


@pytest.mark.parametrize("text, variable", [("x^3 - 3*x*y^2", "x"), ("x^3 - 3*x*y^2", "y"), ("exp(x*y) - log(x^2 + y^2)", "y"),
                                             ("x^4 + 0.8*y^4 - 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y", "x")])
def test_partial_derivatives_hold_the_other_variables_constant(text, variable):
    """The functions of generated/functions (seed 000's Hessian examples): d/dx with y held constant."""
    f = parse(text, ("x", "y"))
    v, other = (x, y) if variable == "x" else (y, x)
    worked = derivative_steps(f, v)
    assert_steps_equal_diff_of_expanded(worked, v, {other: sp.Rational(-13, 7)})
    assert worked.steps[-1].expression.equals(sp.diff(f, v))


# --- the rules the issue names, where a student expects them ---
def test_z_sin_z_goes_through_the_product_rule():
    worked = derivative_steps(z * sp.sin(z), z)
    assert applied(worked)[0] == ("product", {"u": z, "v": sp.sin(z)})
    assert ("trig", {}) in applied(worked)
    assert "simplify" not in rules(worked)
    assert worked.steps[-1].expression == z * sp.cos(z) + sp.sin(z)


def test_exp_of_minus_z_squared_goes_through_the_chain_rule_not_a_quotient():
    worked = derivative_steps(sp.exp(-z**2), z)
    kinds = [rule for rule, _ in applied(worked)]
    assert kinds[0] == "exp" and dict(worked.steps[0].applications[0].parts) == {"inner": -z**2}
    assert "power" in kinds and "quotient" not in kinds
    assert worked.steps[-1].expression == -2 * z * sp.exp(-z**2)


@pytest.mark.parametrize("text", ["z*sigmoid(z)", "z/(1 + exp(-z))"])
def test_swish_goes_through_the_product_and_chain_rules(text):
    worked = derivative_steps(parse(text), z)
    kinds = [rule for rule, _ in applied(worked)]
    assert kinds[0] == "product" and "quotient" not in kinds
    assert any(app.chain for step in worked.steps for app in step.applications)
    assert applied(worked)[0][1] == {"u": z, "v": 1 / (1 + sp.exp(-z))}


def test_sigmoid_reaches_e_to_minus_z_over_the_square_and_then_a_times_one_minus_a():
    worked = activation_steps(activation_from_text("sigmoid"))
    forms = [s.expression for s in worked.steps]
    assert sp.exp(-z) / (1 + sp.exp(-z)) ** 2 in forms  # seed 004:22, written as SymPy writes it
    assert rules(worked)[-1] == "output"
    assert sp.expand(worked.in_output - a * (1 - a)) == 0  # seed 004:23: g'(z) = g(z)(1 - g(z))
    assert "quotient" not in rules(worked) and any(app.chain for s in worked.steps for app in s.applications)


def test_softsign_ends_simplified():
    worked = activation_steps(activation_from_text("z/(1 + abs(z))"))
    assert "quotient" in rules(worked) and "abs" in [r for r, _ in applied(worked)]
    assert worked.steps[-1].expression == 1 / (1 + sp.Abs(z)) ** 2


def test_tanh_is_sinh_over_cosh_and_ends_at_one_minus_a_squared():
    worked = activation_steps(activation_from_text("tanh"))
    assert rules(worked)[:2] == ["definition", "quotient"]
    assert worked.steps[0].expression == sp.sinh(z) / sp.cosh(z)
    assert worked.steps[-2].expression == 1 - sp.tanh(z) ** 2  # seed 004:26
    assert sp.expand(worked.in_output - (1 - a**2)) == 0


@pytest.mark.parametrize("text, rule", [
    ("z^3", "power"), ("sqrt(z)", "power"), ("exp(z)", "exp"), ("log(z)", "log"), ("sin(z)", "trig"), ("cos(z)", "trig"),
    ("tan(z)", "trig"), ("sinh(z)", "hyperbolic"), ("cosh(z)", "hyperbolic"), ("tanh(z)", "hyperbolic"),
    ("atan(z)", "inverse_trig"), ("asinh(z)", "inverse_hyperbolic"), ("abs(z)", "abs"), ("erf(z)", "special"),
    ("2^z", "exponential"), ("z^z", "general_power"), ("max(z, 1)", "max_min"), ("min(z, 1)", "max_min"),
    ("3*sin(z)", "constant_multiple"), ("z + sin(z)", "sum"), ("sin(z)/z^2", "quotient"), ("z*exp(z)", "product"),
    ("z*exp(z)*sin(z)", "product"), ("sin(z^2)", "trig"), ("z", "identity"), ("3*z + 1", "linear"),
])
def test_each_rule_is_named_where_it_applies(text, rule):
    worked = derivative_steps(parse(text), z)
    assert worked.steps[0].applications[0].rule == rule
    assert_steps_equal_diff_of_expanded(worked, z)


def test_the_chain_rule_names_its_inner_function_and_states_the_outer_rule():
    (step, *_) = derivative_steps(sp.sin(z**2), z).steps
    (app,) = step.applications
    assert app.chain and dict(app.parts) == {"inner": z**2}
    u = step_rules.U
    assert app.formula == sp.Eq(sp.Derivative(sp.sin(u), u), sp.cos(u))


def test_relu_is_differentiated_piece_by_piece_and_states_its_value_at_zero():
    worked = activation_steps(activation_from_text("relu"))
    assert rules(worked) == ["branches"]
    (point,) = worked.break_points
    assert (point.at, point.left, point.right, point.chosen) == (0, 0, 1, 0)  # seed 003: relu'(0) taken as 0
    assert not point.differentiable and worked.in_output is None


def test_leaky_relu_takes_the_slope_at_zero():
    (point,) = activation_steps(activation_from_text("leaky_relu(0.1)")).break_points
    assert (point.left, point.right, point.chosen) == (sp.Rational(1, 10), 1, sp.Rational(1, 10))


def test_a_custom_max_is_pinned_like_relu_in_a_step_of_its_own():
    worked = activation_steps(activation_from_text("max(z, 0)"))
    assert rules(worked) == ["max_min", "kink"]
    assert worked.steps[-1].expression.subs(z, 0) == 0


def test_softplus_goes_through_the_chain_rule_to_one_minus_e_to_minus_a():
    worked = activation_steps(activation_from_text("log(1 + exp(z))"))
    assert worked.steps[0].applications[0].chain
    assert sp.simplify(worked.in_output - (1 - sp.exp(-a))) == 0
    for step in worked.steps:
        value = step.expression.xreplace({a: worked.activation.forward}) if step.rule == "output" else step.expression.doit()
        for p in (-1.3, 0.4, 1.7):
            assert math.isclose(float(sp.N(value.subs(z, p))), central_difference(worked.activation.forward, p), rel_tol=1e-6)


def test_linear_has_the_constant_derivative_one():
    worked = activation_steps(activation_from_text("linear"))
    assert worked.derivative == 1 and worked.steps[-1].expression == 1


def test_trivial_derivatives_are_not_steps_of_their_own():
    """d/dz z = 1 and d/dz 3 = 0 are done inside the rule that meets them."""
    worked = derivative_steps(z**2 + 3 * z + 7, z)
    assert rules(worked) == ["sum", "power"]


def test_a_huge_function_shows_no_steps():
    f = sum(sp.sin(k * z) ** k for k in range(1, 40))
    worked = derivative_steps(f, z)
    assert worked.too_long and worked.steps == ()


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_whitelisted_function_has_a_rule_of_its_own(name):
    """Each function the safe parser accepts, applied to z and inside the chain rule: never SymPy's
    derivative as one unexplained step."""
    _, counts = FUNCTIONS[name]
    arguments = {1: ["z", "z^2 + 1"], 2: ["z, 2*z - 1", "z^2 + 1, 3*z"]}[min(counts)]
    for inner in arguments:
        text = f"{name}({inner})"
        worked = derivative_steps(parse(text), z)
        assert "diff" not in [app.rule for step in worked.steps for app in step.applications], text
        assert_steps_equal_diff_of_expanded(worked, z)


# --- a wrong step never gets through ---
def test_a_wrong_rule_fails_loudly(monkeypatch):
    real = step_rules._outer_derivative

    def wrong(func, inner):
        found = real(func, inner)
        return (-found[0], -found[1]) if func is sp.sin and found else found  # sin' = -cos: a bug

    monkeypatch.setattr(step_rules, "_outer_derivative", wrong)
    with pytest.raises(StepCheckFailed):
        derivative_steps(z * sp.sin(z), z)
    with pytest.raises(StepCheckFailed):
        activation_steps(Activation("custom", "g", z * sp.sin(z), custom=True))


def test_a_wrong_product_rule_fails_loudly(monkeypatch):
    real = step_rules._product_or_quotient

    def dropped_term(f, x):
        application = real(f, x)
        first = sp.Add.make_args(application.result)[0]
        return step_rules.Application(application.rule, application.target, first, application.parts)

    monkeypatch.setattr(step_rules, "_product_or_quotient", dropped_term)
    with pytest.raises(StepCheckFailed):
        derivative_steps(z * sp.exp(z), z)
