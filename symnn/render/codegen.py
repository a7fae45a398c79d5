"""The NumPy module for one network: the course API plus a fused training step.

Every formula is printed by `numpy_printer.CourseNumPyPrinter` from the matrix derivation, and each
comment is the same equation printed as text; the template `numpy/network.py.jinja` only lays the
lines out. Numerical choices, made here and stated in the module's docstring:

- log losses clip the output to [eps, 1 - eps] (eps of the array's dtype) before the log and before
  a 1/a in an unfused dL/dA, so the cost and the gradients stay finite when an output reaches 0 or 1
  (the fused dZ = A - Y needs no clipping);
- softmax subtracts each example's maximum before exp (the shift cancels);
- numbers print as Python literals, so float32 inputs and parameters stay float32 throughout.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from .. import __version__
from ..derive.matrix import MatrixDerivation, MatrixEquation, derive_matrix
from ..errors import SymnnError
from ..notation import _plain
from ..rules.activations import Softmax
from ..spec import NetworkSpec
from .environment import render
from .course_api import CourseAPIWriter
from .escape import shell_word
from .fusedstep import FusedStepWriter, Line
from .matrixtext import matrix_text
from .numpy_printer import CourseNumPyPrinter

TEMPLATE = "numpy/network.py.jinja"


class ModuleWriter:
    """Everything the template shows, printed once from one matrix derivation."""

    def __init__(self, derivation: MatrixDerivation):
        self.derivation = derivation
        self.spec = derivation.spec
        self.printer = CourseNumPyPrinter()
        self.text_names = {symbol: _plain(latex) for symbol, latex in derivation.latex_names.items()}
        self.column = self.spec.layout == "column"
        self.depth = self.spec.depth
        self.clip = self.spec.loss.needs_unit_interval

    def code(self, expression) -> str:
        return self.printer.doprint(expression)

    def text(self, expression) -> str:
        return matrix_text(expression, self.text_names)

    def line(self, equation: MatrixEquation, rhs=None) -> Line:
        rhs = equation.rhs if rhs is None else rhs
        return Line(f"{equation.name} = {self.code(rhs)}", f"{self.text(equation.target)} = {self.text(equation.rhs)}")

    # --- the course functions ---
    def forward_blocks(self) -> list[tuple[int, list[Line]]]:
        blocks = []
        for layer in range(1, self.depth + 1):
            blocks.append((layer, [self.line(self.derivation.equation(f"{kind}{layer}")) for kind in ("Z", "A")]))
        return blocks

    def output_symbol(self) -> sp.MatrixSymbol:
        return self.derivation.equation(f"A{self.depth}").target

    def clipped(self, expression):
        """The expression with A^{[L]} read from its clipped copy (for log losses)."""
        if not self.clip:
            return expression
        output = self.output_symbol()
        return expression.xreplace({output: sp.MatrixSymbol(f"{output.name}_safe", *output.shape)})

    def cost_line(self) -> Line:
        equation = self.derivation.equation("J")
        return Line(f"cost = {self.code(self.clipped(equation.rhs))}", f"J = {self.text(equation.rhs)}")

    def backward_blocks(self) -> list[tuple[int, list[Line]]]:
        blocks: dict[int, list[Line]] = {}
        for equation in self.derivation.of_kind("backward"):
            rhs = self.clipped(equation.rhs) if (equation.role, equation.layer) == ("dA", self.depth) else equation.rhs
            layer = equation.layer + 1 if equation.role == "dA" and equation.layer < self.depth else equation.layer
            blocks.setdefault(layer, []).append(self.line(equation, rhs))
        return sorted(blocks.items(), reverse=True)

    def fused_note(self) -> str:
        """What SymPy simplified into dZ^{[L]}, for the comment above it."""
        if not self.derivation.output_fused:
            return ""
        gradient, product = self.derivation.unfused_output
        expanded = product.rhs.xreplace({gradient.target: gradient.rhs})
        return f"SymPy simplified dL/dA ∘ g'(.) = {self.text(expanded)} to the line below"

    def needs_safe_output_in_backward(self) -> bool:
        return self.clip and not self.derivation.output_fused

    def backward_reads(self) -> tuple[list[str], list[str]]:
        """(parameters, cache entries) that backward_propagation unpacks."""
        found = self.derivation.names_read("backward")
        parameters = sorted(n for n in found if n.startswith("W"))
        return parameters, [e.name for e in self.derivation.of_kind("forward") if e.name in found]

    def parameter_names(self, prefix: str = "") -> list[str]:
        kinds = ("W", "b") if self.spec.bias else ("W",)
        return [f"{prefix}{kind}{l}" for l in range(1, self.depth + 1) for kind in kinds]

    def uses_m(self) -> bool:
        return self.spec.reduction == "mean"

    def checks(self) -> dict:
        """What the module checks about X, Y and the parameters, and how it words a mismatch."""
        spec, column = self.spec, self.column
        n_x, n_y = spec.n_inputs, spec.n_outputs
        one_hot = spec.loss.needs_one_hot
        names = [(f"W{l}", f"b{l}") for l in range(1, self.depth + 1)]
        # X's rank and each b against its W: a wrong b would broadcast silently; a W that does not
        # fit its input stops a matmul, which forward_propagation reports through _shape_error
        condition = ["X.ndim != 2"]
        for W, b in names:
            if spec.bias:
                condition.append(f"{b}.shape != ({W}.shape[0], 1)" if column else f"{b}.shape != (1, {W}.shape[1])")
        step = []
        for l, (W, b) in enumerate(names, start=1):
            shape = (spec.sizes[l], spec.sizes[l - 1]) if column else (spec.sizes[l - 1], spec.sizes[l])
            step.append(f"{W}.shape != {shape}")
            if spec.bias:
                step.append(f"{b}.shape != {(spec.sizes[l], 1) if column else (1, spec.sizes[l])}")
        if one_hot:
            alternatives = ", or integer class labels 0..%d of shape (m,)" % (n_y - 1)
        elif n_y == 1:
            alternatives = ", or labels of shape (m,)"
        else:
            alternatives = ""
        return dict(
            one_hot=one_hot,
            layout_note=("the column layout: X is (n_x, m), Y is (n_y, m), one example per column" if column
                         else "the row layout: X is (m, n_x), Y is (m, n_y), one example per row"),
            x_expected=f"({n_x}, m)" if column else f"(m, {n_x})",
            w_expected="(n[l], n[l-1])" if column else "(n[l-1], n[l])",
            y_expected=f"({n_y}, m)" if column else f"(m, {n_y})",
            y_alternatives=alternatives,
            forward_condition=" or ".join(condition),
            step_condition=" or ".join(step),
        )

    # --- everything the template needs ---
    def context(self, command_out: str | None) -> dict:
        spec = self.spec
        step = FusedStepWriter(self).write()
        backward_parameters, backward_cache = self.backward_reads()
        command = f"symnn codegen {spec.command_line()}" + (f" -o {shell_word(command_out)}" if command_out else "")
        output = spec.activations[-1]
        if isinstance(output, Softmax) or spec.loss.needs_one_hot:
            prediction = "argmax"
        elif spec.loss.needs_unit_interval:
            prediction = "threshold"
        else:
            prediction = "value"
        context = dict(
            version=__version__,
            spec=spec,
            command=command,
            depth=self.depth,
            layer_dims=tuple(spec.sizes),
            column=self.column,
            bias=spec.bias,
            examples_axis=1 if self.column else 0,
            units_axis=0 if self.column else 1,
            activations=[a.spec_text for a in spec.activations],
            forward=self.forward_blocks(),
            output=self.output_symbol().name,
            cost=self.cost_line(),
            clip=self.clip,
            backward=self.backward_blocks(),
            fused_note=self.fused_note(),
            safe_output_in_backward=self.needs_safe_output_in_backward(),
            backward_parameters=backward_parameters,
            backward_cache=backward_cache,
            uses_m=self.uses_m(),
            reduction=spec.reduction,
            prediction=prediction,
            step=step.lines,
            step_prelude=step.prelude,
            buffers=step.buffers,
            aliases=step.aliases,
            ufuncs=step.ufuncs,
            proof=self.derivation.proof,
            gradient_names=self.parameter_names("d"),
            parameters_in_step=self.parameter_names(),
            checks=self.checks(),
        )
        context.update(CourseAPIWriter(self).context())
        from .regularization_code import api_names, regularization_context  # --l2 / --dropout only

        context["regularization"] = regularization_context(self)
        context["regularization_api"] = api_names(spec)
        context["softmax"] = any(isinstance(a, Softmax) for a in spec.activations)
        context["imports"] = sorted(self.printer.used_modules | {"numpy"})
        return context


def module_source(spec: NetworkSpec, command_out: str | None = None) -> str:
    """The generated module's text (deterministic: the same spec and command give the same bytes)."""
    writer = ModuleWriter(derive_matrix(spec))
    try:
        return render(TEMPLATE, **writer.context(command_out))
    except PrintMethodNotImplementedError as exc:
        raise SymnnError(f"the network {spec.command_line()} needs a function NumPy code cannot express: "
                         f"{str(exc).splitlines()[0]}") from None


def write_example_module(spec: NetworkSpec, out_dir) -> list:
    """generated/<slug>.py: the module as `symnn examples` commits it."""
    from pathlib import Path

    from .files import write_atomic

    name = f"{spec.slug}.py"
    return [write_atomic(Path(out_dir) / name, module_source(spec, f"generated/{name}"))]
