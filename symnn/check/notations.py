r"""Other books' notations rewritten into the course notation the LaTeX grammar reads, with a note
saying how each was read (and, where a reading is genuinely ambiguous, the other reading too).

- the gradient operator: \nabla_{W^{[2]}} L, \nabla_{\mathbf{a}^{[1]}} L, \nabla_{W_2}\ell (CS229,
  Goodfellow, seed 001) is \frac{\partial L}{\partial W^{[2]}}; Nielsen's \nabla_a C is dC/da^L;
- Goodfellow's layers in parentheses: h^{(k)} is layer k's activation a^{[k]}, a^{(k)} its
  pre-activation z^{[k]}, W^{(k)}, b^{(k)} its parameters;
- Nielsen's layers as plain superscripts: w^l_{jk}, \delta^L, a^{l-1}_k, z^2 (layer 2, or a square:
  both readings are tried).

Only text is rearranged here; nothing is evaluated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_LOSS = r"(\\mathcal\s*\{\s*[LJ]\s*\}|\\ell(?![a-zA-Z])|[LJCE](?![A-Za-z_]))"
_SYMBOL = r"(?<![A-Za-z\\])(\\delta(?![a-zA-Z])|\\(?:mathbf|boldsymbol|bm)\s*\{\s*[wbazWAZ]\s*\}|[wbazWAZ])"
_PLAIN_LAYER = r"\^\s*(\{\s*([lL](?:\s*[+-]\s*1)?|\d)\s*\}|([lL]|\d)(?![A-Za-z0-9]))"


@dataclass
class Reading:
    text: str
    notes: list[str] = field(default_factory=list)
    alternatives: list["Reading"] = field(default_factory=list)  # other readings of an ambiguous text


def rewrite(text: str, depth: int | None, sigma_may_be_g: bool = False) -> Reading:
    r"""`sigma_may_be_g`: the network's activations are not all the sigmoid, so \sigma may name its
    activation (seed 001: "sigma is a non-linearity applied element-wise, e.g. sigmoid, ReLU")."""
    reading = _rewrite(text, depth)
    if sigma_may_be_g and re.search(r"\\sigma(?![a-zA-Z])", reading.text):
        generic = re.sub(r"\\sigma(?![a-zA-Z])", "g", reading.text)
        reading.alternatives.append(Reading(generic, reading.notes + [
            "read \\sigma as the network's activation g (seed 001: sigma is whichever non-linearity the layer applies), "
            "not the logistic sigmoid"]))
    return reading


def _rewrite(text: str, depth: int | None) -> Reading:
    notes: list[str] = []
    text = _annotations(text, notes)
    text = _squares(text, notes)
    text = _UPRIGHT_T.sub(r"\1T", text)  # W^{[2]\mathrm{T}}, x^{\mathrm{T}}: an upright T is the transpose
    bracketed = "^{[" in text.replace(" ", "")
    text = _nabla(text, depth, notes)
    if not bracketed:
        goodfellow = _goodfellow(text)
        if goodfellow != text:
            notes.append("read in Goodfellow's notation: h^{(k)} is a^{[k]} (the activation), a^{(k)} is z^{[k]} "
                         "(the pre-activation), W^{(k)} and b^{(k)} are W^{[k]} and b^{[k]}")
            return Reading(goodfellow, notes)
        nielsen, ambiguous = _nielsen(text, depth)
        if nielsen != text:
            note = "read layers written as plain superscripts (Nielsen's w^l_{jk}, \\delta^L)"
            if ambiguous:
                power = Reading(text, notes + [f"read {ambiguous} as a power, not a layer"])
                return Reading(nielsen, notes + [f"{note}; {ambiguous} read as a layer, not a power"], [power])
            return Reading(nielsen, notes + [note])
    return Reading(text, notes)


def _annotations(text: str, notes: list[str]) -> str:
    r"""\underbrace{X}_{(1\times3)} -> X; a trailing `\in (0, 1)` or `\in R^{n \times d}` (a range, not graded)."""
    out, position = [], 0
    for match in re.finditer(r"\\(underbrace|overbrace)\s*(?=\{)", text):
        if match.start() < position:
            continue
        end = _balanced(text, match.end())
        inner = text[match.end() + 1:end - 1]
        after = re.match(r"\s*[_^]\s*", text[end:])
        if after and end + after.end() < len(text):
            end = _balanced(text, end + after.end())
        out += [text[position:match.start()], "{", inner, "}"]
        position = end
    text = "".join(out) + text[position:]
    ranged = re.search(r"\\in(?![a-zA-Z])", text)
    if ranged and "=" in text[:ranged.start()]:
        notes.append("the range after \\in is not graded")
        text = text[:ranged.start()]
    return text


_SQUARED = re.compile(
    r"(?<![A-Za-z\\])(\\(?:mathbf|boldsymbol|bm)\s*\{\s*[A-Za-z]\s*\}|[A-Za-z])"  # A, a, \mathbf{a}
    r"(\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?"  # a_j^{[1]2}
    r"\s*\^\s*\{\s*\[\s*([^\[\]{}]+?)\s*\]\s*(?:\^\s*)?(\{\s*\d\s*\}|\d)\s*\}"  # ^{[1]2}, ^{[1]^2}
    r"(\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?")  # a^{[1]2}_j


_UPRIGHT_T = re.compile(r"(\^\s*(?:\{[^{}]*?)?)\\(?:mathrm|mathsf|text|rm)\s*\{\s*T\s*\}")


def _squares(text: str, notes: list[str]) -> str:
    r"""A^{[1]2} (the square of layer 1's activation, as in tanh' = 1 - A^{[1]2}) -> (A^{[1]})^{2}, element-wise."""
    def square(match):
        base, before, layer, power, after = match.groups()
        return f"\\left({base}{before or ''}^{{[{layer}]}}{after or ''}\\right)^{{{power.strip('{} ')}}}"
    rewritten = _SQUARED.sub(square, text)
    if rewritten != text:
        notes.append("read X^{[l]2} as (X^{[l]})^2, the element-wise square (1 - A^{[1]2} is tanh')")
    return rewritten


def _balanced(text: str, start: int) -> int:
    """The index just after the {...} group opening at `start` (or after one character / command)."""
    if text[start] == "{":
        depth = 0
        for index in range(start, len(text)):
            depth += text[index] == "{"
            depth -= text[index] == "}"
            if depth == 0:
                return index + 1
        return len(text)
    command = re.match(r"\\[A-Za-z]+(\s*\{[^{}]*\})?|.", text[start:])
    return start + command.end()


def _nabla(text: str, depth: int | None, notes: list[str]) -> str:
    r"""\nabla_{X} L -> \frac{\partial L}{\partial X}; \nabla_a C (Nielsen) is the output layer's a."""
    out, position = [], 0
    for match in re.finditer(r"\\nabla(?![a-zA-Z])\s*_\s*", text):
        if match.start() < position:
            continue
        end = _balanced(text, match.end()) if match.end() < len(text) else match.end()
        below = text[match.end():end]
        loss = re.match(r"\s*" + _LOSS, text[end:])
        if not loss:
            continue
        inner = below[1:-1] if below.startswith("{") else below
        if re.fullmatch(r"\s*(a|\\mathbf\s*\{\s*a\s*\})\s*", inner) and depth:
            inner = f"a^{{[{depth}]}}"
            notes.append("read \\nabla_a C as the gradient with respect to the output layer's activations (Nielsen)")
        out += [text[position:match.start()], f"\\frac{{\\partial {loss.group(1)}}}{{\\partial {inner}}}"]
        position = end + loss.end()
    return "".join(out) + text[position:]


def _goodfellow(text: str) -> str:
    pattern = (r"(?<![A-Za-z\\])(\\(?:mathbf|boldsymbol|bm)\s*\{\s*([hWbaz])\s*\}|([hWbaz]))\s*"
               r"\^\s*\{\s*\(\s*(\d+)\s*\)\s*(T|\\top)?\s*\}")

    def layer(match):
        letter = match.group(2) or match.group(3)
        base = {"h": "a", "a": "z"}.get(letter, letter)
        if match.group(2):
            base = f"\\mathbf{{{base}}}"
        return f"{base}^{{[{match.group(4)}]{'T' if match.group(5) else ''}}}"
    if not re.search(r"\^\s*\{\s*\(\s*\d+\s*\)", text):
        return text
    return re.sub(pattern, layer, text)


def _nielsen(text: str, depth: int | None) -> tuple[str, str | None]:
    """Plain superscript layers -> ^{[...]}; the second value names a digit superscript on a, z or b,
    which could also be a power (z^2)."""
    ambiguous = None

    def layer(match):
        nonlocal ambiguous
        base, sub, script = match.group(1), match.group(2) or "", match.group(4) or match.group(5)
        script = re.sub(r"\s+", "", script)
        if script.isdigit():
            input_layer = script == "0" and base[-1] in "aA"  # a^0_k: Nielsen's a^{l-1}_k at l = 1, the input x_k
            if not depth or not (1 <= int(script) <= depth or input_layer):
                return match.group(0)
            if base[-1] in "azb" and not ambiguous:
                ambiguous = f"{base}{sub}^{script}"
        return f"{base}{sub}^{{[{script}]}}"
    pattern = _SYMBOL + r"(\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*" + _PLAIN_LAYER
    return re.sub(pattern, layer, text), ambiguous
