"""Generated modules with --l2 and --dropout: central differences of the module's own regularised
cost (dropout with the mask held fixed), dtypes, the mask's statistics, and the spec options on the
command line and in TOML files."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from symnn.cli import main
from symnn.render.codegen import module_source
from symnn.spec import parse_spec
from symnn.verify_regularization import check_regularized_module

from codegen_support import load_module, perturbed_parameters, random_data

SPECS = [
    ("2-3-1", dict(act="tanh,sigmoid")),
    ("2-4-3-1", dict(act="relu,relu,sigmoid", layout="row")),
    ("3-4-3", dict(act="sigmoid,softmax", reduction="sum")),
    ("3-5-2", dict(act="tanh,linear", loss="half_se", bias=False)),
]


@pytest.mark.parametrize("sizes, options", SPECS)
def test_regularised_functions_match_central_differences(sizes, options):
    spec = parse_spec(sizes, l2=0.3, dropout=0.7, **options)
    checks = check_regularized_module(load_module(spec), spec)
    assert set(checks) == {"l2", "dropout"}
    for name, check in checks.items():
        assert check.passed, (name, check.relative_error)


def test_dropout_gradient_is_not_the_plain_one():
    """The check would be empty if the masks dropped nothing: the dropout gradients must differ."""
    spec = parse_spec("2-4-1", act="tanh,sigmoid", dropout=0.5)
    module = load_module(spec)
    rng = np.random.default_rng(1)
    X, Y = random_data(spec, 6, rng)
    parameters = perturbed_parameters(module, spec, rng)
    np.random.seed(0)
    _, cache = module.forward_propagation_with_dropout(X, parameters, 0.5)
    dropped = module.backward_propagation_with_dropout(X, Y, cache, 0.5)
    _, plain_cache = module.forward_propagation(X, parameters)
    plain = module.backward_propagation(parameters, plain_cache, X, Y)
    assert not np.allclose(dropped["dW1"], plain["dW1"])
    D1 = cache[1]
    assert 0 < D1.sum() < D1.size


def test_mask_keeps_units_with_probability_keep_prob_and_preserves_the_mean():
    spec = parse_spec("2-50-1", act="relu,sigmoid", dropout=0.8)
    module = load_module(spec)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(2, 2000))
    parameters = perturbed_parameters(module, spec, rng)
    np.random.seed(3)
    _, cache = module.forward_propagation_with_dropout(X, parameters, 0.8)
    Z1, D1, A1 = cache[0], cache[1], cache[2]
    assert abs(D1.mean() - 0.8) < 0.01  # 100,000 draws: 4 standard deviations is 0.005
    raw = np.maximum(Z1, 0)
    assert abs(A1.mean() / raw.mean() - 1) < 0.02  # inverted dropout: the expected activation is unchanged
    np.testing.assert_array_equal(A1[D1 == 1], raw[D1 == 1] / 0.8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_are_kept(dtype):
    spec = parse_spec("2-3-1", act="tanh,sigmoid", l2=0.7, dropout=0.8)
    module = load_module(spec)
    rng = np.random.default_rng(0)
    X, Y = random_data(spec, 5, rng, dtype)
    parameters = perturbed_parameters(module, spec, rng, dtype=dtype)
    np.random.seed(1)
    AL, cache = module.forward_propagation_with_dropout(X, parameters, 0.8)
    grads = module.backward_propagation_with_dropout(X, Y, cache, 0.8)
    assert AL.dtype == dtype and all(v.dtype == dtype for v in grads.values())
    _, plain = module.forward_propagation(X, parameters)
    grads = module.backward_propagation_with_regularization(X, Y, module.course_cache(parameters, plain), 0.7)
    assert all(v.dtype == dtype for v in grads.values())
    assert isinstance(module.compute_cost_with_regularization(AL, Y, parameters, 0.7), float)


def test_defaults_come_from_the_spec_and_plain_specs_have_no_regularised_functions():
    module = load_module(parse_spec("2-3-1", l2=0.25, dropout=0.9))
    assert inspect.signature(module.compute_cost_with_regularization).parameters["lambd"].default == 0.25
    assert inspect.signature(module.forward_propagation_with_dropout).parameters["keep_prob"].default == 0.9
    only_l2 = load_module(parse_spec("2-3-1", l2=0.25))
    assert hasattr(only_l2, "backward_propagation_with_regularization")
    assert not hasattr(only_l2, "forward_propagation_with_dropout")
    plain = module_source(parse_spec("2-3-1"))
    assert "regularization" not in plain and "dropout" not in plain


def test_command_line_round_trips_and_regenerates(capsys):
    spec = parse_spec("2-3-1", l2=0.7, dropout=0.86)
    assert "--l2 0.7 --dropout 0.86" in spec.command_line()
    again = parse_spec(*spec.command_line().split(" ", 1)[:1], act="sigmoid,sigmoid", l2="0.7", dropout="0.86")
    assert again == spec
    assert main(["codegen", "2-3-1", "--l2", "0.7", "--dropout"]) == 0
    source = capsys.readouterr().out
    assert "Regenerate: symnn codegen 2-3-1 --act sigmoid,sigmoid --loss bce --layout column --reduction mean --l2 0.7 --dropout 0.5" in source
    assert "def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):" in source


def test_toml_spec(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text('sizes = [2, 3, 1]\nl2 = 0.7\ndropout = 0.86\n', encoding="utf-8")
    spec = parse_spec(str(path))
    assert (spec.l2, spec.dropout) == (0.7, 0.86)
    assert parse_spec(str(path), l2="0.1").l2 == 0.1


@pytest.mark.parametrize("arguments, words", [
    (["--l2", "-1"], "0 or more"), (["--l2", "x"], "must be a number"), (["--dropout", "0"], "more than 0"),
    (["--dropout", "1.5"], "at most 1"), (["--dropout", "0.5,0.8"], "one keep_prob for every hidden layer"),
    (["--l2", "inf"], "finite"),
])
def test_bad_values_are_one_line_errors(arguments, words, capsys):
    assert main(["codegen", "2-3-1", *arguments]) == 2
    error = capsys.readouterr().err
    assert words in error and error.count("\n") == 1


def test_dropout_needs_a_hidden_layer(capsys):
    assert main(["codegen", "2-1", "--dropout", "0.5"]) == 2
    assert "hidden layers" in capsys.readouterr().err


def test_toml_values_must_be_numbers(tmp_path, capsys):
    path = tmp_path / "net.toml"
    path.write_text('sizes = [2, 3, 1]\nl2 = "0.7"\n', encoding="utf-8")
    assert main(["codegen", str(path)]) == 2
    assert "l2 in the spec file must be a number" in capsys.readouterr().err


@pytest.mark.parametrize("dtype", [np.uint8, bool, np.int64])
def test_course_label_dtypes_give_the_float_gradients(dtype):
    """The courses store Y as uint8 (and test with bool): the regularised functions read them as floats."""
    spec = parse_spec("2-3-1", act="tanh,sigmoid", l2=0.7, dropout=0.8)
    module = load_module(spec)
    rng = np.random.default_rng(4)
    X, Y = random_data(spec, 6, rng)
    parameters = perturbed_parameters(module, spec, rng)
    _, cache = module.forward_propagation(X, parameters)
    course = module.course_cache(parameters, cache)
    expected = module.backward_propagation_with_regularization(X, Y, course, 0.7)
    got = module.backward_propagation_with_regularization(X, Y.astype(dtype), course, 0.7)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name])
    np.random.seed(0)
    _, dropout_cache = module.forward_propagation_with_dropout(X, parameters, 0.8)
    expected = module.backward_propagation_with_dropout(X, Y, dropout_cache, 0.8)
    got = module.backward_propagation_with_dropout(X, Y.astype(dtype), dropout_cache, 0.8)
    np.testing.assert_array_equal(got["dW1"], expected["dW1"])
    assert module.compute_cost_with_regularization(cache["A2"], Y.astype(dtype), parameters, 0.7) == \
        pytest.approx(module.compute_cost_with_regularization(cache["A2"], Y, parameters, 0.7))


def test_the_network_hessian_refuses_dropout_in_one_line(capsys):
    assert main(["hessian", "2-2-1", "--network", "--dropout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not derived with --dropout: its masks are random" in err


def test_softmax_soft_labels_that_do_not_sum_to_one_are_refused():
    """dZ = A - Y holds for softmax + cross-entropy only when each example's targets sum to 1."""
    spec = parse_spec("3-4-3", act="tanh,softmax", l2=0.1, dropout=0.8)
    module = load_module(spec)
    rng = np.random.default_rng(5)
    X, _ = random_data(spec, 4, rng)
    parameters = perturbed_parameters(module, spec, rng)
    Y = np.full((3, 4), 0.5)
    _, cache = module.forward_propagation(X, parameters)
    with pytest.raises(ValueError, match="sum to 1"):
        module.backward_propagation_with_regularization(X, Y, module.course_cache(parameters, cache), 0.1)
    np.random.seed(0)
    _, dropout_cache = module.forward_propagation_with_dropout(X, parameters, 0.8)
    with pytest.raises(ValueError, match="sum to 1"):
        module.backward_propagation_with_dropout(X, Y, dropout_cache, 0.8)
