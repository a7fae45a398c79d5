"""The Deep Learning Specialization's own public tests, run against modules made by `symnn codegen`.

Every expected number below is copied from the course's published test files (never produced by
symnn); the inputs are built the way those tests build them. Sources:

- C1W3 (planar data, one hidden layer): public_tests.py in github.com/Leo-778/Shallow_Neural_Networks
  (commit 309814128648be73f8b4fd4b718c4d6bbeb8c878), path public_tests.py.
- C1W4 (deep network step by step and application): public_tests.py in
  github.com/plgregori/deep-neural-network (commit 01195e6416854d02bbe1874688b74043d73b6768).
- C2W1 (Initialization): public_tests.py of the dlai_tools version of the assignment
  (initialize_parameters_random_test, initialize_parameters_he_test), in
  github.com/shivamaggarwal513/coursera-deep-learning-specialization (commit
  3b8731ebb2fabcbb3a80991c339ec2aef1d9ec8c), path
  c2-improving-deep-neural-networks/week-1/a1-initialization/public_tests.py.
- C2W2 (Optimization methods): public_tests.py (update_parameters_with_gd_test, random_mini_batches_test,
  update_parameters_with_momentum_test, update_parameters_with_adam_test, update_lr_test,
  schedule_lr_decay_test) and test_cases.py (the seeded inputs) of the dlai_tools version, in the same
  repository (commit ded9d4c0a0f755e277c9c805374f8b339f6743dd), folder
  c2-improving-deep-neural-networks/week-2/a1-optimization-algorithms/.
"""
import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(tempfile.mkdtemp(prefix="symnn_course_"))
atexit.register(shutil.rmtree, OUT, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def module(sizes, act):
    """The module as a course user gets it: written by `symnn codegen`, then imported from the file."""
    path = OUT / f"course_{sizes}_{act}.py".replace("-", "_").replace(",", "_")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-m", "symnn", "codegen", sizes, "--act", act, "-o", str(path), "--force"],
                   check=True, env=env, capture_output=True)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def planar():
    return module("2-4-1", "tanh,sigmoid")  # the C1W3 network


def deep():
    return module("5-4-3-1", "relu,sigmoid")  # C1W4: relu hidden layers, a sigmoid output, any depth


def close(actual, expected):
    actual = np.asarray(actual)
    assert actual.shape == np.shape(expected)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-8)  # np.allclose, as the course tests


# --- C1W3 --------------------------------------------------------------------------------------

C1W3_W1 = [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271], [-0.01793436, -0.00841747], [0.00502881, -0.01245288]]
C1W3_W2 = [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]


def test_c1w3_layer_sizes():
    np.random.seed(1)
    X, Y = np.random.randn(5, 3), np.random.randn(2, 3)
    assert planar().layer_sizes(X, Y) == (5, 4, 2)


def test_c1w3_initialize_parameters_bit_for_bit():
    p = planar().initialize_parameters(2, 4, 1, scheme="c1w3")
    close(p["W1"], C1W3_W1)
    close(p["W2"], C1W3_W2)
    assert not p["b1"].any() and p["b1"].shape == (4, 1) and p["b2"].shape == (1, 1)
    np.random.seed(2)  # the course's recipe, exactly: seed, randn(n_h, n_x) * 0.01, then randn(n_y, n_h) * 0.01
    assert np.array_equal(p["W1"], np.random.randn(4, 2) * 0.01) and np.array_equal(p["W2"], np.random.randn(1, 4) * 0.01)


def test_c1w3_forward_propagation():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    b1 = np.random.randn(4, 1)
    parameters = {"W1": np.array(C1W3_W1), "W2": np.array(C1W3_W2), "b1": b1, "b2": np.array([[-1.3]])}
    A2, cache = planar().forward_propagation(X, parameters)
    close(A2, [[0.21292656, 0.21274673, 0.21295976]])
    close(cache["Z1"], [[1.7386459, 1.74687437, 1.74830797], [-0.81350569, -0.73394355, -0.78767559],
                        [0.29893918, 0.32272601, 0.34788465], [-0.2278403, -0.2632236, -0.22336567]])
    close(cache["A1"], [[0.9400694, 0.94101876, 0.94118266], [-0.67151964, -0.62547205, -0.65709025],
                        [0.29034152, 0.31196971, 0.33449821], [-0.22397799, -0.25730819, -0.2197236]])
    close(cache["Z2"], [[-1.30737426, -1.30844761, -1.30717618]])


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int64, np.float64, np.float32])
@pytest.mark.parametrize("shape", ["row", "flat", "column"])
def test_c1w3_compute_cost_with_every_label_dtype_and_shape(dtype, shape):
    np.random.seed(1)
    Y = (np.random.randn(1, 3) > 0)  # the course's own Y: a bool array
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    Y = Y.astype(dtype)
    Y = {"row": Y, "flat": Y.reshape(-1), "column": Y.T}[shape]
    assert planar().compute_cost(A2, Y) == pytest.approx(0.6930587610394646, rel=1e-7)


def test_c1w3_backward_propagation_with_bool_labels():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = (np.random.randn(1, 3) > 0)
    parameters = {"W1": np.array(C1W3_W1), "W2": np.array(C1W3_W2), "b1": np.zeros((4, 1)), "b2": np.zeros((1, 1))}
    cache = {"A1": np.array([[-0.00616578, 0.0020626, 0.00349619], [-0.05225116, 0.02725659, -0.02646251],
                             [-0.02009721, 0.0036869, 0.02883756], [0.02152675, -0.01385234, 0.02599885]]),
             "A2": np.array([[0.5002307, 0.49985831, 0.50023963]]),
             "Z1": np.array([[-0.00616586, 0.0020626, 0.0034962], [-0.05229879, 0.02726335, -0.02646869],
                             [-0.02009991, 0.00368692, 0.02884556], [0.02153007, -0.01385322, 0.02600471]]),
             "Z2": np.array([[0.00092281, -0.00056678, 0.00095853]])}
    grads = planar().backward_propagation(parameters, cache, X, Y)
    close(grads["dW1"], [[0.00301023, -0.00747267], [0.00257968, -0.00641288], [-0.00156892, 0.003893], [-0.00652037, 0.01618243]])
    close(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]])
    close(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]])
    close(grads["db2"], [[-0.16655712]])


C1W3_TRAINED = {
    "W1": [[-0.00615039, 0.0169021], [-0.02311792, 0.03137121], [-0.0169217, -0.01752545], [0.00935436, -0.05018221]],
    "W2": [[-0.0104319, -0.04019007, 0.01607211, 0.04440255]],
    "b1": [[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]],
    "b2": [[9.14954378e-05]],
}


def test_c1w3_update_parameters():
    parameters = {k: np.array(v) for k, v in C1W3_TRAINED.items()}
    grads = {"dW1": np.array([[0.00023322, -0.00205423], [0.00082222, -0.00700776], [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]),
             "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
             "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
             "db2": np.array([[-1.08923140e-05]])}
    updated = planar().update_parameters(parameters, grads)  # the course's learning_rate = 1.2
    close(updated["W1"], [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052], [-0.01653973, -0.02096177], [0.01046864, -0.05990141]])
    close(updated["b1"], [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]])
    close(updated["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]])
    close(updated["b2"], [[0.00010457]])


def test_c1w3_nn_model_reproduces_the_published_training_run():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = (np.random.randn(1, 3) > 0)
    parameters = planar().nn_model(X, Y, 4, scheme="c1w3")  # n_h = 4, 10,000 iterations, learning rate 1.2
    close(parameters["W1"], [[-0.65848169, 1.21866811], [-0.76204273, 1.39377573], [0.5792005, -1.10397703], [0.76773391, -1.41477129]])
    close(parameters["W2"], [[-2.45566237, -3.27042274, 2.00784958, 3.36773273]])
    close(parameters["b1"], [[0.287592], [0.3511264], [-0.2431246], [-0.35772805]])
    close(parameters["b2"], [[0.20459656]])


def test_c1w3_predict():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    parameters = {k: np.array(v) for k, v in C1W3_TRAINED.items()}
    assert np.array_equal(planar().predict(parameters, X), [[True, False, True]])


def test_uint8_labels_never_wrap_in_training():
    # the planar dataset stores Y as uint8; -Y used to wrap around and print a negative cost
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 40))
    Y = (X[0:1] > 0).astype(np.uint8)
    A2, _ = planar().forward_propagation(X, planar().initialize_parameters(scheme="c1w3"))
    assert planar().compute_cost(A2, Y) == pytest.approx(planar().compute_cost(A2, Y.astype(float)))
    assert planar().compute_cost(A2, Y) == pytest.approx(np.log(2), abs=1e-3)  # tiny weights: outputs near 1/2


# --- C1W4 --------------------------------------------------------------------------------------

def test_c1w4_initialize_parameters():
    p = deep().initialize_parameters(3, 2, 1, scheme="c1w4")
    close(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]])
    close(p["W2"], [[0.01744812, -0.00761207]])


def test_c1w4_initialize_parameters_deep():
    p = deep().initialize_parameters_deep([5, 4, 3])
    close(p["W1"], [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                    [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
                    [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
                    [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]])
    close(p["W2"], [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
                    [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
                    [-0.00768836, -0.00230031, 0.00745056, 0.01976111]])
    assert p["b1"].shape == (4, 1) and p["b2"].shape == (3, 1) and not p["b1"].any()


def test_c1w4_linear_forward():
    np.random.seed(1)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = deep().linear_forward(A_prev, W, b)
    close(Z, [[3.26295337, -1.23429987]])
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b


def test_c1w4_linear_activation_forward():
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    A, ((A0, W0, b0), Z) = deep().linear_activation_forward(A_prev, W, b, "sigmoid")
    close(A, [[0.96890023, 0.11013289]])
    close(Z, [[3.43896131, -2.08938436]])
    A, _ = deep().linear_activation_forward(A_prev, W, b, "relu")
    close(A, [[3.43896131, 0.]])


def test_c1w4_L_model_forward_three_layers():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    parameters = {"W1": np.random.randn(4, 5), "b1": np.random.randn(4, 1), "W2": np.random.randn(3, 4),
                  "b2": np.random.randn(3, 1), "W3": np.random.randn(1, 3), "b3": np.random.randn(1, 1)}
    AL, caches = deep().L_model_forward(X, parameters)
    close(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert len(caches) == 3
    close(caches[0][1], [[-5.23825714, 3.18040136, 0.4074501, -1.88612721], [-2.77358234, -0.56177316, 3.18141623, -0.99209432],
                         [4.18500916, -1.78006909, -0.14502619, 2.72141638], [5.05850802, -1.25674082, -3.54566654, 3.82321852]])
    close(caches[2][1], [[-3.19864676, 0.87117055, -1.40297864, -3.00319435]])
    close(caches[2][0][0], [[2.2644603, 1.09971298, 0.0, 1.54036335], [6.33722569, 0.0, 0.0, 4.48582383],
                            [10.37508342, 0.0, 1.63635185, 8.17870169]])


def test_c1w4_compute_cost_with_integer_labels():
    assert deep().compute_cost(np.array([[.8, .9, 0.4]]), np.asarray([[1, 1, 0]])) == pytest.approx(0.27977656, rel=1e-7)


def test_c1w4_linear_backward():
    np.random.seed(1)
    dZ, A, W, b = np.random.randn(3, 4), np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1)
    dA_prev, dW, db = deep().linear_backward(dZ, (A, W, b))
    close(dA_prev, [[-1.15171336, 0.06718465, -0.3204696, 2.09812712], [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                    [-0.4319552, -1.30987417, 1.72354705, 0.05070578], [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                    [-2.52214926, 2.67882552, -0.67947465, 1.48119548]])
    close(dW, [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
               [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
               [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]])
    close(db, [[-0.14713786], [-0.11313155], [-0.13209101]])


def test_c1w4_linear_activation_backward():
    np.random.seed(2)
    dA = np.random.randn(1, 2)
    A, W, b, Z = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    cache = ((A, W, b), Z)
    dA_prev, dW, db = deep().linear_activation_backward(dA, cache, "sigmoid")
    close(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]])
    close(dW, [[0.10266786, 0.09778551, -0.01968084]])
    close(db, [[-0.05729622]])
    dA_prev, dW, db = deep().linear_activation_backward(dA, cache, "relu")
    close(dA_prev, [[0.44090989, 0.], [0.37883606, 0.], [-0.2298228, 0.]])
    close(dW, [[0.44513824, 0.37371418, -0.10478989]])
    close(db, [[-0.20837892]])


def test_c1w4_L_model_backward_with_an_injected_cache():
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    A1, W1, b1, Z1 = np.random.randn(4, 2), np.random.randn(3, 4), np.random.randn(3, 1), np.random.randn(3, 2)
    A2, W2, b2, Z2 = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    grads = deep().L_model_backward(AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2)))
    close(grads["dA1"], [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]])
    close(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]])
    close(grads["db2"], [[0.15187861]])
    close(grads["dA0"], [[0., 0.52257901], [0., -0.3269206], [0., -0.32070404], [0., -0.74079187]])
    close(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0., 0., 0., 0.], [0.05283652, 0.01005865, 0.01777766, 0.0135308]])
    close(grads["db1"], [[-0.22007063], [0.], [-0.02835349]])


def test_c1w4_update_parameters_any_depth():
    np.random.seed(2)
    parameters = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1), "W2": np.random.randn(1, 3), "b2": np.random.randn(1, 1)}
    np.random.seed(3)
    grads = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1), "dW2": np.random.randn(1, 3), "db2": np.random.randn(1, 1)}
    updated = deep().update_parameters(parameters, grads, 0.1)
    close(updated["W1"], [[-0.59562069, -0.09991781, -2.14584584, 1.82662008], [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
                          [-1.0535704, -0.86128581, 0.68284052, 2.20374577]])
    close(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    close(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    close(updated["b2"], [[-0.84610769]])


def test_c1w4_two_layer_model_reproduces_the_published_run():
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.random.randn(1, 10)  # the course's test uses real-valued targets here
    parameters, costs = deep().two_layer_model(X, Y, (10, 4, 1), 0.0075, 2)
    close(costs, [0.69315968])
    close(parameters["W1"][0], [0.01624965, -0.00610741, -0.00528734, -0.01072836, 0.008664,
                                -0.02301103, 0.01745639, -0.00760949, 0.0031934, -0.00248971])
    close(parameters["b1"], [[1.10437111e-05], [1.78437869e-05], [3.74879549e-05], [-4.42988824e-05]])
    close(parameters["W2"], [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]])
    close(parameters["b2"], [[-0.00689018]])
    parameters, costs = deep().two_layer_model(X, Y, (10, 4, 1), 0.1, 3)
    close(parameters["W2"], [[-0.00358725, -0.00911995, -0.00831979, 0.01615845]])
    close(parameters["b2"], [[-0.13451354]])


def test_c1w4_L_layer_model_reproduces_the_published_run():
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.array([1, 1, 1, 1, 0, 0, 0, 1, 1, 0]).reshape(1, 10)
    parameters, costs = deep().L_layer_model(X, Y, (10, 5, 6, 1), 0.0075, 2)
    close(costs, [0.70723944])
    close(parameters["W1"][0], [0.51384638, -0.19333098, -0.16705238, -0.33923196, 0.273477,
                                -0.72775498, 0.55170785, -0.24077478, 0.10082452, -0.07882423])
    close(parameters["b1"], [[-2.16491028e-04], [1.50999130e-04], [8.71516045e-06], [5.57557615e-05], [-2.90746349e-05]])
    close(parameters["W3"], [[-0.09079199, -0.08117381, 0.07667568, 0.16665535, 0.08029575, 0.04805811]])
    close(parameters["b3"], [[0.0013201]])


def test_c1w4_predict_prints_the_accuracy(capsys):
    np.random.seed(1)
    X = np.random.randn(10, 10)
    parameters = deep().initialize_parameters_deep((10, 5, 6, 1), scheme="c1w4_app")
    p = deep().predict(X, np.zeros((1, 10), int), parameters)
    assert p.shape == (1, 10) and "Accuracy: " in capsys.readouterr().out


# --- C2W1 --------------------------------------------------------------------------------------

def test_c2w1_initialisations():
    m = deep()
    zeros = m.initialize_parameters([3, 2, 1], scheme="c2w1_zeros")
    assert all(not v.any() for v in zeros.values()) and zeros["W1"].shape == (2, 3)
    random = m.initialize_parameters([3, 2, 1], scheme="c2w1_random")
    close(random["W1"], [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]])
    close(random["W2"], [[-0.82741481, -6.27000677]])
    he = m.initialize_parameters([3, 1, 2], scheme="c2w1_he")
    close(he["W1"], [[1.46040903, 0.3564088, 0.07878985]])
    close(he["W2"], [[-2.63537665], [-0.39228616]])
    np.random.seed(3)  # bit for bit: the course's seed, randn, then * np.sqrt(2. / layers_dims[l - 1])
    assert np.array_equal(he["W1"], np.random.randn(1, 3) * np.sqrt(2. / 3))


def test_modern_default_is_unchanged_and_independent_of_the_global_generator():
    m = deep()
    np.random.seed(0)
    first = m.initialize_parameters([3, 2, 1])
    np.random.seed(99)
    assert np.array_equal(first["W1"], m.initialize_parameters([3, 2, 1])["W1"])
    assert np.array_equal(first["W1"], np.random.default_rng(2).standard_normal((2, 3)) * 0.01)


# --- C2W2 (dlai_tools test cases: W2 is (3, 2)) --------------------------------------------------

def c2w2_case():
    np.random.seed(1)
    p = {"W1": np.random.randn(2, 3), "b1": np.random.randn(2, 1), "W2": np.random.randn(3, 2), "b2": np.random.randn(3, 1)}
    g = {"dW1": np.random.randn(2, 3), "db1": np.random.randn(2, 1), "dW2": np.random.randn(3, 2), "db2": np.random.randn(3, 1)}
    return p, g


def test_c2w2_update_parameters_with_gd():
    p, g = c2w2_case()
    out = deep().update_parameters_with_gd(p, g, 0.01)
    close(out["W1"], [[1.63312395, -0.61217855, -0.5339999], [-1.06196243, 0.85396039, -2.3105546]])
    close(out["b2"], [[1.13773698], [-1.09301954], [-0.16397615]])


def test_c2w2_random_mini_batches():
    np.random.seed(1)
    X = np.random.randn(5, 7)
    Y = np.random.randn(1, 7) < 0.5
    batches = deep().random_mini_batches(X, Y, 2)
    assert [b[0].shape for b in batches] == [(5, 2), (5, 2), (5, 2), (5, 1)]
    close(batches[0][0], [[1.74481176, -0.52817175], [-0.38405435, -0.24937038], [-1.10061918, -0.17242821],
                          [-0.93576943, 0.50249434], [-0.67124613, -0.69166075]])
    assert batches[1][1].tolist() == [[True, False]] and batches[3][1].tolist() == [[False]]
    close(batches[3][0], [[0.86540763], [-2.06014071], [0.04221375], [-0.68372786], [-0.6871727]])


def test_c2w2_initialize_velocity_and_adam():
    p, _ = c2w2_case()
    v = deep().initialize_velocity(p)
    assert sorted(v) == ["dW1", "dW2", "db1", "db2"] and v["dW2"].shape == (3, 2) and not any(a.any() for a in v.values())
    v, s = deep().initialize_adam(p)
    assert v["db2"].shape == s["db2"].shape == (3, 1)


def test_c2w2_update_parameters_with_momentum():
    p, g = c2w2_case()
    v = {k: np.zeros_like(a) for k, a in g.items()}
    out, v = deep().update_parameters_with_momentum(p, g, v, 0.9, 0.01)
    close(out["W1"], [[1.62522322, -0.61179863, -0.52875457], [-1.071868, 0.86426291, -2.30244029]])
    close(out["b2"], [[1.1341662], [-1.09920409], [-0.171583]])
    close(v["dW1"], [[-0.08778584, 0.00422137, 0.05828152], [-0.11006192, 0.11447237, 0.09015907]])
    close(v["db2"], [[-0.03967535], [-0.06871727], [-0.08452056]])


def test_c2w2_update_parameters_with_adam():
    np.random.seed(1)  # the course's test case seeds before building its zero v and s
    p, g = c2w2_case()
    v = {k: np.zeros_like(a) for k, a in g.items()}
    s = {k: np.zeros_like(a) for k, a in g.items()}
    t, learning_rate, beta1, beta2, epsilon = 2, 0.02, 0.8, 0.888, 1e-2
    out, v, s, vc, sc = deep().update_parameters_with_adam(p, g, v, s, t, learning_rate, beta1, beta2, epsilon)
    expected_v = {"dW1": [-0.17557168, 0.00844275, 0.11656304], "dW2": [-0.13674557, -0.02457805], "db1": [0.10049887], "db2": [-0.07935071]}
    expected_s = {"dW1": [0.08631117, 0.00019958, 0.03804344], "dW2": [0.05235818, 0.00169142], "db1": [0.02828006], "db2": [0.0176303]}
    for key in expected_v:
        close(v[key][0], expected_v[key])
        close(s[key][0], expected_s[key])
        close(vc[key][0], np.array(expected_v[key]) / (1 - beta1 ** t))
        close(sc[key][0], np.array(expected_s[key]) / (1 - beta2 ** t))
    expected = {"W1": [1.63937725, -0.62327448, -0.54308727], "W2": [0.33400549, -0.23563857], "b1": [1.72995096], "b2": [1.14852557]}
    for key, row in expected.items():
        close(out[key][0], row)


@pytest.mark.parametrize("args, expected", [((0.5, 2, 1), 0.16666666666666666)])
def test_c2w2_update_lr(args, expected):
    assert deep().update_lr(*args) == pytest.approx(expected)


@pytest.mark.parametrize("args, expected", [((0.5, 100, 1, 100), 0.25), ((0.5, 10, 1, 100), 0.5),
                                            ((0.3, 1000, 0.25, 100), 0.085714285), ((0.3, 100, 0.25, 100), 0.24)])
def test_c2w2_schedule_lr_decay(args, expected):
    assert deep().schedule_lr_decay(*args) == pytest.approx(expected)
