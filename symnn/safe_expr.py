"""Read a formula typed by a person into SymPy without eval, exec, sympify or parse_expr.

The text is parsed by Python's `ast` (which only builds a tree, it runs nothing), then every node is
checked against a whitelist and turned into SymPy objects here. Limits on length, node count, nesting
and the size of numeric powers keep hostile input (`9**9**9**9`, a megabyte of brackets) cheap.
"""
from __future__ import annotations

import ast
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from .errors import ParseError

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 40
MAX_POWER_BITS = 4096  # a numeric power whose value needs more bits than this is refused
MAX_EXPONENT = 1000


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


# name -> (builder, allowed argument counts)
FUNCTIONS: dict[str, tuple[Callable, tuple[int, ...]]] = {
    "exp": (sp.exp, (1,)),
    "log": (sp.log, (1, 2)),
    "ln": (sp.log, (1,)),
    "sqrt": (sp.sqrt, (1,)),
    "abs": (sp.Abs, (1,)),
    "Abs": (sp.Abs, (1,)),
    "sin": (sp.sin, (1,)),
    "cos": (sp.cos, (1,)),
    "tan": (sp.tan, (1,)),
    "sinh": (sp.sinh, (1,)),
    "cosh": (sp.cosh, (1,)),
    "tanh": (sp.tanh, (1,)),
    "atan": (sp.atan, (1,)),
    "arctan": (sp.atan, (1,)),
    "asinh": (sp.asinh, (1,)),
    "arcsinh": (sp.asinh, (1,)),
    "erf": (sp.erf, (1,)),
    "max": (sp.Max, (2,)),
    "Max": (sp.Max, (2,)),
    "maximum": (sp.Max, (2,)),
    "min": (sp.Min, (2,)),
    "Min": (sp.Min, (2,)),
    "minimum": (sp.Min, (2,)),
    "sigmoid": (_sigmoid, (1,)),
}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "E": sp.E}


def _built_functions() -> frozenset:
    """The SymPy function classes a whitelisted formula can hold (sigmoid is exp, sqrt a power)."""
    x, y = sp.symbols("x y", real=True)
    found = set()
    for builder, arities in FUNCTIONS.values():
        for arity in arities:
            found |= {type(f) for f in builder(*(x, y)[:arity]).atoms(sp.Function)}
    return frozenset(found)


# What a formula and its derivatives may contain, and so what every code path must evaluate:
# the whitelist's own functions, plus sign (|z|'), Heaviside (max/min') and DiracDelta (their second
# derivatives). A rewriting that brings in anything else (erf's inverse erfinv, LambertW) is not used.
SYMPY_FUNCTIONS = _built_functions() | {sp.sign, sp.Heaviside, sp.DiracDelta}
MODULE_PREFIXES = {"np", "numpy", "math", "sp", "sympy"}


@dataclass
class FormulaReader:
    """Turns text into a SymPy expression over the given variables only."""

    variables: Mapping[str, sp.Basic]
    functions: Mapping[str, tuple[Callable, tuple[int, ...]]] = field(default_factory=lambda: FUNCTIONS)
    constants: Mapping[str, sp.Basic] = field(default_factory=lambda: CONSTANTS)
    max_length: int = MAX_LENGTH

    def read(self, text: str) -> sp.Expr:
        tree = self._parse(text)
        self._nodes = 0
        return self._build(tree.body, depth=0)

    def _parse(self, text) -> ast.Expression:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise ParseError("the formula is not valid UTF-8 text") from None
        if not isinstance(text, str):
            raise ParseError("the formula must be text")
        if len(text) > self.max_length:
            raise ParseError(f"the formula is {len(text)} characters long; the limit is {self.max_length}")
        refuse_unsafe_text(text)
        if not text.strip():
            raise ParseError("the formula is empty")
        depth = 0
        for ch in text:  # refuse deep nesting before the parser's own recursion sees it
            depth += ch in "([{"
            depth -= ch in ")]}"
            if depth > MAX_DEPTH:
                raise ParseError(f"the formula nests brackets deeper than {MAX_DEPTH} levels")
        typed = text.strip()
        rewritten, columns = as_python(typed)
        try:
            return ast.parse(rewritten, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            offset = getattr(exc, "offset", None)
            where = f" at column {columns[min(offset, len(columns)) - 1]}" if offset else ""
            raise ParseError(f"cannot read {_short(typed)!r}{where}: not a formula") from None

    def _build(self, node: ast.AST, depth: int) -> sp.Expr:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise ParseError(f"the formula has more than {MAX_NODES} parts; the limit keeps checking fast")
        if depth > MAX_DEPTH:
            raise ParseError(f"the formula nests deeper than {MAX_DEPTH} levels")
        method = getattr(self, "_build_" + type(node).__name__, None)
        if method is None:
            raise ParseError(f"{_describe(node)} is not allowed in a formula")
        return method(node, depth + 1)

    def _build_Constant(self, node: ast.Constant, depth):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(f"the constant {value!r} is not a number")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ParseError("the formula contains a number too large to use")
            return sp.Rational(repr(value))  # exact decimal, so 0.5 is 1/2
        if value.bit_length() > MAX_POWER_BITS:
            raise ParseError("the formula contains a number too large to use")
        return sp.Integer(value)

    def _build_Name(self, node: ast.Name, depth):
        if node.id in self.variables:
            return self.variables[node.id]
        if node.id in self.constants:
            return self.constants[node.id]
        if node.id in self.functions:
            raise ParseError(f"{node.id} is a function; write {node.id}(...)")
        allowed = ", ".join(sorted(self.variables)) or "none"
        product = _as_product(node.id, self.variables)
        hint = f"; for a product write {'*'.join(product)}" if product else ""
        raise ParseError(f"unknown name {node.id!r} (variables allowed here: {allowed}{hint})")

    def _build_UnaryOp(self, node: ast.UnaryOp, depth):
        operand = self._build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ParseError(f"the operator {type(node.op).__name__} is not allowed in a formula")

    def _build_BinOp(self, node: ast.BinOp, depth):
        left = self._build(node.left, depth)
        right = self._build(node.right, depth)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise ParseError("the formula divides by zero")
            return left / right
        if isinstance(op, ast.Pow):
            return safe_power(left, right)
        raise ParseError(f"the operator {type(op).__name__} is not allowed in a formula")

    def _build_Call(self, node: ast.Call, depth):
        name = function_name(node.func)
        if name not in self.functions:
            raise ParseError(f"unknown function {name!r} (known: {', '.join(sorted(self.functions))})")
        if node.keywords:
            raise ParseError(f"{name}() takes no keyword arguments here")
        builder, arities = self.functions[name]
        if len(node.args) not in arities:
            raise ParseError(f"{name}() takes {' or '.join(map(str, arities))} argument(s), got {len(node.args)}")
        args = [self._build(arg, depth) for arg in node.args]
        try:
            return builder(*args)
        except ValueError as exc:  # SymPy refuses some arguments outright: min(2, ln(-10)) compares a complex number
            raise ParseError(f"{name}() cannot take these arguments: {(str(exc).splitlines() or [''])[0][:120]}") from None


# Unicode categories no formula needs, each of which has been used to hide text from a reader:
# controls (NUL, newline, CR, ESC, DEL, C1), format characters (bidi overrides, zero-width joiners),
# surrogates, private use, unassigned, line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
ALLOWED_CONTROLS = {"\t"}  # a tab is whitespace to the parser, as a space is


def unsafe_character(text: str) -> tuple[int, str] | None:
    """(column, description) of the first character typed text may not hold, or None.

    Refused: `#` (Python's parser would silently drop everything after it, so what was checked would
    not be what was typed) and every control or invisible character except the tab."""
    for index, ch in enumerate(text):
        if ch == "#":
            return index + 1, "a comment character '#'"
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return index + 1, f"the control or invisible character U+{ord(ch):04X}"
    return None


def refuse_unsafe_text(text: str, what: str = "the formula", error=ParseError) -> None:
    """Raise `error` with one line when `text` holds a character `unsafe_character` refuses."""
    found = unsafe_character(text)
    if found:
        column, description = found
        raise error(f"{what} contains {description} at column {column}; it cannot be used")


def safe_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """base**exponent, refusing numeric powers too large to evaluate (SymPy evaluates them eagerly)."""
    if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
        raise ParseError(f"the exponent {exponent} is too large (limit {MAX_EXPONENT})")
    if base.is_Number and exponent.is_Number and base not in (0, 1, -1):
        bits = float(abs(exponent)) * math.log2(max(abs(float(base)), 1 / abs(float(base))))
        if bits > MAX_POWER_BITS:
            raise ParseError("the formula contains a power too large to compute")
    return sp.Pow(base, exponent)


def function_name(func: ast.AST) -> str:
    """The called name: `exp`, or `np.exp` / `math.exp` read as `exp`; anything else is refused."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in MODULE_PREFIXES:
        if func.attr.startswith("_"):
            raise ParseError("attribute names starting with _ are not allowed")
        return func.attr
    raise ParseError(f"{_describe(func)} cannot be called in a formula")


def _describe(node: ast.AST) -> str:
    kinds = {
        "Attribute": "attribute access",
        "Lambda": "a lambda",
        "Subscript": "indexing",
        "Compare": "a comparison",
        "BoolOp": "a boolean operator",
        "IfExp": "an if-expression",
        "ListComp": "a comprehension",
        "GeneratorExp": "a comprehension",
        "NamedExpr": "an assignment",
        "JoinedStr": "an f-string",
    }
    return kinds.get(type(node).__name__, f"a {type(node).__name__} expression")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def formula_names(text: str) -> set[str]:
    """The free names a formula uses (not called as functions), after the same length and syntax
    checks as `read_formula`; used to infer a function's variables."""
    tree = FormulaReader({})._parse(text)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called}


# A number written against a name or a bracket (4x, 2(x + 1), 0.5sin(x)) multiplies it, as on paper;
# not a number inside a name (x1y) or an exponent (1e-3).
_IMPLICIT_PRODUCT = re.compile(r"(?<![A-Za-z_0-9.])\d+(?:\.\d*)?(?![eE][+-]?\d)(?=\s*[A-Za-z_(])")


def as_python(typed: str) -> tuple[str, list[int]]:
    """The formula as Python reads it, and for each of its characters the column typed.

    People write z^2 for a power: Python's ^ is xor with a lower precedence than /, so it becomes **
    (string literals are refused anyway, so no text is misread); 4x becomes 4*x. The columns let a
    syntax error point at what the person wrote."""
    products = {m.end() for m in _IMPLICIT_PRODUCT.finditer(typed)}
    pieces, columns = [], []
    for index, ch in enumerate(typed):
        if index in products:
            pieces.append("*")
            columns.append(index + 1)
        pieces.append("**" if ch == "^" else ch)
        columns += [index + 1] * (2 if ch == "^" else 1)
    return "".join(pieces), columns + [len(typed) + 1]


def _as_product(name: str, variables) -> list[str] | None:
    """xy -> [x, y] when the name is variables written side by side (longest first), else None."""
    parts, rest = [], name
    known = sorted(variables, key=len, reverse=True)
    while rest:
        part = next((v for v in known if rest.startswith(v)), None)
        if part is None:
            return None
        parts.append(part)
        rest = rest[len(part):]
    return parts if len(parts) > 1 else None


def read_formula(text: str, variables: Mapping[str, sp.Basic], **options) -> sp.Expr:
    """Parse `text` into a SymPy expression over `variables` (name -> symbol). Raises ParseError."""
    return FormulaReader(variables, **options).read(text)
