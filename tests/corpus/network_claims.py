r"""The claim corpus: hand-derived backprop formulas as the courses and books write them, right and
wrong, each with its source, what it is about, the formula it means (a NumPy function of the corpus's
own reference context, tests/corpus/numeric.py) and, for a wrong one, the mistake made.

Sources (cited per claim): seed 000-004 (/work/shared/seeds/, the lecture notes our users study);
Ng, Deep Learning Specialization C1W3 "Planar data classification with one hidden layer" and its
formula sheet (dZ^{[1]} = W^{[2]T} dZ^{[2]} * g^{[1]\prime}(Z^{[1]}), np.sum(..., keepdims=True));
Ng C1W4 "Building your deep neural network" (dA^{[l-1]} = W^{[l]T} dZ^{[l]}); CS229 "Deep Learning"
notes (Ng and Katanforoosh, section 3: \delta^{[l]}, \nabla_{W^{[l]}} J); Nielsen, Neural Networks and
Deep Learning ch. 2 (BP1-BP4: \delta^L = \nabla_a C \odot \sigma'(z^L), \delta^l = ((w^{l+1})^T
\delta^{l+1}) \odot \sigma'(z^l), \partial C/\partial b^l_j = \delta^l_j, \partial C/\partial w^l_{jk}
= a^{l-1}_k \delta^l_j); Goodfellow, Bengio and Courville, Deep Learning, algorithm 6.4 (g <- g \odot
f'(a^{(k)}), \nabla_{W^{(k)}} J = g h^{(k-1)T}, \nabla_{h^{(k-1)}} J = W^{(k)T} g); CS231n "Putting it
together: minimal neural network case study" (dW2 = np.dot(hidden_layer.T, dscores),
dhidden = np.dot(dscores, W2.T), dhidden[hidden_layer <= 0] = 0).

Mistake keys (what the checker's diagnosis must say): sign, 1/m, layer, unit, transpose, no_derivative,
value, twice, wrong_activation, keepdims, constant, extra_factor, missing_factor.
"""
from __future__ import annotations

import numpy as np

from .numeric import Net, sigmoid

NG = "Ng, Deep Learning Specialization C1W3 (planar data, one hidden layer)"
NG4 = "Ng, Deep Learning Specialization C1W4 (deep network, L layers)"
CS229 = "CS229 Deep Learning notes (Ng, Katanforoosh), section 3, backpropagation"
NIELSEN = "Nielsen, Neural Networks and Deep Learning, ch. 2 (BP1-BP4)"
GOODFELLOW = "Goodfellow, Bengio, Courville, Deep Learning, algorithm 6.4"
CS231N = "CS231n, neural network case study (spiral data)"
SEED = {n: f"seed {n:03d}" for n in range(5)}

PLANAR = Net((2, 4, 1), ("tanh", "sigmoid"), "bce")                       # Ng C1W3
SEED3 = Net((3, 4, 1), ("tanh", "sigmoid"), "bce")                        # seed 003: W[1] is (4, 3)
RELU = Net((3, 4, 1), ("relu", "sigmoid"), "bce")                         # seed 003/004: ReLU hidden layer
MULTI = Net((3, 4, 3), ("relu", "softmax"), "cce")                        # CS229, Goodfellow: softmax output
SEED2 = Net((2, 3, 3, 1), ("sigmoid", "sigmoid", "sigmoid"), "bce")       # seed 002
SEED0 = Net((2, 2, 1), ("sigmoid", "sigmoid"), "bce")                     # seed 000
PERCEPTRON = Net((2, 1), ("linear",), "half_se")                          # seed 000: perceptron regression
NIELSEN_NET = Net((2, 3, 2), ("sigmoid", "sigmoid"), "half_se", reduction="sum")  # quadratic cost
ROW = Net((4, 5, 3), ("relu", "softmax"), "cce", layout="row", bias=False)  # seed 001, CS231n: X W
ROW_BIAS = Net((2, 5, 3), ("relu", "softmax"), "cce", layout="row")       # CS231n's spiral data: 2-D points, 3 classes

CLAIMS: list[dict] = []


def claim(source, net, kind, target, text, formula, mistake=None):
    CLAIMS.append(dict(source=source, net=net, kind=kind, target=target, text=text, formula=formula, mistake=mistake))


def _g_latex(act: str, layer: int, big: bool = True) -> list[tuple[str, object]]:
    """Ways the courses write g^{[l]}'(Z^{[l]}) for an activation, with the formula each means."""
    A, Z = ("A", "Z") if big else ("a", "z")
    bold = "" if big else "\\mathbf"
    a = f"{bold}{{{A}}}^{{[{layer}]}}" if not big else f"{A}^{{[{layer}]}}"
    z = f"{bold}{{{Z}}}^{{[{layer}]}}" if not big else f"{Z}^{{[{layer}]}}"
    ways = [(f"g^{{[{layer}]\\prime}}({z})", lambda c: c.gp[layer](c.Z[layer]))]
    if act == "tanh":
        ways += [(f"(1 - ({a})^2)", lambda c: 1 - c.A[layer] ** 2), (f"(1 - \\tanh^2({z}))", lambda c: 1 - np.tanh(c.Z[layer]) ** 2)]
    if act == "sigmoid":
        ways += [(f"{a} (1 - {a})", lambda c: c.A[layer] * (1 - c.A[layer])), (f"\\sigma'({z})", lambda c: c.gp[layer](c.Z[layer]))]
    if act == "relu":
        ways += [(f"\\mathbf{{1}}\\{{{z} > 0\\}}", lambda c: (c.Z[layer] > 0) * 1.0),
                 (f"\\mathbb{{1}}[{z} > 0]", lambda c: (c.Z[layer] > 0) * 1.0)]
    return ways


def _wrong_g(act: str, layer: int, big: bool = True):
    """(text, formula, key): the activation where its derivative belongs, another activation's derivative."""
    A, Z = ("A", "Z") if big else ("\\mathbf{a}", "\\mathbf{z}")
    a, z = f"{A}^{{[{layer}]}}", f"{Z}^{{[{layer}]}}"
    found = [(f"g^{{[{layer}]}}({z})", lambda c: c.g[layer](c.Z[layer]), "value")]
    if act == "tanh":
        found.append((f"{a} (1 - {a})", lambda c: c.A[layer] * (1 - c.A[layer]), "wrong_activation"))
    if act == "sigmoid":
        found.append((f"(1 - ({a})^2)", lambda c: 1 - c.A[layer] ** 2, "wrong_activation"))
    if act == "relu":
        found.append((f"{a} (1 - {a})", lambda c: c.A[layer] * (1 - c.A[layer]), "wrong_activation"))
    return found


def ng_one_hidden(net: Net, source: str):
    """Ng's vectorised backprop for one hidden layer (column layout), in LaTeX and in NumPy."""
    act = net.acts[0]
    out_softmax = net.acts[1] == "softmax"
    # dZ2
    claim(source, net, "grad", ("dZ", 2), "dZ^{[2]} = A^{[2]} - Y", lambda c: c.A[2] - c.Y)
    claim(source, net, "grad", ("dZ", 2), "dZ2 = A2 - Y", lambda c: c.A[2] - c.Y)
    claim(source, net, "grad", ("dZ", 2), "dZ^{[2]} = Y - A^{[2]}", lambda c: c.Y - c.A[2], "sign")
    claim(source, net, "grad", ("dZ", 2), "dZ2 = (A2 - Y) / m", lambda c: (c.A[2] - c.Y) / c.m, "1/m")
    if out_softmax:
        claim(source, net, "grad", ("dZ", 2), "dZ2 = softmax(Z2) - Y", lambda c: c.A[2] - c.Y)
        claim(source, net, "grad", ("dZ", 2), "dZ^{[2]} = (A^{[2]} - Y) * A^{[2]} * (1 - A^{[2]})",
              lambda c: (c.A[2] - c.Y) * c.A[2] * (1 - c.A[2]), "extra_factor")
    else:
        claim(source, net, "grad", ("dZ", 2), "dZ^{[2]} = (A^{[2]} - Y) * A^{[2]} (1 - A^{[2]})",
              lambda c: (c.A[2] - c.Y) * c.A[2] * (1 - c.A[2]), "twice")
    # dW2
    right = lambda c: c.dZ[2] @ c.A[1].T / c.m
    for text in [r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}", "dW2 = 1/m * np.dot(dZ2, A1.T)", "dW2 = np.dot(dZ2, A1.T) / m",
                 r"\nabla_{W^{[2]}} J = \frac{1}{m} dZ^{[2]} (A^{[1]})^T", "dW2 = np.divide(dZ2 @ A1.T, X.shape[1])",
                 r"\frac{\partial J}{\partial W^{[2]}} = \frac{1}{m} (A^{[2]} - Y) A^{[1]T}"]:
        claim(source, net, "grad", ("dW", 2), text, right)
    claim(source, net, "grad", ("dW", 2), r"dW^{[2]} = dZ^{[2]} A^{[1]T}", lambda c: c.dZ[2] @ c.A[1].T, "1/m")
    claim(source, net, "grad", ("dW", 2), "dW2 = np.dot(dZ2, A1.T)", lambda c: c.dZ[2] @ c.A[1].T, "1/m")
    claim(source, net, "grad", ("dW", 2), r"dW^{[2]} = -\frac{1}{m} dZ^{[2]} A^{[1]T}", lambda c: -c.dZ[2] @ c.A[1].T / c.m, "sign")
    claim(source, net, "grad", ("dW", 2), "dW2 = 1/m * np.dot(dZ2, X.T)", lambda c: c.dZ[2] @ c.X.T / c.m
          if c.X.shape[0] == c.A[1].shape[0] else np.zeros((1, 1)), "layer")
    claim(source, net, "grad", ("dW", 2), r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]}", lambda c: np.zeros((1, 1)), "transpose")
    # db2
    rightb = lambda c: c.dZ[2].sum(axis=1, keepdims=True) / c.m
    for text in ["db2 = 1/m * np.sum(dZ2, axis=1, keepdims=True)", "db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
                 r"db^{[2]} = \frac{1}{m} np.sum(dZ^{[2]}, axis=1, keepdims=True)", "db2 = np.mean(dZ2, axis=1, keepdims=True)",
                 f"db2 = (1/m * np.sum(dZ2, axis=1)).reshape({net.sizes[2]}, 1)",
                 r"db^{[2]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[2]}", r"\frac{\partial J}{\partial b^{[2]}} = \frac{1}{m} dZ^{[2]} \mathbf{1}"]:
        claim(source, net, "grad", ("db", 2), text, rightb)
    claim(source, net, "grad", ("db", 2), "db2 = 1/m * np.sum(dZ2, axis=1)", lambda c: c.dZ[2].sum(axis=1) / c.m, "keepdims")
    claim(source, net, "grad", ("db", 2), "db2 = np.sum(dZ2, axis=1, keepdims=True)", lambda c: c.dZ[2].sum(axis=1, keepdims=True), "1/m")
    # dZ1
    for g_text, g in _g_latex(act, 1):
        claim(source, net, "grad", ("dZ", 1), f"dZ^{{[1]}} = W^{{[2]T}} dZ^{{[2]}} * {g_text}",
              lambda c, g=g: c.W[2].T @ c.dZ[2] * g(c))
    claim(source, net, "grad", ("dZ", 1), f"dZ^{{[1]}} = (W^{{[2]}})^T dZ^{{[2]}} \\circ {_g_latex(act, 1)[-1][0]}",
          lambda c: c.W[2].T @ c.dZ[2] * _g_latex(act, 1)[-1][1](c))
    numpy_g = {"tanh": "(1 - np.power(A1, 2))", "sigmoid": "A1 * (1 - A1)", "relu": "(Z1 > 0)"}[act]
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = np.dot(W2.T, dZ2) * {numpy_g}", lambda c: c.W[2].T @ c.dZ[2] * c.gp[1](c.Z[1]))
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = np.multiply(W2.T @ dZ2, {numpy_g})", lambda c: c.W[2].T @ c.dZ[2] * c.gp[1](c.Z[1]))
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = dA1 * {numpy_g}", lambda c: c.dA[1] * c.gp[1](c.Z[1]))
    for g_text, g, key in _wrong_g(act, 1):
        claim(source, net, "grad", ("dZ", 1), f"dZ^{{[1]}} = W^{{[2]T}} dZ^{{[2]}} * {g_text}",
              lambda c, g=g: c.W[2].T @ c.dZ[2] * g(c), key)
    claim(source, net, "grad", ("dZ", 1), "dZ^{[1]} = W^{[2]T} dZ^{[2]}", lambda c: c.W[2].T @ c.dZ[2], "no_derivative")
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = np.dot(W1.T, dZ2) * {numpy_g}", lambda c: np.zeros((1, 1)), "layer")
    claim(source, net, "grad", ("dZ", 1), f"dZ^{{[1]}} = W^{{[1]T}} dZ^{{[2]}} * {_g_latex(act, 1)[0][0]}", lambda c: np.zeros((1, 1)), "layer")
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = dA2 * {numpy_g}", lambda c: np.zeros((1, 1)), "layer")
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = np.dot(W2, dZ2) * {numpy_g}", lambda c: np.zeros((1, 1)), "transpose")
    claim(source, net, "grad", ("dZ", 1), f"dZ1 = -np.dot(W2.T, dZ2) * {numpy_g}", lambda c: -c.W[2].T @ c.dZ[2] * c.gp[1](c.Z[1]), "sign")
    # dA1
    claim(source, net, "grad", ("dA", 1), "dA^{[1]} = W^{[2]T} dZ^{[2]}", lambda c: c.W[2].T @ c.dZ[2])
    claim(source, net, "grad", ("dA", 1), "dA1 = np.dot(W2.T, dZ2)", lambda c: c.W[2].T @ c.dZ[2])
    claim(source, net, "grad", ("dA", 1), "dA1 = np.dot(W2, dZ2)", lambda c: np.zeros((1, 1)), "transpose")
    claim(source, net, "grad", ("dA", 1), "dA1 = 1/m * np.dot(W2.T, dZ2)", lambda c: c.W[2].T @ c.dZ[2] / c.m, "1/m")
    # dW1, db1
    rightw = lambda c: c.dZ[1] @ c.X.T / c.m
    for text in [r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T", "dW1 = 1/m * np.dot(dZ1, X.T)", "dW1 = (dZ1 @ X.T) / m",
                 r"\nabla_{W^{[1]}} J = \frac{1}{m} dZ^{[1]} (A^{[0]})^T", "dW1 = np.dot(dZ1, X.T) / np.int64(m)"]:
        claim(source, net, "grad", ("dW", 1), text, rightw)
    claim(source, net, "grad", ("dW", 1), f"dW1 = 1/m * np.dot(np.dot(W2.T, dZ2) * {numpy_g}, X.T)", rightw)
    claim(source, net, "grad", ("dW", 1), r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X", lambda c: np.zeros((1, 1)), "transpose")
    claim(source, net, "grad", ("dW", 1), "dW1 = np.dot(dZ1, X.T)", lambda c: c.dZ[1] @ c.X.T, "1/m")
    claim(source, net, "grad", ("dW", 1), r"dW^{[1]} = \frac{1}{m} dZ^{[1]} A^{[1]T}", lambda c: np.zeros((1, 1)), "layer")
    rightb1 = lambda c: c.dZ[1].sum(axis=1, keepdims=True) / c.m
    for text in ["db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)", r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)",
                 f"db1 = np.reshape(np.sum(dZ1, axis=1) / m, ({net.sizes[1]}, 1))", "db1 = dZ1.mean(axis=1, keepdims=True)"]:
        claim(source, net, "grad", ("db", 1), text, rightb1)
    claim(source, net, "grad", ("db", 1), "db1 = 1/m * np.sum(dZ1, axis=1)", lambda c: c.dZ[1].sum(axis=1) / c.m, "keepdims")



def ng_forward(net: Net, source: str):
    claim(source, net, "fwd", ("Z", 1), "Z^{[1]} = W^{[1]} X + b^{[1]}", lambda c: c.W[1] @ c.X + c.b[1])
    claim(source, net, "fwd", ("Z", 1), "Z1 = np.dot(W1, X) + b1", lambda c: c.W[1] @ c.X + c.b[1])
    claim(source, net, "fwd", ("A", 1), "A^{[1]} = g^{[1]}(Z^{[1]})", lambda c: c.g[1](c.Z[1]))
    claim(source, net, "fwd", ("Z", 2), "Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}", lambda c: c.W[2] @ c.A[1] + c.b[2])
    claim(source, net, "fwd", ("Z", 2), "Z2 = np.dot(W2, A1) + b1", lambda c: np.zeros((1, 1)), "layer")


ng_one_hidden(PLANAR, NG)
ng_one_hidden(SEED3, SEED[3])
ng_one_hidden(RELU, SEED[4])
ng_one_hidden(MULTI, CS229)
ng_forward(PLANAR, NG)
ng_forward(SEED3, SEED[3])


def seed002(net: Net = SEED2):
    """Seed 002's 2-3-3-1 network: per-example vectors (lowercase bold), its Jacobian steps, the
    deep-network form of Ng C1W4 (dA^{[l-1]} = W^{[l]T} dZ^{[l]}), and its typos."""
    s2, s = SEED[2], net
    sg = lambda v: v * (1 - v)
    # per-example backprop, as on the slides
    claim(s2, s, "ex", ("dZ", 3), r"\frac{\partial L}{\partial z^{[3]}} = a^{[3]} - y", lambda c: c.A[3] - c.Y)
    claim(s2, s, "ex", ("db", 3), r"\frac{\partial L}{\partial b^{[3]}} = \frac{\partial L}{\partial z^{[3]}}", lambda c: c.dZ[3])
    claim(s2, s, "ex", ("dW", 3), r"\frac{\partial L}{\partial W^{[3]}} = \frac{\partial L}{\partial z^{[3]}} (\mathbf{a}^{[2]})^T", lambda c: c.dZ[3] @ c.A[2].T)
    claim(s2, s, "ex", ("dW", 3), r"\frac{\partial L}{\partial W^{[3]}} = (a^{[3]} - y) (\mathbf{a}^{[2]})^T", lambda c: (c.A[3] - c.Y) @ c.A[2].T)
    claim(s2, s, "ex", ("dA", 2), r"\frac{\partial L}{\partial \mathbf{a}^{[2]}} = (a^{[3]} - y)(W^{[3]})^T", lambda c: c.W[3].T @ (c.A[3] - c.Y))
    claim(s2, s, "ex", ("dA", 2), r"\frac{\partial L}{\partial \mathbf{a}^{[2]}} = \frac{\partial L}{\partial z^{[3]}} \frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}}",
          lambda c: c.W[3].T @ c.dZ[3])
    claim(s2, s, "ex", ("dZ", 2), r"\frac{\partial L}{\partial \mathbf{z}^{[2]}} = \frac{\partial L}{\partial \mathbf{a}^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
          lambda c: c.dA[2] * sg(c.A[2]))
    claim(s2, s, "ex", ("db", 2), r"\frac{\partial L}{\partial \mathbf{b}^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}}", lambda c: c.dZ[2])
    claim(s2, s, "ex", ("dW", 2), r"\frac{\partial L}{\partial W^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} (\mathbf{a}^{[1]})^T", lambda c: c.dZ[2] @ c.A[1].T)
    claim(s2, s, "ex", ("dA", 1), r"\frac{\partial L}{\partial \mathbf{a}^{[1]}} = (W^{[2]})^T \frac{\partial L}{\partial \mathbf{z}^{[2]}}", lambda c: c.W[2].T @ c.dZ[2])
    claim(s2, s, "ex", ("dA", 1), r"\frac{\partial L}{\partial \mathbf{a}^{[1]}} = \frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} \frac{\partial L}{\partial \mathbf{z}^{[2]}}",
          lambda c: c.W[2].T @ c.dZ[2])
    claim(s2, s, "ex", ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (\mathbf{a}^{[1]} \circ (1 - \mathbf{a}^{[1]}))",
          lambda c: c.dA[1] * sg(c.A[1]))
    claim(s2, s, "ex", ("dW", 1), r"\frac{\partial L}{\partial W^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}} \mathbf{x}^T", lambda c: c.dZ[1] @ c.X.T)
    claim(s2, s, "ex", ("dW", 1), r"\frac{\partial L}{\partial W^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}} (\mathbf{a}^{[0]})^T", lambda c: c.dZ[1] @ c.X.T)
    claim(s2, s, "ex", ("db", 1), r"\frac{\partial L}{\partial \mathbf{b}^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}}", lambda c: c.dZ[1])
    claim(s2, s, "ex", ("dZ", 2), r"dz^{[2]} = W^{[3]T} dz^{[3]} * \sigma'(\mathbf{z}^{[2]})", lambda c: c.W[3].T @ c.dZ[3] * sg(c.A[2]))
    claim(s2, s, "ex", ("dW", 2), r"dW^{[2]} = dz^{[2]} a^{[1]T}", lambda c: c.dZ[2] @ c.A[1].T)
    # the slides' typo in db^{[2]} (dL/dz_1 and sigma' once too often), and mistakes of the same kind
    claim(s2, s, "ex", ("db", 2), r"\frac{\partial L}{\partial \mathbf{b}^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
          lambda c: c.dZ[2] * sg(c.A[2]), "twice")
    claim(s2, s, "ex", ("db", 2), r"\frac{\partial L}{\partial \mathbf{b}^{[2]}} = \frac{\partial L}{\partial z_1^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
          lambda c: c.dZ[2][0, 0] * sg(c.A[2]), "unit")
    claim(s2, s, "ex", ("dW", 3), r"\frac{\partial L}{\partial W^{[3]}} = (y - a^{[3]}) (\mathbf{a}^{[2]})^T", lambda c: (c.Y - c.A[3]) @ c.A[2].T, "sign")
    claim(s2, s, "ex", ("dW", 3), r"\frac{\partial L}{\partial W^{[3]}} = (a^{[3]} - y) (\mathbf{a}^{[1]})^T", lambda c: (c.A[3] - c.Y) @ c.A[1].T, "layer")
    claim(s2, s, "ex", ("dW", 2), r"\frac{\partial L}{\partial W^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} \mathbf{a}^{[1]}", lambda c: np.zeros((1, 1)), "transpose")
    claim(s2, s, "ex", ("dW", 2), r"\frac{\partial L}{\partial W^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} (\mathbf{a}^{[2]})^T", lambda c: c.dZ[2] @ c.A[2].T, "layer")
    claim(s2, s, "ex", ("dA", 1), r"\frac{\partial L}{\partial \mathbf{a}^{[1]}} = W^{[2]} \frac{\partial L}{\partial \mathbf{z}^{[2]}}", lambda c: c.W[2] @ c.dZ[2], "transpose")
    claim(s2, s, "ex", ("dA", 1), r"\frac{\partial L}{\partial \mathbf{a}^{[1]}} = (W^{[3]})^T \frac{\partial L}{\partial \mathbf{z}^{[2]}}", lambda c: np.zeros((1, 1)), "layer")
    claim(s2, s, "ex", ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ \mathbf{a}^{[1]}",
          lambda c: c.dA[1] * c.A[1], "value")
    claim(s2, s, "ex", ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (1 - \mathbf{a}^{[1]} \circ \mathbf{a}^{[1]})",
          lambda c: c.dA[1] * (1 - c.A[1] ** 2), "wrong_activation")
    claim(s2, s, "ex", ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
          lambda c: c.dA[1] * sg(c.A[2]), "layer")
    claim(s2, s, "ex", ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}}", lambda c: c.dA[1], "no_derivative")
    # Jacobian steps (denominator layout, as the slides; the numerator layout is a reading too)
    jac = lambda of, wrt, text, f, key=None: claim(s2, s, "jac", (of, wrt), text, f, key)
    jac(("z", 3, None), ("W", 3, None), r"\frac{\partial z^{[3]}}{\partial W^{[3]}} = (\mathbf{a}^{[2]})^T", lambda c: c.A[2].T)
    jac(("z", 3, None), ("W", 3, None), r"\frac{\partial z^{[3]}}{\partial W^{[3]}} = [a_1^{[2]} \quad a_2^{[2]} \quad a_3^{[2]}]", lambda c: c.A[2].T)
    jac(("z", 3, None), ("b", 3, None), r"\frac{\partial z^{[3]}}{\partial b^{[3]}} = 1", lambda c: np.ones((1, 1)))
    jac(("z", 3, None), ("a", 2, None), r"\frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}} = (W^{[3]})^T", lambda c: c.W[3].T)
    jac(("z", 3, None), ("a", 2, None), r"\frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}} = \begin{bmatrix} w_{1,1}^{[3]} \\ w_{1,2}^{[3]} \\ w_{1,3}^{[3]} \end{bmatrix}", lambda c: c.W[3].T)
    jac(("z", 2, None), ("a", 1, None), r"\frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} = (W^{[2]})^T", lambda c: c.W[2].T)
    jac(("z", 2, None), ("a", 1, None), r"\frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} = W^{[2]}", lambda c: c.W[2])
    jac(("z", 1, None), ("a", 0, None), r"\frac{\partial \mathbf{z}^{[1]}}{\partial \mathbf{x}} = (W^{[1]})^T", lambda c: c.W[1].T)
    jac(("a", 2, (1, 1)), ("z", 2, (1, 1)), r"\frac{\partial a_1^{[2]}}{\partial z_1^{[2]}} = a_1^{[2]} (1 - a_1^{[2]})", lambda c: sg(c.A[2][0:1, :]))
    jac(("z", 2, (2, 1)), ("W", 2, (2, 3)), r"\frac{\partial z_2^{[2]}}{\partial w_{2,3}^{[2]}} = a_3^{[1]}", lambda c: c.A[1][2:3, :])
    jac(("z", 2, (1, 1)), ("a", 1, (2, 1)), r"\frac{\partial z_1^{[2]}}{\partial a_2^{[1]}} = w_{1,2}^{[2]}", lambda c: c.W[2][0:1, 1:2])
    jac(("z", 3, None), ("W", 3, None), r"\frac{\partial z^{[3]}}{\partial W^{[3]}} = (\mathbf{a}^{[1]})^T", lambda c: c.A[1].T, "layer")
    jac(("z", 3, None), ("a", 2, None), r"\frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}} = (W^{[2]})^T", lambda c: np.zeros((1, 1)), "layer")
    jac(("z", 2, (1, 1)), ("a", 1, (2, 1)), r"\frac{\partial z_1^{[2]}}{\partial a_2^{[1]}} = w_{2,1}^{[2]}", lambda c: c.W[2][1:2, 0:1], "unit")
    jac(("z", 2, (2, 1)), ("W", 2, (2, 3)), r"\frac{\partial z_2^{[2]}}{\partial w_{2,3}^{[2]}} = a_2^{[1]}", lambda c: c.A[1][1:2, :], "unit")
    jac(("z", 2, (2, 1)), ("W", 2, (2, 3)), r"\frac{\partial z_2^{[2]}}{\partial w_{2,3}^{[2]}} = -a_3^{[1]}", lambda c: -c.A[1][2:3, :], "sign")
    jac(("a", 2, (1, 1)), ("z", 2, (1, 1)), r"\frac{\partial a_1^{[2]}}{\partial z_1^{[2]}} = a_1^{[2]}", lambda c: c.A[2][0:1, :], "value")
    # the whole batch, Ng C1W4 style, for the three layers
    for l in (3, 2, 1):
        prev = "X" if l == 1 else f"A^{{[{l - 1}]}}"
        prev_np = "X" if l == 1 else f"A{l - 1}"
        claim(NG4, s, "grad", ("dW", l), rf"dW^{{[{l}]}} = \frac{{1}}{{m}} dZ^{{[{l}]}} {prev}^T", lambda c, l=l: c.dZ[l] @ c.A[l - 1].T / c.m)
        claim(NG4, s, "grad", ("dW", l), f"dW{l} = 1/m * np.dot(dZ{l}, {prev_np}.T)", lambda c, l=l: c.dZ[l] @ c.A[l - 1].T / c.m)
        claim(NG4, s, "grad", ("db", l), f"db{l} = 1/m * np.sum(dZ{l}, axis=1, keepdims=True)", lambda c, l=l: c.dZ[l].sum(axis=1, keepdims=True) / c.m)
        claim(NG4, s, "grad", ("dW", l), f"dW{l} = np.dot(dZ{l}, {prev_np}.T)", lambda c, l=l: c.dZ[l] @ c.A[l - 1].T, "1/m")
        claim(NG4, s, "grad", ("db", l), f"db{l} = 1/m * np.sum(dZ{l}, axis=1)", lambda c, l=l: c.dZ[l].sum(axis=1) / c.m, "keepdims")
        if l > 1:
            claim(NG4, s, "grad", ("dA", l - 1), rf"dA^{{[{l - 1}]}} = W^{{[{l}]T}} dZ^{{[{l}]}}", lambda c, l=l: c.W[l].T @ c.dZ[l])
            claim(NG4, s, "grad", ("dA", l - 1), f"dA{l - 1} = np.dot(W{l}.T, dZ{l})", lambda c, l=l: c.W[l].T @ c.dZ[l])
            claim(NG4, s, "grad", ("dZ", l - 1), rf"dZ^{{[{l - 1}]}} = dA^{{[{l - 1}]}} * A^{{[{l - 1}]}} * (1 - A^{{[{l - 1}]}})",
                  lambda c, l=l: c.dA[l - 1] * sg(c.A[l - 1]))
            claim(NG4, s, "grad", ("dZ", l - 1), f"dZ{l - 1} = dA{l - 1} * sigmoid(Z{l - 1}) * (1 - sigmoid(Z{l - 1}))",
                  lambda c, l=l: c.dA[l - 1] * sg(c.A[l - 1]))
            claim(NG4, s, "grad", ("dZ", l - 1), f"dZ{l - 1} = dA{l - 1} * sigmoid(Z{l - 1})", lambda c, l=l: c.dA[l - 1] * c.A[l - 1], "value")
            claim(NG4, s, "grad", ("dZ", l - 1), f"dZ{l - 1} = dA{l - 1} * A{l - 1} * (1 - A{l - 1}) / m", lambda c, l=l: c.dA[l - 1] * sg(c.A[l - 1]) / c.m, "1/m")
            claim(NG4, s, "grad", ("dZ", l - 1), f"dZ{l - 1} = -dA{l - 1} * A{l - 1} * (1 - A{l - 1})", lambda c, l=l: -c.dA[l - 1] * sg(c.A[l - 1]), "sign")
    claim(NG4, s, "grad", ("dA", 1), "dA^{[1]} = W^{[3]T} dZ^{[2]}", lambda c: np.zeros((1, 1)), "layer")
    claim(NG4, s, "grad", ("dA", 2), "dA2 = np.dot(W2.T, dZ3)", lambda c: np.zeros((1, 1)), "layer")
    claim(NG4, s, "grad", ("dA", 1), "dA1 = np.dot(W2, dZ2)", lambda c: c.W[2] @ c.dZ[2], "transpose")
    claim(NG4, s, "grad", ("dW", 2), r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[2]T}", lambda c: c.dZ[2] @ c.A[2].T / c.m, "layer")
    claim(NG4, s, "grad", ("dW", 3), r"dW^{[3]} = \frac{1}{N} \sum_{i=1}^{N} (a^{[3](i)} - y^{(i)}) (\mathbf{a}^{[2](i)})^T", lambda c: (c.A[3] - c.Y) @ c.A[2].T / c.m)
    claim(s2, s, "grad", ("dW", 3), r"\frac{\partial J}{\partial W^{[3]}} = \frac{1}{N} \sum_{i=1}^{N} \frac{\partial L}{\partial z^{[3](i)}} (\mathbf{a}^{[2](i)})^T", lambda c: c.dZ[3] @ c.A[2].T / c.m)
    claim(s2, s, "grad", ("dW", 3), r"\frac{\partial J}{\partial W^{[3]}} = \sum_{i=1}^{N} (a^{[3](i)} - y^{(i)}) (\mathbf{a}^{[2](i)})^T", lambda c: (c.A[3] - c.Y) @ c.A[2].T, "1/m")
    # the forward pass, step by step
    claim(s2, s, "fwd", ("Z", 3), r"z^{[3]} = W^{[3]} \mathbf{a}^{[2]} + b^{[3]}", lambda c: c.W[3] @ c.A[2] + c.b[3])
    claim(s2, s, "fwd", ("Z", 2), r"\mathbf{z}^{[2]} = W^{[2]} \mathbf{a}^{[1]} + \mathbf{b}^{[2]}", lambda c: c.W[2] @ c.A[1] + c.b[2])
    claim(s2, s, "fwd", ("A", 1), r"\mathbf{a}^{[1]} = \sigma(\mathbf{z}^{[1]})", lambda c: sigmoid(c.Z[1]))
    claim(s2, s, "fwd", ("Z", 3), r"z^{[3]} = w_{1,1}^{[3]} a_1^{[2]} + w_{1,2}^{[3]} a_2^{[2]} + w_{1,3}^{[3]} a_3^{[2]} + b^{[3]}", lambda c: c.W[3] @ c.A[2] + c.b[3])
    claim(s2, s, "fwd", ("Z", 3), r"z^{[3]} = w_{1,1}^{[3]} a_1^{[2]} + w_{1,2}^{[3]} a_1^{[2]} + w_{1,3}^{[3]} a_3^{[2]} + b^{[3]}",
          lambda c: c.W[3][0, 0] * c.A[2][0] + c.W[3][0, 1] * c.A[2][0] + c.W[3][0, 2] * c.A[2][2] + c.b[3], "unit")
    claim(s2, s, "fwd", ("Z", 2), r"\mathbf{z}^{[2]} = W^{[2]} \mathbf{a}^{[2]} + \mathbf{b}^{[2]}", lambda c: c.W[2] @ c.A[2] + c.b[2], "layer")


seed002()


def nielsen(net: Net = NIELSEN_NET):
    """BP1-BP4 for one example of the quadratic cost C = 1/2 ||y - a^L||^2, in Nielsen's notation."""
    n = NIELSEN
    sp_ = lambda z: sigmoid(z) * (1 - sigmoid(z))
    ex = lambda target, text, f, key=None: claim(n, net, "ex", target, text, f, key)
    ex(("dZ", 2), r"\delta^L = (a^L - y) \odot \sigma'(z^L)", lambda c: (c.A[2] - c.Y) * sp_(c.Z[2]))
    ex(("dZ", 2), r"\delta^L = \nabla_a C \odot \sigma'(z^L)", lambda c: (c.A[2] - c.Y) * sp_(c.Z[2]))
    ex(("dZ", 2), r"\delta^2 = (a^2 - y) \odot \sigma'(z^2)", lambda c: (c.A[2] - c.Y) * sp_(c.Z[2]))
    ex(("dZ", 2), r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)", lambda c: c.dA[2] * sp_(c.Z[2]))
    ex(("dZ", 2), r"\delta^L_j = (a^L_j - y_j) \sigma'(z^L_j)", lambda c: (c.A[2] - c.Y) * sp_(c.Z[2]))
    ex(("dZ", 1), r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)", lambda c: (c.W[2].T @ c.dZ[2]) * sp_(c.Z[1]))
    ex(("dZ", 1), r"\delta^1 = ((w^2)^T \delta^2) \odot \sigma'(z^1)", lambda c: (c.W[2].T @ c.dZ[2]) * sp_(c.Z[1]))
    ex(("dZ", 1), r"\delta^1_j = \sum_k w^2_{kj} \delta^2_k \sigma'(z^1_j)", lambda c: (c.W[2].T @ c.dZ[2]) * sp_(c.Z[1]))
    ex(("db", 2), r"\frac{\partial C}{\partial b^2_j} = \delta^2_j", lambda c: c.dZ[2])
    ex(("db", 1), r"\frac{\partial C}{\partial b^1_j} = \delta^1_j", lambda c: c.dZ[1])
    ex(("dW", 2), r"\frac{\partial C}{\partial w^2_{jk}} = a^1_k \delta^2_j", lambda c: c.dZ[2] @ c.A[1].T)
    ex(("dW", 1), r"\frac{\partial C}{\partial w^1_{jk}} = x_k \delta^1_j", lambda c: c.dZ[1] @ c.X.T)
    claim(n, net, "entry", ("dW", 2, (1, 2)), r"\frac{\partial C}{\partial w^2_{12}} = a^1_2 \delta^2_1", lambda c: c.A[1][1, 0] * c.dZ[2][0, 0])
    claim(n, net, "entry", ("db", 2, (2, 1)), r"\frac{\partial C}{\partial b^2_2} = \delta^2_2", lambda c: c.dZ[2][1, 0])
    claim(n, net, "entry", ("dZ", 2, (1, 1)), r"\delta^L_1 = (a^L_1 - y_1) \sigma'(z^L_1)", lambda c: (c.A[2][0, 0] - c.Y[0, 0]) * sp_(c.Z[2][0, 0]))
    claim(n, net, "entry", ("dZ", 2, (1, 1)), r"\delta^L_1 = (a^L_1 - y_1) \sigma(z^L_1)", lambda c: (c.A[2][0, 0] - c.Y[0, 0]) * sigmoid(c.Z[2][0, 0]), "value")
    claim(n, net, "entry", ("dW", 2, (1, 2)), r"\frac{\partial C}{\partial w^2_{12}} = a^1_1 \delta^2_1", lambda c: c.A[1][0, 0] * c.dZ[2][0, 0], "unit")
    claim(n, net, "entry", ("dW", 2, (1, 2)), r"\frac{\partial C}{\partial w^2_{12}} = a^1_2 \delta^2_2", lambda c: c.A[1][1, 0] * c.dZ[2][1, 0], "unit")
    ex(("dZ", 2), r"\delta^L = (y - a^L) \odot \sigma'(z^L)", lambda c: (c.Y - c.A[2]) * sp_(c.Z[2]), "sign")
    ex(("dZ", 2), r"\delta^L = (a^L - y) \odot \sigma(z^L)", lambda c: (c.A[2] - c.Y) * sigmoid(c.Z[2]), "value")
    ex(("dZ", 2), r"\delta^L = (a^L - y)", lambda c: c.A[2] - c.Y, "no_derivative")
    ex(("dZ", 2), r"\delta^L = 2 (a^L - y) \odot \sigma'(z^L)", lambda c: 2 * (c.A[2] - c.Y) * sp_(c.Z[2]), "constant")
    ex(("dZ", 2), r"\delta^L = (a^L - y) \odot (1 - (a^L)^2)", lambda c: (c.A[2] - c.Y) * (1 - c.A[2] ** 2), "wrong_activation")
    ex(("dZ", 1), r"\delta^1 = (w^2)^T \delta^2", lambda c: c.W[2].T @ c.dZ[2], "no_derivative")
    ex(("dZ", 1), r"\delta^1 = (w^2 \delta^2) \odot \sigma'(z^1)", lambda c: np.zeros((1, 1)), "transpose")
    ex(("dZ", 1), r"\delta^1 = ((w^1)^T \delta^2) \odot \sigma'(z^1)", lambda c: np.zeros((1, 1)), "layer")
    ex(("dZ", 1), r"\delta^1 = ((w^2)^T \delta^2) \odot \sigma'(z^2)", lambda c: np.zeros((1, 1)), "layer")
    ex(("dZ", 1), r"\delta^1 = ((w^2)^T \delta^2) \odot \sigma(z^1)", lambda c: (c.W[2].T @ c.dZ[2]) * sigmoid(c.Z[1]), "value")
    ex(("dW", 2), r"\frac{\partial C}{\partial w^2_{jk}} = a^2_k \delta^2_j", lambda c: np.zeros((1, 1)), "layer")
    ex(("db", 2), r"\frac{\partial C}{\partial b^2_j} = -\delta^2_j", lambda c: -c.dZ[2], "sign")


def seed000():
    """Seed 000's 2-2-1 network one weight at a time, its update rule, the batch sums, and the perceptron."""
    s0, net = SEED[0], SEED0
    sg = lambda v: v * (1 - v)
    e = lambda target, text, f, key=None: claim(s0, net, "entry", target, text, f, key)
    d1 = lambda c, j, k: (c.A[2][0, 0] - c.Y[0, 0]) * c.W[2][0, j - 1] * sg(c.A[1][j - 1, 0]) * c.X[k - 1, 0]
    for j, k in ((1, 1), (1, 2), (2, 1), (2, 2)):
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} a^{{[1]}}_{j} (1 - a^{{[1]}}_{j}) x_{k}",
          lambda c, j=j, k=k: d1(c, j, k))
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} \sigma'(z^{{[1]}}_{j}) x_{k}",
          lambda c, j=j, k=k: d1(c, j, k))
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w_{{{j}{k}}}}} = (\hat{{y}} - y) w_{j} a_{j} (1 - a_{j}) x_{k}", lambda c, j=j, k=k: d1(c, j, k))
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (y - a^{{[2]}}) w^{{[2]}}_{{1{j}}} a^{{[1]}}_{j} (1 - a^{{[1]}}_{j}) x_{k}",
          lambda c, j=j, k=k: -d1(c, j, k), "sign")
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} a^{{[1]}}_{j} (1 - a^{{[1]}}_{j})",
          lambda c, j=j, k=k: d1(c, j, k) / c.X[k - 1, 0], "missing_factor")
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} \sigma(z^{{[1]}}_{j}) x_{k}",
          lambda c, j=j, k=k: d1(c, j, k) / sg(c.A[1][j - 1, 0]) * c.A[1][j - 1, 0], "value")
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} x_{k}",
          lambda c, j=j, k=k: d1(c, j, k) / sg(c.A[1][j - 1, 0]), "no_derivative")
        e(("dW", 1, (j, k)), rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{{j}{k}}}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} a^{{[1]}}_{j} (1 - a^{{[1]}}_{j}) x_{3 - k}",
          lambda c, j=j, k=k: d1(c, j, 3 - k), "unit")
    e(("dW", 1, (1, 1)), r"w_{11} \to w_{11} - \alpha.(-x_{1}.w_{1}.a_{1}.(1-a_{1})(y-\hat{y}))", lambda c: d1(c, 1, 1))
    e(("dW", 1, (1, 1)), r"w_{11} \to w_{11} - \alpha.(x_{1}.w_{1}.a_{1}.(1-a_{1})(y-\hat{y}))", lambda c: -d1(c, 1, 1), "sign")
    e(("dW", 1, (2, 1)), r"\frac{\partial L}{\partial w^{[1]}_{21}} = 2(a^{[2]} - y) w^{[2]}_{12} a^{[1]}_2 (1 - a^{[1]}_2) x_1", lambda c: 2 * d1(c, 2, 1), "constant")
    e(("dW", 1, (2, 1)), r"\frac{\partial L}{\partial w^{[1]}_{21}} = (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_2 (1 - a^{[1]}_2) x_1",
      lambda c: d1(c, 2, 1) / c.W[2][0, 1] * c.W[2][0, 0], "unit")
    for j in (1, 2):
        e(("dW", 2, (1, j)), rf"\frac{{\partial L}}{{\partial w^{{[2]}}_{{1{j}}}}} = (a^{{[2]}} - y) a^{{[1]}}_{j}", lambda c, j=j: (c.A[2][0, 0] - c.Y[0, 0]) * c.A[1][j - 1, 0])
        e(("dW", 2, (1, j)), rf"\frac{{\partial L}}{{\partial w^{{[2]}}_{{1{j}}}}} = (a^{{[2]}} - y) a^{{[1]}}_{3 - j}", lambda c, j=j: (c.A[2][0, 0] - c.Y[0, 0]) * c.A[1][2 - j, 0], "unit")
        e(("dW", 2, (1, j)), rf"\frac{{\partial L}}{{\partial w^{{[2]}}_{{1{j}}}}} = (a^{{[2]}} - y) a^{{[2]}} (1 - a^{{[2]}}) a^{{[1]}}_{j}",
          lambda c, j=j: (c.A[2][0, 0] - c.Y[0, 0]) * sg(c.A[2][0, 0]) * c.A[1][j - 1, 0], "twice")
        e(("db", 1, (j, 1)), rf"\frac{{\partial L}}{{\partial b^{{[1]}}_{j}}} = (a^{{[2]}} - y) w^{{[2]}}_{{1{j}}} a^{{[1]}}_{j} (1 - a^{{[1]}}_{j})",
          lambda c, j=j: d1(c, j, 1) / c.X[0, 0])
    e(("db", 2, (1, 1)), r"\frac{\partial L}{\partial b^{[2]}} = a^{[2]} - y", lambda c: c.A[2][0, 0] - c.Y[0, 0])
    e(("db", 2, (1, 1)), r"\frac{\partial L}{\partial b^{[2]}} = y - a^{[2]}", lambda c: c.Y[0, 0] - c.A[2][0, 0], "sign")
    total = lambda target, text, f, key=None: claim(s0, net, "total", target, text, f, key)
    total(("dW", 1, (1, 1)), r"\frac{\partial \mathcal{L} }{ \partial w_{1,1}^{[1]}}=\frac{1}{m}\sum_{i=1}^{m} \left( \left(a^{[2](i)} - y^{(i)}\right) "
          r"w_1^{[2]} \left(a_1^{[1](i)}\left(1-a_1^{[1](i)}\right)\right) x_1^{(i)}\right)",
          lambda c: np.mean((c.A[2][0] - c.Y[0]) * c.W[2][0, 0] * sg(c.A[1][0]) * c.X[0]))
    total(("dW", 1, (1, 1)), r"\frac{\partial \mathcal{L} }{ \partial w_{1,1}^{[1]}}=\sum_{i=1}^{m} \left(a^{[2](i)} - y^{(i)}\right) w_1^{[2]} a_1^{[1](i)}\left(1-a_1^{[1](i)}\right) x_1^{(i)}",
          lambda c: np.sum((c.A[2][0] - c.Y[0]) * c.W[2][0, 0] * sg(c.A[1][0]) * c.X[0]), "1/m")
    total(("dW", 2, (1, 2)), r"\frac{\partial J}{\partial w^{[2]}_{12}} = \frac{1}{m} \sum_{i=1}^{m} (a^{[2](i)} - y^{(i)}) a^{[1](i)}_2",
          lambda c: np.mean((c.A[2][0] - c.Y[0]) * c.A[1][1]))
    total(("db", 2, (1, 1)), r"\frac{\partial J}{\partial b^{[2]}} = \frac{1}{m} \sum_{i=1}^{m} (a^{[2](i)} - y^{(i)})", lambda c: np.mean(c.A[2][0] - c.Y[0]))
    total(("db", 2, (1, 1)), r"\frac{\partial J}{\partial b^{[2]}} = \frac{1}{m} \sum_{i=1}^{m} (y^{(i)} - a^{[2](i)})", lambda c: np.mean(c.Y[0] - c.A[2][0]), "sign")
    g = lambda target, text, f, key=None: claim(s0, net, "grad", target, text, f, key)
    g(("dW", 2), r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T", lambda c: (c.A[2] - c.Y) @ c.A[1].T / c.m)
    g(("db", 2), r"\frac{\partial \mathcal{L} }{ \partial b^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\mathbf{1}", lambda c: (c.A[2] - c.Y).sum(axis=1, keepdims=True) / c.m)
    g(("dW", 2), r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T", lambda c: (c.A[2] - c.Y) @ c.A[1].T, "1/m")
    g(("dW", 1), r"\frac{\partial \mathcal{L} }{ \partial W^{[1]} } = \frac{1}{m} ((W^{[2]})^T (A^{[2]} - Y) \circ A^{[1]} \circ (1 - A^{[1]})) X^T",
      lambda c: (c.W[2].T @ (c.A[2] - c.Y) * sg(c.A[1])) @ c.X.T / c.m)
    g(("dW", 1), r"\frac{\partial \mathcal{L} }{ \partial W^{[1]} } = \frac{1}{m} ((W^{[2]})^T (A^{[2]} - Y) \circ A^{[1]} \circ (1 - A^{[1]})) X",
      lambda c: np.zeros((1, 1)), "transpose")
    # the perceptron for regression: half squared error, identity activation
    p = PERCEPTRON
    claim(s0, p, "entry", ("dW", 1, (1, 1)), r"\frac{\partial L}{\partial w_1} = (\hat{y} - y) x_1", lambda c: (c.A[1][0, 0] - c.Y[0, 0]) * c.X[0, 0])
    claim(s0, p, "entry", ("dW", 1, (1, 2)), r"\frac{\partial L}{\partial w_2} = (\hat{y} - y) x_2", lambda c: (c.A[1][0, 0] - c.Y[0, 0]) * c.X[1, 0])
    claim(s0, p, "entry", ("db", 1, (1, 1)), r"\frac{\partial L}{\partial b} = \hat{y} - y", lambda c: c.A[1][0, 0] - c.Y[0, 0])
    claim(s0, p, "grad", ("dW", 1), r"\frac{\partial J}{\partial W^{[1]}} = \frac{1}{m} (A^{[1]} - Y) X^T", lambda c: (c.A[1] - c.Y) @ c.X.T / c.m)
    claim(s0, p, "grad", ("db", 1), "db1 = np.mean(A1 - Y, axis=1, keepdims=True)", lambda c: (c.A[1] - c.Y).mean(axis=1, keepdims=True))
    claim(s0, p, "entry", ("dW", 1, (1, 1)), r"\frac{\partial L}{\partial w_1} = 2 (\hat{y} - y) x_1", lambda c: 2 * (c.A[1][0, 0] - c.Y[0, 0]) * c.X[0, 0], "constant")
    claim(s0, p, "entry", ("dW", 1, (1, 1)), r"\frac{\partial L}{\partial w_1} = (y - \hat{y}) x_1", lambda c: (c.Y[0, 0] - c.A[1][0, 0]) * c.X[0, 0], "sign")
    claim(s0, p, "entry", ("dW", 1, (1, 1)), r"\frac{\partial L}{\partial w_1} = (\hat{y} - y) x_2", lambda c: (c.A[1][0, 0] - c.Y[0, 0]) * c.X[1, 0], "unit")
    claim(s0, p, "entry", ("dW", 1, (1, 1)), r"\frac{\partial L}{\partial w_1} = \hat{y} - y", lambda c: c.A[1][0, 0] - c.Y[0, 0], "missing_factor")
    claim(s0, p, "grad", ("dW", 1), r"\frac{\partial J}{\partial W^{[1]}} = (A^{[1]} - Y) X^T", lambda c: (c.A[1] - c.Y) @ c.X.T, "1/m")


def goodfellow(net: Net = MULTI):
    """Algorithm 6.4 for one example: a^{(k)} is the pre-activation, h^{(k)} the activation."""
    gf = GOODFELLOW
    ex = lambda target, text, f, key=None: claim(gf, net, "ex", target, text, f, key)
    ex(("dZ", 2), r"\nabla_{a^{(2)}} J = h^{(2)} - y", lambda c: c.A[2] - c.Y)
    ex(("dW", 2), r"\nabla_{W^{(2)}} J = \nabla_{a^{(2)}} J \, h^{(1)T}", lambda c: c.dZ[2] @ c.A[1].T)
    ex(("db", 2), r"\nabla_{b^{(2)}} J = \nabla_{a^{(2)}} J", lambda c: c.dZ[2])
    ex(("dA", 1), r"\nabla_{h^{(1)}} J = W^{(2)T} \nabla_{a^{(2)}} J", lambda c: c.W[2].T @ c.dZ[2])
    ex(("dZ", 1), r"\nabla_{a^{(1)}} J = \nabla_{h^{(1)}} J \odot \mathbb{1}[a^{(1)} > 0]", lambda c: c.dA[1] * (c.Z[1] > 0))
    ex(("dW", 1), r"\nabla_{W^{(1)}} J = \nabla_{a^{(1)}} J \, x^T", lambda c: c.dZ[1] @ c.X.T)
    ex(("dW", 1), r"\nabla_{W^{(1)}} J = \nabla_{a^{(1)}} J \, h^{(0)T}", lambda c: c.dZ[1] @ c.X.T)
    ex(("db", 1), r"\nabla_{b^{(1)}} J = \nabla_{a^{(1)}} J", lambda c: c.dZ[1])
    ex(("dZ", 2), r"\nabla_{a^{(2)}} J = y - h^{(2)}", lambda c: c.Y - c.A[2], "sign")
    ex(("dW", 2), r"\nabla_{W^{(2)}} J = \nabla_{a^{(2)}} J \, h^{(2)T}", lambda c: np.zeros((1, 1)), "layer")
    ex(("dA", 1), r"\nabla_{h^{(1)}} J = W^{(2)} \nabla_{a^{(2)}} J", lambda c: np.zeros((1, 1)), "transpose")
    ex(("dZ", 1), r"\nabla_{a^{(1)}} J = \nabla_{h^{(1)}} J", lambda c: c.dA[1], "no_derivative")
    ex(("dZ", 1), r"\nabla_{a^{(1)}} J = \nabla_{h^{(1)}} J \odot h^{(1)}", lambda c: c.dA[1] * c.A[1], "value")
    ex(("dW", 1), r"\nabla_{W^{(1)}} J = x \nabla_{a^{(1)}} J^T", lambda c: np.zeros((1, 1)), "transpose")
    ex(("dZ", 1), r"\nabla_{a^{(1)}} J = \nabla_{h^{(1)}} J \odot \mathbb{1}[a^{(2)} > 0]", lambda c: np.zeros((1, 1)), "layer")
    # CS229's notes, same network, the course notation
    cs = lambda target, text, f, key=None: claim(CS229, net, "ex", target, text, f, key)
    cs(("dZ", 2), r"\delta^{[2]} = \hat{y} - y", lambda c: c.A[2] - c.Y)
    cs(("dZ", 2), r"\frac{\partial \mathcal{L}}{\partial z^{[2]}} = \operatorname{softmax}(z^{[2]}) - y", lambda c: c.A[2] - c.Y)
    cs(("dW", 2), r"\frac{\partial \mathcal{L}}{\partial W^{[2]}} = \delta^{[2]} a^{[1]T}", lambda c: c.dZ[2] @ c.A[1].T)
    cs(("dZ", 1), r"\delta^{[1]} = (W^{[2]T} \delta^{[2]}) \odot \mathbb{1}\{z^{[1]} > 0\}", lambda c: (c.W[2].T @ c.dZ[2]) * (c.Z[1] > 0))
    cs(("dZ", 1), r"\delta^{[1]} = W^{[2]T} \delta^{[2]} * (z^{[1]} > 0)", lambda c: (c.W[2].T @ c.dZ[2]) * (c.Z[1] > 0))
    cs(("dA", 1), r"\nabla_{\mathbf{a}^{[1]}} \mathcal{L} = W^{[2]T} \delta^{[2]}", lambda c: c.W[2].T @ c.dZ[2])
    cs(("dW", 1), r"\nabla_{W^{[1]}} \mathcal{L} = \delta^{[1]} x^T", lambda c: c.dZ[1] @ c.X.T)
    cs(("dW", 2), r"\frac{\partial \mathcal{L}}{\partial W^{[2]}} = a^{[1]} \delta^{[2]T}", lambda c: np.zeros((1, 1)), "transpose")
    cs(("dZ", 1), r"\delta^{[1]} = (W^{[1]T} \delta^{[2]}) \odot \mathbb{1}\{z^{[1]} > 0\}", lambda c: np.zeros((1, 1)), "layer")
    cs(("dZ", 2), r"\delta^{[2]} = (\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})", lambda c: (c.A[2] - c.Y) * c.A[2] * (1 - c.A[2]), "extra_factor")


def cs231n():
    """Row layout (X is (m, n_x), Z = X W): CS231n's case study and seed 001's sigma(X W_1) W_2."""
    for net, source in ((ROW, SEED[1]), (ROW_BIAS, CS231N)):
        g = lambda target, text, f, key=None: claim(source, net, "grad", target, text, f, key)
        g(("dZ", 2), "dZ2 = softmax(Z2) - Y", lambda c: c.A[2] - c.Y)
        g(("dW", 2), "dW2 = np.dot(A1.T, dZ2) / m", lambda c: c.A[1].T @ c.dZ[2] / c.m)
        g(("dW", 2), "dW2 = A1.T @ (A2 - Y) / m", lambda c: c.A[1].T @ (c.A[2] - c.Y) / c.m)
        g(("dA", 1), "dA1 = np.dot(dZ2, W2.T)", lambda c: c.dZ[2] @ c.W[2].T)
        g(("dZ", 1), "dZ1 = dA1 * (Z1 > 0)", lambda c: c.dA[1] * (c.Z[1] > 0))
        g(("dZ", 1), "dZ1 = np.where(Z1 > 0, dA1, 0)", lambda c: np.where(c.Z[1] > 0, c.dA[1], 0))
        g(("dZ", 1), "dZ1 = np.dot(dZ2, W2.T) * (A1 > 0)", lambda c: c.dZ[2] @ c.W[2].T * (c.A[1] > 0))
        g(("dW", 1), "dW1 = np.dot(X.T, dZ1) / m", lambda c: c.X.T @ c.dZ[1] / c.m)
        g(("dW", 1), "dW1 = X.T @ (np.dot(dZ2, W2.T) * (Z1 > 0)) / X.shape[0]", lambda c: c.X.T @ c.dZ[1] / c.m)
        g(("dW", 2), "dW2 = np.dot(dZ2, A1.T) / m", lambda c: np.zeros((1, 1)), "transpose")
        g(("dW", 2), "dW2 = np.dot(A1.T, dZ2)", lambda c: c.A[1].T @ c.dZ[2], "1/m")
        g(("dA", 1), "dA1 = np.dot(dZ2, W2)", lambda c: np.zeros((1, 1)), "transpose")
        g(("dZ", 1), "dZ1 = dA1 * (Z2 > 0)", lambda c: np.zeros((1, 1)), "layer")
        g(("dW", 1), "dW1 = np.dot(A1.T, dZ1) / m", lambda c: np.zeros((1, 1)), "layer")
        g(("dZ", 1), "dZ1 = dA1 * A1 * (1 - A1)", lambda c: c.dA[1] * c.A[1] * (1 - c.A[1]), "wrong_activation")
        g(("dZ", 2), "dZ2 = Y - softmax(Z2)", lambda c: c.Y - c.A[2], "sign")
        g(("dZ", 1), "dZ1 = dA1", lambda c: c.dA[1], "no_derivative")
        g(("dZ", 1), "dZ1 = dA1 * A1", lambda c: c.dA[1] * c.A[1], "value")
    g = lambda target, text, f, key=None: claim(SEED[1], ROW, "grad", target, text, f, key)
    g(("dW", 2), r"\nabla_{W_2}\ell = A_1^T (\hat{Y} - Y) / N", lambda c: c.A[1].T @ (c.A[2] - c.Y) / c.m)
    g(("dW", 2), r"\nabla_{W_2}\ell = \frac{1}{m} \sigma(X W_1)^T (\hat{Y} - Y)", lambda c: np.maximum(c.X @ c.W[1], 0).T @ (c.A[2] - c.Y) / c.m)
    g(("dW", 1), r"\nabla_{W_1}\ell = \frac{1}{m} X^T ((\hat{Y} - Y) W_2^T \circ \mathbf{1}\{X W_1 > 0\})",
      lambda c: c.X.T @ ((c.A[2] - c.Y) @ c.W[2].T * (c.X @ c.W[1] > 0)) / c.m)
    g(("dW", 2), r"\nabla_{W_2}\ell = A_1^T (Y - \hat{Y}) / N", lambda c: c.A[1].T @ (c.Y - c.A[2]) / c.m, "sign")
    g(("dW", 2), r"\nabla_{W_2}\ell = A_1^T (\hat{Y} - Y)", lambda c: c.A[1].T @ (c.A[2] - c.Y), "1/m")
    g(("dW", 1), r"\nabla_{W_1}\ell = \frac{1}{m} X^T ((\hat{Y} - Y) W_2 \circ \mathbf{1}\{X W_1 > 0\})", lambda c: np.zeros((1, 1)), "transpose")
    b = lambda target, text, f, key=None: claim(CS231N, ROW_BIAS, "grad", target, text, f, key)
    b(("db", 2), "db2 = np.sum(dZ2, axis=0, keepdims=True) / m", lambda c: c.dZ[2].sum(axis=0, keepdims=True) / c.m)
    b(("db", 1), "db1 = np.sum(dZ1, axis=0, keepdims=True) / m", lambda c: c.dZ[1].sum(axis=0, keepdims=True) / c.m)
    b(("db", 2), "db2 = np.sum(dZ2, axis=0, keepdims=True)", lambda c: c.dZ[2].sum(axis=0, keepdims=True), "1/m")
    b(("db", 2), "db2 = -np.sum(dZ2, axis=0, keepdims=True) / m", lambda c: -c.dZ[2].sum(axis=0, keepdims=True) / c.m, "sign")


nielsen()
seed000()
goodfellow()
cs231n()


def later():
    """Written after the rest, as a check on notations the fixes had not seen (most passed at once)."""
    s = SEED2
    g = lambda source, net, target, text, f, key=None: claim(source, net, "grad", target, text, f, key)
    sg = lambda v: v * (1 - v)
    g(NG4, s, ("dW", 2), r"dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}", lambda c: c.dZ[2] @ c.A[1].T / c.m)  # graded at l = 1, 2, 3
    g(NG4, s, ("db", 3), r"db^{[l]} = \frac{1}{m} np.sum(dZ^{[l]}, axis=1, keepdims=True)", lambda c: c.dZ[3].sum(axis=1, keepdims=True) / c.m)
    g(NG4, s, ("dA", 2), r"dA^{[l-1]} = W^{[l]T} dZ^{[l]}", lambda c: c.W[3].T @ c.dZ[3])
    g(NG4, s, ("dZ", 2), r"dZ^{[l]} = dA^{[l]} * g^{[l]\prime}(Z^{[l]})", lambda c: c.dA[2] * sg(c.A[2]))
    g(NG4, s, ("dA", 2), r"dA^{[l-1]} = W^{[l]} dZ^{[l]}", lambda c: np.zeros((1, 1)), "transpose")
    g(NG4, s, ("dW", 2), "dW2 = dZ2.dot(A1.T) / m", lambda c: c.dZ[2] @ c.A[1].T / c.m)
    g(NG4, s, ("dW", 1), r"dW^{[1]} = \frac{1}{m} dZ^{[1]} \cdot X^T", lambda c: c.dZ[1] @ c.X.T / c.m)
    g(NG4, s, ("dW", 1), r"\frac{\partial J}{\partial W^{[1]}} = \frac{1}{m} \left( W^{[2]T} dZ^{[2]} \odot (A^{[1]} \odot (1 - A^{[1]})) \right) X^{T}",
      lambda c: (c.W[2].T @ c.dZ[2] * sg(c.A[1])) @ c.X.T / c.m)
    g(NG4, s, ("dA", 3), "dA3 = -(Y / A3) + (1 - Y) / (1 - A3)", lambda c: -(c.Y / c.A[3]) + (1 - c.Y) / (1 - c.A[3]))
    g(NG4, s, ("dA", 3), "dA3 = -(np.divide(Y, A3) - np.divide(1 - Y, 1 - A3))", lambda c: -(c.Y / c.A[3] - (1 - c.Y) / (1 - c.A[3])))
    ex = lambda source, net, target, text, f, key=None: claim(source, net, "ex", target, text, f, key)
    ex(SEED[3], s, ("dZ", 2), r"dz^{[2]} = W^{[3]T} dz^{[3]} .* a^{[2]} .* (1 - a^{[2]})", lambda c: c.W[3].T @ c.dZ[3] * sg(c.A[2]))
    ex(SEED[3], s, ("dZ", 3), r"dz^{[3]} = a^{[3]} - y", lambda c: c.A[3] - c.Y)
    ex(SEED[3], s, ("dW", 3), r"dW^{[3]} = dz^{[3]} a^{[2]T}", lambda c: c.dZ[3] @ c.A[2].T)
    ex(SEED[3], s, ("db", 3), r"db^{[3]} = dz^{[3]}", lambda c: c.dZ[3])
    ex(SEED[3], s, ("dZ", 2), r"dz^{[2]} = W^{[3]T} dz^{[3]} * g^{[2]'}(z^{[2]})", lambda c: c.W[3].T @ c.dZ[3] * sg(c.A[2]))
    ex(CS229, s, ("dZ", 2), r"\delta^{[2]} = W^{[3]T} \delta^{[3]} \odot \sigma'(z^{[2]})", lambda c: c.W[3].T @ c.dZ[3] * sg(c.A[2]))
    ex(CS229, s, ("dZ", 2), r"\delta^{[2]} = W^{[3]} \delta^{[3]} \odot \sigma'(z^{[2]})", lambda c: np.zeros((1, 1)), "transpose")
    ex(SEED[2], s, ("dA", 3), r"\frac{\partial L}{\partial a^{[3]}} = -\frac{y}{a^{[3]}} + \frac{1 - y}{1 - a^{[3]}}", lambda c: -c.Y / c.A[3] + (1 - c.Y) / (1 - c.A[3]))
    ex(SEED[2], s, ("dZ", 3), r"\frac{\partial L}{\partial z^{[3]}} = -\frac{y}{a^{[3]}} + \frac{1 - y}{1 - a^{[3]}}", lambda c: -c.Y / c.A[3] + (1 - c.Y) / (1 - c.A[3]),
       "no_derivative")
    ex(SEED[2], s, ("dW", 2), r"\frac{\partial L}{\partial w^{[2]}_{jk}} = \delta^{[2]}_j a^{[1]}_k", lambda c: c.dZ[2] @ c.A[1].T)
    ex(SEED[2], s, ("dW", 2), r"\frac{\partial L}{\partial w^{[2]}_{jk}} = \delta^{[2]}_k a^{[1]}_j", lambda c: c.dZ[2].T * c.A[1], "unit")
    claim(SEED[2], s, "entry", ("db", 1, (2, 1)), r"\frac{\partial L}{\partial b^{[1]}_2} = \delta^{[1]}_2", lambda c: c.dZ[1][1, 0])
    claim(SEED[2], s, "entry", ("db", 1, (2, 1)), r"\frac{\partial L}{\partial b^{[1]}_2} = \delta^{[1]}_1", lambda c: c.dZ[1][0, 0], "unit")
    m = MULTI
    ex(CS229, m, ("dZ", 2), r"\frac{\partial \mathcal{L}}{\partial z^{[2]}_j} = a^{[2]}_j - y_j", lambda c: c.A[2] - c.Y)
    ex(CS229, m, ("dZ", 2), r"\frac{\partial L}{\partial \mathbf{z}^{[2]}} = \mathbf{a}^{[2]} - \mathbf{y}", lambda c: c.A[2] - c.Y)
    ex(CS229, m, ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = (W^{[2]})^T (\mathbf{a}^{[2]} - \mathbf{y}) \odot \mathbb{1}(\mathbf{z}^{[1]} > 0)",
       lambda c: c.W[2].T @ (c.A[2] - c.Y) * (c.Z[1] > 0))
    g(CS229, m, ("dZ", 1), r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot g'(Z^{[1]})", lambda c: c.W[2].T @ c.dZ[2] * (c.Z[1] > 0))
    g(CS229, m, ("dZ", 1), r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \operatorname{ReLU}'(Z^{[1]})", lambda c: c.W[2].T @ c.dZ[2] * (c.Z[1] > 0))
    g(CS229, m, ("dZ", 1), "dZ1 = np.dot(W2.T, dZ2) * np.where(Z1 > 0, 1, 0)", lambda c: c.W[2].T @ c.dZ[2] * (c.Z[1] > 0))
    g(CS229, m, ("dZ", 1), "dZ1 = np.dot(W2.T, dZ2) * (A1 > 0)", lambda c: c.W[2].T @ c.dZ[2] * (c.A[1] > 0))
    g(CS229, m, ("dZ", 1), "dZ1 = np.dot(W2.T, dZ2) * (Z1 >= 0)", lambda c: c.W[2].T @ c.dZ[2] * (c.Z[1] >= 0))
    p = PLANAR
    g(NG, p, ("dZ", 1), "dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))", lambda c: c.W[2].T @ c.dZ[2] * (1 - c.A[1] ** 2))
    g(NG, p, ("dW", 1), "dW1 = (1 / m) * np.dot(dZ1, X.T)", lambda c: c.dZ[1] @ c.X.T / c.m)
    g(NG, p, ("db", 1), "db1 = (1 / m) * np.sum(dZ1, axis = 1, keepdims = True)", lambda c: c.dZ[1].sum(axis=1, keepdims=True) / c.m)
    g(NG, p, ("dZ", 1), "dZ1 = W2.T @ dZ2 * (1 - np.tanh(Z1) ** 2)", lambda c: c.W[2].T @ c.dZ[2] * (1 - np.tanh(c.Z[1]) ** 2))
    g(NG, p, ("dZ", 1), r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * (1 - \tanh(Z^{[1]})^2)", lambda c: c.W[2].T @ c.dZ[2] * (1 - np.tanh(c.Z[1]) ** 2))
    # identities in z (seeds 003, 004): the activations' derivatives
    ident = lambda source, net, name, text, f, key=None: claim(source, net, "identity", name, text, f, key)
    ident(SEED[4], s, "sigmoid", r"\sigma'(z) = \sigma(z)(1 - \sigma(z))", lambda z: sigmoid(z) * (1 - sigmoid(z)))
    ident(SEED[4], s, "sigmoid", r"\sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}", lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    ident(SEED[4], s, "sigmoid", r"g'(z) = g(z)(1 - g(z))", lambda z: sigmoid(z) * (1 - sigmoid(z)))
    ident(SEED[4], s, "sigmoid", r"\sigma'(z) = -\sigma(z)(1 - \sigma(z))", lambda z: -sigmoid(z) * (1 - sigmoid(z)), "sign")
    ident(SEED[3], p, "tanh", r"\tanh'(z) = 1 - \tanh^2(z)", lambda z: 1 - np.tanh(z) ** 2)
    ident(SEED[3], p, "tanh", r"\tanh'(z) = 1 - \tanh(z)^2", lambda z: 1 - np.tanh(z) ** 2)
    ident(SEED[3], p, "tanh", r"\tanh'(z) = 2(1 - \tanh^2(z))", lambda z: 2 * (1 - np.tanh(z) ** 2), "constant")
    ident(SEED[4], m, "relu", r"\operatorname{ReLU}'(z) = \mathbf{1}\{z > 0\}", lambda z: (z > 0) * 1.0)
    ident(SEED[4], m, "relu", r"\operatorname{ReLU}'(z) = -\mathbf{1}\{z > 0\}", lambda z: -1.0 * (z > 0), "sign")


later()


def second_batch():
    """A second check on unseen notations: 25 of 29 were read and graded as expected at once."""
    p, r, s = PLANAR, ROW, SEED2
    g = lambda source, net, target, text, f, key=None: claim(source, net, "grad", target, text, f, key)
    g(NG, p, ("dW", 2), r"\frac{\partial \mathcal{J}}{\partial W^{[2]}} = \frac{1}{m} (A^{[2]} - Y) (A^{[1]})^{\top}", lambda c: (c.A[2] - c.Y) @ c.A[1].T / c.m)
    g(NG, p, ("dZ", 1), r"dZ^{[1]} = W^{[2]\top} dZ^{[2]} * (1 - A^{[1]} * A^{[1]})", lambda c: c.W[2].T @ c.dZ[2] * (1 - c.A[1] ** 2))
    g(NG, p, ("db", 1), "db1 = dZ1.sum(axis=1).reshape(-1, 1) / m", lambda c: c.dZ[1].sum(axis=1, keepdims=True) / c.m)
    g(NG, p, ("dW", 2), "dW2 = (1. / m) * dZ2 @ A1.T", lambda c: c.dZ[2] @ c.A[1].T / c.m)
    g(CS231N, r, ("dW", 2), "dW2 = A1.T.dot(A2 - Y) / m", lambda c: c.A[1].T @ (c.A[2] - c.Y) / c.m)
    g(CS231N, r, ("dA", 1), "dA1 = (A2 - Y).dot(W2.T)", lambda c: (c.A[2] - c.Y) @ c.W[2].T)
    g(CS231N, r, ("dZ", 1), "dZ1 = dA1 * np.heaviside(Z1, 0)", lambda c: c.dA[1] * (c.Z[1] > 0))
    g(CS231N, r, ("dZ", 1), "dZ1 = dA1 * np.heaviside(Z2, 0)", lambda c: np.zeros((1, 1)), "layer")
    g(SEED[1], r, ("dW", 1), r"\frac{\partial \ell}{\partial W_1} = \frac{1}{m} X^T \left( (S - I_y) W_2^T \circ \mathbb{1}\{X W_1 > 0\} \right)",
      lambda c: c.X.T @ ((c.A[2] - c.Y) @ c.W[2].T * (c.X @ c.W[1] > 0)) / c.m)
    g(SEED[1], r, ("dW", 2), r"\frac{\partial \ell}{\partial W_2} = \frac{1}{m} \sigma(X W_1)^T (I_y - S)", lambda c: -np.maximum(c.X @ c.W[1], 0).T @ (c.A[2] - c.Y) / c.m,
      "sign")
    ex = lambda source, net, target, text, f, key=None: claim(source, net, "ex", target, text, f, key)
    ex(SEED[2], s, ("dW", 1), r"\frac{\partial L}{\partial W^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}} \otimes \mathbf{x}", lambda c: c.dZ[1] @ c.X.T)
    ex(SEED[2], s, ("dW", 1), r"\frac{\partial L}{\partial W^{[1]}} = \mathbf{x} \otimes \frac{\partial L}{\partial \mathbf{z}^{[1]}}", lambda c: np.zeros((1, 1)), "transpose")
    ex(SEED[2], s, ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \left( (W^{[2]})^T \frac{\partial L}{\partial \mathbf{z}^{[2]}} \right) \circ \sigma'(\mathbf{z}^{[1]})",
       lambda c: c.W[2].T @ c.dZ[2] * c.gp[1](c.Z[1]))
    claim(SEED[2], s, "entry", ("dW", 2, (2, 1)), r"\frac{\partial L}{\partial w_{2,1}^{[2]}} = \frac{\partial L}{\partial z_2^{[2]}} a_1^{[1]}", lambda c: c.dZ[2][1, 0] * c.A[1][0, 0])
    claim(SEED[2], s, "entry", ("dW", 2, (2, 1)), r"\frac{\partial L}{\partial w_{2,1}^{[2]}} = \frac{\partial L}{\partial z_1^{[2]}} a_2^{[1]}", lambda c: c.dZ[2][0, 0] * c.A[1][1, 0], "unit")
    ex(SEED[2], s, ("dA", 3), r"\frac{\partial L}{\partial a^{[3]}} = \frac{a^{[3]} - y}{a^{[3]}(1 - a^{[3]})}", lambda c: (c.A[3] - c.Y) / (c.A[3] * (1 - c.A[3])))
    claim(SEED[2], s, "jac", (("a", 3, None), ("z", 3, None)), r"\frac{\partial a^{[3]}}{\partial z^{[3]}} = a^{[3]}(1 - a^{[3]})", lambda c: c.A[3] * (1 - c.A[3]))


second_batch()
