"""An independent reference for the tests: the network's loss written out in full, straight from the
textbook definitions, with SymPy's own `diff` as the source of expected gradients.

Nothing here imports symnn's rules or derivation; only the symbol *names* are shared (they are the
documented contract: w{l}_{row}_{col}, b{l}_{j}, a{l}_{j}, z{l}_{j}, x{k}, y or y{j}).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

PRECISION = 50


def sigmoid(t):
    return 1 / (1 + sp.exp(-t))


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": sp.tanh,
    "relu": lambda t: sp.Max(0, t),
    "leaky_relu(0.1)": lambda t: sp.Max(t, t / 10),
    "linear": lambda t: t,
    "log(1 + exp(z))": lambda t: sp.log(1 + sp.exp(t)),
    "z/(1 + abs(z))": lambda t: t / (1 + sp.Piecewise((t, t >= 0), (-t, True))),
}


def softmax(zs):
    total = sum(sp.exp(t) for t in zs)
    return [sp.exp(t) / total for t in zs]


LOSSES = {
    "bce": lambda a, y: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
    "half_se": lambda a, y: (a - y) ** 2 / 2,
    "cce": lambda a, y: -y * sp.log(a),
}


@dataclass
class ReferenceNetwork:
    sizes: tuple[int, ...]
    activations: list[str]  # keys of ACTIVATIONS, or "softmax" for the output
    loss: str
    layout: str = "column"
    bias: bool = True

    def weight(self, layer, j, k):
        row, col = (j, k) if self.layout == "column" else (k, j)
        return sp.Symbol(f"w{layer}_{row}_{col}")

    def parameters(self):
        params = []
        for layer in range(1, len(self.sizes)):
            for j in range(1, self.sizes[layer] + 1):
                params += [self.weight(layer, j, k) for k in range(1, self.sizes[layer - 1] + 1)]
                if self.bias:
                    params.append(sp.Symbol(f"b{layer}_{j}"))
        return params

    def inputs(self, example=""):
        return [sp.Symbol(f"x{k}{example}") for k in range(1, self.sizes[0] + 1)]

    def targets(self, example=""):
        n = self.sizes[-1]
        return [sp.Symbol(f"y{example}")] if n == 1 else [sp.Symbol(f"y{j}{example}") for j in range(1, n + 1)]

    def forward(self, inputs):
        """[(zs, outputs)] per layer, as expressions in the inputs and parameters."""
        values, layers = list(inputs), []
        for layer in range(1, len(self.sizes)):
            zs = []
            for j in range(1, self.sizes[layer] + 1):
                total = sum(self.weight(layer, j, k) * values[k - 1] for k in range(1, self.sizes[layer - 1] + 1))
                zs.append(total + sp.Symbol(f"b{layer}_{j}") if self.bias else total)
            name = self.activations[layer - 1]
            outputs = softmax(zs) if name == "softmax" else [ACTIVATIONS[name](t) for t in zs]
            layers.append((zs, outputs))
            values = outputs
        return layers

    def loss_expression(self, example=""):
        """The per-example loss, fully expanded in inputs, targets and parameters."""
        outputs = self.forward(self.inputs(example))[-1][1]
        return sum(LOSSES[self.loss](a, y) for a, y in zip(outputs, self.targets(example)))

    def random_point(self, seed, examples=("",)):
        """Exact rational values for parameters, inputs and valid targets."""
        rng = random.Random(seed)
        point = {p: sp.Rational(rng.randint(-90, 90), 50) for p in self.parameters()}
        for example in examples:
            point.update({x: sp.Rational(rng.randint(-100, 100), 50) for x in self.inputs(example)})
            targets = self.targets(example)
            if self.loss == "cce":
                hot = rng.randrange(len(targets))
                point.update({t: sp.Integer(i == hot) for i, t in enumerate(targets)})
            elif self.loss == "bce":
                point.update({t: sp.Integer(rng.randint(0, 1)) for t in targets})
            else:
                point.update({t: sp.Rational(rng.randint(-100, 100), 50) for t in targets})
        return point

    def unit_values(self, point, example=""):
        """Numeric a{l}_{j} and z{l}_{j} (and x, y) of one example, for substituting into closed forms."""
        values = {}
        for k, x in enumerate(self.inputs(example), start=1):
            values[sp.Symbol(f"x{k}")] = point[x]
        for j, y in enumerate(self.targets(example), start=1):
            values[sp.Symbol("y" if len(self.targets()) == 1 else f"y{j}")] = point[y]
        for layer, (zs, outputs) in enumerate(self.forward(self.inputs(example)), start=1):
            for j, (zj, aj) in enumerate(zip(zs, outputs), start=1):
                values[sp.Symbol(f"z{layer}_{j}")] = sp.N(zj.xreplace(point), PRECISION)
                values[sp.Symbol(f"a{layer}_{j}")] = sp.N(aj.xreplace(point), PRECISION)
        values.update({p: point[p] for p in self.parameters()})
        return values


def evaluate(expression, values) -> sp.Float:
    return sp.N(expression.xreplace(values), PRECISION)


def close(left, right, digits=40) -> bool:
    left, right = sp.N(left, PRECISION), sp.N(right, PRECISION)
    scale = max(abs(left), abs(right), sp.Float(1))
    return abs(left - right) <= scale * sp.Float(10) ** -digits


def central_difference(loss, parameter, point, step=1e-6) -> float:
    """d loss / d parameter by central differences in float64."""
    f = sp.lambdify(list(point), loss, modules=[{"Heaviside": lambda t: float(t > 0)}, "math"])
    base = {str(k): float(v) for k, v in point.items()}
    plus, minus = dict(base), dict(base)
    plus[str(parameter)] += step
    minus[str(parameter)] -= step
    keys = [str(k) for k in point]
    return (f(*[plus[k] for k in keys]) - f(*[minus[k] for k in keys])) / (2 * step)


