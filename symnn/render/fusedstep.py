"""The fused training step of a generated module: the same matrix equations, run in place.

Python overhead decides small networks and memory traffic decides large ones, so the step:
- preallocates every array (Z, A, dZ, dA, dW, db, scratch, boolean masks) once per batch size m;
- calls each ufunc once with `out=` (`inplace.InPlaceEmitter`), the ufuncs bound to local names
  (`matmul(W1, X, out=Z1)`: no attribute lookups per call);
- computes an activation into its Z buffer when no later equation reads Z, or when the only reader is
  g'(Z) and SymPy proves g'(g(z)) = g'(z) (relu: A1 > 0 exactly where Z1 > 0); A1 is then Z1;
- folds learning_rate/m into dZ^{[L]} once: everything after it is linear in dZ^{[L]}, so dW and db
  arrive scaled and the updates are plain subtractions;
- updates W^{[l]} only after dA^{[l-1]} = W^{[l]T} dZ^{[l]} has used it.

With --l2 the penalty's gradient factor lambda W^{[l]} (SymPy's, from `derive/regularization.py`) becomes
a decay: W^{[l]} := (1 - learning_rate factor lambda) W^{[l]} - dW^{[l]}, one extra in-place pass per
weight, the factor printed once per call. With --dropout every hidden layer draws its mask with the
course's recipe (np.random.rand(n, m) < keep_prob, in layer order), the next layer and dW^{[l+1]} read
the kept activations (A^{[l]} o D^{[l]}) / keep_prob from a buffer of their own (A^{[l]} stays g(Z^{[l]}),
which g' may read), and dA^{[l]} := (dA^{[l]} o D^{[l]}) / keep_prob before dZ^{[l]}. A spec without
either option gets exactly the step it had before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from ..derive.matrix import M, Z_VAR, MatrixEquation
from ..derive.matrixnodes import Elementwise, UnitSoftmax
from ..derive.regularization import derive_regularized
from ..rules.regularization import KEEP_PROB, LAMBDA
from ..errors import LimitExceeded
from ..limits import time_limit
from .inplace import InPlaceEmitter
from .matrixtext import matrix_text
from .numpy_printer import entrywise_formula

SECONDS = 5.0
SCALE = sp.Symbol("scale")  # learning_rate / m (learning_rate for a summed cost), folded into dZ^{[L]}


def l2_term(equation: MatrixEquation) -> sp.MatrixExpr:
    """The L2 penalty's part of a regularised dW^{[l]} equation (factor lambda W^{[l]}): the term that reads W."""
    weight = f"W{equation.layer}"
    terms = [t for t in sp.MatAdd.make_args(equation.rhs) if weight in {s.name for s in t.atoms(sp.MatrixSymbol)}]
    if len(terms) != 1:
        raise ValueError(f"{equation.name} has no single L2 term")
    return terms[0]


@dataclass(frozen=True)
class Line:
    code: str
    comment: str = ""


@dataclass
class FusedStep:
    lines: list = field(default_factory=list)
    buffers: dict = field(default_factory=dict)  # name -> (shape code, dtype code)
    aliases: list = field(default_factory=list)  # (name, the buffer it shares, why that is safe)
    prelude: list = field(default_factory=list)  # lines run once per call before the step (the L2 decay)
    ufuncs: dict = field(default_factory=dict)  # local name -> NumPy attribute


class FusedStepWriter:
    def __init__(self, writer):
        self.w = writer  # the ModuleWriter: printing, text, clipping, spec
        self.derivation = writer.derivation
        self.step = FusedStep()
        self.read_later = self.derivation.names_read("backward")
        self.overwritten: dict[int, str] = {}  # layer -> why A may overwrite Z
        self.regularized = derive_regularized(writer.spec, writer.derivation)  # None without --l2 / --dropout
        self.l2 = writer.spec.l2 is not None
        self.dropout = writer.spec.dropout is not None
        self.kept: dict[sp.MatrixSymbol, sp.MatrixSymbol] = {}  # A^{[l]} -> K^{[l]}, its kept (dropout) copy
        self.names = dict(writer.text_names)
        self.names.update({LAMBDA: "λ", KEEP_PROB: "keep_prob"})

    def z_survives_activation(self, layer: int) -> bool:
        """Whether A^{[l]} may overwrite Z^{[l]}: true when nothing later reads Z, or when the only
        reader is g'(Z) with g'(g(z)) = g'(z), proved by SymPy (relu: a > 0 exactly when z > 0)."""
        z_name = f"Z{layer}"
        if z_name not in self.read_later:
            self.overwritten[layer] = f"nothing reads {z_name} afterwards"
            return True
        readers = [e for e in self.derivation.of_kind("backward")
                   if z_name in {s.name for s in e.rhs.atoms(sp.MatrixSymbol)}]
        if [e.name for e in readers] != [f"dZ{layer}"]:
            return False
        nodes = [n for n in readers[0].rhs.atoms(Elementwise) if any(getattr(m, "name", "") == z_name for m in n.matrices)]
        forward = self.w.spec.activations[layer - 1]
        if len(nodes) != 1 or len(nodes[0].matrices) != 1 or not forward.elementwise:
            return False
        derivative = nodes[0].function
        variable = derivative.variables[0]
        try:
            with time_limit(SECONDS, "checking g'(g(z)) = g'(z)"):
                after = derivative.expr.xreplace({variable: forward.forward.xreplace({Z_VAR: variable})})
                same = sp.piecewise_fold(after - derivative.expr) == 0 or sp.simplify(after - derivative.expr) == 0
        except (LimitExceeded, ValueError, TypeError):
            return False
        if same:
            self.overwritten[layer] = f"g'(A{layer}) = g'({z_name}), proved by SymPy, so {z_name} may hold A{layer}"
        return same

    def ufunc(self, path: str) -> str:
        """A local name for np.<path> (add.reduce -> add_reduce), or for a SciPy ufunc given by its full
        path (scipy.special.erf -> scipy_special_erf), bound once in make_train_step."""
        local = path.replace(".", "_")
        self.step.ufuncs[local] = path if path.startswith("scipy.") else f"np.{path}"
        return local

    def shape_code(self, shape) -> str:
        return "(" + ", ".join("m" if s == M else str(self.derivation.shape_values((s,))[0]) for s in shape) + ")"

    def buffer(self, name: str, shape, dtype: str = "dtype") -> str:
        self.step.buffers[name] = (self.shape_code(shape) if not isinstance(shape, str) else shape, dtype)
        return name

    def add(self, code: str, comment: str = "") -> None:
        self.step.lines.append(Line(code, comment))

    def text(self, expression) -> str:
        return matrix_text(expression, self.names)

    def comment(self, equation: MatrixEquation, note: str = "") -> str:
        return f"{self.text(equation.target)} = {self.text(equation.rhs)}{note}"

    def emit(self, equation: MatrixEquation, formula, out: str, note: str = "") -> list[str]:
        layer = equation.layer
        shape = self.derivation.equation(f"Z{layer}").shape
        emitter = InPlaceEmitter(self.w.printer, [f"tmp{layer}_{i}" for i in range(4)], self.ufunc, f"mask{layer}")
        statements = emitter.emit(formula, out)
        for i in range(emitter.scratch_used):
            self.buffer(f"tmp{layer}_{i}", shape)
        if emitter.mask_used:
            self.buffer(f"mask{layer}", shape, "bool")
        return statements

    # --- one method per kind of equation ---
    def preactivation(self, equation: MatrixEquation) -> None:
        name, layer = equation.name, equation.layer
        product, *bias = sp.MatAdd.make_args(equation.rhs)
        left, right = product.args
        self.buffer(name, equation.shape)
        self.add(f"{self.ufunc('matmul')}({self.w.code(left)}, {self.w.code(right)}, out={name})", self.comment(equation))
        if bias:
            self.add(f"{self.ufunc('add')}({name}, b{layer}, out={name})")

    def activation(self, equation: MatrixEquation) -> None:
        name, layer, z = equation.name, equation.layer, f"Z{equation.layer}"
        if equation.rhs == self.derivation.equation(z).target:  # linear: A is Z
            self.step.aliases.append((name, z, "a linear activation: A is Z"))
            return
        in_place = self.z_survives_activation(layer)
        if isinstance(equation.rhs, UnitSoftmax):
            out = z if in_place else self.buffer(name, equation.shape)
            axis = equation.rhs.axis
            reduced = "(1, m)" if axis == 0 else "(m, 1)"
            peak, total = self.buffer(f"peak{layer}", reduced), self.buffer(f"total{layer}", reduced)
            self.add(f"{self.ufunc('maximum.reduce')}({z}, axis={axis}, keepdims=True, out={peak})",
                     self.comment(equation, ", shifted by its maximum"))
            self.add(f"{self.ufunc('subtract')}({z}, {peak}, out={out})")
            self.add(f"{self.ufunc('exp')}({out}, out={out})")
            self.add(f"{self.ufunc('add.reduce')}({out}, axis={axis}, keepdims=True, out={total})")
            self.add(f"{self.ufunc('divide')}({out}, {total}, out={out})")
        else:
            formula = sp.piecewise_fold(entrywise_formula(equation.rhs))
            statements = self.emit(equation, formula, "__probe__")
            reads_z = [bool(re.search(rf"\b{z}\b", s)) for s in statements]
            in_place = in_place and not any(reads_z[1:])  # Z is consumed by the first ufunc only
            if not in_place:
                self.overwritten.pop(layer, None)
            out = z if in_place else self.buffer(name, equation.shape)
            statements = self.emit(equation, formula, out)
            for i, statement in enumerate(statements):
                self.add(statement, self.comment(equation, f", in place in {z}" if in_place else "") if i == 0 else "")
        if in_place:
            self.step.aliases.append((name, z, self.overwritten[layer]))

    def output_gradient(self, equation: MatrixEquation) -> None:
        """dA^{[L]} when SymPy did not fuse it away: from the clipped outputs for a log loss."""
        name = self.buffer(equation.name, equation.shape)
        rhs = equation.rhs
        if self.w.clip:
            output = self.w.output_symbol().name
            safe = self.buffer(f"{output}_safe", equation.shape)
            self.add(f"{self.ufunc('clip')}({output}, eps, 1 - eps, out={safe})", "outputs clipped to [eps, 1 - eps]: 1/a stays finite")
            rhs = self.w.clipped(rhs)
        for i, statement in enumerate(self.emit(equation, entrywise_formula(rhs), name)):
            self.add(statement, self.comment(equation) if i == 0 else "")

    def delta(self, equation: MatrixEquation) -> None:
        name = self.buffer(equation.name, equation.shape)
        first = equation.layer == self.w.depth
        note = (" (times learning_rate/m)" if self.w.uses_m() else " (times learning_rate)") if first else ""
        formula = entrywise_formula(equation.rhs)
        if formula is None:  # not entry by entry (the softmax Jacobian): one NumPy expression
            self.add(f"{name}[...] = {self.w.code(equation.rhs)}{' * scale' if first else ''}", self.comment(equation, note))
            return
        formula = SCALE * formula if first else sp.piecewise_fold(formula)
        if f"Z{equation.layer}" in {s.name for s in equation.rhs.atoms(sp.MatrixSymbol)} and equation.layer in self.overwritten:
            note += f" (Z{equation.layer} holds A{equation.layer}: the same condition)"
        for i, statement in enumerate(self.emit(equation, formula, name)):
            self.add(statement, self.comment(equation, note) if i == 0 else "")

    def product(self, equation: MatrixEquation, note: str) -> None:
        """dW = (scale) dZ A^T or dA = W^T dZ: one matmul into the buffer (the scale is already in dZ)."""
        name = self.buffer(equation.name, equation.shape)
        factors = equation.rhs.as_coeff_matrices()[1]
        left, right = factors
        self.add(f"{self.ufunc('matmul')}({self.w.code(left)}, {self.w.code(right)}, out={name})", self.comment(equation, note))

    def bias_gradient(self, equation: MatrixEquation) -> None:
        name = self.buffer(equation.name, equation.shape)
        axis = 1 if self.w.column else 0
        self.add(f"{self.ufunc('add.reduce')}(dZ{equation.layer}, axis={axis}, keepdims=True, out={name})",
                 self.comment(equation, " (the scale is already in dZ)"))

    def update(self, kind: str, layer: int) -> list[Line]:
        parameter = f"{kind}{layer}"
        lines = []
        if kind == "W" and self.l2:
            lines.append(Line(f"{self.ufunc('multiply')}({parameter}, decay, out={parameter})",
                              f"W^[{layer}] := decay W^[{layer}] - learning_rate dW^[{layer}]: the L2 gradient's "
                              f"learning_rate {self.text(self.l2_coefficient())} W^[{layer}] as a decay"))
        lines.append(Line(f"{self.ufunc('subtract')}({parameter}, d{parameter}, out={parameter})",
                          "" if lines else f"{kind}^[{layer}] := {kind}^[{layer}] - learning_rate d{kind}^[{layer}]"))
        return lines

    # --- --l2 and --dropout ---
    def l2_coefficient(self) -> sp.Expr:
        """factor lambda (lambda/m for the mean): the L2 term of every regularised dW^{[l]} is it times W^{[l]}."""
        coefficients = set()
        for equation in self.regularized.l2_backward:
            if equation.role == "dW":
                coefficient, matrices = l2_term(equation).as_coeff_matrices()
                if [m.name for m in matrices] != [f"W{equation.layer}"]:
                    raise ValueError(f"{equation.name}'s L2 term is not a number times W{equation.layer}")
                coefficients.add(coefficient)
        (coefficient,) = coefficients
        return coefficient

    def decay(self) -> None:
        coefficient = self.l2_coefficient()
        self.step.prelude.append(Line(f"decay = 1 - learning_rate * ({self.w.code(coefficient)})",
                                      f"the L2 penalty's gradient {self.text(self.l2_coefficient())} W, folded into W := decay W - dW"))

    def regularized_equation(self, role: str, layer: int) -> MatrixEquation:
        equations = self.regularized.dropout_forward + self.regularized.dropout_backward
        return next(e for e in equations if (e.role, e.layer) == (role, layer))

    def reading_kept(self, equation: MatrixEquation) -> MatrixEquation:
        """The equation with every dropped-out A^{[l]} read from its kept copy K^{[l]} (Z^{[l+1]}, dW^{[l+1]})."""
        if not self.kept:
            return equation
        return MatrixEquation(equation.name, equation.target, equation.rhs.xreplace(self.kept), equation.shape,
                              equation.kind, equation.role, equation.layer)

    def keep(self, layer: int) -> None:
        """The mask D^{[l]} (the course's recipe) and the kept activations K^{[l]} = (A^{[l]} o D^{[l]}) / keep_prob."""
        equation = self.regularized_equation("keep", layer)
        A = equation.target
        masks = [s for s in equation.rhs.atoms(sp.MatrixSymbol) if s != A]
        if len(masks) != 1 or equation.rhs != (1 / KEEP_PROB) * sp.HadamardProduct(A, masks[0]):
            raise ValueError(f"unexpected dropout equation for layer {layer}: {equation.rhs}")
        D = masks[0]
        K = sp.MatrixSymbol(f"K{layer}", *A.shape)
        self.kept[A] = K
        self.names[D] = f"D^[{layer}]"
        self.names[K] = f"K^[{layer}]"
        shape = self.derivation.equation(f"Z{layer}").shape
        self.buffer(D.name, shape, "bool")
        self.buffer(K.name, shape)
        self.add(f"{self.ufunc('less')}({self.ufunc('random.rand')}{self.shape_code(shape)}, keep_prob, out={D.name})",
                 f"D^[{layer}]: 1 keeps a unit (probability keep_prob), 0 drops it; the course's recipe")
        self.add(f"{self.ufunc('multiply')}({A.name}, {D.name}, out={K.name})",
                 f"K^[{layer}] = {self.text(equation.rhs)}: the kept A^[{layer}], which the next layer reads "
                 f"(A{layer} stays g(Z{layer}) for the backward pass)")
        self.add(f"{self.ufunc('divide')}({K.name}, keep_prob, out={K.name})")

    def drop(self, layer: int) -> None:
        """dA^{[l]} := (dA^{[l]} o D^{[l]}) / keep_prob: the same units are dropped on the way back."""
        equation = self.regularized_equation("drop", layer)
        name, mask = equation.name, f"D{layer}"
        self.add(f"{self.ufunc('multiply')}({name}, {mask}, out={name})", self.comment(equation))
        self.add(f"{self.ufunc('divide')}({name}, keep_prob, out={name})")

    def write(self) -> FusedStep:
        pending: list[Line] = []
        depth = self.w.depth
        if self.l2:
            self.decay()
        for equation in self.derivation.equations:
            role, layer = equation.role, equation.layer
            if role == "Z":
                self.preactivation(self.reading_kept(equation))
            elif role == "A":
                self.activation(equation)
                if self.dropout and layer < depth:
                    self.keep(layer)
            elif role == "dA" and layer == depth:
                self.output_gradient(equation)
            elif role == "dZ":
                self.delta(equation)
            elif role == "dW":
                self.product(self.reading_kept(equation), " (the scale is already in dZ)")
                pending += self.update("W", layer)
            elif role == "db":
                self.bias_gradient(equation)
                pending += self.update("b", layer)
            elif role == "dA":
                self.product(equation, f" (before W^[{layer + 1}] changes)")
                self.step.lines += pending  # layer l+1's parameters are no longer needed
                pending = []
                if self.dropout:
                    self.drop(layer)
        self.step.lines += pending
        return self.step
