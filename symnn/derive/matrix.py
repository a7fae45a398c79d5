"""The vectorised (matrix-form) backprop equations for a whole batch of m examples, with shapes.

`derive_matrix(spec)` returns a `MatrixDerivation`, plain data:

- `equations`: `MatrixEquation`s in the order a program computes them. Each has a `name` (`Z1`,
  `A1`, `J`, `dA2`, `dZ2`, `dW2`, `db2`, `dA1`, `dZ1`, ...), a `target` (a SymPy `MatrixSymbol`, or
  the Symbol J), a right-hand side `rhs` (a SymPy matrix expression over `MatrixSymbol`s whose shapes
  are the symbols n_x, n1, n2, ..., m), its `shape`, its `kind` (forward / cost / backward), its `role`
  (Z, A, J, dA, dZ, dW, db) and its `layer`.
- The column layout (X is (n_x, m)): Z = W A + b 1^T, dW = 1/m dZ A^T, db = 1/m dZ 1, dA = W^T dZ.
  The row layout (X is (m, n_x)): Z = A W + 1 b, dW = 1/m A^T dZ, db = 1/m 1^T dZ, dA = dZ W^T.
  (1/m is the reduction factor: 1 for a summed cost.)
- g(Z) and g'(.) are the activation rules lifted entry by entry (`matrixnodes.Elementwise`); g' is
  written through A where SymPy found such a form (`Activation.derivative_in_output`), else through Z.
- dZ^{[L]} is SymPy's fused output gradient where it simplifies (`output_fused` is then True and
  `unfused_output` keeps the product dA^{[L]} o g'(.) it replaced); otherwise dA^{[L]} is an equation
  and dZ^{[L]} is the product (through the softmax Jacobian for a softmax output).
- `proof`: every equation compared symbolically with the per-weight gradients of `derive/perweight.py`
  on a small instance of the same spec (see `matrixproof.py`).
"""
from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..rules.activations import Softmax
from ..rules.activations import z as ACTIVATION_Z
from ..rules.fused import fused_output_gradient
from ..spec import NetworkSpec
from .matrixnodes import Elementwise, SumEntries, UnitSoftmax, ones_column, ones_row

# Naming in one place: the courses' code names and their LaTeX.
NAMES = {
    "W": ("W{l}", "W^{{[{l}]}}"),
    "b": ("b{l}", "b^{{[{l}]}}"),
    "Z": ("Z{l}", "Z^{{[{l}]}}"),
    "A": ("A{l}", "A^{{[{l}]}}"),
    "dZ": ("dZ{l}", "dZ^{{[{l}]}}"),
    "dA": ("dA{l}", "dA^{{[{l}]}}"),
    "dW": ("dW{l}", "dW^{{[{l}]}}"),
    "db": ("db{l}", "db^{{[{l}]}}"),
}
M = sp.Symbol("m")  # the number of examples (the same symbol as the per-weight reduction factor)
COST = sp.Symbol("J")
# scalar variables of the rules, as the rules write them
A_VAR, Y_VAR = sp.Symbol("a"), sp.Symbol("y")
Z_VAR = ACTIVATION_Z  # the rules' own z (declared real), so lifted formulas match it
DA_VAR = sp.Symbol("da")


@dataclass(frozen=True)
class MatrixEquation:
    name: str
    target: sp.Basic  # MatrixSymbol, or the Symbol J for the cost
    rhs: sp.Basic
    shape: tuple  # symbolic, e.g. (n1, m); (1, 1) for the cost
    kind: str  # "forward", "cost" or "backward"
    role: str  # "Z", "A", "J", "dA", "dZ", "dW", "db"
    layer: int | None


@dataclass
class MatrixDerivation:
    spec: NetworkSpec
    equations: tuple[MatrixEquation, ...]
    output_fused: bool
    unfused_output: tuple[MatrixEquation, ...]  # dA^{[L]} and dZ^{[L]} = dA^{[L]} o g'(.) before fusing
    latex_names: dict
    reduction_factor: sp.Expr

    def equation(self, name: str) -> MatrixEquation:
        """The equation called `name`: `dW1`, or as the sheets write it, `dW^{[1]}` (a SymnnError and
        KeyError listing the equations otherwise)."""
        for equation in self.equations:
            if equation.name == name:
                return equation
        from ..lookup import equation_name, unknown_equation

        plain = equation_name(name)
        for equation in self.equations:
            if equation.name == plain:
                return equation
        raise unknown_equation(name, self.equations, self.spec)

    def of_kind(self, kind: str) -> list[MatrixEquation]:
        return [e for e in self.equations if e.kind == kind]

    def names_read(self, kind: str) -> set[str]:
        """The matrices that the equations of one kind read (which cache entries backward needs)."""
        return {s.name for e in self.of_kind(kind) for s in e.rhs.atoms(sp.MatrixSymbol)}

    @cached_property
    def proof(self):
        """The symbolic check against the per-weight gradients (a `MatrixProof`)."""
        from .matrixproof import prove_matrix_equations

        return prove_matrix_equations(self)

    def shape_values(self, shape: tuple, m: int | None = None) -> tuple:
        """A symbolic shape with this spec's widths (and m, if given) put in."""
        values = {width_symbol(l): n for l, n in enumerate(self.spec.sizes)}
        if m is not None:
            values[M] = m
        return tuple(sp.sympify(s).xreplace(values) for s in shape)


def width_symbol(layer: int) -> sp.Symbol:
    """n_x for the input, n1, n2, ... (n^{[l]}) for the layers."""
    return sp.Symbol("n_x") if layer == 0 else sp.Symbol(f"n{layer}")


def width_latex(layer: int) -> str:
    return "n_x" if layer == 0 else f"n^{{[{layer}]}}"


class _Builder:
    """Makes the matrix symbols of one spec and the equations over them."""

    def __init__(self, spec: NetworkSpec):
        self.spec = spec
        self.column = spec.layout == "column"
        self.latex: dict = {M: "m", COST: "J"}
        for layer in range(len(spec.sizes)):
            self.latex[width_symbol(layer)] = width_latex(layer)

    def _named(self, name: str, latex: str, rows, columns) -> sp.MatrixSymbol:
        symbol = sp.MatrixSymbol(name, rows, columns)
        self.latex[symbol] = latex
        return symbol

    def by_examples(self, layer: int) -> tuple:
        """(units, m) in the column layout, (m, units) in the row layout."""
        width = width_symbol(layer)
        return (width, M) if self.column else (M, width)

    def matrix(self, kind: str, layer: int) -> sp.MatrixSymbol:
        if kind == "A" and layer == 0:
            return self.X
        name, latex = (pattern.format(l=layer) for pattern in NAMES[kind])
        if kind in ("W", "dW"):
            rows, columns = width_symbol(layer), width_symbol(layer - 1)
            shape = (rows, columns) if self.column else (columns, rows)
        elif kind in ("b", "db"):
            shape = (width_symbol(layer), 1) if self.column else (1, width_symbol(layer))
        else:
            shape = self.by_examples(layer)
        return self._named(name, latex, *shape)

    @cached_property
    def X(self) -> sp.MatrixSymbol:
        return self._named("X", "X", *self.by_examples(0))

    @cached_property
    def Y(self) -> sp.MatrixSymbol:
        return self._named("Y", "Y", *self.by_examples(self.spec.depth))

    # --- the pieces of the equations ---
    def preactivation(self, layer: int) -> sp.MatrixExpr:
        W, previous = self.matrix("W", layer), self.matrix("A", layer - 1)
        product = sp.MatMul(W, previous) if self.column else sp.MatMul(previous, W)
        if not self.spec.bias:
            return product
        b = self.matrix("b", layer)
        spread = sp.MatMul(b, ones_row(M)) if self.column else sp.MatMul(ones_column(M), b)
        return sp.MatAdd(product, spread)

    def activation(self, layer: int) -> sp.MatrixExpr:
        rule = self.spec.activations[layer - 1]
        Z = self.matrix("Z", layer)
        if isinstance(rule, Softmax):
            return UnitSoftmax(Z, 0 if self.column else 1)
        return lift(rule.forward, {Z_VAR: Z})

    def activation_derivative(self, layer: int):
        """g'(.) entry by entry, through A where SymPy has that form, else through Z."""
        rule = self.spec.activations[layer - 1]
        if rule.derivative_in_output is not None:
            return lift(rule.derivative_in_output, {A_VAR: self.matrix("A", layer)})
        return lift(rule.derivative, {Z_VAR: self.matrix("Z", layer)})

    def sum_over_examples(self, matrix) -> sp.MatrixExpr:
        return sp.MatMul(matrix, ones_column(M)) if self.column else sp.MatMul(ones_row(M), matrix)

    def times_jacobian(self, layer: int, upstream) -> sp.MatrixExpr:
        """dA o g'(.): the chain rule through an element-wise activation (or the softmax Jacobian)."""
        rule = self.spec.activations[layer - 1]
        A = self.matrix("A", layer)
        if isinstance(rule, Softmax):
            # J^T v for softmax, each example: a o (v - (a . v)); the dot product summed over units
            weighted = sp.HadamardProduct(A, upstream)
            units = width_symbol(layer)
            if self.column:
                spread = sp.MatMul(ones_column(units), sp.MatMul(ones_row(units), weighted))
            else:
                spread = sp.MatMul(sp.MatMul(weighted, ones_column(units)), ones_row(units))
            return sp.HadamardProduct(A, sp.MatAdd(upstream, -spread))
        derivative = self.activation_derivative(layer)
        if derivative == sp.Integer(1):
            return upstream
        if isinstance(derivative, sp.MatrixExpr):
            return sp.HadamardProduct(upstream, derivative)
        return derivative * upstream  # a constant slope

    def cost(self) -> sp.Expr:
        A, Y = self.matrix("A", self.spec.depth), self.Y
        return self.factor * SumEntries(lift(self.spec.loss.per_unit, {A_VAR: A, Y_VAR: Y}))

    def loss_gradient(self) -> sp.MatrixExpr:
        A = self.matrix("A", self.spec.depth)
        return lift(self.spec.loss.derivative, {A_VAR: A, Y_VAR: self.Y})

    @cached_property
    def factor(self) -> sp.Expr:
        return 1 / M if self.spec.reduction == "mean" else sp.Integer(1)

    def fused_output(self):
        """dZ^{[L]} as SymPy fuses it, lifted entry by entry, or None when it does not simplify."""
        depth, rule, loss = self.spec.depth, self.spec.activations[-1], self.spec.loss
        units = min(self.spec.n_outputs, 3)  # enough units to see the per-unit pattern
        outs = [sp.Symbol(f"a_{j}") for j in range(units)]
        zs = [sp.Symbol(f"z_{j}") for j in range(units)]
        ys = [sp.Symbol(f"y_{j}") for j in range(units)]
        fused = fused_output_gradient(rule, loss, outs, zs, ys)
        generic = [f.xreplace({outs[j]: A_VAR, zs[j]: Z_VAR, ys[j]: Y_VAR}) for j, f in enumerate(fused)]
        if any(g.free_symbols - {A_VAR, Y_VAR, Z_VAR} or g != generic[0] for g in generic):
            return None  # it couples the units: not one formula per entry
        form = generic[0]
        if rule.elementwise and rule.derivative != 1:  # linear: dZ is dA itself, say it once
            product = loss.derivative * rule.derivative_at(A_VAR, Z_VAR)
            if form == product:
                return None  # nothing cancelled: keep the visible product dA o g'
        mapping = {A_VAR: self.matrix("A", depth), Y_VAR: self.Y, Z_VAR: self.matrix("Z", depth)}
        return lift(form, mapping)


def lift(formula: sp.Expr, mapping: dict):
    """A scalar rule applied entry by entry to matrices: plain matrix algebra where the formula is
    linear in its variables (a - y becomes A - Y), otherwise an `Elementwise` node."""
    variables = [v for v in mapping if formula.has(v)]
    if not variables:
        return formula  # a constant (linear activation's derivative)
    if formula in mapping:
        return mapping[formula]
    terms = sp.Add.make_args(sp.expand(formula))
    linear = []
    for term in terms:
        coefficient, rest = term.as_coeff_Mul()
        if rest not in mapping:
            break
        linear.append(coefficient * mapping[rest])
    else:
        return functools.reduce(operator.add, linear)  # SymPy's canonical sum, so A - Y == A - Y
    ordered = sorted(variables, key=lambda v: v.name)
    return Elementwise(sp.Lambda(tuple(ordered), formula), *[mapping[v] for v in ordered])


def _equation(builder: _Builder, role: str, layer: int | None, rhs, kind: str) -> MatrixEquation:
    if role == "J":
        return MatrixEquation("J", COST, rhs, (1, 1), kind, role, None)
    target = builder.matrix(role, layer)
    return MatrixEquation(target.name, target, rhs, target.shape, kind, role, layer)


def derive_matrix(spec: NetworkSpec, prove: bool = True) -> MatrixDerivation:
    """The matrix-form equations of `spec`; with `prove`, `.proof` is computed now."""
    b = _Builder(spec)
    depth = spec.depth
    equations = []
    for layer in range(1, depth + 1):
        equations.append(_equation(b, "Z", layer, b.preactivation(layer), "forward"))
        equations.append(_equation(b, "A", layer, b.activation(layer), "forward"))
    equations.append(_equation(b, "J", None, b.cost(), "cost"))

    output_grad = _equation(b, "dA", depth, b.loss_gradient(), "backward")
    product = _equation(b, "dZ", depth, b.times_jacobian(depth, b.matrix("dA", depth)), "backward")
    fused = b.fused_output()
    if fused is not None:
        equations.append(_equation(b, "dZ", depth, fused, "backward"))
    else:
        equations += [output_grad, product]
    for layer in range(depth, 0, -1):
        dZ, previous = b.matrix("dZ", layer), b.matrix("A", layer - 1)
        weights = sp.MatMul(dZ, sp.Transpose(previous)) if b.column else sp.MatMul(sp.Transpose(previous), dZ)
        equations.append(_equation(b, "dW", layer, b.factor * weights, "backward"))
        if spec.bias:
            equations.append(_equation(b, "db", layer, b.factor * b.sum_over_examples(dZ), "backward"))
        if layer > 1:
            W = b.matrix("W", layer)
            upstream = sp.MatMul(sp.Transpose(W), dZ) if b.column else sp.MatMul(dZ, sp.Transpose(W))
            equations.append(_equation(b, "dA", layer - 1, upstream, "backward"))
            equations.append(_equation(b, "dZ", layer - 1, b.times_jacobian(layer - 1, b.matrix("dA", layer - 1)), "backward"))
    derivation = MatrixDerivation(
        spec=spec,
        equations=tuple(equations),
        output_fused=fused is not None,
        unfused_output=(output_grad, product),
        latex_names=b.latex,
        reduction_factor=b.factor,
    )
    if prove:
        derivation.proof  # noqa: B018  (computed now, so it is part of the result)
    return derivation
