"""Training with --l2 and --dropout: the fused step and the training loops (nn_model, model).

- The fused step's update is checked against central differences of the regularised cost, written
  out here in plain NumPy (never the module's own cost): J = data cost + factor lambda/2 sum ||W||^2.
- With dropout the masks are drawn again here by hand from the same seed with the course's recipe
  (np.random.rand(*A.shape) < keep_prob, layer by layer) and held fixed in that hand-written cost.
- The C2W1 notebooks' published training runs are reproduced with `model`:
  Regularization notebook (model(train_X, train_Y), lambd = 0.7, keep_prob = 0.86) and Initialization
  notebook (initialization "he" and "zeros"). Source of every published number, and of the data:
  github.com/shivamaggarwal513/coursera-deep-learning-specialization, commit
  3b8731ebb2fabcbb3a80991c339ec2aef1d9ec8c, files
  c2-improving-deep-neural-networks/week-1/a2-regularization/a2_regularization.ipynb (its outputs),
  .../a2-regularization/reg_utils.py (load_2D_dataset: the last 200 rows are the test set),
  .../a2-regularization/datasets/football.csv (copied to tests/data/c2w1_football.csv),
  .../a1-initialization/a1_initialization.ipynb (its outputs) and .../a1-initialization/init_utils.py
  (load_dataset: sklearn.datasets.make_circles, seeded 1 and 2; `make_circles` below is that function's
  algorithm, so sklearn is not needed).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from symnn.spec import parse_spec

from codegen_support import load_module, perturbed_parameters, random_data

DATA = Path(__file__).resolve().parent / "data"

SPECS = [
    ("2-4-3-1", dict(act="relu,tanh,sigmoid", loss="bce")),
    ("3-5-4", dict(act="tanh,softmax", loss="cce", layout="row")),
    ("2-3-2", dict(act="sigmoid,linear", loss="half_se", reduction="sum")),
]
FORWARD = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
           "linear": lambda z: z}


def reference_cost(spec, parameters, X, Y, lambd, masks=(), keep_prob=1.0):
    """The regularised cost from the textbook definitions, with fixed dropout masks on the hidden layers."""
    column = spec.layout == "column"
    acts = [a.spec_text for a in spec.activations]
    A = X
    for l in range(1, spec.depth + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b if column else A @ W + b
        if acts[l - 1] == "softmax":
            E = np.exp(Z - Z.max(axis=0 if column else 1, keepdims=True))
            A = E / E.sum(axis=0 if column else 1, keepdims=True)
        else:
            A = FORWARD[acts[l - 1]](Z)
        if l < spec.depth and masks:
            A = A * masks[l - 1] / keep_prob
    m = X.shape[1 if column else 0]
    losses = {"bce": lambda: -(Y * np.log(A) + (1 - Y) * np.log(1 - A)), "cce": lambda: -Y * np.log(A),
              "half_se": lambda: (A - Y) ** 2 / 2}
    total = losses[spec.loss.name]().sum() + lambd / 2 * sum((parameters[f"W{l}"] ** 2).sum() for l in range(1, spec.depth + 1))
    return total / m if spec.reduction == "mean" else total


def numeric_gradient(cost, parameters, step=1e-6):
    gradient = {}
    for name, value in parameters.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[name][index] += step
            minus[name][index] -= step
            g[index] = (cost(plus) - cost(minus)) / (2 * step)
        gradient[name] = g
    return gradient


def step_gradient(module, spec, parameters, X, Y, learning_rate=0.5, **options):
    """(theta - theta') / learning_rate after one fused step: the gradient the step descended."""
    working = {k: v.copy() for k, v in parameters.items()}
    module.make_train_step(working, X.shape[1 if spec.layout == "column" else 0], **options)(X, Y, learning_rate)
    return {k: (parameters[k] - working[k]) / learning_rate for k in parameters}


def assert_gradients_close(actual, expected):
    a = np.concatenate([actual[k].ravel() for k in sorted(expected)])
    e = np.concatenate([expected[k].ravel() for k in sorted(expected)])
    assert np.linalg.norm(a - e) / (np.linalg.norm(a) + np.linalg.norm(e)) < 1e-7


@pytest.mark.parametrize("sizes, options", SPECS)
@pytest.mark.parametrize("lambd", [0.7, 0.0])
def test_fused_step_with_l2_descends_the_regularised_cost(sizes, options, lambd):
    spec = parse_spec(sizes, l2=0.7, **options)
    module = load_module(spec)
    rng = np.random.default_rng(4)
    X, Y = random_data(spec, 7, rng)
    parameters = perturbed_parameters(module, spec, rng)
    expected = numeric_gradient(lambda p: reference_cost(spec, p, X, Y, lambd), parameters)
    assert_gradients_close(step_gradient(module, spec, parameters, X, Y, lambd=lambd), expected)


def draw_masks(spec, m, keep_prob, seed):
    """The course's recipe, by hand: np.random.rand(*A.shape) < keep_prob for A1, A2, ... in turn."""
    np.random.seed(seed)
    shapes = [(n, m) if spec.layout == "column" else (m, n) for n in spec.sizes[1:-1]]
    return [np.random.rand(*shape) < keep_prob for shape in shapes]


@pytest.mark.parametrize("sizes, options", SPECS)
def test_fused_step_with_dropout_and_a_fixed_mask_matches_the_hand_computation(sizes, options):
    spec = parse_spec(sizes, l2=0.7, dropout=0.6, **options)
    module = load_module(spec)
    rng = np.random.default_rng(5)
    m = 9
    X, Y = random_data(spec, m, rng)
    parameters = perturbed_parameters(module, spec, rng)
    masks = draw_masks(spec, m, 0.6, seed=11)
    assert all(0 < D.sum() < D.size for D in masks)  # the check would be empty if nothing were dropped
    for lambd in (0.0, 0.7):
        expected = numeric_gradient(lambda p: reference_cost(spec, p, X, Y, lambd, masks, 0.6), parameters)
        np.random.seed(11)
        assert_gradients_close(step_gradient(module, spec, parameters, X, Y, lambd=lambd, keep_prob=0.6), expected)
    np.random.seed(11)
    _, cache = module.forward_propagation_with_dropout(X, parameters, 0.6)  # the course functions draw the same masks
    stored = [cache[1 + 5 * i] for i in range(spec.depth - 1)]  # (Z1, D1, A1, W1, b1, Z2, D2, ...)
    assert all(np.array_equal(D, S) for D, S in zip(masks, stored))


def test_plain_step_is_unchanged_by_the_options():
    """No --l2, no --dropout: make_train_step takes no lambd or keep_prob and has no decay or mask line."""
    import inspect

    from symnn.render.codegen import module_source

    spec = parse_spec("2-4-1", act="tanh,sigmoid")
    assert list(inspect.signature(load_module(spec).make_train_step).parameters) == ["parameters", "m"]
    step = module_source(spec).split("def make_train_step")[1]
    assert "decay" not in step and "random_rand" not in step and "keep_prob" not in step


@pytest.mark.parametrize("bad, message", [(dict(lambd=-1), "lambd must be a finite number >= 0"),
                                          (dict(lambd=float("inf")), "lambd must be a finite number >= 0"),
                                          (dict(keep_prob=0), r"keep_prob must be a number in \(0, 1\]"),
                                          (dict(keep_prob=1.5), r"keep_prob must be a number in \(0, 1\]")])
def test_unusable_lambd_or_keep_prob_is_one_clear_error(bad, message):
    spec = parse_spec("2-3-1", act="relu,sigmoid", l2=0.7, dropout=0.8)
    module = load_module(spec)
    rng = np.random.default_rng(0)
    X, Y = random_data(spec, 4, rng)
    parameters = perturbed_parameters(module, spec, rng)
    with pytest.raises(ValueError, match=f"^{message}"):
        module.make_train_step(parameters, 4, **bad)
    with pytest.raises(ValueError, match=f"^{message}"):
        module.nn_model(X, Y, num_iterations=1, **bad)


def test_nn_model_honours_l2_and_dropout_and_prints_the_regularised_cost(capsys):
    spec = parse_spec("2-5-1", act="tanh,sigmoid", l2=0.9, dropout=0.7)
    module = load_module(spec)
    rng = np.random.default_rng(6)
    X, Y = random_data(spec, 30, rng)
    start = module.initialize_parameters(spec.sizes, "random", seed=None)
    unmasked_cost = reference_cost(spec, start, X, Y, 0.9)
    masks = draw_masks(spec, 30, 0.7, seed=3)
    masked_cost = reference_cost(spec, start, X, Y, 0.9, masks, 0.7)
    np.random.seed(3)
    trained = module.nn_model(X, Y, num_iterations=1, learning_rate=0.5, print_cost=True)
    printed = float(re.search(r"Cost after iteration 0: (\S+)", capsys.readouterr().out).group(1))
    assert printed == pytest.approx(masked_cost, abs=5e-7) and printed != pytest.approx(unmasked_cost, abs=1e-6)
    gradient = numeric_gradient(lambda p: reference_cost(spec, p, X, Y, 0.9, masks, 0.7), start)
    assert_gradients_close({k: (start[k] - trained[k]) / 0.5 for k in start}, gradient)
    plain = module.nn_model(X, Y, num_iterations=1, learning_rate=0.5, lambd=0, keep_prob=1)
    gradient = numeric_gradient(lambda p: reference_cost(spec, p, X, Y, 0.0), start)
    assert_gradients_close({k: (start[k] - plain[k]) / 0.5 for k in start}, gradient)


def test_model_without_the_functions_says_which_option_to_regenerate_with():
    module = load_module(parse_spec("2-3-1", act="relu,sigmoid", l2=0.7))
    with pytest.raises(ValueError, match=r"^keep_prob < 1 needs the dropout functions: regenerate this module with --dropout"):
        module.model(np.zeros((2, 3)), np.zeros((1, 3)), keep_prob=0.5)


# --- the C2W1 notebooks' published runs ------------------------------------------------------------

def football():
    """reg_utils.load_2D_dataset(test_size=200): X (2, m), Y (1, m) uint8, the last 200 examples for test."""
    data = np.genfromtxt(DATA / "c2w1_football.csv", delimiter=",", skip_header=1)
    X, Y = data[:, :2].T.copy(), data[:, 2:].T.astype(np.uint8)
    return X[:, :-200], Y[:, :-200], X[:, -200:], Y[:, -200:]


@pytest.fixture(scope="module")
def regularization_module():
    return load_module(parse_spec("2-20-3-1", act="relu,relu,sigmoid", loss="bce", l2=0.7, dropout=0.86), "c2w1_reg")


def printed_costs(text):
    return {int(i): float(c) for i, c in re.findall(r"Cost after iteration (\d+): (\S+)", text)}


REGULARIZATION_RUNS = [  # (model's keywords, published costs at 0, 10000, 20000, train and test accuracy)
    (dict(), (0.6557412523481002, 0.1632998752572417, 0.13851642423262905), (0.9478672985781991, 0.915)),
    (dict(lambd=0.7), (0.6974484493131264, 0.2684918873282239, 0.2680916337127301), (0.9383886255924171, 0.93)),
    (dict(keep_prob=0.86, learning_rate=0.3), (0.6543912405149825, 0.0610169865749056, 0.060582435798513114),
     (0.9289099526066351, 0.95)),
]


@pytest.mark.parametrize("options, costs, accuracies", REGULARIZATION_RUNS)
def test_c2w1_regularization_model_first_cost(regularization_module, capsys, options, costs, accuracies):
    train_X, train_Y, _, _ = football()
    regularization_module.model(train_X, train_Y, num_iterations=1, **options)
    assert printed_costs(capsys.readouterr().out)[0] == pytest.approx(costs[0], rel=1e-14)


@pytest.mark.slow
@pytest.mark.parametrize("options, costs, accuracies", REGULARIZATION_RUNS)
def test_c2w1_regularization_model_reproduces_the_published_run(regularization_module, capsys, options, costs, accuracies):
    train_X, train_Y, test_X, test_Y = football()
    parameters = regularization_module.model(train_X, train_Y, **options)
    printed = printed_costs(capsys.readouterr().out)
    assert [printed[i] for i in (0, 10000, 20000)] == pytest.approx(costs, rel=1e-9)
    regularization_module.predict(train_X, train_Y, parameters)
    regularization_module.predict(test_X, test_Y, parameters)
    shown = [float(a) for a in re.findall(r"Accuracy: (\S+)", capsys.readouterr().out)]
    assert shown == list(accuracies)


def make_circles(n_samples, noise, factor=0.8):
    """sklearn.datasets.make_circles(n_samples, noise=noise) with NumPy's global generator (random_state
    None): an outer circle (label 0) and an inner one (label 1), shuffled, then Gaussian noise."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(outer), np.cos(inner) * factor), np.append(np.sin(outer), np.sin(inner) * factor)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.mtrand._rand.shuffle(order)
    X, y = X[order], y[order]
    return X + np.random.mtrand._rand.normal(scale=noise, size=X.shape), y


def circles():
    """init_utils.load_dataset(): 300 training examples (seed 1), 100 test examples (seed 2)."""
    np.random.seed(1)
    train_X, train_Y = make_circles(300, 0.05)
    np.random.seed(2)
    test_X, test_Y = make_circles(100, 0.05)
    return train_X.T, train_Y.reshape(1, -1), test_X.T, test_Y.reshape(1, -1)


@pytest.fixture(scope="module")
def initialization_module():
    return load_module(parse_spec("2-10-5-1", act="relu,relu,sigmoid", loss="bce"), "c2w1_init")


def test_c2w1_initialization_model_zeros_and_he_first_costs(initialization_module, capsys):
    train_X, train_Y, test_X, test_Y = circles()
    parameters = initialization_module.model(train_X, train_Y, num_iterations=1001, initialization="zeros")
    assert printed_costs(capsys.readouterr().out) == {0: 0.6931471805599453, 1000: 0.6931471805599453}
    initialization_module.predict(train_X, train_Y, parameters)
    initialization_module.predict(test_X, test_Y, parameters)
    assert capsys.readouterr().out == "Accuracy: 0.5\nAccuracy: 0.5\n"
    initialization_module.model(train_X, train_Y, num_iterations=1)  # initialization="he" by default
    assert printed_costs(capsys.readouterr().out)[0] == pytest.approx(0.8830537463419761, rel=1e-14)


@pytest.mark.slow
def test_c2w1_initialization_model_he_reproduces_the_published_run(initialization_module, capsys):
    train_X, train_Y, test_X, test_Y = circles()
    parameters = initialization_module.model(train_X, train_Y)
    printed = printed_costs(capsys.readouterr().out)
    published = {0: 0.8830537463419761, 1000: 0.6879825919728063, 5000: 0.5304944491717495,
                 10000: 0.15015556280371808, 14000: 0.07357895962677362}
    assert {i: printed[i] for i in published} == pytest.approx(published, rel=1e-9)
    initialization_module.predict(train_X, train_Y, parameters)
    initialization_module.predict(test_X, test_Y, parameters)
    assert capsys.readouterr().out == "Accuracy: 0.9933333333333333\nAccuracy: 0.96\n"
