"""How wide a formula will be once TeX sets it: an estimate in points, from the LaTeX text alone.

The sheets break long formulas before TeX sees them (and KaTeX sees the same lines), so the breaker
needs the printed width without running TeX. This reads the LaTeX the way TeX's maths does: glyph
widths of Computer/Latin Modern at 11pt, sub- and superscripts at 70% (50% one level down), a
fraction as wide as its wider part, a matrix as its columns plus the gaps between them, and the
spaces TeX puts around binary operators (+, -, \\cdot) and relations (=). Unknown commands count as
one letter. Measured against pdflatex on the sheets' own lines, it errs on the wide side.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Glyph and space widths in pt at 11pt, measured with pdflatex (Latin Modern maths italic and roman).
LETTERS = dict(zip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    5.79, 4.7, 4.74, 5.7, 5.1, 6.54, 5.62, 6.31, 3.77, 5.14, 6.05, 3.48, 9.61, 6.57, 5.31, 5.51, 5.28, 5.24, 5.13,
    3.95, 6.27, 5.7, 8.13, 6.26, 5.76, 5.57, 8.21, 8.86, 8.61, 9.37, 8.71, 8.56, 8.61, 9.99, 5.67, 7.13, 10.08, 7.45,
    11.82, 9.99, 8.66, 8.55, 8.66, 8.4, 7.35, 7.92, 8.67, 8.82, 11.86, 9.93, 8.79, 8.26)))
GREEK = {"alpha": 7.05, "beta": 6.77, "gamma": 6.28, "delta": 5.28, "epsilon": 4.44, "theta": 5.44, "lambda": 6.39,
         "mu": 6.6, "sigma": 6.65, "phi": 6.52, "psi": 7.53, "omega": 7.21, "pi": 6.63, "tau": 6.03, "rho": 5.66,
         "eta": 5.83, "xi": 5.29, "nu": 6.11, "kappa": 6.31, "zeta": 5.6, "chi": 6.85, "varepsilon": 5.11,
         "Delta": 9.12, "Sigma": 7.91, "Gamma": 6.78, "Theta": 8.52, "Lambda": 7.67, "Phi": 7.91, "Psi": 8.52,
         "Omega": 7.91, "varphi": 7.15}
LETTER, CAPITAL, DIGIT, ROMAN, ROMAN_CAPITAL = 6.0, 8.8, 5.48, 5.2, 7.8
BINARY, RELATION = 8.6 + 2 * 2.45, 8.6 + 2 * 3.05  # the glyph and TeX's \medmuskip / \thickmuskip each side
DELIMITER, BIG_DELIMITER = 4.3, 5.6
COLUMN_GAP = 10.0  # 2 \arraycolsep between matrix columns
SCRIPT, SCRIPTSCRIPT = 0.79, 0.64  # script glyphs are drawn wider than their size ratio (0.73, 0.55)

SPACES = {",": 1.83, ":": 2.45, ";": 3.05, "!": -1.83, " ": 3.65, "quad": 10.95, "qquad": 21.9}
BINARY_COMMANDS = {"cdot": 3.05 + 2 * 2.45, "times": BINARY, "odot": BINARY, "pm": BINARY, "mp": BINARY}
RELATION_COMMANDS = {"leftarrow", "rightarrow", "to", "leq", "geq", "neq", "approx", "in", "le", "ge", "mapsto", "equiv"}
ROMAN_FUNCTIONS = {"sin", "cos", "tan", "sinh", "cosh", "tanh", "log", "ln", "exp", "max", "min", "sec", "csc",
                   "cot", "arcsin", "arccos", "arctan", "det", "lim", "coth", "sech", "csch", "sgn"}
WIDE = {"sum": 14.5, "prod": 13.0, "int": 8.0, "infty": 11.0, "partial": 6.2, "nabla": 9.0, "ldots": 13.0,
        "cdots": 13.0, "vdots": 3.0, "ddots": 13.0, "lVert": 5.5, "rVert": 5.5, "|": 5.5, "mid": 3.0,
        "prime": 3.0, "ell": 4.6, "dots": 13.0, "Vert": 5.5, "lvert": 3.0, "rvert": 3.0, "backslash": 5.5,
        "{": 5.5, "}": 5.5, "%": 9.0, "&": 8.5, "#": 9.0, "_": 4.0, "$": 5.5}
SIZED = {"bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "big", "Big", "bigg", "Bigg", "left", "right"}
TEXT_COMMANDS = {"text", "textrm", "mathrm", "operatorname", "textbf", "texttt", "textit", "mbox"}
STYLE_COMMANDS = {"mathbf", "boldsymbol", "mathit", "mathcal", "mathbb", "mathsf", "displaystyle", "textstyle",
                  "hat", "bar", "tilde", "vec", "dot", "ddot", "overline", "underline", "widehat", "widetilde"}
GLYPH = {"(": DELIMITER, ")": DELIMITER, "[": 3.05, "]": 3.05, "|": 3.05, ",": 3.05 + 1.83, ".": 3.05, ";": 3.05 + 1.83,
         "!": 3.05, "'": 3.0, "/": 5.5, ":": 3.05, "?": 5.2, "*": 5.5}

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}^_&]|\s+|.", re.S)


def tex_width(latex: str) -> float:
    """The estimated width in pt of `latex` set as display maths at 11pt."""
    return _width(latex, 1.0, True)


@lru_cache(maxsize=65536)
def _width(latex: str, scale: float, display: bool) -> float:
    return _Reader(latex, scale, display).run()


class _Reader:
    """A single pass over the tokens; `operand` says whether a + or - here is binary (spaced) or a sign."""

    def __init__(self, latex: str, scale: float, display: bool):
        self.source = latex
        self.tokens = [m for m in _TOKEN.finditer(latex) if not m.group().isspace()]
        self.position = 0
        self.scale = scale
        self.display = display
        self.operand = False
        self.sizes: list[float] = []  # the widths of the open \\left delimiters, for their \\right

    def run(self) -> float:
        total = 0.0
        while self.position < len(self.tokens):
            total += self.item()
        return total

    # --- reading ---
    def peek(self) -> str | None:
        return self.tokens[self.position].group() if self.position < len(self.tokens) else None

    def next(self) -> str | None:
        token = self.peek()
        self.position += token is not None
        return token

    def group(self) -> str:
        """The source text of the next argument: a {...} group or a single token."""
        if self.position >= len(self.tokens):
            return ""
        opening = self.tokens[self.position]
        self.position += 1
        if opening.group() != "{":
            return opening.group()
        depth = 1
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            self.position += 1
            depth += {"{": 1, "}": -1}.get(token.group(), 0)
            if depth == 0:
                return self.source[opening.end():token.start()]
        return self.source[opening.end():]

    def environment_body(self, name: str) -> str:
        start = self.tokens[self.position].start() if self.position < len(self.tokens) else len(self.source)
        depth = 1
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            if token.group() in (r"\begin", r"\end"):
                self.position += 1
                if self.group() == name:
                    depth += 1 if token.group() == r"\begin" else -1
                    if depth == 0:
                        return self.source[start:token.start()]
                continue
            self.position += 1
        return self.source[start:]

    # --- widths ---
    def nested(self, latex: str, scale: float | None = None, display: bool | None = None) -> float:
        return _width(latex, self.scale if scale is None else scale, self.display if display is None else display)

    def operator(self, spaced_width: float, glyph: float) -> float:
        """A binary operator after an operand gets TeX's spaces (not in scripts); a sign does not."""
        spaced = self.operand and self.scale == 1.0
        self.operand = False
        return (spaced_width if spaced else glyph) * self.scale

    def item(self) -> float:
        token = self.next()
        s = self.scale
        if token in ("^", "_"):
            return self.scripts(token)
        if token == "{":
            self.position -= 1
            body = self.group()
            width = self.nested(body)
            self.operand = True  # a group, even {}, is an ordinary atom: a + after it is binary
            return width
        if token in ("}", "&", "~") or token.isspace():
            return 0.0
        if token.startswith("\\"):
            return self.command(token[1:])
        if token in "+-":
            return self.operator(BINARY, 8.6)
        if token in "=<>":
            self.operand = False
            return (RELATION if s == 1.0 else 8.6) * s
        if token in "([|":
            self.operand = False if token != "|" else self.operand
            return GLYPH[token] * s
        self.operand = True
        if token.isdigit():
            return DIGIT * s
        if token.isalpha():
            return LETTERS.get(token, CAPITAL if token.isupper() else LETTER) * s
        return GLYPH.get(token, LETTER) * s

    def delimiter_size(self, delimiter: str) -> float:
        """\\left( grows with what it encloses: a matrix, a fraction or sum, a superscript."""
        if delimiter == ".":
            return 1.2
        depth, start = 1, self.position
        end = len(self.tokens)
        for index in range(self.position, len(self.tokens)):
            token = self.tokens[index].group()
            depth += (token == r"\left") - (token == r"\right")
            if depth == 0:
                end = index
                break
        inside = {token.group() for token in self.tokens[start:end]}
        base = GLYPH.get(delimiter, WIDE.get(delimiter.lstrip("\\"), DELIMITER))
        if r"\begin" in inside:
            return 6.0
        if inside & {r"\frac", r"\sum", r"\prod"}:
            return 7.5
        if "^" in inside:
            return max(base, 5.2)
        return base

    def scripts(self, first: str) -> float:
        """x^{a}_{b}: as wide as the wider script, at the smaller size."""
        smaller = SCRIPT if self.scale == 1.0 else SCRIPTSCRIPT
        widths = [self.nested(self.group(), smaller, False)]
        if self.peek() in ("^", "_") and self.peek() != first:
            self.next()
            widths.append(self.nested(self.group(), smaller, False))
        self.operand = True
        return max(widths) + 0.5

    def command(self, name: str) -> float:
        s = self.scale
        if name in SPACES:
            return SPACES[name] * s
        if name == "\\":
            return 0.0
        if name in BINARY_COMMANDS:
            width = BINARY_COMMANDS[name]
            return self.operator(width, width - 4.9)
        if name in RELATION_COMMANDS:
            self.operand = False
            return (11.0 + (6.1 if s == 1.0 else 0)) * s
        if name in ("frac", "dfrac", "tfrac"):
            inner = s if (self.display and name != "tfrac") or name == "dfrac" else (SCRIPT if s == 1.0 else SCRIPTSCRIPT)
            numerator, denominator = self.group(), self.group()
            self.operand = True
            return max(self.nested(numerator, inner, False), self.nested(denominator, inner, False)) + 2.4 * s
        if name == "sqrt":
            self.operand = True
            return self.nested(self.group()) + 9.0 * s
        if name in SIZED:
            delimiter = self.next() or ""
            opening = name.endswith("l") or name == "left"
            self.operand = not opening
            if name == "left":
                self.sizes.append(self.delimiter_size(delimiter))
                return self.sizes[-1] * s
            if name == "right":
                return (self.sizes.pop() if self.sizes else DELIMITER) * s
            if delimiter == ".":
                return 1.2 * s
            return (BIG_DELIMITER + (1.5 if name.lower().startswith("bigg") else 0.0)) * s
        if name == "begin":
            environment = self.group()
            if environment in ("matrix", "pmatrix", "bmatrix", "cases", "array", "aligned", "smallmatrix"):
                if environment == "array":
                    self.group()
                body = self.environment_body(environment)
                self.operand = True
                return self.table(body, environment)
            return 0.0
        if name == "end":
            self.group()
            return 0.0
        if name in TEXT_COMMANDS:
            text = self.group()
            self.operand = True
            letters = re.sub(r"\\.|[{}\s]", "", text)
            return sum(ROMAN_CAPITAL if c.isupper() else ROMAN for c in letters) * s
        if name in STYLE_COMMANDS:
            return self.nested(self.group()) if name not in ("displaystyle", "textstyle") else 0.0
        if name in ROMAN_FUNCTIONS:
            self.operand = True
            return len(name) * ROMAN * s
        if name in WIDE:
            self.operand = name not in ("sum", "prod", "int")
            width = WIDE[name] * s
            if name in ("sum", "prod") and self.display and s == 1.0:
                return self.big_operator_limits(width)
            return width
        self.operand = True
        return GREEK.get(name, CAPITAL if name[:1].isupper() else 7.0) * s  # a Greek letter or another one-glyph symbol

    def big_operator_limits(self, width: float) -> float:
        """\\sum_{i=1}^{m} in display style: limits above and below, as wide as the widest."""
        limits = []
        while self.peek() in ("^", "_"):
            self.next()
            limits.append(self.nested(self.group(), SCRIPT, False))
        return max([width, *limits]) + 1.7

    def table(self, body: str, environment: str) -> float:
        rows = [row for row in re.split(r"\\\\", body) if row.strip()]
        columns: list[float] = []
        for row in rows:
            for index, cell in enumerate(_cells(row)):
                width = self.nested(cell, self.scale, False)
                if index < len(columns):
                    columns[index] = max(columns[index], width)
                else:
                    columns.append(width)
        gap = 11.0 if environment == "cases" else COLUMN_GAP
        extra = 10.0 if environment == "cases" else 0.0
        return sum(columns) + gap * max(len(columns) - 1, 0) + extra


def _cells(row: str) -> list[str]:
    """A table row split at its own & (not inside braces)."""
    cells, depth, current = [], 0, []
    for token in _TOKEN.findall(row):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if token == "&" and depth == 0:
            cells.append("".join(current))
            current = []
        else:
            current.append(token)
    cells.append("".join(current))
    return cells
