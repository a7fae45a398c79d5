"""Hand-derived derivatives of a function, graded: seed 000's exercises (f_x, f_xy, the gradient, the
Hessian, f'(x) and f''(x)) against SymPy's own derivatives.

`symnn check --function EXPR CLAIM...` and `symnn.check(function=EXPR, claims=[...])`. A claim names
what it is about on the left (`df/dx`, `f_xy`, `d2f/dx2`, `\\frac{\\partial^2 f}{\\partial x \\partial y}`,
`f''(x)`, `grad f`, `H`) and gives a formula on the right: plain maths read by `safe_expr` (lists for
vectors and matrices), or LaTeX read by the checker's own grammar (`bmatrix` for matrices). Nothing
is evaluated as code. Each entry is compared with the right derivative at seeded sample points (0, 1
and -1 among them) and, when it agrees there, proved with SymPy under a time limit; a wrong entry gets
a counter-example and, where it matches one, the mistake: a sign flip, a constant factor, a missing or
extra term, or another derivative (the wrong variable, the wrong order).
"""
from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..derive.functions import FunctionDerivation, derive_function
from ..errors import LimitExceeded, ParseError, SymnnError
from ..limits import time_limit
from ..safe_expr import CONSTANTS, FUNCTIONS, as_python, read_formula
from .claims import claim_text, shown_claim
from .compare import Verdict, _rounded
from .numeric import evaluate
from .parse_latex import MAX_LENGTH, parse_latex_chain

SEED = 20261122
AWKWARD = (0.0, 1.0, -1.0, 0.5, 2.0)
RANDOM_POINTS = 24
FAR, CLOSE = 1e-6, 1e-9  # relative gaps: wrong beyond FAR, equal within CLOSE, undecided between
MIN_POINTS = 5
PROOF_SECONDS = 2.0


@dataclass(frozen=True)
class Target:
    """What a claim is about: f itself (order 0), one derivative (the variables' positions), or every
    entry of the gradient or the Hessian."""

    indices: tuple[int, ...] = ()
    whole: str | None = None  # "gradient" or "hessian"


def _normalised(lhs: str) -> str:
    text = re.sub(r"\\left|\\right|\\[,;!: ]|\\displaystyle|\s+", "", lhs)
    text = re.sub(r"\\partial|∂|\\mathrm\{d\}|\\operatorname\{d\}", "d", text)
    for _ in range(2):  # \frac{a}{b} -> a/b (derivative names nest no deeper)
        text = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text)
    return text.replace("{", "").replace("}", "").replace("\\nabla", "∇").replace("\\", "")


class FunctionClaims:
    """Reads a claim's two sides for one function."""

    def __init__(self, derivation: FunctionDerivation):
        self.derivation = derivation
        self.names = list(derivation.spec.names)
        self.symbols = dict(zip(self.names, derivation.variables))
        self.notes: list[str] = []

    # --- the left-hand side ---
    def target(self, lhs: str) -> Target:
        text = _normalised(lhs)
        n = len(self.names)
        if re.fullmatch(r"f(\(.*\))?", text):
            return Target()
        if re.fullmatch(r"(∇f|gradf|grad\(f\)|gradient|∇f\(.*\))", text):
            return Target(whole="gradient")
        if re.fullmatch(r"(H|Hf|H_f|H\(.*\)|Hf\(.*\)|∇\^2f|∇²f|hessian|Hessian)", text):
            return Target(whole="hessian")
        primes = re.fullmatch(r"f('+|\^\('+\))(\(.*\))?|f(′+)(\(.*\))?", text)
        if primes:
            order = (primes.group(1) or primes.group(3)).count("'") + (primes.group(3) or "").count("′")
            if n != 1:
                raise ParseError(f"f' names a derivative of a function of one variable; this one has {n}: write df/dx or f_x")
            if order > 2:
                raise ParseError("only first and second derivatives are checked")
            return Target((0,) * order)
        match = re.fullmatch(r"d(?:\^?2)?f/(.+)", text)
        if match:
            second = re.match(r"d\^?2f/", text) is not None
            return Target(self._denominator(match.group(1), second))
        match = re.fullmatch(r"f_(.+)", text)
        if match:
            return Target(self._variables(match.group(1).replace(",", ""), lhs))
        raise ParseError(f"cannot tell what {lhs.strip()!r} is: write df/dx, f_xy, d2f/dxdy, f'(x), grad f or H "
                         f"(the variables are {', '.join(self.names)})")

    def _denominator(self, text: str, second: bool) -> tuple[int, ...]:
        """dx -> (x,); dx^2 or dx2 -> (x, x); dxdy -> (x, y)."""
        parts = [p for p in text.split("d") if p]
        indices = []
        for part in parts:
            square = re.fullmatch(r"(.+?)(\^2|2)", part)
            if square and square.group(1) in self.symbols and part not in self.symbols:
                indices += [self._index(square.group(1))] * 2
            else:
                indices.append(self._index(part))
        if len(indices) != (2 if second else 1):
            raise ParseError(f"d{'^2' if second else ''}f/{text} needs {'two variables' if second else 'one variable'} below the line")
        return tuple(indices)

    def _variables(self, text: str, written: str) -> tuple[int, ...]:
        """f_xy -> (x, y), f_x1x2 -> (x1, x2): the longest variable name first at each step."""
        indices, rest = [], text
        names = sorted(self.names, key=len, reverse=True)
        while rest:
            name = next((v for v in names if rest.startswith(v)), None)
            if name is None:
                raise ParseError(f"{written.strip()}: {rest!r} is not a variable of f ({', '.join(self.names)})")
            indices.append(self.names.index(name))
            rest = rest[len(name):]
        if not 1 <= len(indices) <= 2:
            raise ParseError(f"{written.strip()}: only first and second derivatives are checked")
        return tuple(indices)

    def _index(self, name: str) -> int:
        if name not in self.symbols:
            raise ParseError(f"f has no variable {name!r} (its variables: {', '.join(self.names)})")
        return self.names.index(name)

    # --- the right-hand side ---
    def value(self, rhs: str):
        """A scalar, or a list (of lists) of scalars for a vector or a matrix."""
        if len(rhs) > MAX_LENGTH:
            raise ParseError(f"the claim is {len(rhs)} characters long; the limit is {MAX_LENGTH}")
        if "\\" in rhs or "{" in rhs:
            parts = parse_latex_chain(self._numbered_as_subscripts(rhs), _VariableResolver(self.symbols))
            parts = [part for part in parts if part[0] != "note"]
            if len(parts) != 1 or parts[0][0] != "expr":
                raise ParseError("write one formula on the right-hand side")
            value = parts[0][1]
            return value.tolist() if isinstance(value, sp.MatrixBase) else value
        rhs = self._stars_inserted(rhs)
        if not rhs.strip().startswith("["):
            return read_formula(rhs, self.symbols)
        text = as_python(rhs.strip())[0]
        try:
            tree = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise ParseError(f"cannot read {rhs.strip()[:40]!r}: not a formula (write products with *, a vector as "
                             "[a, b] and a matrix as [[a, b], [c, d]])") from None
        return self._listed(tree, text)

    def _stars_inserted(self, text: str) -> str:
        """STACK's "insert stars" for single-letter variables: 0.4xy is 0.4*x*y, x(y + 1) is x*(y + 1),
        (x + 1)(y - 1) and (x + 1)y are products (only where no function or constant is named)."""
        if not all(len(name) == 1 for name in self.names):
            return text
        variables = set(self.names)
        known = set(FUNCTIONS) | set(CONSTANTS)
        inserted = False

        def split(match):
            nonlocal inserted
            word, after = match.group(1), text[match.end():].lstrip()[:1]
            if word in known or word in variables and after != "(":
                return word
            if word in variables:  # x(y + 1)
                inserted = True
                return word + "*"
            if all(ch in variables for ch in word):
                inserted = True
                return "*".join(word) + ("*" if after == "(" else "")
            return word
        result = re.sub(r"(?<![A-Za-z_])([A-Za-z_][A-Za-z_0-9]*)", split, text)
        result, count = re.subn(r"\)\s*(?=[A-Za-z_]|\((?!\s*\)))", ")*", result)
        if inserted or count:
            self.notes.append("products written side by side were read as products (xy is x*y: the variables are single letters)")
        return result

    def _numbered_as_subscripts(self, latex: str) -> str:
        """x1 -> x_{1} for the function's numbered variables: in LaTeX, x1 would be x times 1."""
        for name in self.names:
            numbered = re.fullmatch(r"([A-Za-z])(\d+)", name)
            if numbered:
                latex = re.sub(rf"(?<![A-Za-z\\_]){name}(?!\d)", rf"{numbered.group(1)}_{{{numbered.group(2)}}}", latex)
        return latex

    def _listed(self, node, text: str):
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self._listed(item, text) for item in node.elts]
        return read_formula(ast.get_source_segment(text, node), self.symbols)


class _VariableResolver:
    """The LaTeX grammar's symbol lookup for a function: x, y, x_1 (the variable x1), nothing else."""

    spec = None

    def __init__(self, symbols: dict):
        self.symbols = symbols

    def symbol(self, base, layer=None, sub="", hat=False, written=""):
        name = base + sub.strip("{} ").replace(",", "")
        if layer is None and not hat and name in self.symbols:
            return self.symbols[name]
        raise ParseError(f"unknown symbol {written or base!r}; the variables are {', '.join(self.symbols)}")

    def gradient(self, of, written=""):
        raise ParseError("a derivative cannot appear on the right-hand side")


class FunctionChecker:
    """The right derivatives of one function and its sample points, prepared once for every claim."""

    def __init__(self, spec):
        self.spec = spec
        self.derivation = derive_function(spec)
        self.claims = FunctionClaims(self.derivation)
        self.names = self.claims.names
        rng = np.random.default_rng(SEED)
        n = len(self.names)
        awkward = [[AWKWARD[(i + k) % len(AWKWARD)] for k in range(n)] for i in range(len(AWKWARD))]
        self.points = np.vstack([np.array(awkward, float), rng.normal(0, 2, size=(RANDOM_POINTS, n))])
        self.values = {name: self.points[:, k] for k, name in enumerate(self.names)}

    def warm(self) -> "FunctionChecker":
        self.derivation.hessian  # noqa: B018  (derived once, before worker processes fork)
        return self

    # --- what is right ---
    def right(self, indices: tuple[int, ...]) -> sp.Expr:
        d = self.derivation
        if not indices:
            return d.expression
        if len(indices) == 1:
            return d.gradient[indices[0]]
        return d.hessian[indices[0], indices[1]]

    def name(self, indices: tuple[int, ...]) -> str:
        if not indices:
            return "f"
        if len(indices) == 2 and indices[0] == indices[1]:
            return f"d2f/d{self.names[indices[0]]}2"
        below = "".join(f"d{self.names[i]}" for i in indices)
        return f"d{'2' if len(indices) == 2 else ''}f/{below}"

    # --- grading ---
    def grade(self, text) -> Verdict:
        started = time.perf_counter()
        shown = shown_claim(text)
        self.claims.notes = []
        try:
            target, claimed = self._read(text)
            verdict = self._grade_target(shown, target, claimed)
            verdict.notes = self.claims.notes + verdict.notes
        except (ParseError, SymnnError) as exc:
            verdict = Verdict(shown, "unusable", str(exc))
        except RecursionError:
            verdict = Verdict(shown, "unusable", "the claim is nested too deeply")
        verdict.seconds = time.perf_counter() - started
        return verdict

    def _read(self, text):
        text = claim_text(text)
        if "=" not in text:
            raise ParseError("a claim needs a left-hand side, =, and a right-hand side, like df/dx = 4*x^3")
        lhs, rhs = text.split("=", 1)
        return self.claims.target(lhs), self.claims.value(rhs)

    def _grade_target(self, shown: str, target: Target, claimed) -> Verdict:
        n = len(self.names)
        if target.whole is None:
            if isinstance(claimed, list):
                return Verdict(shown, "wrong", f"shape mismatch: {self.name(target.indices)} is one number, the right-hand side is a list")
            return self._grade_entry(shown, target.indices, claimed, self.name(target.indices))
        entries = self._entries(target, claimed, n)
        if isinstance(entries, str):
            return Verdict(shown, "wrong", entries, target=target.whole)
        verdicts = [self._grade_entry(shown, indices, value, self.name(indices)) for indices, value in entries]
        order = {"unusable": 0, "wrong": 1, "undecided": 2, "correct": 3}
        worst = min(verdicts, key=lambda v: order[v.verdict])
        if worst.verdict == "correct":
            worst.message = f"every entry equal at all sample points ({len(verdicts)} entries)"
            worst.proved = all(v.proved for v in verdicts)
        else:
            same = [v.target for v in verdicts if v.verdict == worst.verdict]
            worst.message = f"{len(same)} of {len(verdicts)} entries {worst.verdict} ({', '.join(same)}); {worst.message}"
        worst.target = target.whole
        return worst

    def _entries(self, target: Target, claimed, n: int):
        """[(indices, claimed value)] for a gradient or Hessian claim, or a message about its shape."""
        if target.whole == "gradient":
            flat = [row[0] if isinstance(row, list) and len(row) == 1 else row for row in claimed] \
                if isinstance(claimed, list) else None
            if flat is not None and len(flat) == 1 and isinstance(flat[0], list):
                flat = flat[0]  # a row vector [[a, b]]
            if flat is None or len(flat) != n or any(isinstance(v, list) for v in flat):
                return f"shape mismatch: the gradient has {n} entries, one per variable"
            return [((i,), flat[i]) for i in range(n)]
        if not (isinstance(claimed, list) and len(claimed) == n
                and all(isinstance(row, list) and len(row) == n for row in claimed)):
            return f"shape mismatch: the Hessian is {n} x {n}"
        return [((i, j), claimed[i][j]) for i in range(n) for j in range(n)]

    def _grade_entry(self, shown: str, indices: tuple[int, ...], claimed, name: str) -> Verdict:
        right = self.right(indices)
        base = dict(claim=shown, target=name, mode="function")
        correct = {"text": f"{name} = {sp.sstr(right)}", "latex": sp.latex(right)}
        if isinstance(claimed, list) or getattr(claimed, "is_Matrix", False):
            return Verdict(message=f"shape mismatch: {name} is one number", verdict="wrong", correct_formula=correct, **base)
        try:
            mine, theirs = self._at_points(right), self._at_points(claimed)
        except (KeyError, ValueError, TypeError, OverflowError, ZeroDivisionError) as exc:
            return Verdict(message=f"cannot evaluate the right-hand side: {exc}", verdict="undecided", **base)
        finite = np.isfinite(mine)
        base["points"] = usable = int(finite.sum())
        if usable < MIN_POINTS:
            return Verdict(message=f"only {usable} sample points gave finite values", verdict="undecided", **base)
        with np.errstate(invalid="ignore"):  # inf - inf where both sides blow up
            scale = np.abs(mine) + np.abs(theirs) + 1e-12
            gap = np.where(finite, np.abs(theirs - mine), 0.0)
            far = finite & (~np.isfinite(theirs) | (gap > FAR * scale + 1e-10))
        if far.any():
            point = int(np.argmax(far))
            counterexample = {"point": point, "claimed": _rounded(theirs[point]), "correct": _rounded(mine[point]),
                              "inputs": {v: _rounded(self.points[point, k]) for k, v in enumerate(self.names)}}
            return Verdict(message=f"differs from {name} at sample point {point}", verdict="wrong",
                           counterexample=counterexample, diagnosis=self._diagnose(indices, claimed, mine, theirs, finite),
                           correct_formula=correct, **base)
        if np.any(gap > CLOSE * scale + 1e-12):
            return Verdict(message="agrees to about 6 digits but not to rounding error", verdict="undecided", **base)
        proved = self._prove(claimed, right)
        how = "proved symbolically and " if proved else ""
        return Verdict(message=f"{how}equal at all {usable} sample points", verdict="correct", proved=proved, **base)

    def _at_points(self, expression) -> np.ndarray:
        with np.errstate(all="ignore"):
            value = np.asarray(evaluate(expression, self.values), float)
        return np.broadcast_to(value, (len(self.points),))  # a constant claim is the same at every point

    def _prove(self, claimed, right) -> bool:
        try:
            with time_limit(PROOF_SECONDS, "the symbolic check"):
                return sp.simplify(sp.expand(claimed - right)) == 0
        except (LimitExceeded, Exception):  # noqa: BLE001 - a failed proof is just "not proved"
            return False

    # --- what went wrong ---
    def _diagnose(self, indices, claimed, mine: np.ndarray, theirs: np.ndarray, finite: np.ndarray) -> str | None:
        use = finite & np.isfinite(theirs)
        if not use.any():
            return None
        c, r = theirs[use], mine[use]
        if _close(c, -r) and np.any(np.abs(r) > 1e-9):
            return "a sign flip"
        n = len(self.names)
        others = [()] + [(i,) for i in range(n)] + [(i, j) for i in range(n) for j in range(i, n)]
        for other in others:
            if sorted(other) != sorted(indices) and _close(c, self._at_points(self.right(other))[use]):
                return f"this is {self.name(other)}, not {self.name(indices)}" + _why(other, indices)
        nonzero = np.abs(r) > 1e-9
        if nonzero.sum() >= MIN_POINTS:
            ratios = c[nonzero] / r[nonzero]
            if _close(ratios, np.full_like(ratios, ratios[0])) and not np.isclose(ratios[0], 1):
                return f"a constant factor: the claim is {sp.nsimplify(round(float(ratios[0]), 9))} times the right answer"
        return self._term_difference(claimed, self.right(indices))

    @staticmethod
    def _term_difference(claimed, right) -> str | None:
        try:
            with time_limit(PROOF_SECONDS, "comparing terms"):
                difference = sp.expand(right - claimed)
                if difference == 0:
                    return None
                if isinstance(difference, sp.Add):  # one term written wrong: the others agree
                    theirs, mine = set(sp.Add.make_args(sp.expand(claimed))), set(sp.Add.make_args(sp.expand(right)))
                    if len(theirs - mine) == 1 and len(mine - theirs) == 1:
                        return f"the term {sp.sstr((theirs - mine).pop())} where {sp.sstr((mine - theirs).pop())} belongs"
                    return None
                if difference in sp.Add.make_args(sp.expand(right)):
                    return f"the term {sp.sstr(difference)} is missing"
                if -difference in sp.Add.make_args(sp.expand(claimed)):
                    return f"an extra term {sp.sstr(-difference)}"
                if difference / 2 in sp.Add.make_args(sp.expand(right)):
                    return f"the term {sp.sstr(difference / 2)} has the wrong sign"
                return f"one term is off by {sp.sstr(difference)}"
        except (LimitExceeded, Exception):  # noqa: BLE001 - no diagnosis rather than a wrong one
            return None


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(np.abs(a - b) <= 1e-7 * (np.abs(a) + np.abs(b)) + 1e-10))


def _why(other: tuple[int, ...], indices: tuple[int, ...]) -> str:
    if len(other) < len(indices):
        return " (one differentiation too few)"
    if len(other) > len(indices):
        return " (one differentiation too many)"
    return " (the wrong variable)"
