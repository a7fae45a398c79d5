"""Prove the matrix equations against the per-weight gradients, on a small instance of the same spec.

The instance keeps the spec's depth, activations, loss, layout, bias and reduction, caps the widths
(input 3, layers 2) and takes m = 2 examples. Every matrix equation is evaluated entry by entry with
SymPy matrices (X, Y, W, b, the cached Z, A and each dZ once proved hold one symbol per entry), and
each entry must equal, symbolically, what `derive/perweight.py` gives for that unit and example:
z^{[l]}_j, a^{[l]}_j, the loss, dL/da^{[L]}_j, delta^{[L]}_j (the fused output gradient), the delta
recursion g'(z^{[l]}_j) sum_k w^{[l+1]}_{kj} delta^{[l+1]}_k, that sum itself (dA), and the
reduction factor times the sum over examples of the delta forms of dL/dw^{[l]}_{jk} and
dL/db^{[l]}_j. Each equation is checked with its inputs as symbols, so together they prove the whole
backward pass by induction from the output layer, and the expressions stay small.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit
from .matrixnodes import Elementwise, SumEntries, UnitSoftmax
from .perweight import NetworkDerivation

INPUT_CAP, WIDTH_CAP, EXAMPLES = 3, 2, 2
SECONDS = 60.0


@dataclass(frozen=True)
class MatrixProof:
    status: str  # "proved", "failed" or "unproved" (ran out of time)
    instance: str  # the small spec, as CLI arguments, and m
    checked: tuple[str, ...]  # equations proved equal to the per-weight gradients
    failures: tuple[str, ...]  # equations that differ, with the first differing entry
    detail: str = ""

    @property
    def proved(self) -> bool:
        return self.status == "proved"


def small_instance(spec):
    sizes = (min(spec.sizes[0], INPUT_CAP),) + tuple(min(n, WIDTH_CAP) for n in spec.sizes[1:])
    return replace(spec, sizes=sizes)


def prove_matrix_equations(derivation) -> MatrixProof:
    """Derive the same spec's equations on the small instance and check every one of them."""
    from .matrix import derive_matrix  # the same builder, on the small spec

    return check_equations(derive_matrix(small_instance(derivation.spec), prove=False))


def check_equations(matrices) -> MatrixProof:
    """Check each equation of a (small) matrix derivation against the per-weight derivation of its spec."""
    spec = matrices.spec
    instance = f"{spec.command_line()} with m = {EXAMPLES}"
    checked, failures = [], []
    try:
        with time_limit(SECONDS, "proving the matrix equations"):
            checker = _Checker(matrices, NetworkDerivation(spec))
            for equation in matrices.equations:
                problem = checker.check(equation)
                (failures.append(f"{equation.name}: {problem}") if problem else checked.append(equation.name))
    except LimitExceeded as exc:
        return MatrixProof("unproved", instance, tuple(checked), tuple(failures), str(exc))
    return MatrixProof("failed" if failures else "proved", instance, tuple(checked), tuple(failures))


class _Checker:
    def __init__(self, matrices, perweight: NetworkDerivation):
        self.matrices, self.perweight = matrices, perweight
        self.spec = perweight.spec
        self.column = self.spec.layout == "column"
        self.dims = {s: sp.Integer(v) for s, v in self._dimension_values().items()}
        self.env: dict[str, sp.Matrix] = {}
        self._fill_inputs()

    def _dimension_values(self) -> dict:
        from .matrix import M, width_symbol

        values = {width_symbol(l): n for l, n in enumerate(self.spec.sizes)}
        values[M] = EXAMPLES
        return values

    # --- one symbol per entry, named like the per-weight symbols with the example added ---
    def per_example(self, symbol: sp.Symbol, example: int) -> sp.Symbol:
        return sp.Symbol(f"{symbol.name}__{example}")

    def _by_examples(self, layer_symbols: list) -> sp.Matrix:
        rows = [[self.per_example(s, i) for i in range(EXAMPLES)] for s in layer_symbols]
        matrix = sp.Matrix(rows)
        return matrix if self.column else matrix.T

    def _fill_inputs(self):
        n, pw = self.perweight.notation, self.perweight
        self.env["X"] = self._by_examples([n.x(k) for k in pw.units(0)])
        self.env["Y"] = self._by_examples(pw.targets)
        for layer in range(1, self.spec.depth + 1):
            rows, columns = self.matrices.shape_values(self.matrices.equation(f"dW{layer}").shape, EXAMPLES)
            self.env[f"W{layer}"] = sp.Matrix(int(rows), int(columns), lambda r, c: self._weight(layer, r + 1, c + 1))
            if self.spec.bias:
                biases = sp.Matrix([n.b(layer, j) for j in pw.units(layer)])
                self.env[f"b{layer}"] = biases if self.column else biases.T
            self.env[f"Z{layer}"] = self._by_examples([n.z(layer, j) for j in pw.units(layer)])
            self.env[f"A{layer}"] = self._by_examples([n.a(layer, j) for j in pw.units(layer)])

    def _weight(self, layer: int, row: int, column: int) -> sp.Symbol:
        j, k = (row, column) if self.column else (column, row)
        return self.perweight.notation.w(layer, j, k)

    def at_example(self, expression: sp.Expr, example: int) -> sp.Expr:
        """A per-example expression of the per-weight derivation, in the entry symbols of one example."""
        replacements = {
            s: self.per_example(s, example)
            for s in expression.free_symbols
            if s.name[0] in "xyaz" or s.name.startswith("delta")
        }
        return expression.xreplace(replacements)

    def unit_matrix(self, layer_values, layer: int) -> sp.Matrix:
        """[value(j, i)] laid out as the layer's (units, m) or (m, units) matrix."""
        rows = [[layer_values(j, i) for i in range(EXAMPLES)] for j in self.perweight.units(layer)]
        matrix = sp.Matrix(rows)
        return matrix if self.column else matrix.T

    # --- what the per-weight derivation says each equation must be ---
    def expected(self, equation) -> sp.Matrix | sp.Expr:
        pw, n, role, layer = self.perweight, self.perweight.notation, equation.role, equation.layer
        factor = pw.reduction_factor.xreplace(self.dims)
        if role == "Z":
            return self.unit_matrix(lambda j, i: self.at_example(pw.preactivation(layer, j), i), layer)
        if role == "A":
            return self.unit_matrix(lambda j, i: self.at_example(pw.output_of(layer, j), i), layer)
        if role == "J":
            return factor * sum(self.at_example(pw.loss, i) for i in range(EXAMPLES))
        if role == "dZ":  # the per-weight delta recursion, in the next layer's delta symbols
            return self.unit_matrix(lambda j, i: self.at_example(pw.deltas[layer][j - 1].recursion, i), layer)
        if role == "dA" and layer == self.spec.depth:
            return self.unit_matrix(lambda j, i: self.at_example(pw.loss_gradient[j - 1], i), layer)
        if role == "dA":
            below = pw.deltas[layer + 1]
            return self.unit_matrix(lambda j, i: self.at_example(
                sum(n.w(layer + 1, d.unit, j) * d.symbol for d in below), i), layer)
        rows, columns = self.matrices.shape_values(equation.shape, EXAMPLES)
        result = sp.zeros(int(rows), int(columns))
        for l, j, k in pw.parameters():
            if l != layer or (k is None) != (role == "db"):
                continue
            total = factor * sum(self.at_example(pw.gradient(l, j, k).delta_form, i) for i in range(EXAMPLES))
            if role == "db":
                result[(j - 1, 0) if self.column else (0, j - 1)] = total
            else:
                row, column = n.weight_position(j, k)
                result[row - 1, column - 1] = total
        return result

    def check(self, equation) -> str | None:
        value = self.evaluate(equation.rhs)
        expected = self.expected(equation)
        if equation.role == "dZ":  # later equations read delta symbols, as the per-weight recursion does
            self.env[equation.name] = self._by_examples([d.symbol for d in self.perweight.deltas[equation.layer]])
        elif equation.role not in ("Z", "A"):  # forward values stay symbols, as in the cache
            self.env[equation.name] = value
        if isinstance(expected, sp.MatrixBase):
            if value.shape != expected.shape:
                return f"shape {value.shape} but the per-weight gradients give {expected.shape}"
            for index, (got, want) in enumerate(zip(value, expected)):
                if not equal(got, want):
                    return f"entry {divmod(index, value.shape[1])} is {got} but should be {want}"
            return None
        return None if equal(value, expected) else f"{value} but should be {expected}"

    # --- evaluating a matrix expression with explicit SymPy matrices ---
    def evaluate(self, expression):
        e = expression
        if isinstance(e, sp.MatrixSymbol):
            return self.env[e.name]
        if isinstance(e, sp.OneMatrix):
            return sp.ones(int(e.shape[0].xreplace(self.dims)), int(e.shape[1].xreplace(self.dims)))
        if isinstance(e, sp.MatAdd):
            parts = [self.evaluate(a) for a in e.args]
            total = parts[0]
            for part in parts[1:]:
                total = total + part
            return total
        if isinstance(e, sp.MatMul):
            result = sp.Integer(1)
            for a in e.args:
                value = self.evaluate(a)
                result = result * value
            return result
        if isinstance(e, sp.Transpose):
            return self.evaluate(e.arg).T
        if isinstance(e, sp.HadamardProduct):
            parts = [self.evaluate(a) for a in e.args]
            result = parts[0]
            for part in parts[1:]:
                result = result.multiply_elementwise(part)
            return result
        if isinstance(e, Elementwise):
            parts = [self.evaluate(a) for a in e.matrices]
            return sp.Matrix(parts[0].rows, parts[0].cols, lambda r, c: e.scalar_body([p[r, c] for p in parts]))
        if isinstance(e, UnitSoftmax):
            Z = self.evaluate(e.matrix)
            exps = Z.applyfunc(sp.exp)
            if e.axis == 0:
                return sp.Matrix(Z.rows, Z.cols, lambda r, c: exps[r, c] / sum(exps[:, c]))
            return sp.Matrix(Z.rows, Z.cols, lambda r, c: exps[r, c] / sum(exps[r, :]))
        if isinstance(e, SumEntries):
            return sum(self.evaluate(e.matrix))
        if isinstance(e, sp.Expr) and e.has(SumEntries):
            return e.replace(lambda x: isinstance(x, SumEntries), lambda x: self.evaluate(x)).xreplace(self.dims)
        if isinstance(e, sp.MatrixExpr):
            raise TypeError(f"no explicit evaluation for {type(e).__name__}")
        return e.xreplace(self.dims)


def equal(left: sp.Expr, right: sp.Expr) -> bool:
    """Symbolically equal: expanded difference 0, else cancelled, else simplified."""
    difference = left - right
    if difference == 0 or sp.expand(difference) == 0:
        return True
    if sp.cancel(sp.together(difference)) == 0:
        return True
    return sp.simplify(difference) == 0
