"""A claim's text -> what it is about (the Target), its right-hand side(s) as SymPy objects, and how
to grade it (per example, summed over examples, a whole batch, or one example's vectors).

Claims read `LHS = RHS` (chains `A = B = C` grade every right-hand side symnn can read; Jacobian steps
such as dz/dW in the middle are skipped and said so), and seed 000's update form
`w_{11} \\to w_{11} - \\alpha (...)`, whose gradient is what multiplies the learning rate.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

import sympy as sp

from ..errors import ParseError
from . import algebra
from .algebra import ExampleSum, M
from .notations import Reading, rewrite
from .parse_latex import Derivative, Jacobian, LossName, parse_latex_chain, parse_latex_instances
from .parse_numpy import looks_like_numpy, read_numpy_side
from .resolve import Resolver, Target, UnresolvedSymbol

BATCH_NAMES = re.compile(r"^(X|Y|A\d+|Z\d+|dZ\d+|dA\d+|dW\d+|db\d+)$")
EXAMPLE_NAMES = re.compile(r"^(x_vector|y_vector|a\d+|z\d+|dz\d+|da\d+)$")
RATE = sp.Symbol("alpha")
MAX_CLAIM_LENGTH = 4000  # characters; checked before any other work (each parser has its own, smaller limits too)
PARAMETER_GRADIENT = re.compile(r"d(w\d+_\d+_\d+|b\d+_\d+)")  # one weight's or bias's gradient by name (dw1_1_2)
FORWARD_NAMES = re.compile(r"^([az]\d+_\d+|[azAZ]\d+)$")  # z^{[l]}_j, a^{[l]}_j, the vectors z^{[l]}, the batches Z^{[l]}


@dataclass
class Claim:
    text: str
    target: Target
    sides: list  # the right-hand sides to grade, SymPy objects
    mode: str  # entry (one example), total (sum over examples), batch (whole matrices), example (vectors)
    style: str  # latex or numpy
    notes: list[str] = field(default_factory=list)
    rank_one: bool = False
    forward: object = None  # for a forward-pass claim (z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}): its left-hand side
    label: str | None = None  # what messages call it, where the target's name does not fit (a Jacobian step)
    jacobian: bool = False  # a step of the chain: either layout of a Jacobian is a reading of it
    layout: str = "denominator"  # how a Jacobian step is read: denominator (seed 002), numerator, diagonal
    identity: bool = False  # an identity in one variable z (sigma'(z) = sigma(z)(1 - sigma(z))): forward is its left side
    instances: list = field(default_factory=list)  # an index form: the claim at each value of its free indices
    alternatives: list = field(default_factory=list)  # texts of other readings of an ambiguous notation
    alternative_notes: list = field(default_factory=list)  # for each, how it reads the notation


def claim_text(text) -> str:
    """A claim as text: bytes decoded as UTF-8; anything else, a NUL byte, or over MAX_CLAIM_LENGTH refused."""
    if isinstance(text, (bytes, bytearray)) and len(text) > 4 * MAX_CLAIM_LENGTH:
        raise ParseError(f"the claim is {len(text)} bytes long; the limit is {MAX_CLAIM_LENGTH} characters")
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("the claim is not valid UTF-8 text") from None
    if not isinstance(text, str):
        raise ParseError("the claim must be text")
    if len(text) > MAX_CLAIM_LENGTH:
        raise ParseError(f"the claim is {len(text)} characters long; the limit is {MAX_CLAIM_LENGTH}")
    if "\x00" in text:
        raise ParseError("the claim contains a NUL byte")
    return text


def shown_claim(text) -> str:
    """A claim as messages quote it: the text, or the repr of the first 60 bytes; at most 300 characters."""
    shown = text if isinstance(text, str) else repr(bytes(text[:60]) if isinstance(text, (bytes, bytearray)) else text)
    return shown if len(shown) <= 300 else shown[:297] + "..."


def read_claim(text, resolver: Resolver, as_written: bool = False) -> Claim:
    """`as_written`: read the text exactly as written, without other books' notations (an alternative reading)."""
    text = claim_text(text)
    if IDENTITY.match(text):
        return _identity_claim(text, resolver)
    if looks_like_numpy(text):
        return _numpy_claim(text, resolver)
    return _latex_claim(text, resolver, as_written)


# --- LaTeX ---
IDENTITY = re.compile(r"^\s*(\\sigma|g|\\tanh|\\(?:operatorname|mathrm|text)\s*\{\s*\w+\s*\})\s*"
                      r"(\^\s*\{?\s*(\\prime|')+\s*\}?|'+|\^\s*\{\s*\[\s*\d+\s*\]\s*(\\prime|')*\s*\})*\s*"
                      r"(\\left)?\s*\(\s*z\s*(\\right)?\s*\)\s*=")


class _IdentityResolver:
    """Symbols of an identity in z (seed 004's sigma'(z) = sigma(z)(1 - sigma(z))): z and nothing else."""

    VARIABLE = sp.Symbol("identity_z")

    def __init__(self, spec):
        self.spec = spec
        self.row_layout = False

    def symbol(self, base, layer=None, sub="", hat=False, written=""):
        if base == "z" and layer is None and not sub and not hat:
            return self.VARIABLE
        raise ParseError(f"an identity in z uses z alone; {written or base!r} is not z")

    def gradient(self, of, written=""):
        raise ParseError("a derivative of the loss cannot appear in an identity in z")

    def jacobian(self, of, wrt):
        raise ParseError("a step of the chain cannot appear in an identity in z")


def _identity_claim(text: str, resolver: Resolver) -> Claim:
    r"""\sigma'(z) = \sigma(z)(1 - \sigma(z)), \tanh'(z) = 1 - \tanh^2(z): graded as identities in z, the left side
    built from the activation's own rule (its derivative by SymPy's diff)."""
    parts = parse_latex_chain(text, _IdentityResolver(resolver.spec))
    expressions = [value for kind, value in parts if kind == "expr"]
    notes = [value for kind, value in parts if kind == "note"]
    if len(expressions) < 2 or any(algebra.is_matrix(e) for e in expressions):
        raise ParseError("an identity needs two sides in z, like \\sigma'(z) = \\sigma(z)(1 - \\sigma(z))")
    head = expressions[0]
    label = text.split("=")[0].strip()
    return Claim(text, Target("Z", 1), expressions[1:], "identity", "latex", notes, forward=head, label=label, identity=True)


def _latex_claim(text: str, resolver: Resolver, as_written: bool = False) -> Claim:
    if IDENTITY.match(text):
        return _identity_claim(text, resolver)
    if not ("=" in text or "\\to" in text or "leftarrow" in text or "gets" in text):
        raise ParseError("a claim needs a left-hand side, =, and a right-hand side, like \\frac{\\partial L}{\\partial w^{[1]}_{11}} = ...")
    generic = any(rule.name not in ("sigmoid", "softmax") for rule in resolver.spec.activations)
    reading = Reading(text) if as_written else rewrite(text, resolver.spec.depth, generic)
    instances = parse_latex_instances(reading.text, resolver)
    claims = []
    for bindings, parts in instances:
        try:
            claim = _latex_parts(text, parts, resolver, list(reading.notes))
        except ParseError:
            if len(instances) > 1:
                continue  # dA^{[l-1]} at l = 1 is a derivative by the data: that value of l does not exist
            raise
        if bindings:
            claim.notes.append("at " + ", ".join(f"{k} = {v}" for k, v in sorted(bindings.items())))
        claims.append(claim)
    if not claims:
        raise ParseError("the index form names no gradient symnn knows at any value of its indices")
    claim = claims[0]
    if len(claims) > 1 or instances[0][0]:
        letters = ", ".join(sorted(instances[0][0]))
        claim = replace(claim, notes=[n for n in claim.notes if not n.startswith("at ")], instances=claims)
        claim.notes.append(f"an index form: graded at {len(claims)} values of {letters}")
    claim.alternatives = [alternative.text for alternative in reading.alternatives]
    claim.alternative_notes = [alternative.notes for alternative in reading.alternatives]
    return claim


def _latex_parts(text: str, parts: list, resolver: Resolver, notes: list[str]) -> Claim:
    if len([kind for kind, _ in parts if kind != "note"]) < 3:
        raise ParseError("a claim needs a left-hand side, =, and a right-hand side, like \\frac{\\partial L}{\\partial w^{[1]}_{11}} = ...")
    expressions = [value for kind, value in parts if kind == "expr"]
    relations = [value for kind, value in parts if kind == "rel"]
    skipped = [value for kind, value in parts if kind == "skipped"]
    notes = notes + [value for kind, value in parts if kind == "note"]
    if skipped:
        notes.append(f"{len(skipped)} middle step(s) not graded ({skipped[0]})")
    head = expressions[0]
    if isinstance(head, Jacobian):
        return _jacobian_claim(text, head, expressions[1:], resolver, notes)
    if isinstance(head, LossName):
        return _loss_claim(text, head, [_step_value(v, resolver) for v in expressions[1:]], notes)
    if _is_definition(head, expressions[1:]):
        return _value_claim(text, head, [_step_value(v, resolver) for v in expressions[1:]], notes)
    named = resolver.named_gradient(head)  # \delta^{[l]}_j = ..., itself dL/dz^{[l]}_j
    if isinstance(head, Derivative) or named is not None:
        target = named or resolver.target(head.wrt)
        sides = []
        for value in expressions[1:]:
            sides.append(_step_value(value, resolver))
    elif FORWARD_NAMES.match(getattr(head, "name", "")) and isinstance(head, (sp.Symbol, sp.MatrixSymbol)):
        return _forward_claim(text, head, [_step_value(v, resolver) for v in expressions[1:]], notes)
    else:
        target, side = _update_rule(head, expressions[1:], relations, resolver)
        notes.append("read as an update rule: the gradient is what multiplies the learning rate")
        return _finish(text, target, [side], "latex", notes, any(kind == "rank_one" for kind, _ in parts), update=True)
    return _finish(text, target, sides, "latex", notes, any(kind == "rank_one" for kind, _ in parts))


DEFINED = re.compile(r"^(W\d+|b\d+|w\d+_\d+_\d+|b\d+_\d+|x\d+|x_vector|X|Y|y\d*)$")


def _is_definition(head, sides) -> bool:
    """W^{[1]} = [entries], x = [x_1; x_2], or a written-out vector of z's or a's on the left."""
    if any(getattr(side, "has", lambda *_: False)(RATE) for side in sides):
        return False
    if isinstance(head, (sp.Symbol, sp.MatrixSymbol)):
        return bool(DEFINED.match(head.name))
    return isinstance(head, sp.MatrixBase) and all(
        isinstance(x, sp.Symbol) and FORWARD_NAMES.match(x.name) or isinstance(x, sp.Symbol) and DEFINED.match(x.name) for x in head)


def _value_claim(text: str, head, sides: list, notes: list[str]) -> Claim:
    r"""W^{[1]} = \begin{bmatrix} w_{1,1}^{[1]} & ... \end{bmatrix} or \begin{bmatrix} z_1^{[2]} \\ ... \end{bmatrix} =
    W^{[2]} a^{[1]} + b^{[2]}: both sides are evaluated with the same values (a definition, or a forward step)."""
    if not sides:
        raise ParseError("the claim has no right-hand side")
    per_example = any(FORWARD_NAMES.match(getattr(x, "name", "")) or getattr(x, "name", "") == "x_vector"
                      for x in (head if isinstance(head, sp.MatrixBase) else [head]))
    sides = [algebra.sole_entry(s) for s in sides]
    scalar = not algebra.is_matrix(head)
    if scalar and any(algebra.is_matrix(s) for s in sides):
        raise algebra.ShapeMismatch("shape mismatch: the left-hand side is one number, the right-hand side is a matrix")
    mode = "entry" if scalar else ("example" if per_example else "batch")
    label = "the written-out left-hand side" if isinstance(head, sp.MatrixBase) else f"{head.name} (as defined)"
    return Claim(text, Target("Z", 1), sides, mode, "latex", notes, forward=head, label=label)


def _loss_claim(text: str, head, sides: list, notes: list[str]) -> Claim:
    """L = -(y log a + (1 - y) log(1 - a)): one example's loss; J = ... with a sum over the examples: the cost."""
    if not sides:
        raise ParseError("the claim has no right-hand side")
    cost = head.name == "J" or any(getattr(s, "has", lambda *_: False)(algebra.ExampleSum) for s in sides)
    if any(algebra.is_matrix(s) for s in sides):
        raise algebra.ShapeMismatch("shape mismatch: the loss is one number, the right-hand side is a matrix")
    if cost and not all(s.has(algebra.ExampleSum) for s in sides):
        raise ParseError("the cost J sums the loss over the examples; write the sum, like J = \\frac{1}{m} \\sum_{i=1}^{m} L^{(i)}")
    symbol = sp.Symbol("loss__J" if cost else "loss__L")
    return Claim(text, Target("Z", 1), sides, "total" if cost else "entry", "latex", notes, forward=symbol,
                 label="the cost J" if cost else "the loss L of one example")


def _step_value(value, resolver: Resolver):
    """A whole side that is a derivative takes its right value (dL/dz^{[3]}, dz^{[3]}/dW^{[3]})."""
    if isinstance(value, Derivative):
        return resolver.gradient(value.wrt)
    if isinstance(value, Jacobian):
        return resolver.jacobian(value.of, value.wrt)
    return value


def _jacobian_claim(text: str, head: Jacobian, sides: list, resolver: Resolver, notes: list[str]) -> Claim:
    r"""\frac{\partial z^{[3]}}{\partial W^{[3]}} = (\mathbf{a}^{[2]})^T: a step of the chain, graded against the
    forward pass's own Jacobian (denominator layout, as seed 002 writes it; the numerator layout is accepted too)."""
    if not sides:
        raise ParseError("the claim has no right-hand side")
    symbol = resolver.jacobian(head.of, head.wrt)
    values = [algebra.sole_entry(_step_value(side, resolver)) for side in sides]
    if any(symbol in getattr(v, "free_symbols", ()) for v in values):
        raise ParseError("the right-hand side uses the step itself; write it out in other quantities")
    scalar = not algebra.is_matrix(symbol)
    if scalar and any(algebra.is_matrix(v) for v in values):
        raise algebra.ShapeMismatch("shape mismatch: this step is one number, the right-hand side is a matrix")
    label = f"d{_plain(head.of)}/d{_plain(head.wrt)}"
    return Claim(text, Target("Z", 1), values, "entry" if scalar else "example", "latex", notes, forward=symbol,
                 label=label, jacobian=True)


def _plain(symbol) -> str:
    name = getattr(symbol, "name", str(symbol))
    match = re.fullmatch(r"([a-zA-Z]+)(\d+)(?:_(\d+))?(?:_(\d+))?", name)
    if not match or name.startswith("x"):
        return name.replace("_vector", "")
    base, layer, first, second = match.groups()
    index = "".join(i for i in (first, second) if i)
    return f"{base}^[{layer}]" + (f"_{index}" if index else "")


def _forward_claim(text: str, head, sides: list, notes: list[str]) -> Claim:
    """z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}, a^{[1]}_1 = \\sigma(z^{[1]}_1): a step of the forward pass, graded
    against the forward pass itself (same sample points, same values for every symbol)."""
    if not sides:
        raise ParseError("the claim has no right-hand side")
    if any(side == head or head in getattr(side, "free_symbols", ()) for side in sides):
        raise ParseError(f"the right-hand side uses {head} itself; write it out in other quantities")
    batch = head.name[0].isupper()
    kind = head.name[0].upper()
    layer = int(re.match(r"[azAZ](\d+)", head.name).group(1))
    unit = re.search(r"_(\d+)$", head.name)
    target = Target(kind, layer, (int(unit.group(1)), 1) if unit else None, batch=batch)
    sides = [algebra.sole_entry(s) for s in sides]
    if unit and any(algebra.is_matrix(s) for s in sides):
        raise algebra.ShapeMismatch(f"shape mismatch: {head.name[0]}^[{layer}]_{unit.group(1)} is one number, "
                                    "the right-hand side is a matrix")
    mode = "entry" if unit else ("batch" if batch else "example")
    return Claim(text, target, sides, mode, "latex", notes, forward=head)


def _update_rule(parameter, rest, relations, resolver):
    """theta -> theta - alpha * G  gives the claim dL/dtheta = G."""
    if len(rest) != 1 or not isinstance(parameter, (sp.Symbol, sp.MatrixSymbol)):
        raise ParseError("the left-hand side must be a derivative \\frac{\\partial L}{\\partial ...}, a parameter being "
                         "updated, or a step of the forward pass (z^{[l]}, a^{[l]})")
    target = resolver.target(parameter)
    if target.kind not in ("W", "b"):
        raise ParseError("an update rule must update a weight or a bias")
    (new_value,) = rest
    if algebra.is_matrix(parameter):
        return target, _matrix_update(parameter, new_value)
    if algebra.is_matrix(new_value):
        raise algebra.ShapeMismatch("shape mismatch: the parameter is one number, the updated value "
                                    f"is a {algebra.shape_text(new_value.shape)} matrix")
    if not new_value.has(RATE):
        raise ParseError("an update rule needs the learning rate \\alpha, like w \\to w - \\alpha (...)")
    gradient = sp.expand((parameter - new_value) / RATE)
    if gradient.has(RATE):
        raise ParseError("cannot read the update as theta - alpha * (gradient)")
    return target, sp.factor(gradient)


def _matrix_update(parameter, new_value):
    r"""W^{[1]} := W^{[1]} - \alpha dW^{[1]} (seed 003's gradient descent; seed 000's eq. 9 with
    \frac{\partial \mathcal{L}}{\partial W^{[1]}}): the gradient is (W - new value) / alpha."""
    if not algebra.is_matrix(new_value) or tuple(new_value.shape) != tuple(parameter.shape):
        shape = algebra.shape_text(new_value.shape) if algebra.is_matrix(new_value) else "one number"
        raise algebra.ShapeMismatch(f"shape mismatch: {parameter.name} is {algebra.shape_text(parameter.shape)}, "
                                    f"the updated value is {shape}")
    if not new_value.has(RATE):
        raise ParseError("an update rule needs the learning rate \\alpha, like W := W - \\alpha dW")
    gradient = sp.MatMul(1 / RATE, algebra.sub(parameter, new_value)).doit()
    if gradient.has(RATE) or parameter in gradient.free_symbols:
        raise ParseError("cannot read the update as W - alpha * (gradient)")
    return gradient


# --- NumPy style ---
UPDATE = re.compile(r"^\s*([Wb]\d+)\s*(-=|=)(?!=)\s*(.+)$", re.S)  # W1 = W1 - learning_rate * dW1, W1 -= alpha * dW1


def _numpy_claim(text: str, resolver: Resolver) -> Claim:
    update = UPDATE.match(text)
    if update and update.group(3).count("=") == 0:
        return _numpy_update(text, update, resolver)
    left, right = _split_assignment(text)
    forward = FORWARD_NAMES.match(left) or left in ("AL", "Y_hat", "Yhat")  # Z1 = W1 @ X + b1: the forward pass
    target = None if forward else _numpy_target(left, resolver)
    sides, notes, rank_one = [], [], False
    for side in right:
        value, reader = read_numpy_side(side, resolver)
        sides.append(value)
        notes += reader.notes
        rank_one = rank_one or reader.rank_one
    if forward:
        claim = _forward_claim(text, resolver.code_name(left), sides, notes)
        claim.style = "numpy"
        return claim
    return _finish(text, target, sides, "numpy", notes, rank_one)


def _numpy_update(text: str, update, resolver: Resolver) -> Claim:
    """The course's update_parameters line, W1 = W1 - learning_rate * dW1 (or W1 -= ...): graded as the
    gradient that multiplies the learning rate."""
    name, operator, right = update.groups()
    parameter = resolver.code_name(name)
    value, reader = read_numpy_side(right, resolver)
    new_value = algebra.sub(parameter, value) if operator == "-=" else value
    target, gradient = _update_rule(parameter, [new_value], [], resolver)
    notes = reader.notes + ["read as an update rule: the gradient is what multiplies the learning rate"]
    return _finish(text, target, [gradient], "numpy", notes, reader.rank_one, update=True)


def _split_assignment(text: str):
    parts, depth, current = [], 0, []
    for index, ch in enumerate(text):  # split on = outside brackets (np.sum(..., axis=1) stays whole)
        depth += ch in "([{"
        depth -= ch in ")]}"
        single = ch == "=" and text[index - 1:index] not in ("=", "!", "<", ">") and text[index + 1:index + 2] != "="
        if single and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    if len(parts) < 2 or not all(parts):
        raise ParseError("a claim needs a left-hand side, =, and a right-hand side, like dW1 = 1/m * dZ1 @ X.T")
    return parts[0], parts[1:]


def _numpy_target(text: str, resolver: Resolver) -> Target:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ParseError(f"cannot read the left-hand side {text[:40]!r}") from None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.left, ast.Name) \
            and node.left.id in ("dL", "dJ") and isinstance(node.right, ast.Name) and node.right.id.startswith("d"):
        return resolver.target(resolver.code_name(node.right.id[1:]))  # dL/dw1_1_1
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        match = re.fullmatch(r"d([Wb])(\d+)", node.value.id)
        if match:
            indices = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if all(isinstance(i, ast.Constant) and isinstance(i.value, int) for i in indices):
                return resolver.target(resolver.indexed(f"{match.group(1)}{match.group(2)}", tuple(i.value for i in indices)))
    if isinstance(node, ast.Name):
        match = re.fullmatch(r"d(W|b|Z|A|z|a|w)(\d+)", node.id)
        if match:
            kind = match.group(1)
            return resolver.target(resolver.code_name(f"{kind.upper() if kind == 'w' else kind}{match.group(2)}"))
        match = re.fullmatch(r"d(w\d+_\d+_\d+|b\d+_\d+|a\d+_\d+|z\d+_\d+)", node.id)
        if match:
            return resolver.target(resolver.code_name(match.group(1)))
        if re.fullmatch(r"delta\d+_\d+", node.id):
            return resolver.target(resolver.code_name(node.id))
    raise UnresolvedSymbol(f"the left-hand side {text[:40]!r} is not a gradient symnn knows (dW1, db1, dZ1, dA1, dW1[0, 0], dL/dw1_1_1, delta1_1)")


# --- the grading mode ---
def _finish(text, target: Target, sides, style, notes, rank_one, update: bool = False) -> Claim:
    """`update`: an update rule, whose learning rate multiplies the gradient by name (W - alpha dW) or written out."""
    if not sides:
        raise ParseError("the claim has no right-hand side")
    itself = set() if update else _own_gradient_names(target)
    for side in sides:
        used = {s.name for s in getattr(side, "free_symbols", ()) if hasattr(s, "name")}
        if used & itself:
            raise ParseError(f"the right-hand side uses {target.name} itself; write it out in other quantities")
        named = sorted(n for n in used if PARAMETER_GRADIENT.fullmatch(n))
        if named and not update:
            raise ParseError(f"{named[0]}: a weight's gradient cannot appear on the right-hand side")
    if target.entry is not None:
        batch = any(_uses_batch(s) for s in sides)
        sides = [algebra.sole_entry(s) for s in sides]
        summed = [s.has(ExampleSum) or batch for s in sides]
        if any(algebra.is_matrix(s) for s in sides):
            raise algebra.ShapeMismatch(f"shape mismatch: {target.name} is one number, the right-hand side is a matrix")
        if any(summed) and target.kind not in ("W", "b"):
            raise ParseError("a sum over examples only makes sense for a weight or a bias")
        if any(summed) and not all(summed):
            raise ParseError("the right-hand sides disagree on summing over the examples")
        mode = "total" if any(summed) else "entry"
        if mode == "entry" and any(s.has(M) for s in sides):
            notes.append("m appears without a sum over the examples; read as one example's gradient")
    else:
        batch = any(_uses_batch(s) for s in sides)
        if batch and target.kind in ("Z", "A") and not target.batch:
            pass  # dL/dz^{[1]} written with batch matrices: graded as the batch
        mode = "batch" if batch else "example"
    return Claim(text, target, sides, mode, style, notes, rank_one)


def _own_gradient_names(target: Target) -> set[str]:
    """The names under which the claim's own gradient could appear on its right-hand side."""
    if target.entry is None:
        stem = {"W": "dW", "b": "db", "Z": "dZ", "A": "dA"}[target.kind]
        return {f"{stem}{target.layer}", f"{stem.lower()}{target.layer}"}
    if target.kind in ("Z", "A"):
        unit = max(target.entry)  # (j, 1) or (1, j)
        return {f"delta{target.layer}_{unit}" if target.kind == "Z" else f"da{target.layer}_{unit}"}
    return set()


def _uses_batch(side) -> bool:
    if not hasattr(side, "free_symbols"):
        return False
    if side.has(algebra.ExampleSumMatrix):
        return True
    if any(isinstance(s, sp.MatrixSymbol) and EXAMPLE_NAMES.match(s.name) for s in side.free_symbols):
        return False  # one example's vectors: m is then just a number in it
    return any(s == M or (isinstance(s, sp.MatrixSymbol) and BATCH_NAMES.match(s.name)) for s in side.free_symbols) \
        or any(M in getattr(a, "shape", ()) for a in sp.preorder_traversal(side) if isinstance(a, sp.OneMatrix))
