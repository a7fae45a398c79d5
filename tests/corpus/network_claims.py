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
