"""The course's regularised functions of a generated module (DLS course 2, week 1), printed by SymPy.

`compute_cost_with_regularization(AL, Y, parameters, lambd)`, `backward_propagation_with_regularization
(X, Y, cache, lambd)`, `forward_propagation_with_dropout(X, parameters, keep_prob)` and
`backward_propagation_with_dropout(X, Y, cache, keep_prob)` take and give what the course's do: its
tuple caches ((Z1, A1, W1, b1, Z2, ...), with D1 after Z1 for a dropout layer) and its gradients
dictionary (dZ, dW, db, dA of every layer). Every formula comes from `derive/regularization.py`;
`templates/numpy/regularization.py.jinja` lays them out.
"""
from __future__ import annotations

from ..derive.regularization import RegularizedMatrix, derive_regularized
from ..notation import _plain
from ..rules.regularization import KEEP_PROB, LAMBDA
from .fusedstep import Line, l2_term
from .matrixtext import matrix_text


class RegularizationWriter:
    def __init__(self, writer, matrices: RegularizedMatrix):
        self.writer, self.matrices = writer, matrices
        self.spec, self.depth = matrices.spec, matrices.spec.depth
        self.names = {symbol: _plain(latex) for symbol, latex in matrices.latex_names.items()}
        self.names.update({LAMBDA: "λ", KEEP_PROB: "keep_prob"})

    def text(self, expression) -> str:
        return matrix_text(expression, self.names)

    def line(self, equation, rhs=None) -> Line:
        rhs = equation.rhs if rhs is None else rhs
        if (equation.role, equation.layer) == ("dA", self.depth):
            rhs = self.writer.clipped(rhs)
        code = self.writer.code(rhs)
        return Line(f"{equation.name} = {code}", f"{self.text(equation.target)} = {self.text(equation.rhs)}")

    def course_cache(self, dropout: bool) -> list[str]:
        """The course's tuple: per layer Z, (D for a dropout layer), A, W, (b)."""
        names = []
        for layer in range(1, self.depth + 1):
            names.append(f"Z{layer}")
            if dropout and layer < self.depth:
                names.append(f"D{layer}")
            names += [f"A{layer}", f"W{layer}"] + ([f"b{layer}"] if self.spec.bias else [])
        return names

    def blocks(self, equations) -> list[tuple[int, list[Line]]]:
        """Lines grouped by layer as the plain backward pass groups them (dA^{[l-1]} with layer l)."""
        grouped: dict[int, list[Line]] = {}
        for equation in equations:
            layer = equation.layer
            if equation.role == "dA" and layer < self.depth or equation.role == "drop":
                layer += 1
            grouped.setdefault(layer, []).append(self.line(equation))
        return sorted(grouped.items(), reverse=True)

    def gradient_names(self, equations) -> list[str]:
        return list(dict.fromkeys(e.name for e in equations))

    def forward_dropout(self) -> list[tuple[int, list[tuple[str, object]]]]:
        """Per layer: ("line", Line) and ("mask", layer) items, in order."""
        blocks: dict[int, list] = {}
        for equation in self.matrices.dropout_forward:
            items = blocks.setdefault(equation.layer, [])
            if equation.role == "keep":
                items.append(("mask", equation.layer))
            items.append(("line", self.line(equation)))
        return sorted(blocks.items())

    def penalty_gradients(self) -> list[Line]:
        """dW^{[l]} of the penalty alone, per weight: the L2 term of each regularised dW equation."""
        lines = []
        for equation in self.matrices.l2_backward:
            if equation.role == "dW":
                term = l2_term(equation)
                lines.append(Line(f"{equation.name} = {self.writer.code(term)}", f"d/dW^[{equation.layer}] of the penalty: {self.text(term)}"))
        return lines

    def context(self) -> dict:
        m = self.matrices
        spec = self.spec
        l2 = None
        if m.cost is not None:
            penalty = m.penalty
            l2 = dict(
                default=repr(spec.l2),
                weights=[f"W{l}" for l in range(1, self.depth + 1)],
                penalty=Line(f"L2_regularization_cost = {self.writer.code(penalty)}", self.text(penalty)),
                data_cost="cross_entropy_cost" if spec.loss.name in ("bce", "cce") else "data_cost",
                cache=self.course_cache(False),
                backward=self.blocks(m.l2_backward),
                gradients=self.gradient_names(m.l2_backward),
                penalty_gradients=self.penalty_gradients(),
            )
        dropout = None
        if m.dropout_forward:
            dropout = dict(
                default=repr(spec.dropout),
                forward=self.forward_dropout(),
                cache=self.course_cache(True),
                backward=self.blocks(m.dropout_backward),
                gradients=self.gradient_names(m.dropout_backward),
                hidden=list(range(1, self.depth)),
            )
        return dict(l2=l2, dropout=dropout, proof=m.proof,
                    l2_cache=self.course_cache(False), parameters=self.writer.parameter_names())


def regularization_context(writer) -> dict | None:
    """What templates/numpy/regularization.py.jinja needs, or None for a spec without --l2 or --dropout."""
    matrices = derive_regularized(writer.spec, writer.derivation)
    return None if matrices is None else RegularizationWriter(writer, matrices).context()


def api_names(spec) -> list[str]:
    names = []
    if spec.l2 is not None:
        names += ["compute_cost_with_regularization", "backward_propagation_with_regularization"]
    if spec.dropout is not None:
        names += ["forward_propagation_with_dropout", "backward_propagation_with_dropout"]
    return names + (["course_cache"] if names else [])
