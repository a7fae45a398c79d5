r"""Course LaTeX notation -> SymPy objects, with a small grammar of our own on lark.

SymPy's own LaTeX parser rejects w^{[2]}_{11} and \sigma(z), and evaluates 9^{9^{9^9}} eagerly, so
this grammar reads the course notation (\frac{\partial L}{\partial w^{[1]}_{11}}, a^{[2](i)},
\hat{y}, \sigma'(z), \circ / \odot, `*` (element-wise, as in NumPy), ^T, \sum_{i=1}^{m}, seed 000's `\alpha.(...)`,
indicators \mathbf{1}\{z > 0\}, np.sum(..., axis=1, keepdims=True) inside LaTeX, Jacobian steps
\frac{\partial z}{\partial W}, index forms with free j, k, l; other books' notations are first rewritten by
`notations`) and builds SymPy
objects itself through `algebra` (shape-checked) and `resolve` (symbol names). Nothing is evaluated:
powers go through `safe_power`, and the text is limited in length and nesting before lark sees it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import lark
import sympy as sp

from ..errors import ParseError
from ..safe_expr import MAX_DEPTH
from . import algebra
from .algebra import ExampleSum
from .functions import activation_function, elementary
from .resolve import LOSS_NAMES, Resolver

MAX_LENGTH = 4000  # seed 002 writes a 3x3 matrix of fractions and its products as one chain
MAX_NODES = 1500
MAX_SUM_TERMS = 1000  # unit sums may build at most this many terms in all, nested sums included

GRAMMAR = r"""
?start: chain
chain: sum (REL sum)*
?sum: term
    | sum PLUS term   -> add
    | sum MINUS term  -> sub
?term: signed
     | term MULOP signed     -> mul
     | term STAR signed      -> hadamard
     | term OTIMES signed    -> outer
     | term DIV signed       -> div
     | term HADAMARD signed  -> hadamard
?signed: MINUS signed        -> neg
       | PLUS signed         -> pos
       | seq
       | seq SUM term        -> seq_sum
       | SUM term            -> sum_only
seq: postfix+
postfix: primary script*
script: SUB | SUP_LAYER | SUP_EXAMPLE | SUP_T | PRIME | CARET sup_arg
?sup_arg: "{" sum "}" | DIGIT | LETTER
?primary: LETTER | NUMBER | FONT | HAT | SIGMA | FUNC | OPNAME | DELTA | RATE | LAMBDA | PARTIAL | ONES | LOSSNAME
        | "(" sum ")"          -> group
        | "(" sum CMP sum ")"  -> compare
        | "[" sum CMP sum "]"  -> compare
        | "\\{" sum CMP sum "\\}"  -> compare
        | NPCALL "(" sum ("," npopt)* ")" -> npcall
        | "[" sum "]"          -> group
        | "\\{" sum "\\}"      -> group
        | "{" sum "}"          -> group
        | FRAC "{" sum "}" "{" sum "}" -> frac
        | MATRIX_BEGIN matrix_rows MATRIX_END -> matrix
npopt: KWARG | sum
matrix_rows: matrix_row (ROW_SEP matrix_row)* ROW_SEP?
matrix_row: sum (AMP sum)*

MATRIX_BEGIN: /\\begin\s*\{\s*[bpB]?matrix\s*\}/
MATRIX_END: /\\end\s*\{\s*[bpB]?matrix\s*\}/
ROW_SEP: /\\\\/
AMP: "&"
REL: /=|:=|\\to(?![a-zA-Z])|\\rightarrow|\\leftarrow|\\gets|\\mapsto/
PLUS: "+"
MINUS: "-"
MULOP: /\\cdot(?![a-zA-Z])|\\times(?![a-zA-Z])|\.(?![\d*])/
STAR: "*" | ".*" | /\\ast(?![a-zA-Z])/
CMP: />=|<=|>|<|\\geq?(?![a-zA-Z])|\\leq?(?![a-zA-Z])|\\gt(?![a-zA-Z])|\\lt(?![a-zA-Z])/
NPCALL.3: /np\.(sum|mean|dot|matmul|multiply|divide|exp|log|tanh|power|square|transpose)(?![a-zA-Z])/
KWARG.3: /(axis|keepdims)\s*=\s*(-?\d|True|False)/
HADAMARD: /\\circ(?![a-zA-Z])|\\odot(?![a-zA-Z])/
OTIMES: /\\otimes(?![a-zA-Z])/
DIV: "/"
SUM: /\\sum(\s*_\s*(\{[^{}]*\}|[A-Za-z0-9]))?(\s*\^\s*(\{[^{}]*\}|[A-Za-z0-9]))?/
FRAC: /\\[dt]?frac(?![a-zA-Z])/
PARTIAL: /\\partial(?![a-zA-Z])/
SIGMA: /\\sigma(?![a-zA-Z])/
DELTA: /\\delta(?![a-zA-Z])/
RATE: /\\(alpha|eta)(?![a-zA-Z])/
LAMBDA: /\\lambda(?![a-zA-Z])/
FUNC: /\\(exp|log|ln|tanh|sinh|cosh|sin|cos)(?![a-zA-Z])/
OPNAME: /\\(operatorname|text|textrm|mathrm)\s*\{\s*(ReLU|relu|sigmoid|tanh|softmax|id|exp|log)\s*\}/
ONES: /\\(mathbf|mathbb|boldsymbol|bm)\s*\{\s*1\s*\}/
LOSSNAME: /\\(mathcal|mathscr)\s*\{\s*[LJ]\s*\}|\\ell(?![a-zA-Z])/
FONT: /\\(mathbf|boldsymbol|bm|vec|mathrm|mathit|textbf)\s*\{\s*[A-Za-z]\s*\}/
HAT: /\\(hat|widehat)\s*(\{\s*[A-Za-z]\s*\}|[A-Za-z])/
SUB: /_\s*(\{[^{}]*\}|[A-Za-z0-9])/
SUP_LAYER: /\^\s*\{\s*\[\s*(\d+|[lL]\s*([+-]\s*\d+)?)\s*\]\s*(\(\s*[a-z0-9]\s*\))?\s*(\\prime|'|T|\\top)?\s*\}/
SUP_EXAMPLE: /\^\s*\{\s*\(\s*[a-z]\s*\)\s*\}|\^\s*\(\s*[a-z]\s*\)/
SUP_T: /\^\s*(\{\s*(T|\\top|\\intercal|\\mathsf\s*\{\s*T\s*\})\s*\}|T(?![A-Za-z])|\\top|\\intercal)/
PRIME: /\^\s*(\{\s*\\prime\s*\}|\\prime)|'/
CARET: "^"
LETTER: /[A-Za-z]/
DIGIT: /\d/
NUMBER: /\d+(\.\d+)?/
%ignore /\s+/
"""

# Layout-only LaTeX that carries no maths; & too, except between the cells of a matrix.
_LAYOUT = (r"\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|(?<!\\)\\[,;!: ]|\\q?quad(?![a-zA-Z])|\\displaystyle|"
           r"\\[bB]ig{1,2}[lr]?(?![a-zA-Z])|\\tag\s*\{[^{}]*\}|\\nonumber|\$")
_NOISE = re.compile(_LAYOUT + "|&")
_NOISE_IN_MATRIX = re.compile(_LAYOUT)
_MATRIX_EDGE = re.compile(r"\\(begin|end)\s*\{\s*[bpB]?matrix\s*\}")
_LAYER_BRACKETS = re.compile(r"\[\s*\d+\s*\]")  # the [2] of ^{[2]}
_BRACKETED = re.compile(r"\[([^\[\]]*)\]")  # innermost [...]; linear, unlike a pattern with \quad in the middle
_QUAD = re.compile(r"\\q?quad(?![a-zA-Z])")


@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


# --- intermediate values: function names, d/partial operators, loss names before they are applied ---
@dataclass(frozen=True)
class FunctionName:
    name: str
    prime: int = 0
    layer: int | None = None
    power: object = None  # \tanh^2(z): the power of the function's value


class FreeIndex(ParseError):
    """A letter index (j, k, l) that no sum binds: the claim is an index form, graded at every value."""

    def __init__(self, letter: str):
        super().__init__(f"the index {letter} is not bound by a sum")
        self.letter = letter


@dataclass(frozen=True)
class Indicator:
    r"""\mathbf{1}\{z > 0\} (or (Z > 0) as in NumPy): 1 where the comparison holds, else 0."""

    value: object


@dataclass(frozen=True)
class Jacobian:
    r"""\frac{\partial z}{\partial W}: a step of the chain (a Jacobian), not a derivative of the loss."""

    of: object
    wrt: object


@dataclass(frozen=True)
class TransposedPartial:
    """dz^{[1]T}: the transpose of the course's name for dL/dz^{[1]}."""

    of: object


@dataclass(frozen=True)
class PartialOperator:
    pass


@dataclass(frozen=True)
class LossName:
    name: str = "L"  # J is the cost; L, C, E, \ell, \mathcal{L} one example's loss


@dataclass(frozen=True)
class Partial:
    """\\partial of something: a loss (numerator) or the variable (denominator)."""

    of: object


@dataclass(frozen=True)
class Derivative:
    """dL/d(wrt): the left-hand side of a claim, or a gradient used on the right."""

    wrt: object


@dataclass(frozen=True)
class Written:
    """A letter with its scripts, not yet resolved (its meaning depends on what follows)."""

    base: str
    layer: int | None
    sub: str
    example: bool
    hat: bool
    text: str


def clean(text: str) -> str:
    pieces = split_matrices(_quad_rows_as_matrices(text))
    text = "".join((_NOISE_IN_MATRIX if index % 2 else _NOISE).sub(" ", piece) for index, piece in enumerate(pieces))
    return text.strip().rstrip(",.;").strip()


def split_matrices(text: str) -> list[str]:
    """The text around and the text of each matrix environment (\\begin{bmatrix} ... \\end{bmatrix}, pmatrix,
    Bmatrix, matrix), alternating: odd items are whole environments. One pass over the edges found, so
    the time is linear in the text (a lazy `begin.*?end` pattern is quadratic when ends are missing)."""
    pieces, last, opened = [], 0, None
    for edge in _MATRIX_EDGE.finditer(text):
        if opened is None:
            opened = edge.start() if edge.group(1) == "begin" else None
        elif edge.group(1) == "end":
            pieces += [text[last:opened], text[opened:edge.end()]]
            last, opened = edge.end(), None
    return pieces + [text[last:]]


def _quad_rows_as_matrices(text: str) -> str:
    """Seed 002 writes row vectors as [w_{1,1}^{[3]} \\quad w_{1,2}^{[3]} \\quad w_{1,3}^{[3]}]: a bracket
    whose items \\quad separates becomes a one-row bmatrix (layer brackets [3] are masked while looking)."""
    masked = _LAYER_BRACKETS.sub(lambda m: "\0" * len(m.group()), text)
    pieces, last = [], 0
    for match in _BRACKETED.finditer(masked):
        if not _QUAD.search(match.group(1)):
            continue
        cells = _QUAD.split(text[match.start(1):match.end(1)])
        pieces += [text[last:match.start()], r"\begin{bmatrix}", " & ".join(c.strip() for c in cells), r"\end{bmatrix}"]
        last = match.end()
    return "".join(pieces) + text[last:]


MAX_INSTANCES = 24  # an index form (w^{[l]}_{jk} = ...) is graded at this many index values at most


def parse_latex_chain(text: str, resolver: Resolver) -> list:
    """The parts of `A = B = C` (or `w -> w - alpha ...`), each a SymPy object or a Derivative;
    ("note", words) parts say how a notation was read."""
    instances = parse_latex_instances(text, resolver)
    bindings, parts = instances[0]
    if len(instances) > 1 or bindings:
        raise ParseError("the claim has free indices; grade it through parse_latex_instances")
    return parts


def parse_latex_instances(text: str, resolver: Resolver) -> list:
    """[(bindings, parts)]: one entry, or for an index form (free j, k, l) one per value of the indices."""
    tree, text = _tree(text)
    free: dict[str, int] = {}
    while True:
        try:
            builder = _Builder(resolver, dict(free), collect=set(free))
            parts = _parts(tree, builder)
            break
        except FreeIndex as exc:
            if exc.letter in free or len(free) >= 3:
                raise ParseError(f"cannot give the index {exc.letter} a value") from None
            free[exc.letter] = 1
    if not free:
        return [({}, parts)]
    return _instances(tree, resolver, free)


def _instances(tree, resolver, free: dict[str, int]) -> list:
    """Every value of the free indices that names existing units (layers first, then units)."""
    letters = sorted(free, key=lambda letter: letter not in "lL")  # l before j, k
    depth = getattr(getattr(resolver, "spec", None), "depth", 1)
    found, seen = [], set()

    def expand(bound: dict, rest: list):
        if len(found) > 400:
            return
        if not rest:
            key = tuple(sorted(bound.items()))
            if key in seen:
                return
            seen.add(key)
            try:
                found.append((dict(bound), _parts(tree, _Builder(resolver, dict(bound)))))
            except ParseError:
                pass  # w^{[l+1]} at the last layer: that value does not exist
            return
        letter = rest[0]
        if letter == "l":
            values = range(1, depth + 1)
        else:
            probe = _Builder(resolver, {**bound, **{r: 1 for r in rest}}, collect=set(rest))
            try:
                _parts(tree, probe)
            except ParseError:
                return
            counts = probe.ranges_seen.get(letter) or {1}
            values = range(1, min(counts) + 1)
        for value in values:
            expand({**bound, letter: value}, rest[1:])
    expand({}, letters)
    if not found:
        raise ParseError(f"the indices {', '.join(letters)} take no values that name units of this network")
    if len(found) > MAX_INSTANCES:  # spread over the range: first, last and evenly between
        step = (len(found) - 1) / (MAX_INSTANCES - 1)
        found = [found[round(i * step)] for i in range(MAX_INSTANCES)]
    return found


def _tree(text: str):
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the claim is {len(text)} characters long; the limit is {MAX_LENGTH}")
    text = clean(text)
    if not text:
        raise ParseError("the claim is empty")
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth > MAX_DEPTH:
            raise ParseError(f"the claim nests brackets deeper than {MAX_DEPTH} levels")
    try:
        tree = _parser().parse(text)
    except lark.exceptions.UnexpectedCharacters as exc:
        raise ParseError(f"cannot read the LaTeX at column {exc.column}: {_snippet(text, exc.column)!r}") from None
    except lark.exceptions.UnexpectedInput as exc:
        column = getattr(exc, "column", None)
        where = f" at column {column}: {_snippet(text, column)!r}" if isinstance(column, int) and column > 0 else " (it ends too early)"
        raise ParseError(f"cannot read the LaTeX{where}") from None
    except RecursionError:
        raise ParseError("the claim is nested too deeply") from None
    size = sum(1 for _ in tree.iter_subtrees())
    if size > MAX_NODES:
        raise ParseError(f"the claim has more than {MAX_NODES} parts; the limit keeps checking fast")
    return tree, text


def _parts(tree, builder) -> list:
    parts = []
    last = len(tree.children) - 1
    for index, child in enumerate(tree.children):
        if isinstance(child, lark.Token):
            parts.append(("rel", str(child)))
            continue
        try:
            parts.append(("expr", builder.build(child)))
        except ParseError as exc:
            readable = sum(1 for kind, _ in parts if kind == "expr")
            if index == 0 or isinstance(exc, algebra.ShapeMismatch) or (index == last and readable < 2):
                raise
            parts.append(("skipped", str(exc)))  # a middle step such as dL/dz dz/dW: not a claim of its own
    parts += [("note", note) for note in builder.notes]
    if builder.rank_one:
        parts.append(("rank_one", True))
    return parts


def _refuse_lone_ones(value) -> None:
    r"""\mathbf{1} is read only as a sum in a product, (A - Y)\mathbf{1}; anywhere else it has no shape."""
    if isinstance(value, str) and value == "ONES":
        raise ParseError("\\mathbf{1} (a column of ones) must multiply a matrix, like (A^{[2]} - Y)\\mathbf{1}")


def _snippet(text: str, column) -> str:
    start = max(0, (column or 1) - 1)
    return text[start:start + 20]


class _Builder:
    """Walks lark's tree bottom-up and builds SymPy objects (an explicit walk: clearer than a Transformer)."""

    def __init__(self, resolver: Resolver, bound: dict | None = None, collect=()):
        self.resolver = resolver
        self._bound: dict[str, int] = dict(bound or {})  # indices in scope (\sum_k, free j, k, l) and their values
        self._ranges: dict[str, set[int]] = {letter: set() for letter in collect}  # unit counts the subscripts allow
        self.ranges_seen = self._ranges
        self._sum_terms = 0  # terms built by unit sums so far, against MAX_SUM_TERMS
        self.notes: list[str] = []
        self.rank_one = False  # np.sum(..., axis=1) without keepdims=True, in the mixed LaTeX-NumPy form

    def build(self, tree):
        value = self._node(tree)
        if isinstance(value, Partial) and not isinstance(value.of, LossName):
            return Derivative(value.of)  # dW^{[1]} on its own: the course's name for dL/dW^{[1]}
        if isinstance(value, LossName):
            return value  # L = -(y log a + ...): the loss itself, defined
        _refuse_lone_ones(value)
        return self._finish(value)

    def _node(self, node):
        if isinstance(node, lark.Token):
            return self._token(node)
        method = getattr(self, "_" + node.data)
        return method(*node.children)

    def _value(self, value):
        """An operand inside an expression: a derivative there is the (right) gradient's value, and so is
        the course's dZ^{[2]} (d of a symbol, outside a fraction)."""
        if isinstance(value, Derivative):
            return self.resolver.gradient(value.wrt)
        if isinstance(value, Partial) and not isinstance(value.of, LossName):
            return self.resolver.gradient(value.of)
        if isinstance(value, TransposedPartial):
            return algebra.transpose(self.resolver.gradient(value.of))
        if isinstance(value, Jacobian):  # a step inside an expression takes its right value
            return self.resolver.jacobian(value.of, value.wrt)
        if isinstance(value, Indicator):
            return value.value
        _refuse_lone_ones(value)
        return self._finish(value)

    def _finish(self, value):
        """A complete operand: resolve letters, refuse dangling operators."""
        if isinstance(value, Written):
            return self._resolve(value)
        if isinstance(value, FunctionName):
            raise ParseError(f"the function {value.name} needs an argument")
        if isinstance(value, (PartialOperator, LossName, Partial)):
            raise ParseError("a \\partial or a loss L appears outside a derivative \\frac{\\partial L}{\\partial ...}")
        return value

    def _resolve(self, written: Written):
        if written.base == "e" and written.layer is None and not written.sub:
            return sp.E
        if written.layer is None and re.fullmatch(r"\{?\s*\d\s*\}?", written.sub or "") and (
                written.base in "WAZ" or (written.base in "wazbh" and written.text.startswith("\\"))):
            # W_2, A_1, \mathbf{a}_1 (CS231n, seed 001): the subscript is the layer of a matrix or vector
            layer = int(written.sub.strip("{} "))
            base = "a" if written.base == "h" else written.base
            return self.resolver.symbol(base, layer, "", written.hat, written.text)
        if written.base == "I" and written.sub.strip("{} ") == "y":  # seed 001's I_y: the labels, one-hot
            return self.resolver.symbol("I", None, "y", False, written.text)
        parts = _index_parts(written.sub)
        for part in parts:
            if part.isalpha() and len(part) == 1 and part not in self._bound:
                raise FreeIndex(part)
        for position, part in enumerate(parts):
            if part in self._ranges:
                self._ranges[part].add(self._units_allowed(written, parts, position))
        bound = any(part in self._bound for part in parts)  # else the subscript as written: _{10} is unit ten
        return self.resolver.symbol(written.base, written.layer, self._bind(parts) if bound else written.sub,
                                    written.hat, written.text)

    def _bind(self, parts: list[str]) -> str:
        """A subscript with the summation indices in scope replaced by their values: {k1} -> 2,1."""
        return ",".join(str(self._bound.get(part, part)) for part in parts)

    def _units_allowed(self, written: Written, parts: list[str], position: int) -> int:
        """How many values a summation index may take at this place of this symbol: the resolver
        itself says, by accepting 1, 2, ... until a unit does not exist."""
        count = 0
        while count < MAX_SUM_TERMS + 1:
            trial = list(parts)
            trial[position] = str(count + 1)
            try:
                self.resolver.symbol(written.base, written.layer, self._bind(trial), written.hat, written.text)
            except ParseError:
                break
            count += 1
        return count

    # --- tokens ---
    def _token(self, token):
        kind, text = token.type, str(token)
        if kind in ("NUMBER", "DIGIT"):
            return sp.Rational(text)
        if kind == "LETTER":
            if text in ("L", "J"):
                return Written(text, None, "", False, False, text)
            if text == "g":
                return FunctionName("g")
            if text == "d":
                return PartialOperator()
            return Written(text, None, "", False, False, text)
        if kind == "FONT":
            letter = re.search(r"\{\s*([A-Za-z])\s*\}", text).group(1)
            return Written(letter, None, "", False, False, text)
        if kind == "HAT":
            letter = re.search(r"([A-Za-z])\s*\}?$", text).group(1)
            return Written(letter, None, "", False, True, text)
        if kind == "SIGMA":
            return FunctionName("sigma")
        if kind == "FUNC":
            return FunctionName(text[1:])
        if kind == "OPNAME":
            return FunctionName(re.search(r"\{\s*(\w+)\s*\}", text).group(1))
        if kind == "DELTA":
            return Written("delta", None, "", False, False, text)
        if kind == "RATE":
            return sp.Symbol("alpha")
        if kind == "LAMBDA":
            return self.resolver.regularization(text)
        if kind == "PARTIAL":
            return PartialOperator()
        if kind == "ONES":
            return "ONES"
        if kind == "LOSSNAME":
            return LossName("J" if "J" in text else "L")
        raise ParseError(f"unexpected {text!r}")

    # --- scripts ---
    def _postfix(self, primary, *scripts):
        value = self._node(primary)
        for script in scripts:
            value = self._script(value, script.children)
        return value

    def _script(self, value, children):
        token = children[0]
        kind, text = token.type, str(token)
        if kind == "CARET":
            exponent = self._value(self._node(children[1]))
            return self._power(value, exponent)
        if isinstance(value, FunctionName):
            if kind == "PRIME":
                return FunctionName(value.name, value.prime + 1, value.layer, value.power)
            if kind == "SUP_LAYER":
                layer = self._layer_number(text)
                prime = value.prime + (1 if re.search(r"\\prime|'", text) else 0)
                return FunctionName(value.name, prime, layer, value.power)
            raise ParseError(f"cannot read the script {text!r} on the function {value.name}")
        if isinstance(value, Written):
            if kind == "SUB":
                if value.sub:
                    raise ParseError(f"{value.text} has two subscripts")
                return Written(value.base, value.layer, text[1:].strip(), value.example, value.hat, value.text + text)
            if kind == "SUP_LAYER":
                layer = self._layer_number(text)
                example = bool(re.search(r"\(\s*[a-z0-9]\s*\)", text))
                written = Written(value.base, layer, value.sub, example, value.hat, value.text + text)
                if re.search(r"(T|\\top)\s*\}$", text):  # W^{[2]T}: the layer and a transpose at once
                    return algebra.transpose(self._finish(written))
                return written
            if kind == "SUP_EXAMPLE":
                return Written(value.base, value.layer, value.sub, True, value.hat, value.text + text)
            if kind == "PRIME" and value.base in ("g",):
                return FunctionName("g", 1, value.layer)
            value = self._finish(value)
        if isinstance(value, LossName) or value == "ONES" or isinstance(value, PartialOperator):
            raise ParseError(f"cannot read the script {text!r} here")
        value = self._value(value)
        if kind == "SUP_T":
            return algebra.transpose(value)
        if kind == "SUP_EXAMPLE":
            return value  # (i) on a bracket: the example index is implied
        raise ParseError(f"cannot read the script {text!r} on {value}")

    def _layer_number(self, text: str) -> int:
        """The layer of ^{[2]}, or of ^{[l]}, ^{[l+1]}, ^{[L]} with l bound (an index form) and L the last layer."""
        inside = re.sub(r"\s+", "", re.search(r"\[([^\]]*)\]", text).group(1))
        if inside.isdigit():
            return int(inside)
        letter, offset = inside[0], int(inside[1:] or 0)
        if letter == "L":
            depth = getattr(getattr(self.resolver, "spec", None), "depth", None)
            if depth is None:
                raise ParseError("the layer L needs a network")
            return depth + offset
        if letter not in self._bound:
            raise FreeIndex(letter)
        return self._bound[letter] + offset

    def _power(self, value, exponent):
        if isinstance(value, Written):
            value = self._finish(value)
        if isinstance(value, FunctionName):  # \tanh^2(z) is tanh(z)^2
            if value.power is not None or value.prime:
                raise ParseError(f"write powers of {value.name} after its argument")
            return FunctionName(value.name, value.prime, value.layer, exponent)
        return algebra.power(self._value(value), exponent)  # (\frac{\partial L}{\partial z})^2: the gradient's value

    # --- structure ---
    def _group(self, inner):
        return self._finish(self._node(inner))

    def _seq(self, *items):
        values = []
        for item in items:
            power = _power_of_group(item)
            if power is not None and values and isinstance(values[-1], FunctionName) and values[-1].power is None:
                # \tanh(z)^2 is tanh(z)^2, as \tanh^2(z): the power belongs to the function's value
                group, exponent = power
                function = values.pop()
                values += [FunctionName(function.name, function.prime, function.layer,
                                        self._finish(self._node(exponent))), self._node(group)]
                continue
            values.append(self._node(item))
        return self._fold(values)

    def _fold(self, values):
        """Juxtaposition: functions take the next operand, \\partial takes the next symbol, the rest multiply."""
        result = None
        index = 0
        while index < len(values):
            item = values[index]
            if isinstance(item, (FunctionName, PartialOperator)):
                if index + 1 >= len(values):
                    if isinstance(item, PartialOperator):
                        raise ParseError("\\partial needs something after it")
                    raise ParseError(f"the function {item.name} needs an argument")
                argument = values[index + 1]
                index += 2
                if isinstance(item, PartialOperator):
                    target = LossName() if self._is_loss(argument) else self._finish(argument)
                    operand = TransposedPartial(target.arg) if isinstance(target, sp.Transpose) else Partial(target)
                else:
                    operand = self._call(item, self._value(argument))
            else:
                operand = item
                index += 1
            if isinstance(operand, Written) and self._is_loss(operand):
                operand = LossName("J" if operand.base == "J" else "L")
            result = operand if result is None else self._times(result, operand)
        return result

    @staticmethod
    def _is_loss(value) -> bool:
        return isinstance(value, LossName) or (isinstance(value, Written) and value.base in LOSS_NAMES
                                                and value.layer is None and not value.sub and not value.hat)

    def _times(self, left, right):
        if isinstance(left, LossName) or isinstance(right, LossName) or any(
                isinstance(x, Partial) and isinstance(x.of, LossName) for x in (left, right)):
            raise ParseError("a \\partial or a loss L appears outside a derivative \\frac{\\partial L}{\\partial ...}")
        if left == "ONES" and isinstance(right, Indicator):  # \mathbf{1}\{Z > 0\}: the indicator
            return right.value
        if right == "ONES" or left == "ONES":
            other = self._value(left if right == "ONES" else right)
            return algebra.total(other, axis=1) if right == "ONES" else algebra.total(other, axis=0)
        left, right = self._value(left), self._value(right)
        try:
            return algebra.matmul(left, right)
        except algebra.ShapeMismatch:
            if _has_step(left) or _has_step(right):
                try:
                    product = algebra.matmul(right, left)
                except algebra.ShapeMismatch:
                    raise
                # seed 002's dL/dz^{[2]} dz^{[2]}/da^{[1]}: the chain rule written in the numerator layout's order
                self._note("a gradient and a step of the chain side by side were multiplied in the order their shapes allow "
                           "(the numerator layout's order)")
                return product
            if not (algebra.is_matrix(left) and algebra.is_matrix(right) and left.shape == right.shape) or (
                    1 in left.shape and (_has_weight(left) or _has_weight(right))):
                raise
        # two matrices of one shape side by side (dA^{[1]} g'(Z^{[1]})): no matrix product fits, so element-wise
        self._note("two matrices of the same shape written side by side were read as an element-wise product "
                   "(no matrix product fits their shapes)")
        return algebra.hadamard(left, right)

    def _note(self, words: str):
        if words not in self.notes:
            self.notes.append(words)

    def _compare(self, left, op, right):
        r"""(Z^{[1]} > 0), \mathbf{1}\{z > 0\}: ReLU's derivative, 1 where the comparison holds."""
        left, right = self._operand(left), self._operand(right)
        if algebra.is_matrix(right) or right != 0:
            raise ParseError("comparisons are only allowed against 0, like Z^{[1]} > 0")
        op = str(op).strip()
        at_zero = 1 if op in (">=", "<=", "\\geq", "\\ge", "\\leq", "\\le") else 0
        flip = op in ("<", "<=", "\\lt", "\\leq", "\\le")
        return Indicator(algebra.apply(lambda t: sp.Heaviside(-t if flip else t, at_zero), left))

    def _npcall(self, token, *args):
        r"""np.sum(dZ^{[1]}, axis=1, keepdims=True) inside LaTeX: the mixed form of the course notes."""
        name = str(token).split(".")[1]
        options, operands = {}, []
        for arg in args:
            child = arg.children[0] if isinstance(arg, lark.Tree) and arg.data == "npopt" else arg
            if isinstance(child, lark.Token) and child.type == "KWARG":
                key, value = (part.strip() for part in str(child).split("="))
                options[key] = {"True": True, "False": False}.get(value, int(value) if value.lstrip("-").isdigit() else value)
            else:
                operands.append(self._operand(child))
        if name in ("sum", "mean"):
            if len(operands) != 1:
                raise ParseError(f"np.{name}() takes one array")
            axis = options.get("axis")
            if axis is not None and not options.get("keepdims", False) and algebra.is_matrix(operands[0]):
                self.rank_one = True
            total = algebra.total(operands[0], axis)
            if name == "mean" and algebra.is_matrix(operands[0]):
                count = operands[0].shape[axis] if axis is not None else operands[0].shape[0] * operands[0].shape[1]
                total = algebra.divide(total, count)
            return total
        if options:
            raise ParseError(f"np.{name}() takes no keyword arguments here")
        binary = {"dot": algebra.matmul, "matmul": algebra.matmul, "multiply": algebra.hadamard,
                  "divide": algebra.divide, "power": algebra.power}
        if name in binary:
            if len(operands) != 2:
                raise ParseError(f"np.{name}() takes 2 arguments")
            return binary[name](*operands)
        if len(operands) != 1:
            raise ParseError(f"np.{name}() takes 1 argument")
        if name == "square":
            return algebra.power(operands[0], sp.Integer(2))
        if name == "transpose":
            return algebra.transpose(operands[0])
        return algebra.apply(elementary(name), operands[0])

    def _call(self, function: FunctionName, argument):
        value = self._apply(function, argument)
        return value if function.power is None else algebra.power(value, function.power)

    def _apply(self, function: FunctionName, argument):
        simple = elementary(function.name)
        if simple is not None and function.prime == 0:
            return algebra.apply(simple, argument)
        if function.name.lower() == "softmax" and function.prime == 0:
            return algebra.softmax(argument, self.resolver)
        layer = function.layer if function.layer is not None else _layer_of(argument)
        rule = activation_function(function.name, function.prime, self.resolver.spec, layer)
        return algebra.apply(rule, argument)

    def _frac(self, _token, numerator, denominator):
        top, bottom = self._node(numerator), self._node(denominator)
        if isinstance(top, Partial) or isinstance(bottom, Partial):
            if not (isinstance(top, Partial) and isinstance(bottom, Partial)):
                raise ParseError("a derivative needs \\partial in both the numerator and the denominator")
            return self._derivative(top, bottom)
        return algebra.divide(self._value(top), self._value(bottom))

    def _derivative(self, top: Partial, bottom: Partial):
        if not isinstance(top.of, LossName):
            return Jacobian(top.of, bottom.of)  # dz/dW: a step of the chain, graded as such
        return Derivative(bottom.of)

    def _matrix(self, _begin, rows, _end):
        """A matrix written out entry by entry (bmatrix, pmatrix): an explicit SymPy matrix of scalars."""
        entries = [[self._operand(cell) for cell in row.children if not _is_token(cell, "AMP")]
                   for row in rows.children if not _is_token(row, "ROW_SEP")]
        lengths = sorted({len(row) for row in entries})
        if len(lengths) > 1:
            raise ParseError(f"the rows of a matrix have different lengths ({' and '.join(map(str, lengths))})")
        if any(algebra.is_matrix(cell) for row in entries for cell in row):
            raise ParseError("a matrix written entry by entry needs a number or a scalar symbol in each entry")
        return sp.ImmutableMatrix(entries)

    def _chain(self, *children):  # pragma: no cover - handled in parse_latex_chain
        raise AssertionError

    # --- operators ---
    def _add(self, left, _op, right):
        return algebra.add(self._operand(left), self._operand(right))

    def _sub(self, left, _op, right):
        return algebra.sub(self._operand(left), self._operand(right))

    def _mul(self, left, _op, right):
        return self._times(self._node(left), self._node(right))

    def _outer(self, left, _op, right):
        """u \\otimes v, the outer product u v^T (two column vectors give a matrix)."""
        return algebra.matmul(self._operand(left), algebra.transpose(self._operand(right)))

    def _hadamard(self, left, _op, right):
        return algebra.hadamard(self._operand(left), self._operand(right))

    def _div(self, left, _op, right):
        top, bottom = self._node(left), self._node(right)
        if isinstance(top, Partial) and isinstance(bottom, Partial):
            return self._derivative(top, bottom)
        return algebra.divide(self._value(top), self._value(bottom))

    def _neg(self, _op, value):
        return algebra.neg(self._operand(value))

    def _pos(self, _op, value):
        return self._operand(value)

    def _seq_sum(self, seq, token, term):
        return self._times(self._node(seq), self._sum(token, term))

    def _sum_only(self, token, term):
        return self._sum(token, term)

    def _sum(self, token, term):
        r"""\sum_k over units when k is a subscript in the summand (w^{[2]}_{k1} \delta^{[2]}_k), else
        the sum over the examples (\sum_{i=1}^{m} with (i) superscripts, or a bare \sum)."""
        index, lower, upper = _sum_limits(str(token))
        if index is None or index not in _subscript_letters(term):
            return self._example_sum(term)
        if index in self._bound:
            raise ParseError(f"the summation index {index} is already in use by an outer sum")
        self._ranges[index] = set()
        self._bound[index] = lower
        try:
            terms = [self._operand(term)]
            counts = self._ranges.pop(index)  # learnt from the first term; the others need not probe
            if upper is None:
                if len(counts) != 1:
                    raise ParseError(f"the index {index} runs over {' and '.join(map(str, sorted(counts)))} units "
                                     "in different symbols of the sum")
                upper = counts.pop()
            for value in range(lower + 1, upper + 1):
                self._sum_terms += 1
                if self._sum_terms > MAX_SUM_TERMS:
                    raise ParseError(f"the sums expand to more than {MAX_SUM_TERMS} terms; write them in matrix form")
                self._bound[index] = value
                terms.append(self._operand(term))
        finally:
            del self._bound[index]
            self._ranges.pop(index, None)
        total = terms[0]
        for value in terms[1:]:
            total = algebra.add(total, value)
        return total

    def _example_sum(self, term):
        summand = self._operand(term)
        if algebra.is_matrix(summand):  # \sum dZ^{[2]}: the sum over the examples of a batch matrix
            if summand.shape[1] == algebra.M:
                return algebra.total(summand, axis=1)
            if summand.shape[0] == algebra.M:
                return algebra.total(summand, axis=0)
            if any(isinstance(symbol, sp.MatrixSymbol) and symbol.name[0].isupper() for symbol in summand.free_symbols):
                raise ParseError("\\sum of a matrix is read as a sum over the examples, but this one has no example axis")
            if not summand.free_symbols:  # a constant matrix: the same at every example, so m times it
                return algebra.scale(algebra.M, summand)
            return algebra.ExampleSumMatrix(summand)  # one example's vectors, summed over the examples
        return ExampleSum(summand)

    def _operand(self, node):
        return self._value(self._node(node))


def _is_token(item, kind: str) -> bool:
    return isinstance(item, lark.Token) and item.type == kind


def _index_parts(sub: str) -> list[str]:
    """A subscript's indices: {k1} -> [k, 1], {k,1} -> [k, 1], k -> [k], {12} -> [1, 2]."""
    text = sub.strip().strip("{}").replace(" ", "")
    if "," in text:
        return text.split(",")
    return list(text) if len(text) == 2 else ([text] if text else [])


def _sum_limits(token: str) -> tuple[str | None, int, int | None]:
    r"""\sum_{k=1}^{3} -> (k, 1, 3); \sum_k -> (k, 1, None); the upper limit only when it is a number."""
    below = re.search(r"_\s*(?:\{\s*([A-Za-z])\s*(?:=\s*(\d+)\s*)?\}|([A-Za-z]))", token)
    if not below:
        return None, 1, None
    above = re.search(r"\^\s*(?:\{\s*(\d+)\s*\}|(\d))", token)
    upper = int(above.group(1) or above.group(2)) if above else None
    return below.group(1) or below.group(3), int(below.group(2) or 1), upper


def _subscript_letters(tree) -> set[str]:
    """Every index letter written in a subscript inside a parse tree."""
    return {part for token in tree.scan_values(lambda t: isinstance(t, lark.Token) and t.type == "SUB")
            for part in _index_parts(str(token)[1:]) if part.isalpha()} if isinstance(tree, lark.Tree) else set()


def _layer_of(argument) -> int | None:
    """The layer of g's argument (z^{[1]} -> 1), when all its symbols come from one layer."""
    names = {s.name for s in argument.free_symbols if hasattr(s, "name")}
    layers = {int(m.group(1)) for n in names if (m := re.fullmatch(r"[zZaA](\d+)(?:_\d+)?", n))}
    if not layers:  # g(X W_1): the layer whose weights the argument uses
        layers = {int(m.group(1)) for n in names if (m := re.fullmatch(r"[Wb](\d+)", n))}
    return layers.pop() if len(layers) == 1 else None


def _has_weight(value) -> bool:
    return any(re.fullmatch(r"W\d+", getattr(s, "name", "")) for s in value.free_symbols)


def _power_of_group(item):
    """(group, exponent) for a postfix `( ... )^{e}` with that one script, else None."""
    if not (isinstance(item, lark.Tree) and item.data == "postfix" and len(item.children) == 2):
        return None
    primary, script = item.children
    if not (isinstance(primary, lark.Tree) and primary.data == "group"):
        return None
    if not (isinstance(script, lark.Tree) and len(script.children) == 2 and _is_token(script.children[0], "CARET")):
        return None
    return primary, script.children[1]


def _has_step(value) -> bool:
    return any(getattr(s, "name", "").startswith("jac__") for s in getattr(value, "free_symbols", ()))
