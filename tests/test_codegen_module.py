"""The generated module as a course student uses it: training, initialisation, dtypes, saturation,
deterministic output and safe writing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from codegen_support import load_module, perturbed_parameters, planar_flower, random_data
from symnn import codegen
from symnn.cli import main
from symnn.errors import SymnnError
from symnn.examples import example_specs
from symnn.render.codegen import module_source
from symnn.spec import parse_spec

REPO = Path(__file__).resolve().parents[1]
PLANAR = parse_spec("2-4-1", act="tanh,sigmoid", loss="bce")


@pytest.fixture(scope="module")
def planar_module():
    return load_module(PLANAR)


def accuracy(module, parameters, X, Y) -> float:
    return float(np.mean(module.predict(parameters, X) == Y))


def test_the_planar_network_learns_the_flower(planar_module):
    X, Y = planar_flower()
    # a straight line cannot separate the petals: the best linear classifier is far below 85%
    design = np.c_[X.T, np.ones(X.shape[1])]
    line = np.linalg.lstsq(design, Y.ravel() - 0.5, rcond=None)[0]
    assert np.mean((design @ line > 0) == Y.ravel()) < 0.7
    parameters = planar_module.nn_model(X, Y, num_iterations=5000, learning_rate=1.2)
    assert accuracy(planar_module, parameters, X, Y) > 0.85


def test_the_fused_step_trains_the_same_network(planar_module):
    X, Y = planar_flower()
    parameters = planar_module.initialize_parameters(scheme="random", seed=2)
    step = planar_module.make_train_step(parameters, X.shape[1])
    for _ in range(5000):
        step(X, Y, learning_rate=1.2)
    assert accuracy(planar_module, parameters, X, Y) > 0.85


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_zero_initialisation_does_not_break_symmetry(hidden):
    module = load_module(parse_spec("2-4-1", act=f"{hidden},sigmoid", loss="bce"))
    X, Y = planar_flower()
    zeros = module.nn_model(X, Y, num_iterations=300, learning_rate=1.2, scheme="zeros")
    W1, W2 = zeros["W1"], zeros["W2"]
    assert np.all(W1 == W1[0]), "every hidden unit must keep the same incoming weights"
    assert np.all(W2 == W2[0, 0])
    assert np.all(zeros["b1"] == zeros["b1"][0])
    randomised = module.nn_model(X, Y, num_iterations=300, learning_rate=1.2, scheme="random")
    assert not np.allclose(randomised["W1"], randomised["W1"][0])


@pytest.mark.parametrize("scheme, expected_std", [("random", lambda n: 0.01), ("xavier", lambda n: np.sqrt(1 / n)),
                                                  ("he", lambda n: np.sqrt(2 / n))])
def test_initialisation_schemes_are_seeded_and_scaled(scheme, expected_std):
    module = load_module(parse_spec("400-300-2", act="relu,softmax", loss="cce"))
    first = module.initialize_parameters(scheme=scheme, seed=5)
    again = module.initialize_parameters(scheme=scheme, seed=5)
    other = module.initialize_parameters(scheme=scheme, seed=6)
    assert first["W1"].shape == (300, 400) and first["b1"].shape == (300, 1)
    assert np.array_equal(first["W1"], again["W1"]) and not np.array_equal(first["W1"], other["W1"])
    assert np.std(first["W1"]) == pytest.approx(expected_std(400), rel=0.02)
    assert not first["b1"].any()


def test_an_unknown_scheme_is_refused(planar_module):
    with pytest.raises(ValueError, match="unknown scheme"):
        planar_module.initialize_parameters(scheme="orthogonal")


def test_layer_sizes_follow_the_layout():
    row = load_module(parse_spec("3-5-2", act="relu,softmax", loss="cce", layout="row"))
    assert row.layer_sizes(np.zeros((7, 3)), np.zeros((7, 2))) == (3, 5, 2)
    assert row.initialize_parameters()["W1"].shape == (3, 5)
    assert row.initialize_parameters()["b1"].shape == (1, 5)


@pytest.mark.parametrize("spec", example_specs() + [parse_spec("3-4-2", act="leaky_relu(0.1),softmax", loss="bce"),
                                                    parse_spec("3-4-2", act="log(1 + exp(z)),tanh", loss="half_se", layout="row")],
                         ids=lambda s: s.slug)
def test_float32_stays_float32(spec):
    module = load_module(spec)
    rng = np.random.default_rng(0)
    X, Y = random_data(spec, m=8, rng=rng, dtype=np.float32)
    parameters = perturbed_parameters(module, spec, rng, scale=0.1, dtype=np.float32)
    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)
    updated = module.update_parameters(parameters, grads, learning_rate=0.5)
    arrays = [AL, *cache.values(), *grads.values(), *updated.values()]
    assert all(a.dtype == np.float32 for a in arrays), {a.dtype for a in arrays}
    module.make_train_step(parameters, m=8)(X, Y, learning_rate=0.5)
    assert all(v.dtype == np.float32 for v in parameters.values())
    assert np.isfinite(module.compute_cost(AL, Y))


@pytest.mark.parametrize("text, loss", [("tanh,sigmoid", "bce"), ("relu,softmax", "cce"), ("tanh,softmax", "bce")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_outputs_give_finite_cost_and_gradients(text, loss, dtype):
    spec = parse_spec("2-4-2" if "softmax" in text else "2-4-1", act=text, loss=loss)
    module = load_module(spec)
    rng = np.random.default_rng(1)
    X, Y = random_data(spec, m=20, rng=rng, dtype=dtype)
    parameters = {k: (v * 1e4).astype(dtype) for k, v in perturbed_parameters(module, spec, rng, dtype=dtype).items()}
    with np.errstate(over="ignore"):  # exp overflowing to inf is how a sigmoid reaches exactly 0
        AL, cache = module.forward_propagation(X, parameters)
        assert np.any((AL == 0) | (AL == 1)), "the test must reach the saturated outputs"
        cost = module.compute_cost(AL, Y)
        grads = module.backward_propagation(parameters, cache, X, Y)
        module.make_train_step(parameters, m=20)(X, Y)
    assert np.isfinite(cost) and cost > 0
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    assert all(np.all(np.isfinite(p)) for p in parameters.values())


def test_softmax_is_shifted_so_large_logits_do_not_overflow():
    spec = parse_spec("2-3", act="softmax", loss="cce")
    module = load_module(spec)
    parameters = {"W1": np.array([[800.0, 0], [0, 800], [1, 1]]), "b1": np.zeros((3, 1))}
    AL, _ = module.forward_propagation(np.array([[1.0], [0.5]]), parameters)
    np.testing.assert_allclose(AL[:, 0], [1.0, 0.0, 0.0], atol=1e-100)
    assert np.isfinite(AL).all()


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    spec_args = ["2-3-1", "--act", "log(1 + exp(z)),sigmoid", "--layout", "row"]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        result = subprocess.run([sys.executable, "-m", "symnn", "codegen", *spec_args], capture_output=True,
                                env=env, cwd=tmp_path, check=True)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].decode() == module_source(parse_spec("2-3-1", act="log(1 + exp(z)),sigmoid", layout="row"))


def test_the_header_names_the_spec_and_the_command_that_regenerates_it(tmp_path):
    target = tmp_path / "net.py"
    source = codegen("2-4-1", out=target, act="tanh,sigmoid")
    header = source[:1500]
    assert "Generated by symnn" in header
    assert f"Regenerate: symnn codegen 2-4-1 --act tanh,sigmoid --loss bce --layout column --reduction mean -o {target}" in header
    assert target.read_text(encoding="utf-8") == source


def test_a_file_symnn_did_not_write_is_never_overwritten(tmp_path, capsys):
    mine = tmp_path / "network.py"
    mine.write_text("# my own solution\n")
    assert main(["codegen", "2-2-1", "-o", str(mine)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("symnn: error:") and error.count("\n") == 1 and "--force" in error
    assert mine.read_text() == "# my own solution\n"
    with pytest.raises(SymnnError):
        codegen("2-2-1", out=mine)
    assert main(["codegen", "2-2-1", "-o", str(mine), "--force"]) == 0
    assert "Generated by symnn" in mine.read_text()
    assert main(["codegen", "2-3-1", "-o", str(mine)]) == 0  # our own file: replaced without --force
    assert "2-3-1" in mine.read_text()


def test_bad_specs_are_one_line_errors(capsys):
    assert main(["codegen", "2-2-1", "--act", "relu", "--loss", "bce"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("symnn: error:") and error.count("\n") == 1 and "Traceback" not in error


def test_stdout_and_file_are_the_same_module(tmp_path, capsys):
    assert main(["codegen", "2-3-3-1"]) == 0
    printed = capsys.readouterr().out
    assert printed == module_source(parse_spec("2-3-3-1"))
    compile(printed, "module", "exec")
