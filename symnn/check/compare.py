"""Grading one claim: the right answer and the claim at every sample point, a verdict, a
counter-example, the correct formula and, for a wrong claim, the known mistake it matches.

Verdicts: correct (agrees at every point to rounding error, and proved symbolically where SymPy
manages it quickly), wrong (differs clearly at some point: the counter-example says where), or
undecided (too few usable points, or differences too small to call) -- never a false "correct".
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import sympy as sp

from ..derive.perweight import derive_network
from ..errors import LimitExceeded, ParseError, SymnnError
from ..limits import time_limit
from ..render.printers import to_latex, to_text
from .algebra import ShapeMismatch, is_matrix, shape_text
from .claims import Claim, read_claim, shown_claim
from .diagnose import MAX_REPAIRS, SIGN, known_mistakes, repairs
from .jacobians import PREFIX, Forward
from .notations import rewrite
from .numeric import evaluate
from .parse_numpy import looks_like_numpy
from .reference import RIGHT, Backprop, Values, derivative_formulas, output_deltas, samples
from .resolve import Resolver, Target

CLOSE, FAR = 1e-7, 1e-4  # relative agreement that counts as equal / as clearly different
MIN_POINTS = 6
PROOF_SECONDS = 0.3
SYMBOLIC_PARAMETERS = 2000  # above this, per-weight closed forms are derived only when a claim needs one
MAX_PROOF_TERMS = 400  # terms of the multiplied-out difference a proof may take on (2-5-5-5-5-1's dL/dw^[1]_11 has 4,000)
_DELTA_NAME = re.compile(r"(delta|da)(\d+)_(\d+)")  # delta^{[l]}_j = dL/dz^{[l]}_j and dL/da^{[l]}_j, as symbols


@dataclass
class Verdict:
    claim: str
    verdict: str  # correct, wrong, undecided, unusable
    message: str
    target: str = ""
    mode: str = ""
    points: int = 0
    proved: bool = False
    diagnosis: str | None = None
    counterexample: dict | None = None
    correct_formula: dict | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


ORDER = {"unusable": -1, "wrong": 0, "undecided": 1, "correct": 2}


class _WithSteps(Values):
    """The sample point's values, and the Jacobian steps of the chain (jac__z3_1__W3) on demand."""

    def per_example(self) -> "_WithSteps":
        return _WithSteps(self.bp, "example")

    reduction = None  # the cost's reduction when a claim reads J the other way (sum / mean)

    def __getitem__(self, name: str):
        if name.startswith(PREFIX):
            return Forward(self.bp).value(name, self.mode)
        named = re.fullmatch(r"d(w|b)(\d+)_(\d+)(?:_(\d+))?", name)
        if named:  # one parameter's gradient by name, in an update rule (w_{11} := w_{11} - alpha dw_{11})
            kind, layer, first, second = named.groups()
            entry = (int(first), int(second)) if kind == "w" else (
                (1, int(first)) if self.bp.spec.layout == "row" else (int(first), 1))
            value = _entry_per_example(self.bp, Target(kind.upper() if kind == "w" else "b", int(layer), entry), self.bp.spec.layout)
            return value if self.mode == "batch" else value[:, None, None]
        if name in ("loss__L", "loss__J"):  # one example's loss at each example, or the cost
            per_example = np.asarray(evaluate(self.bp.derivation.loss, _WithSteps(self.bp, "batch")), float)
            if name == "loss__L":
                return per_example if self.mode == "batch" else per_example[:, None, None]
            mean = (self.reduction or self.bp.spec.reduction) == "mean"
            return per_example.sum() / (self.bp.m if mean else 1.0)
        return super().__getitem__(name)


class Checker:
    """Everything about one spec that every claim needs, prepared once (and shared by workers)."""

    def __init__(self, spec):
        self.dropout_note = None
        if spec.dropout is not None:  # masks are random: a claim is graded for the network they leave whole
            spec = replace(spec, dropout=None)
            self.dropout_note = "dropout is not graded: this claim was graded for the network without dropout (keep_prob = 1)"
        self.spec = spec
        self.derivation = derive_network(spec)
        self.resolver = Resolver(spec)
        self.samples = samples(spec)
        self.right = [Backprop(self.derivation, s) for s in self.samples]
        self.mistakes = known_mistakes(spec)
        self._variants: dict = {}
        self._quiet = False  # while trying repairs: verdicts only, no diagnosis of their own

    def warm(self) -> "Checker":
        """Compute the lazy parts now (before worker processes fork, so they share them)."""
        if self.spec.parameter_count <= SYMBOLIC_PARAMETERS:
            self.derivation.deltas  # noqa: B018  (the per-weight closed forms, for scalar claims)
        self.matrix_formulas  # noqa: B018
        return self

    # --- the right answer and its variants ---
    def variant(self, index: int, point: int) -> Backprop:
        key = (index, point)
        if key not in self._variants:
            with np.errstate(all="ignore"):  # a variant may overflow (that is why it is wrong): no warnings on stderr
                self._variants[key] = self.right[point].variant(self.mistakes[index])
        return self._variants[key]

    def reference(self, backprop: Backprop, claim: Claim) -> np.ndarray:
        target, layout = claim.target, self.spec.layout
        if claim.mode == "entry":
            return _entry_per_example(backprop, target, layout)
        if claim.mode == "example":
            value = backprop.per_example(target.kind, target.layer)
            return np.swapaxes(value, -1, -2) if layout == "row" else value
        value = backprop.batch(target.kind, target.layer)
        value = value.T if layout == "row" else value
        if claim.mode == "total":
            row, column = target.entry
            return np.asarray(value[row - 1, column - 1])
        return value

    def values(self, point: int, claim: Claim) -> Values:
        values = _WithSteps(self.right[point], "example" if claim.mode == "example" else "batch")
        if claim.layout.startswith("cost_"):
            values.reduction = claim.layout[5:]
        return values

    # --- correct formulas, for the message ---
    @cached_property
    def matrix_formulas(self) -> dict:
        from ..derive.matrix import derive_matrix
        from ..render.matrixtext import matrix_text

        try:
            with time_limit(20, "deriving the matrix equations"):
                derivation = derive_matrix(self.spec, prove=False)
        except (LimitExceeded, SymnnError):
            return {}
        equations = [e for e in derivation.equations if e.kind == "backward"]
        names = derivation.latex_names
        if self.spec.l2 is not None:  # dW with the L2 penalty's gradient
            from ..derive.regularization import derive_regularized

            regularized = derive_regularized(self.spec, derivation)
            equations, names = regularized.l2_backward, regularized.latex_names
        text_names = {s: n.replace("\\", "").replace("{", "").replace("}", "") for s, n in names.items()}  # dZ^[2], as the terminal writes it
        return {e.name: f"{e.name} = {matrix_text(e.rhs, text_names)}" for e in equations}

    def closed_form(self, target: Target) -> sp.Expr | None:
        """The per-weight derivation's dL/d(entry) for one example (past MAX_CLOSED_FORM_SIZE nodes, written
        through a later layer's delta symbols, as the derivation writes it)."""
        d = self.derivation
        row, column = target.entry
        j, k = (row, column) if self.spec.layout == "column" else (column, row)
        if target.kind == "W":
            return self.delta_form(target.layer, j) * d.kept(target.layer - 1, k)
        unit = j if target.kind != "b" or self.spec.layout == "column" else k
        if target.kind in ("b", "Z"):
            return self.delta_form(target.layer, unit)
        if target.layer == self.spec.depth:
            return d.loss_gradient[unit - 1]
        n = d.notation
        return sp.Add(*[n.w(target.layer + 1, i, unit) * self.delta_form(target.layer + 1, i) for i in d.units(target.layer + 1)])

    def delta_form(self, layer: int, unit: int) -> sp.Expr:
        """delta^{[l]}_j's closed form from the derivation; for a network over SYMBOLIC_PARAMETERS whose deltas
        were not derived (a 784-128-10 takes a second, wider ones half a minute), one step of the recursion."""
        if "deltas" in self.derivation.__dict__ or self.spec.parameter_count <= SYMBOLIC_PARAMETERS:
            return self.derivation.deltas[layer][unit - 1].closed_form
        return self._recursion(layer, unit)

    def _recursion(self, layer: int, unit: int) -> sp.Expr:
        """delta^{[l]}_j = g'(z^{[l]}_j) sum_i w^{[l+1]}_{ij} delta^{[l+1]}_i; the output layer's, fused (a - y)."""
        d = self.derivation
        if "deltas" in d.__dict__:
            return d.deltas[layer][unit - 1].recursion
        if layer == self.spec.depth:
            return output_deltas(d)[unit - 1]
        n = d.notation
        local = d.activation_derivative(layer, unit) * d.keep_factor(layer, unit)
        return local * sp.Add(*[n.w(layer + 1, i, unit) * n.delta(layer + 1, i) for i in d.units(layer + 1)])

    def _through_same_deltas(self, first, second):
        """`first` and `second` rewritten by the deltas' definitions until both are written through the deltas
        of one layer, or through none, so that SymPy can compare them: dL/da^{[l]}_j becomes
        sum_i w^{[l+1]}_{ij} delta^{[l+1]}_i, a delta of an earlier layer one step of its recursion, and where one
        side has no delta left, the other's deltas their closed forms. None past MAX_PROOF_TERMS."""
        depth, n = self.spec.depth, self.derivation.notation
        pair = [first, second]
        for _ in range(3 * depth + 3):
            found = [_deltas_in(e) for e in pair]
            every = {**found[0], **found[1]}
            if not every:
                return pair
            layers = [{layer for _, layer, _ in f.values()} for f in found]
            low, top = min(layers[0] | layers[1]), max(layers[0] | layers[1])
            if any(kind == "da" for kind, _, _ in every.values()):
                replacements = {s: (self.derivation.loss_gradient[j - 1] if l == depth else
                                    sp.Add(*[n.w(l + 1, i, j) * n.delta(l + 1, i) for i in self.derivation.units(l + 1)]))
                                for s, (kind, l, j) in every.items() if kind == "da"}
            elif layers[0] == layers[1] == {top}:
                return pair
            elif low < top:
                replacements = {s: self._recursion(l, j) for s, (_, l, j) in every.items() if l == low}
            else:  # both at one layer, but one side has no deltas: write the other's out
                replacements = {s: self.delta_form(l, j) for s, (_, l, j) in every.items()}
            pair = [e.xreplace(replacements) for e in pair]
            if _product_terms(pair[0]) + _product_terms(pair[1]) > MAX_PROOF_TERMS:
                return None
        return None

    def correct_formula(self, claim: Claim) -> dict | None:
        target = claim.target
        if claim.forward is not None:
            return None
        if target.entry is not None:
            form = self.closed_form(target)
            names = self.derivation.notation
            text, latex = to_text(form, names.text_names), to_latex(form, names.latex_names)
            if claim.mode == "total":
                factor = "1/m " if self.spec.reduction == "mean" else ""
                text, latex = f"{factor}sum_i [{text}]^(i)", ("\\frac{1}{m}" if factor else "") + f"\\sum_{{i=1}}^{{m}} \\left({latex}\\right)^{{(i)}}"
            layers = sorted({layer for _, layer, _ in _deltas_in(form).values()})
            if layers:  # written through a later layer's deltas: say what they are
                unit = {l: "_j" if self.spec.sizes[l] > 1 else "" for l in layers}
                text += "   where " + ", ".join(f"delta^[{l}]{unit[l]} = dL/dz^[{l}]{unit[l]}" for l in layers)
                latex += r"\quad\text{where }" + ",\\ ".join(
                    f"\\delta^{{[{l}]}}{unit[l]} = \\frac{{\\partial L}}{{\\partial z^{{[{l}]}}{unit[l]}}}" for l in layers)
            return {"text": f"{target.name} = {text}", "latex": latex}
        name = {"W": "dW", "b": "db", "Z": "dZ", "A": "dA"}[target.kind] + str(target.layer)
        formula = self.matrix_formulas.get(name)
        if formula is None and target.kind == "A" and target.layer == self.spec.depth:
            return None
        if formula is None:
            return None
        if claim.mode == "example":
            formula += "   (for the whole batch; one example's: the same with a, z, x vectors and without 1/m)"
        return {"text": formula}

    # --- grading ---
    def grade(self, text) -> Verdict:
        started = time.perf_counter()
        shown = shown_claim(text)
        try:
            claim = read_claim(text, self.resolver)
        except ShapeMismatch as exc:
            diagnosis = self._repaired(text) or _shape_diagnosis(str(exc))
            return Verdict(shown, "wrong", str(exc), diagnosis=diagnosis, seconds=time.perf_counter() - started)
        except (ParseError, SymnnError) as exc:
            return Verdict(shown, "unusable", str(exc), seconds=time.perf_counter() - started)
        except RecursionError:
            return Verdict(shown, "unusable", "the claim is nested too deeply", seconds=time.perf_counter() - started)
        worst = self._grade_claim(claim, shown)
        if worst.verdict != "correct" and claim.alternatives:
            worst = self._other_reading(claim, shown, worst)
        if self.dropout_note:
            worst.notes.append(self.dropout_note)
        worst.seconds = time.perf_counter() - started
        return worst

    def _grade_identity(self, claim: Claim, shown: str) -> Verdict:
        """Both sides of an identity in z at 40 values of z (none exactly 0, where ReLU' is a convention)."""
        grid = {"identity_z": np.concatenate([np.linspace(-4.1, 3.9, 33), [0.5, -0.5, 1.0, -1.0, 2.0, 0.1, -0.1]])}
        base = dict(claim=shown, target=claim.label, mode="identity", notes=list(claim.notes))
        right = np.broadcast_to(np.asarray(evaluate(claim.forward, grid), float), grid["identity_z"].shape)
        worst = None
        for side in claim.sides:
            try:
                value = np.broadcast_to(np.asarray(evaluate(side, grid), float), right.shape)
            except (KeyError, ValueError, TypeError, OverflowError, ZeroDivisionError) as exc:
                return Verdict(message=f"cannot evaluate the right-hand side: {exc}", verdict="undecided", **base)
            state = _agreement(value, right)
            if state["far"]:
                where = int(np.argmax(np.abs(value - right) / (np.abs(value) + np.abs(right) + 1e-12)))
                diagnosis = SIGN if _same([value], [-right]) else None
                ratio = value[np.abs(right) > 1e-9] / right[np.abs(right) > 1e-9]
                if diagnosis is None and ratio.size and _same([value], [float(ratio[0]) * right]):
                    diagnosis = f"a constant factor: the claim is {sp.nsimplify(round(float(ratio[0]), 9))} times the right answer"
                counterexample = {"point": where, "claimed": _rounded(value[where]), "correct": _rounded(right[where]),
                                  "inputs": {"z": _rounded(grid["identity_z"][where])}}
                return Verdict(message=f"differs from {claim.label} at z = {_rounded(grid['identity_z'][where])}", verdict="wrong",
                               diagnosis=diagnosis, counterexample=counterexample, points=int(np.isfinite(right).sum()), **base)
            if state["close_only"]:
                worst = Verdict(message="agrees to about 4 digits but not to rounding error", verdict="undecided", **base)
        return worst or Verdict(message=f"equal at all {int(np.isfinite(right).sum())} values of z", verdict="correct",
                                points=int(np.isfinite(right).sum()), **base)

    def _grade_claim(self, claim: Claim, shown: str) -> Verdict:
        if claim.identity:
            return self._grade_identity(claim, shown)
        if claim.instances:  # an index form: every value of its free indices
            verdicts = [self._grade_claim(instance, shown) for instance in claim.instances]
            worst = min(verdicts, key=lambda v: ORDER[v.verdict])
            worst.notes = [n for n in claim.notes if n not in worst.notes] + worst.notes
            return worst
        verdicts = [self._grade_side(claim, side, shown) for side in claim.sides]
        worst = min(verdicts, key=lambda v: ORDER[v.verdict])
        if len(claim.sides) > 1:
            worst.notes.append(f"{len(claim.sides)} right-hand sides graded; the verdict is the worst of them")
        return worst

    def _other_reading(self, claim: Claim, shown: str, first: Verdict) -> Verdict:
        """An ambiguous notation (z^2: layer 2 or a square?): a claim right under another reading is
        right, and says which reading made it so; otherwise the first reading's verdict stands."""
        for text, notes in zip(claim.alternatives, claim.alternative_notes):
            try:
                other = read_claim(text, self.resolver, as_written=True)
            except (ParseError, SymnnError, RecursionError):
                continue
            other.notes = notes + other.notes
            verdict = self._grade_claim(other, shown)
            if verdict.verdict == "correct" or first.verdict == "unusable":
                return verdict
            if verdict.verdict == "wrong" and verdict.diagnosis and not first.diagnosis:
                return verdict  # wrong either way, and this reading explains the mistake
        first.notes.append("another reading of its notation was tried and does not hold either")
        return first

    def _grade_side(self, claim: Claim, side, shown: str) -> Verdict:
        verdict = self._grade_one_side(claim, side, shown)
        if getattr(claim.forward, "name", "") == "loss__J" and verdict.verdict != "correct":
            other = "sum" if self.spec.reduction == "mean" else "mean"  # the cost as a sum or as a mean: a convention
            again = self._grade_one_side(replace(claim, layout=f"cost_{other}", notes=claim.notes + [
                f"read J as the {other} over the examples (this spec's cost is the {self.spec.reduction}; --reduction {other} would match)"]), side, shown)
            return again if again.verdict == "correct" else verdict
        if not claim.jacobian or verdict.verdict == "correct" or not is_matrix(claim.forward):
            return verdict
        shape = tuple(claim.forward.shape)
        readings = [("numerator", "read in the numerator layout (entry (i, j) is du_i/dv_j), not seed 002's denominator layout")]
        if shape[0] == shape[1] and is_matrix(side) and tuple(side.shape) == (shape[0], 1):
            readings.append(("diagonal", "read as the diagonal of the Jacobian, element by element (the Jacobian itself is diag(...))"))
        for layout, words in readings:
            other = self._grade_one_side(replace(claim, layout=layout, notes=claim.notes + [words]), side, shown)
            if other.verdict == "correct":
                return other
        return verdict

    def _grade_one_side(self, claim: Claim, side, shown: str) -> Verdict:
        target = claim.target
        label = self._label(claim)
        base = dict(claim=shown, target=label, mode=claim.mode, notes=list(claim.notes))
        expected_shape = self._shape(claim)
        if is_matrix(side) and expected_shape is not None and tuple(side.shape) != expected_shape:
            words = f"shape mismatch: the right-hand side is {shape_text(side.shape)}, {label} is {shape_text(expected_shape)}"
            transposed = tuple(side.shape) == tuple(reversed(expected_shape))
            diagnosis = self._repaired(claim.text, claim) or (
                "a missing transpose or products in the wrong order" if transposed else None)
            return Verdict(message=words, verdict="wrong", correct_formula=self.correct_formula(claim),
                           diagnosis=diagnosis, **base)
        if claim.rank_one:
            rows = expected_shape[0] if expected_shape else "n"
            return Verdict(message=f"np.sum without keepdims=True gives a rank-1 array of shape ({rows},), not a column ({rows}, 1)",
                           verdict="wrong", diagnosis="a missing keepdims=True (seed 003: avoid rank-1 arrays)",
                           correct_formula=self.correct_formula(claim), **base)
        claimed, right, usable = [], [], 0
        for point in range(len(self.samples)):
            try:
                value = evaluate(side, self.values(point, claim))
            except (KeyError, ValueError, TypeError, OverflowError, ZeroDivisionError) as exc:
                return Verdict(message=f"cannot evaluate the right-hand side: {exc}", verdict="undecided", **base)
            reference = self._reference_at(point, claim)
            try:
                value = np.broadcast_to(np.asarray(value, dtype=float), reference.shape)
            except ValueError:
                return Verdict(message=f"shape mismatch: the right-hand side has shape {np.shape(value)}, "
                               f"{label} has {reference.shape}", verdict="wrong", **base)
            claimed.append(value)
            right.append(reference)
        status = [_agreement(c, r) for c, r in zip(claimed, right)]
        for point, state in enumerate(status):
            if self.right[point].at_kink and (state["far"] or state["close_only"]):
                # z = 0 exactly under ReLU: the derivative is a convention there (symnn takes relu'(0) = 0)
                status[point] = {"usable": False, "far": False, "close_only": False}
                if not any("kink" in n for n in base["notes"]):
                    base["notes"].append("differs only where some z is exactly 0 under ReLU (a kink: symnn takes relu'(0) = 0); "
                                         "those points are not counted")
        usable = sum(s["usable"] for s in status)
        base["points"] = usable
        wrong_at = next((i for i, s in enumerate(status) if s["far"]), None)
        if wrong_at is not None:
            counterexample = self._counterexample(claim, side, wrong_at, claimed[wrong_at], right[wrong_at])
            diagnosis = self._diagnose(claim, claimed) if self._quiet else self._diagnosed(claim, claimed)
            base["notes"] = [n for n in base["notes"] if "kink" not in n]
            message = f"differs from {label} at sample point {wrong_at}"
            return Verdict(message=message, verdict="wrong", counterexample=counterexample, diagnosis=diagnosis,
                           correct_formula=self.correct_formula(claim), **base)
        if any(s["close_only"] for s in status):
            return Verdict(message="agrees to about 4 digits but not to rounding error", verdict="undecided", **base)
        if usable < MIN_POINTS:
            return Verdict(message=f"only {usable} sample points gave finite values", verdict="undecided", **base)
        proved = self._prove(claim, side)
        how = "proved symbolically and " if proved else ""
        return Verdict(message=f"{how}equal at all {usable} sample points", verdict="correct", proved=proved, **base)

    def _label(self, claim: Claim) -> str:
        """What the claim is about, in messages: dL/dw^[1]_11, dW1, or z^[2]_1 of the forward pass."""
        head = claim.forward
        if claim.label:
            return claim.label
        if head is None:
            return claim.target.name
        name = self._display_name(head.name) if isinstance(head, sp.Symbol) else head.name
        return f"{name} of the forward pass"

    def _reference_at(self, point: int, claim: Claim):
        """The right value of what the claim is about: a gradient from the backward pass, or for a
        forward step its left-hand side, evaluated with the same values as the claim."""
        if claim.forward is not None:
            value = np.asarray(evaluate(claim.forward, self.values(point, claim)), float)
            if claim.layout == "numerator":
                return np.swapaxes(value, -1, -2)
            if claim.layout == "diagonal":
                return np.diagonal(value, axis1=-2, axis2=-1)[..., None]
            return value
        return self.reference(self.right[point], claim)

    def _shape(self, claim: Claim):
        target, r = claim.target, self.resolver
        if claim.forward is not None:
            if not is_matrix(claim.forward):
                return None
            rows, columns = claim.forward.shape
            return {"numerator": (columns, rows), "diagonal": (rows, 1)}.get(claim.layout, (rows, columns))
        if target.entry is not None:
            return None
        sizes = self.spec.sizes
        if target.kind == "W":
            return tuple(r.weight_shape(target.layer))
        columns = 1 if claim.mode == "example" or target.kind == "b" else sp.Symbol("m", positive=True, integer=True)
        return tuple(r._oriented(sizes[target.layer], columns))

    def _diagnose(self, claim: Claim, claimed) -> str | None:
        if claim.forward is not None:
            return None  # the known mistakes are mistakes of backpropagation
        points = range(len(self.samples))
        for other in self._other_entries(claim):
            if _same(claimed, [self.reference(self.right[p], other) for p in points]):
                return f"the wrong unit index: this is {other.target.name}, not {claim.target.name}"
        for index, mistake in enumerate(self.mistakes):
            variant = [self.reference(self.variant(index, p), claim) for p in points]
            if _same(variant, [self.reference(self.right[p], claim) for p in points]):
                continue  # this mistake does not change what the claim is about
            if _same(claimed, variant):
                return mistake.words
            if mistake.words != SIGN and _same(claimed, [-v for v in variant]):
                return f"{mistake.words}, and a sign flip"
        return None

    def _diagnosed(self, claim: Claim, claimed) -> str | None:
        """The known mistakes first, then a missing or extra factor, then one edit of the text that makes it right."""
        if claim.forward is not None:
            return self._step_mistake(claim, claimed) or self._repaired(claim.text, claim)
        return self._diagnose(claim, claimed) or self._factor(claim, claimed) or self._repaired(claim.text, claim)

    def _step_mistake(self, claim: Claim, claimed) -> str | None:
        """For a forward step or a Jacobian step: a sign flip, a constant factor, or (da/dz) the activation
        where its derivative belongs."""
        points = range(len(self.samples))
        right = [self._reference_at(p, claim) for p in points]
        claimed = [np.broadcast_to(np.asarray(c, float), r.shape) for c, r in zip(claimed, right)]
        if _same(claimed, [-r for r in right]):
            return SIGN
        with np.errstate(all="ignore"):
            ratios = np.concatenate([np.where(np.abs(r) > 1e-9, c / r, np.nan).reshape(-1) for c, r in zip(claimed, right)])
        finite = ratios[np.isfinite(ratios)]
        if finite.size >= 4 and _same(claimed, [float(finite[0]) * r for r in right]):
            return f"a constant factor: the claim is {sp.nsimplify(round(float(finite[0]), 9))} times the right answer"
        step = re.fullmatch(r"jac__a(\d+)(_\d+)?__z\1(_\d+)?", getattr(claim.forward, "name", ""))
        if step and step.group(2) == step.group(3):
            name = f"a{step.group(1)}{step.group(2) or ''}"
            try:
                values = [np.broadcast_to(np.asarray(self.values(p, claim)[name], float), right[p].shape) for p in points]
            except (KeyError, ValueError):
                return None
            if _same(claimed, values):
                layer = int(step.group(1))
                g = self.spec.activations[layer - 1].name
                return f"{g}(z) where {g}'(z) belongs: the activation instead of its derivative (layer {layer})"
        return None

    def _repaired(self, text, claim: Claim | None = None) -> str | None:
        """The single edit of the right-hand side (a layer index, a unit index, a transpose) after which the
        claim holds at every sample point, in words; None when no single edit does."""
        if self._quiet or not isinstance(text, str):
            return None
        numpy_style = looks_like_numpy(text)
        base = text if numpy_style else rewrite(text, self.spec.depth).text
        self._quiet = True
        second = None  # one edit that leaves a known mistake: both are named
        try:
            for count, (edited, words) in enumerate(repairs(base, self.spec, numpy_style)):
                if count >= MAX_REPAIRS:
                    break
                try:
                    other = read_claim(edited, self.resolver, as_written=True)
                    verdict = self._grade_claim(other, "")
                except (ParseError, SymnnError, RecursionError, ValueError, TypeError, KeyError):
                    continue
                if verdict.verdict == "correct":
                    return words
                if second is None and verdict.verdict == "wrong" and verdict.diagnosis and verdict.counterexample:
                    second = f"{words}, and {verdict.diagnosis}"
        finally:
            self._quiet = False
        return second

    def _factor(self, claim: Claim, claimed) -> str | None:
        """claim / right constant (the 2 of a squared loss), or equal to one factor of the chain (an extra
        sigma'), or right / claim equal to one (a missing factor)."""
        if claim.forward is not None:
            return None
        points = range(len(self.samples))
        right = [np.asarray(self.reference(self.right[p], claim), float) for p in points]
        claimed = [np.broadcast_to(np.asarray(c, float), r.shape) for c, r in zip(claimed, right)]
        with np.errstate(all="ignore"):
            ratios = np.concatenate([np.where(np.abs(r) > 1e-9, c / r, np.nan).reshape(-1) for c, r in zip(claimed, right)])
        finite = ratios[np.isfinite(ratios)]
        if finite.size >= 4 and not np.isclose(finite[0], 1):
            constant = float(finite[0])
            if _same(claimed, [constant * r for r in right]):
                return f"a constant factor: the claim is {sp.nsimplify(round(constant, 9))} times the right answer"
        for words, values in self._factor_candidates(claim):
            with np.errstate(all="ignore"):
                if _same(claimed, [r * v for r, v in zip(right, values)]):
                    return f"an extra factor {words}"
                if _same([c * v for c, v in zip(claimed, values)], right):
                    return f"a missing factor {words}"
        return None

    def _factor_candidates(self, claim: Claim):
        """The layer's activation derivative (the right one, and sigmoid' or tanh' through a, as a
        softmax output sometimes gets), and for one weight the symbols of its closed form (x_1, w^[2]_11)."""
        points = range(len(self.samples))
        layer = claim.target.layer
        rule = self.spec.activations[layer - 1]
        for key, (words, formula, _variable) in derivative_formulas(rule).items():
            values = [self._shaped(np.broadcast_to(evaluate(formula, {"z": self.right[p].Z[layer], "a": self.right[p].A[layer]}),
                                                   self.right[p].Z[layer].shape), claim) for p in points]
            if all(v is not None for v in values):
                yield f"{key.split(chr(39))[0]}'(z^[{layer}]) ({words})", values
        if claim.mode == "entry" and claim.target.kind in ("W", "b") and self.spec.parameter_count <= SYMBOLIC_PARAMETERS:
            for symbol in sorted(self.closed_form(claim.target).free_symbols, key=str):
                try:
                    values = [np.asarray(self.values(p, claim)[symbol.name], float) for p in points]
                except KeyError:
                    continue
                yield self._display_name(symbol.name), values

    def _shaped(self, per_unit, claim: Claim):
        """A (units, m) array of layer values as the claim's reference is shaped, or None."""
        target = claim.target
        if claim.forward is not None:
            return None
        layout_row = self.spec.layout == "row"
        if claim.mode == "entry" and target.kind in ("W", "b", "Z", "A"):
            unit = (target.entry[1] if layout_row else target.entry[0]) - 1
            if target.kind in ("Z", "A") and per_unit.shape[0] == self.spec.sizes[target.layer]:
                return per_unit[unit]
            if target.kind in ("W", "b") and per_unit.shape[0] == self.spec.sizes[target.layer]:
                return per_unit[unit]
            return None
        if claim.mode in ("batch",) and target.kind in ("Z", "A") and per_unit.shape[0] == self.spec.sizes[target.layer]:
            return per_unit.T if layout_row else per_unit
        if claim.mode == "example" and target.kind in ("Z", "A") and per_unit.shape[0] == self.spec.sizes[target.layer]:
            value = per_unit.T[:, :, None]
            return np.swapaxes(value, -1, -2) if layout_row else value
        return None

    def _other_entries(self, claim: Claim):
        """The same claim about each other entry of the same matrix (for 'the wrong unit index')."""
        target = claim.target
        if target.entry is None or target.kind not in ("W", "b", "Z", "A"):
            return
        rows, columns = self._entry_shape(target)
        if rows * columns <= 400:
            cells = [(row, column) for row in range(1, rows + 1) for column in range(1, columns + 1)]
        else:  # a wide layer (784-128-10's W^[1] has 100,352 entries): the same row and the same column
            row, column = target.entry
            cells = [(row, c) for c in range(1, columns + 1)] + [(r, column) for r in range(1, rows + 1)]
        for cell in cells:
            if cell != target.entry:
                yield replace(claim, target=replace(target, entry=cell))

    def _entry_shape(self, target: Target):
        if target.kind == "W":
            return self.resolver.weight_shape(target.layer)
        return self.resolver._oriented(self.spec.sizes[target.layer], 1)

    def _counterexample(self, claim: Claim, side, point: int, claimed, right) -> dict:
        with np.errstate(all="ignore"):
            difference = np.abs(claimed - right) / (np.abs(claimed) + np.abs(right) + 1e-12)
        difference = np.where(np.isfinite(difference), difference, np.inf)
        where = np.unravel_index(int(np.argmax(difference)), difference.shape) if difference.shape else ()
        values = self.values(point, claim)
        inputs = {}
        names = sorted({s.name for s in side.free_symbols if hasattr(s, "name")})
        for name in names:
            try:
                value = np.asarray(values[name], float)
            except KeyError:
                continue
            if claim.mode == "entry" and value.ndim == 1:
                value = value[where[0]] if where else value
            elif claim.mode == "example" and value.ndim == 3:
                value = value[where[0]]
            if value.size <= 24:
                inputs[self._display_name(name)] = _rounded(value)
        entry = [int(i) + (1 if claim.mode != "entry" else 0) for i in where]
        result = {"point": point, "claimed": _rounded(claimed[where] if where else claimed),
                  "correct": _rounded(right[where] if where else right), "inputs": inputs}
        if claim.mode == "entry" and where:
            result["example"] = int(where[0]) + 1
        elif claim.mode == "example" and where:
            result["example"], result["entry"] = entry[0], entry[1:]
        elif where:
            result["entry"] = entry
        return result

    def _display_name(self, name: str) -> str:
        """x1 -> x_1, a1_2 -> a^[1]_2, dz2 -> dL/dz^[2], x_vector -> x: the course's names."""
        gradient = re.fullmatch(r"d(z|a)(\d+)", name)
        if gradient:
            return f"dL/d{gradient.group(1)}^[{gradient.group(2)}]"
        if name.endswith("_vector"):
            return name[0]
        return self.derivation.notation.text_names.get(sp.Symbol(name), name)

    def _prove(self, claim: Claim, side) -> bool:
        """For one weight's claim: SymPy shows claim - closed form is 0 (sigma(z) read as a) in a short time,
        both written through the deltas of the same layer first (a large closed form is written through
        deltas; a claim may be written out, or through deltas of another layer)."""
        if claim.mode != "entry" or claim.forward is not None or side.has(sp.Piecewise, sp.Heaviside):
            return False
        try:
            with time_limit(PROOF_SECONDS, "the symbolic check"):
                side = self._outputs_for_activations(side)
                pair = self._through_same_deltas(side, self.closed_form(claim.target))
                return pair is not None and sp.expand(pair[0] - pair[1]) == 0
        except (LimitExceeded, Exception):  # noqa: BLE001 - a failed proof is just "not proved"
            return False

    def _outputs_for_activations(self, expression):
        """sigma(z^{[l]}_j) -> a^{[l]}_j, so a claim in z and one in a can be compared symbolically (only for the
        z's the claim uses: a 784-128-10 has 138 units)."""
        n, replacements = self.derivation.notation, {}
        for symbol in expression.free_symbols:
            match = re.fullmatch(r"z(\d+)_(\d+)", getattr(symbol, "name", ""))
            if not match or not 1 <= int(match.group(1)) <= self.spec.depth:
                continue
            layer, j = int(match.group(1)), int(match.group(2))
            rule = self.spec.activations[layer - 1]
            if getattr(rule, "elementwise", False) and symbol == n.z(layer, j):
                a = n.a(layer, j)
                replacements[rule.apply(symbol)] = a
                if rule.name == "sigmoid" and not rule.custom:  # sigma'(z), read as e^{-z}/(1 + e^{-z})^2, is a (1 - a)
                    replacements[1 + sp.exp(-symbol)] = 1 / a
                    replacements[sp.exp(-symbol)] = (1 - a) / a
        return expression.xreplace(replacements)


def _entry_per_example(backprop: Backprop, target: Target, layout: str) -> np.ndarray:
    """One entry of `backprop.per_example(kind, layer)` (in the spec's layout) at each example, shape (m,),
    computed alone: the whole (m, 128, 784) stack of a first-layer weight's gradients is 300x the work."""
    mistake = backprop.mistake
    row, column = target.entry if layout == "column" else reversed(target.entry)
    i, k = row - 1, column - 1
    layer = target.layer
    if target.kind == "W":
        previous = backprop.A[mistake.previous[1]] if mistake.previous and mistake.previous[0] == layer else backprop.A[layer - 1]
        if mistake.transposed and backprop.dZ[layer].shape[0] == previous.shape[0]:
            i, k = k, i
        if not (0 <= i < backprop.dZ[layer].shape[0] and 0 <= k < previous.shape[0]):
            raise IndexError(f"entry ({row}, {column}) is outside dW^[{layer}]")
        value = backprop.dZ[layer][i] * previous[k]
    else:
        if k != 0:
            raise IndexError(f"entry ({row}, {column}) is outside a column")
        value = (backprop.dA if target.kind == "A" else backprop.dZ)[layer][i]
    if mistake.factor == "extra":
        value = value / backprop.m
    return mistake.sign * value


def _deltas_in(expression) -> dict:
    """The delta (dL/dz) and dL/da symbols of an expression: symbol -> (kind, layer, unit)."""
    found = {}
    for symbol in getattr(expression, "free_symbols", ()):
        match = _DELTA_NAME.fullmatch(getattr(symbol, "name", ""))
        if match:
            found[symbol] = (match.group(1), int(match.group(2)), int(match.group(3)))
    return found


def _product_terms(expression, cap: int = 10**9) -> int:
    """How many terms multiplying `expression` out gives, at most (sums of products of sums)."""
    if expression.is_Add:
        return min(cap, sum(_product_terms(a, cap) for a in expression.args))
    if expression.is_Mul:
        total = 1
        for factor in expression.args:
            total = min(cap, total * _product_terms(factor, cap))
        return total
    if expression.is_Pow and expression.exp.is_Integer and expression.exp > 0:
        base, total = _product_terms(expression.base, cap), 1
        for _ in range(min(int(expression.exp), 64)):
            total = min(cap, total * base)
        return total
    return 1


def _agreement(claimed: np.ndarray, right: np.ndarray) -> dict:
    finite = np.isfinite(right)
    if not finite.any():
        return {"usable": False, "far": False, "close_only": False}
    c, r = claimed[finite], right[finite]
    scale = np.abs(c) + np.abs(r) + 1e-12
    gap = np.abs(c - r)
    far = bool(np.any(~np.isfinite(c)) or np.any(gap > FAR * scale + 1e-10))
    close_only = not far and bool(np.any(gap > CLOSE * scale + 1e-12))
    return {"usable": True, "far": far, "close_only": close_only}


def _same(first: list, second: list) -> bool:
    for a, b in zip(first, second):
        a, b = np.asarray(a, float), np.asarray(b, float)
        if a.shape != b.shape and not (a.size == b.size):
            return False
        a, b = a.reshape(-1), b.reshape(-1)
        finite = np.isfinite(b)
        if np.any(np.isfinite(a) != finite):
            return False
        if np.any(np.abs(a[finite] - b[finite]) > 1e-6 * (np.abs(a[finite]) + np.abs(b[finite])) + 1e-10):
            return False
    return True


def _rounded(value):
    array = np.asarray(value, float)
    if array.ndim == 0:
        return float(f"{float(array):.6g}")
    return [_rounded(v) for v in array]


def _shape_diagnosis(message: str) -> str | None:
    return "a missing transpose or products in the wrong order" if "multiply" in message else None


def grade_claims(spec, claims) -> list[Verdict]:
    checker = Checker(spec)
    return [checker.grade(text) for text in claims]
