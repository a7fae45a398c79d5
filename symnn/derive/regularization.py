"""L2 regularisation and inverted dropout, per weight and vectorised, proved like the plain network.

Per weight (`DropoutDerivation`, and `l2_gradient`):

- L2 belongs to the cost, not to one example's loss: dJ/dw^{[l]}_{jk} = factor sum_i dL^{(i)}/dw^{[l]}_{jk}
  + d/dw (factor lambda/2 w^2), the second term SymPy's diff of the penalty (lambda/m w for the mean,
  lambda w for the sum). Biases get no penalty.
- Dropout multiplies each hidden unit's activation, where the next layer reads it, by d^{[l]}_j / p
  (a fixed 0/1 mask entry and the keep probability p = keep_prob). a^{[l]}_j stays the unit's own
  activation g(z^{[l]}_j); the next layer reads (d^{[l]}_j / p) a^{[l]}_j. So dz^{[l+1]}/da^{[l]} has
  the columns of W^{[l+1]} times d^{[l]}_j / p, the delta recursion gains that factor,
  delta^{[l]}_j = g'(z^{[l]}_j) (d^{[l]}_j / p) sum_i w^{[l+1]}_{ij} delta^{[l+1]}_i, and a weight's
  gradient reads the kept input (d^{[l-1]}_k / p) a^{[l-1]}_k. The hooks are in `perweight.py`.

Vectorised (`derive_regularized`), in the order the course's functions compute them:

- `cost`: J = (the plain cost) + factor lambda/2 sum_l SumEntries(W^{[l]} o W^{[l]})
  (`compute_cost_with_regularization`);
- `l2_backward`: the plain backward pass with dW^{[l]} = factor dZ A^T + factor lambda W^{[l]}
  (`backward_propagation_with_regularization`);
- `dropout_forward`: per layer Z, A = g(Z), and for a hidden layer the mask D^{[l]} and
  A^{[l]} := (1/p) A^{[l]} o D^{[l]} (role "keep"), which the course's cache stores
  (`forward_propagation_with_dropout`);
- `dropout_backward`: dA^{[l]} = W^T dZ, then dA^{[l]} := (1/p) dA^{[l]} o D^{[l]} (role "drop"), then
  dZ^{[l]} = dA^{[l]} o g'(.) with g' through g(Z), because the cached A is the masked one
  (`backward_propagation_with_dropout`).

`proof` checks every one of them entry by entry against the per-weight forms, on the same small
instance as `matrixproof.py` (the masks and p, lambda stay symbols).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit
from ..rules.regularization import KEEP_PROB, LAMBDA, keep_factor, l2_penalty_gradient, l2_penalty_term, mask
from ..spec import NetworkSpec
from .matrix import A_VAR, COST, Z_VAR, MatrixDerivation, MatrixEquation, derive_matrix, lift
from .matrixnodes import SumEntries
from .matrixproof import EXAMPLES, SECONDS, MatrixProof, _Checker, equal, small_instance
from .perweight import NetworkDerivation

_MASK = re.compile(r"d\d+_\d+")


class DropoutDerivation(NetworkDerivation):
    """The per-weight derivation with every hidden unit's activation multiplied by d^{[l]}_j / p."""

    def keep_factor(self, layer: int, j: int) -> sp.Expr:
        return keep_factor(layer, j) if 1 <= layer < self.spec.depth else sp.Integer(1)

    def constants(self) -> dict:
        """p from the spec and a fixed mask that keeps some units and drops others (a numeric check
        with dropout holds the mask fixed, as the course's gradient check does)."""
        values = {KEEP_PROB: self.spec.dropout}
        for layer in range(1, self.spec.depth):
            for j in self.units(layer):
                values[mask(layer, j)] = 0.0 if (layer + j) % 3 == 0 else 1.0
        return values


def l2_gradient(derivation: NetworkDerivation, layer: int, j: int, k: int) -> sp.Expr:
    """d/dw^{[l]}_{jk} of the L2 penalty: factor lambda w (SymPy's diff of factor lambda/2 w^2)."""
    return l2_penalty_gradient(derivation.notation.w(layer, j, k), derivation.reduction_factor)


def l2_penalty(derivation: NetworkDerivation) -> sp.Expr:
    """factor lambda/2 sum of every weight squared (for small networks: it lists every weight)."""
    n = derivation.notation
    return sp.Add(*[l2_penalty_term(n.w(l, j, k), derivation.reduction_factor)
                    for l, j, k in derivation.parameters() if k is not None])


@dataclass
class RegularizedMatrix:
    spec: NetworkSpec
    base: MatrixDerivation
    cost: MatrixEquation | None  # J with the L2 penalty
    penalty: sp.Expr | None  # factor lambda/2 sum_l SumEntries(W o W)
    l2_backward: tuple[MatrixEquation, ...]
    dropout_forward: tuple[MatrixEquation, ...]
    dropout_backward: tuple[MatrixEquation, ...]
    latex_names: dict

    @cached_property
    def proof(self) -> MatrixProof:
        return prove_regularized(self.spec)

    def mask_symbol(self, layer: int) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(f"D{layer}", *self.base.equation(f"A{layer}").shape)


def derive_regularized(spec: NetworkSpec, base: MatrixDerivation | None = None) -> RegularizedMatrix | None:
    """The course's regularised equations for a spec with --l2 or --dropout (None for neither)."""
    if spec.l2 is None and spec.dropout is None:
        return None
    base = base if base is not None else derive_matrix(spec, prove=False)
    names = dict(base.latex_names)
    names[LAMBDA], names[KEEP_PROB] = r"\lambda", "p"
    cost = penalty = None
    l2_backward = dropout_forward = dropout_backward = ()
    if spec.l2 is not None:
        penalty, cost, l2_backward = _l2_equations(base)
    if spec.dropout is not None:
        dropout_forward, dropout_backward = _dropout_equations(base, names)
    return RegularizedMatrix(spec, base, cost, penalty, l2_backward, dropout_forward, dropout_backward, names)


def _weights(base: MatrixDerivation) -> list[sp.MatrixSymbol]:
    return [sp.MatrixSymbol(f"W{l}", *base.equation(f"dW{l}").shape) for l in range(1, base.spec.depth + 1)]


def _l2_equations(base: MatrixDerivation):
    factor = base.reduction_factor
    weights = _weights(base)
    penalty = factor * LAMBDA / 2 * sp.Add(*[SumEntries(sp.HadamardProduct(W, W)) for W in weights])
    plain = base.equation("J")
    cost = MatrixEquation("J", COST, plain.rhs + penalty, plain.shape, "cost", "J", None)
    backward = []
    for equation in base.of_kind("backward"):
        if equation.role == "dW":
            W = weights[equation.layer - 1]
            equation = replace(equation, rhs=sp.MatAdd(equation.rhs, factor * LAMBDA * W))
        backward.append(equation)
    return penalty, cost, tuple(backward)


def _dropout_equations(base: MatrixDerivation, names: dict):
    spec, depth = base.spec, base.spec.depth
    forward = []
    for layer in range(1, depth + 1):
        forward += [base.equation(f"Z{layer}"), base.equation(f"A{layer}")]
        if layer < depth:
            A = base.equation(f"A{layer}").target
            D = sp.MatrixSymbol(f"D{layer}", *A.shape)
            names[D] = f"D^{{[{layer}]}}"
            forward.append(MatrixEquation(A.name, A, (1 / KEEP_PROB) * sp.HadamardProduct(A, D), A.shape,
                                          "forward", "keep", layer))
    backward = []
    for equation in base.of_kind("backward"):
        layer = equation.layer
        if equation.role == "dZ" and layer < depth:
            dA = base.equation(f"dA{layer}").target
            D = sp.MatrixSymbol(f"D{layer}", *dA.shape)
            backward.append(MatrixEquation(dA.name, dA, (1 / KEEP_PROB) * sp.HadamardProduct(dA, D), dA.shape,
                                           "backward", "drop", layer))
            equation = replace(equation, rhs=_through_z(base, layer, dA))
        backward.append(equation)
    return tuple(forward), tuple(backward)


def _through_z(base: MatrixDerivation, layer: int, dA: sp.MatrixSymbol):
    """dZ = dA o g'(.) with g' written through Z: the cache holds the masked A, not g(Z)."""
    rule = base.spec.activations[layer - 1]
    Z = base.equation(f"Z{layer}").target
    derivative = rule.derivative
    if rule.derivative_in_output is not None:  # sigmoid's a(1 - a) with a = g(z): no exp(-z)^2 to overflow
        derivative = rule.derivative_in_output.xreplace({A_VAR: rule.forward})
    slope = lift(derivative, {Z_VAR: Z})
    if slope == sp.Integer(1):
        return dA
    return sp.HadamardProduct(dA, slope) if isinstance(slope, sp.MatrixExpr) else slope * dA


# --- the proof: every regularised equation against the per-weight forms, on the small instance ---
def prove_regularized(spec: NetworkSpec) -> MatrixProof:
    small = small_instance(spec)
    matrices = derive_regularized(small)
    instance = f"{small.command_line()} with m = {EXAMPLES}"
    checked, failures = [], []
    try:
        with time_limit(SECONDS, "proving the regularised equations"):
            for label, equations in _sequences(matrices):
                perweight = DropoutDerivation(small) if label == "dropout" else NetworkDerivation(small)
                checker = _RegularizedChecker(matrices, perweight, label == "l2")
                for equation in equations:
                    problem = checker.check(equation)
                    name = f"{equation.name} ({label}{', ' + equation.role if equation.role in ('keep', 'drop') else ''})"
                    (failures.append(f"{name}: {problem}") if problem else checked.append(name))
    except LimitExceeded as exc:
        return MatrixProof("unproved", instance, tuple(checked), tuple(failures), str(exc))
    return MatrixProof("failed" if failures else "proved", instance, tuple(checked), tuple(failures))


def _sequences(matrices: RegularizedMatrix):
    if matrices.cost is not None:
        yield "l2", (matrices.cost,) + matrices.l2_backward
    if matrices.dropout_forward:
        yield "dropout", matrices.dropout_forward + (matrices.base.equation("J"),) + matrices.dropout_backward


class _RegularizedChecker(_Checker):
    def __init__(self, matrices: RegularizedMatrix, perweight: NetworkDerivation, l2: bool):
        super().__init__(matrices.base, perweight)
        self.l2 = l2
        for layer in range(1, self.spec.depth):
            self.env[f"D{layer}"] = self._by_examples([mask(layer, j) for j in perweight.units(layer)])

    def at_example(self, expression, example):
        masks = {s: self.per_example(s, example) for s in expression.free_symbols if _MASK.fullmatch(s.name)}
        return super().at_example(expression, example).xreplace(masks)

    def expected(self, equation):
        pw, n, layer = self.perweight, self.perweight.notation, equation.layer
        if equation.role == "keep":
            return self.unit_matrix(lambda j, i: self.at_example(pw.kept(layer, j), i), layer)
        if equation.role == "drop":
            below = pw.deltas[layer + 1]
            return self.unit_matrix(lambda j, i: self.at_example(
                pw.keep_factor(layer, j) * sum(n.w(layer + 1, d.unit, j) * d.symbol for d in below), i), layer)
        expected = super().expected(equation)
        factor = pw.reduction_factor.xreplace(self.dims)
        if self.l2 and equation.role == "J":
            return expected + l2_penalty(pw).xreplace(self.dims)
        if self.l2 and equation.role == "dW":
            for l, j, k in pw.parameters():
                if l == layer and k is not None:
                    row, column = n.weight_position(j, k)
                    expected[row - 1, column - 1] += l2_penalty_gradient(n.w(l, j, k), factor)
        if equation.role == "dZ" and layer < self.spec.depth and isinstance(pw, DropoutDerivation):
            rule = self.spec.activations[layer - 1]  # the code's g' is through g(Z): a^{[l]}_j = g(z^{[l]}_j)
            outputs = {self.per_example(n.a(layer, j), i): rule.apply(self.per_example(n.z(layer, j), i))
                       for j in pw.units(layer) for i in range(EXAMPLES)}
            expected = expected.xreplace(outputs)
        return expected
