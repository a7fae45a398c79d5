"""The courses' L-layer API (DLS C1W4) and optimizers (DLS C2W2) for a generated network module.

Every formula is SymPy's, printed by the module's `CourseNumPyPrinter`: the activations and their
derivatives come from the rules (`rules/activations.py`), dA^{[L]} from the loss rule's dL/da, the
linear step and its gradients from the same matrix algebra as `derive/matrix.py`, and the optimizer
updates from SymPy expressions in the template's variable names. The templates
`numpy/deep.py.jinja` and `numpy/optimizers.py.jinja` only lay the lines out.
"""
from __future__ import annotations

import sympy as sp

from ..derive.matrix import A_VAR, M, Y_VAR, Z_VAR, lift
from ..derive.matrixnodes import ones_column, ones_row
from ..rules.activations import Softmax, activation_from_text
from .fusedstep import Line

# the activations the course notebooks call by name, always available next to the spec's own
COURSE_ACTIVATIONS = ("sigmoid", "relu", "tanh")
N, K = sp.Symbol("n"), sp.Symbol("k")  # units of this layer and of the previous one (shapes only)


def _identifier(text: str, index: int) -> str:
    return text if text.isidentifier() else f"activation_{index}"


class CourseAPIWriter:
    def __init__(self, writer):
        self.w = writer  # the ModuleWriter: printer, text, spec
        self.spec = writer.spec
        self.column = writer.column
        by_examples = (lambda rows: (rows, M)) if self.column else (lambda rows: (M, rows))
        self.Z = sp.MatrixSymbol("Z", *by_examples(N))
        self.A = sp.MatrixSymbol("A", *by_examples(N))
        self.dA = sp.MatrixSymbol("dA", *by_examples(N))
        self.dZ = sp.MatrixSymbol("dZ", *by_examples(N))
        self.Y = sp.MatrixSymbol("Y", *by_examples(N))
        self.A_prev = sp.MatrixSymbol("A_prev", *by_examples(K))
        self.W = sp.MatrixSymbol("W", *((N, K) if self.column else (K, N)))
        self.b = sp.MatrixSymbol("b", *((N, 1) if self.column else (1, N)))
        self.names = {s: s.name for s in (self.Z, self.A, self.dA, self.dZ, self.Y, self.A_prev, self.W, self.b)}
        self.names.update({M: "m"})

    def line(self, target: str, rhs) -> Line:
        return Line(f"{target} = {self.w.code(rhs)}", f"{target} = {self.w.text(rhs)}")

    # --- activations: forward g(Z) and backward dZ = dA o g'(.), each from its rule ---
    def activation(self, rule, key: str, index: int) -> dict:
        units_axis = 0 if self.column else 1
        if isinstance(rule, Softmax):
            forward = [Line(f"A = softmax(Z, axis={units_axis})", "A = softmax(Z), shifted by each example's maximum")]
            # J^T dA for each example: a o (dA - (a . dA)), the same algebra as derive/matrix.py
            weighted = sp.HadamardProduct(self.A, self.dA)
            spread = (sp.MatMul(ones_column(N), sp.MatMul(ones_row(N), weighted)) if self.column
                      else sp.MatMul(sp.MatMul(weighted, ones_column(N)), ones_row(N)))
            backward = forward + [self.line("dZ", sp.HadamardProduct(self.A, sp.MatAdd(self.dA, -spread)))]
            return dict(key=key, ident=_identifier(key, index), forward=forward, backward=backward)
        forward = [self.line("A", lift(rule.forward, {Z_VAR: self.Z}))]
        if rule.derivative_in_output is not None:
            derivative = lift(rule.derivative_in_output, {A_VAR: self.A})
            backward = list(forward)
        else:
            derivative = lift(rule.derivative, {Z_VAR: self.Z})
            backward = []
        if derivative == sp.Integer(1):
            product = self.dA
        elif isinstance(derivative, sp.MatrixExpr):
            product = sp.HadamardProduct(self.dA, derivative)
        else:
            product = derivative * self.dA
        backward.append(self.line("dZ", product))
        return dict(key=key, ident=_identifier(key, index), forward=forward, backward=backward)

    def activations(self) -> list[dict]:
        rules, seen = [], set()
        for rule in list(self.spec.activations) + [activation_from_text(n) for n in COURSE_ACTIVATIONS]:
            if rule.spec_text not in seen:
                seen.add(rule.spec_text)
                rules.append(rule)
        return [self.activation(rule, rule.spec_text, i) for i, rule in enumerate(rules)]

    # --- the linear step and its gradients ---
    def linear_forward(self) -> Line:
        if self.column:
            rhs = sp.MatMul(self.W, self.A_prev)
            spread = sp.MatMul(self.b, ones_row(M))
        else:
            rhs = sp.MatMul(self.A_prev, self.W)
            spread = sp.MatMul(ones_column(M), self.b)
        return self.line("Z", sp.MatAdd(rhs, spread) if self.spec.bias else rhs)

    def linear_backward(self) -> list[Line]:
        factor = 1 / M if self.w.uses_m() else sp.Integer(1)
        if self.column:
            dW = factor * sp.MatMul(self.dZ, self.A_prev.T)
            db = factor * sp.MatMul(self.dZ, ones_column(M))
            dA_prev = sp.MatMul(self.W.T, self.dZ)
        else:
            dW = factor * sp.MatMul(self.A_prev.T, self.dZ)
            db = factor * sp.MatMul(ones_row(M), self.dZ)
            dA_prev = sp.MatMul(self.dZ, self.W.T)
        lines = [self.line("dW", dW)]
        if self.spec.bias:
            lines.append(self.line("db", db))
        return lines + [self.line("dA_prev", dA_prev)]

    def output_gradient(self) -> Line:
        """dA^{[L]} = dL/da entry by entry, from the loss rule (the course's unfused dAL)."""
        return self.line("dAL", lift(self.spec.loss.derivative, {A_VAR: self.A, Y_VAR: self.Y}).xreplace(
            {self.A: sp.MatrixSymbol("AL", *self.A.shape)}))

    # --- the optimizers of C2W2, as SymPy expressions in the template's variable names ---
    @staticmethod
    def optimizer_lines() -> dict:
        from .numpy_printer import CourseNumPyPrinter

        printer = CourseNumPyPrinter()
        s = sp.symbols
        v, s_, grad, beta, beta1, beta2, t, lr, eps, theta = s("v s grad beta beta1 beta2 t learning_rate epsilon theta")
        v_c, s_c = s("v_corrected s_corrected")
        lr0, epoch, rate, interval = s("learning_rate0 epoch_num decay_rate time_interval")

        def line(target, rhs):
            return Line(f"{target} = {printer.doprint(rhs)}", f"{target} = {sp.sstr(rhs)}")

        return dict(
            gd=line("theta", theta - lr * grad),
            momentum=[line("v", beta * v + (1 - beta) * grad), line("theta", theta - lr * v)],
            adam=[
                line("v", beta1 * v + (1 - beta1) * grad),
                line("v_corrected", v / (1 - beta1 ** t)),
                line("s", beta2 * s_ + (1 - beta2) * grad ** 2),
                line("s_corrected", s_ / (1 - beta2 ** t)),
                line("theta", theta - lr * v_c / (sp.sqrt(s_c) + eps)),
            ],
            update_lr=line("learning_rate", lr0 / (1 + rate * epoch)),
            schedule_lr=line("learning_rate", lr0 / (1 + rate * sp.floor(epoch / interval))),
        )

    def context(self) -> dict:
        spec = self.spec
        return dict(
            deep_activations=self.activations(),
            layer_activations=[a.spec_text for a in spec.activations],
            linear_forward=self.linear_forward(),
            linear_backward=self.linear_backward(),
            output_gradient=self.output_gradient(),
            optimizer=self.optimizer_lines(),
        )
