"""The known wrong variants of the right answer, named in words, and the single edits of a claim's text
that would make it right.

Each variant is the backward pass with one mistake built in (reference.Mistake): a claim that
agrees with a variant at every sample point is named after it. Sign flips combine with the others
(a sign flip and a missing 1/m together are common). `repairs` lists the edits of a right-hand side
(each layer index, every occurrence of one symbol's layer at once, each unit index, a weight's swapped
indices, one unit for the vector, a transpose added or removed); the checker grades each edited claim
and names the edit that makes it hold everywhere, which is how a shape mismatch gets a name
(`W^{[1]T}` for `W^{[2]T}` is the wrong layer, not a missing transpose).
"""
from __future__ import annotations

import re

from ..rules.activations import Softmax
from .reference import Mistake, derivative_formulas

SIGN = "a sign flip (y - a where a - y belongs, or a lost minus)"


def known_mistakes(spec) -> list[Mistake]:
    """Every single mistake that makes sense for this network, most common first."""
    sizes, depth = spec.sizes, spec.depth
    found = [Mistake(SIGN, sign=-1.0)]
    if spec.reduction == "mean":
        found.append(Mistake("missing 1/m: a sum over the m examples where the mean belongs", factor="none"))
    found.append(Mistake("an extra 1/m (the course keeps 1/m out of dZ and dA, and puts it once in dW and db)", factor="extra"))
    if spec.l2 is not None:
        term = "lambda/m W^[l]" if spec.reduction == "mean" else "lambda W^[l]"
        found.append(Mistake(f"missing regularisation term: the L2 penalty's gradient {term} belongs in dW^[l] (--l2)",
                             regularization="none"))
        found.append(Mistake(f"half the regularisation term: d/dW of lambda/(2m) ||W||^2 is {term}, not half of it",
                             regularization="half"))
    for layer in range(depth, 0, -1):
        rule = spec.activations[layer - 1]
        if isinstance(rule, Softmax):
            continue
        g = "sigma" if rule.name == "sigmoid" else rule.name
        where = f"layer {layer}"
        found += [
            Mistake(f"a missing activation derivative: {g}'(z^[{layer}]) is left out ({where})", derivative=((layer, "none"),)),
            Mistake(f"{g}(z) where {g}'(z) belongs: the activation instead of its derivative ({where})",
                    derivative=((layer, "value"),)),
            Mistake(f"the activation derivative {g}'(z^[{layer}]) applied twice ({where})", derivative=((layer, "twice"),)),
        ]
        for key, (words, _formula, _variable) in derivative_formulas(rule).items():
            if key.split("'")[0] == rule.name:
                continue
            found.append(Mistake(f"the derivative of the wrong activation in {where}: {words} where {rule.name}' belongs",
                                 derivative=((layer, key),)))
    for layer in range(2, depth + 1):
        if sizes[layer] == sizes[layer - 1]:
            found.append(Mistake(f"a missing transpose: W^[{layer}] where (W^[{layer}])^T belongs", untransposed=layer))
    for layer in range(1, depth + 1):
        for other in range(0, depth + 1):
            if other != layer - 1 and sizes[other] == sizes[layer - 1]:
                found.append(Mistake(f"the wrong layer index: A^[{other}] where A^[{layer - 1}] belongs in dW^[{layer}]",
                                     previous=(layer, other)))
        for other in range(1, depth + 1):
            if layer > 1 and other != layer and (sizes[other], sizes[other - 1]) == (sizes[layer], sizes[layer - 1]):
                found.append(Mistake(f"the wrong layer index: W^[{other}] where W^[{layer}] belongs in dA^[{layer - 1}]",
                                     weight_layer=(layer, other)))
    found.append(Mistake("the transpose of the right answer (products in the wrong order)", transposed=True))
    return found


# --- repairs: one edit of the claim's text that makes it right names the mistake ---
_LATEX_LAYER = re.compile(r"\^\s*\{\s*\[\s*(\d+)\s*\]")
_NUMPY_LAYER = re.compile(r"(?<![A-Za-z_0-9])(d?[WbAZaz]|d[wbaz]|delta)(\d+)(?![0-9])")
_LATEX_UNIT = re.compile(r"_\s*\{\s*(\d)\s*,?\s*(\d)?\s*\}|_\s*(\d)")
_BASE_BEFORE = re.compile(r"(\\[A-Za-z]+\s*\{\s*[A-Za-z]\s*\}|\\delta|[A-Za-z])\s*(_\s*(\{[^{}]*\}|\w)\s*)?$")
MAX_REPAIRS = 48


def right_hand_start(text: str) -> int:
    """Where the first right-hand side begins (after the first =, := or \\to outside brackets)."""
    depth = 0
    for index, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch == "=" and text[index - 1:index] not in ("=", "!", "<", ">") and text[index + 1:index + 2] != "=":
            return index + 1
        if depth == 0 and text.startswith("\\to", index):
            return index + 3
    return len(text)


def repairs(text: str, spec, numpy_style: bool):
    """(edited text, words) for single edits of the right-hand side: a layer index, a unit index, a transpose."""
    start = right_hand_start(text)
    head, body = text[:start], text[start:]
    sizes = spec.sizes
    depth = spec.depth
    found = 0

    def edit(begin, end, new):
        return head + body[:begin] + new + body[end:]

    if numpy_style:
        names: dict = {}
        for match in _NUMPY_LAYER.finditer(body):
            names.setdefault(match.group(0), []).append(match)
        for written, matches in names.items():
            if len(matches) < 2:
                continue
            name, layer = matches[0].group(1), int(matches[0].group(2))
            for other in range(1, depth + 1):
                if other != layer:
                    new_body, last = [], 0
                    for match in matches:
                        new_body += [body[last:match.start()], f"{name}{other}"]
                        last = match.end()
                    yield head + "".join(new_body) + body[last:], f"the wrong layer index: {written} where {name}{other} belongs"
        for match in _NUMPY_LAYER.finditer(body):
            name, layer = match.group(1), int(match.group(2))
            for other in range(0, depth + 1):
                if other != layer and (other > 0 or name in ("A", "a")):
                    new = ("X" if name == "A" else "x_vector") if other == 0 and name in ("A", "a") else f"{name}{other}"
                    found += 1
                    yield edit(match.start(), match.end(), new), \
                        f"the wrong layer index: {match.group(0)} where {new if other else 'X'} belongs"
        for match in re.finditer(r"(?<![A-Za-z_0-9.])X(?![A-Za-z_0-9])", body):
            for other in range(1, depth):
                yield edit(match.start(), match.end(), f"A{other}"), f"the wrong layer index: X (A0) where A{other} belongs"
        for match in re.finditer(r"\.T(?![A-Za-z_0-9])", body):
            yield edit(match.start(), match.end(), ""), f"an extra transpose ({body[max(0, match.start() - 3):match.end()]})"
        for match in re.finditer(r"(?<![A-Za-z_0-9.])(d?[WAZX]\d*)(?![A-Za-z_0-9.\[(])", body):
            yield edit(match.end(), match.end(), ".T"), f"a missing transpose: {match.group(1)} where {match.group(1)}.T belongs"
        return
    by_symbol: dict = {}  # every occurrence of one symbol's layer at once: a^{[2]} (1 - a^{[2]}) -> layer 1
    for match in _LATEX_LAYER.finditer(body):
        base = _BASE_BEFORE.search(body[:match.start()])
        by_symbol.setdefault(((base.group(0).strip() if base else ""), int(match.group(1))), []).append(match)
    for (written, layer), matches in by_symbol.items():
        if len(matches) < 2:
            continue
        for other in range(1, depth + 1):
            if other != layer:
                new_body, last = [], 0
                for match in matches:
                    new_body += [body[last:match.start()], match.group(0).replace(match.group(1), str(other))]
                    last = match.end()
                yield head + "".join(new_body) + body[last:], \
                    f"the wrong layer index: {written}^[{layer}] where layer {other} belongs"
    for match in _LATEX_LAYER.finditer(body):
        layer = int(match.group(1))
        base = _BASE_BEFORE.search(body[:match.start()])
        written = (base.group(0).strip() if base else "") + f"^[{layer}]"
        letter = re.sub(r"\\[A-Za-z]+\s*\{\s*|\s*\}|\\", "", base.group(1)) if base else ""
        for other in range(0, depth + 1):
            if other == layer or (other == 0 and letter not in ("a", "A")):
                continue
            new = match.group(0).replace(match.group(1), str(other))
            yield edit(match.start(), match.end(), new), f"the wrong layer index: {written} where layer {other} belongs"
    for match in re.finditer(r"\^\s*\{\s*\[\s*(\d+)\s*\]\s*\}", body):
        base = _BASE_BEFORE.search(body[:match.start()])
        if base and re.sub(r"\\[A-Za-z]+\s*\{\s*|\s*\}", "", base.group(1)) in ("W", "A", "X", "a", "x"):
            written = base.group(0).strip() + f"^[{match.group(1)}]"
            yield edit(match.end() - 1, match.end() - 1, "T"), f"a missing transpose: {written} where ({written})^T belongs"
    for match in re.finditer(r"(\\mathbf\s*\{\s*x\s*\}|(?<![A-Za-z\\{])X)(?!\s*[\^_A-Za-z])", body):
        yield edit(match.end(), match.end(), "^T"), f"a missing transpose: {match.group(1)} where {match.group(1)}^T belongs"
    for match in _LATEX_UNIT.finditer(body):
        digits = [g for g in match.groups() if g]
        for position, digit in enumerate(digits):
            for other in range(1, max(sizes) + 1):
                if str(other) == digit:
                    continue
                changed = list(digits)
                changed[position] = str(other)
                new = "_{" + ",".join(changed) + "}"
                yield edit(match.start(), match.end(), new), \
                    f"the wrong unit index: _{{{','.join(digits)}}} where _{{{','.join(changed)}}} belongs"
        if len(digits) == 2 and digits[0] != digits[1]:
            swapped = "_{" + ",".join(reversed(digits)) + "}"
            yield edit(match.start(), match.end(), swapped), \
                f"the wrong unit index (row and column swapped): _{{{','.join(digits)}}} where {swapped} belongs"
        base = _BASE_BEFORE.search(body[:match.start()])
        if base and base.group(1) in ("z", "a") and len(digits) == 1:  # dz_1 where the vector dz belongs
            yield edit(match.start(), match.end(), ""), f"one unit ({base.group(1)}_{digits[0]}) where the whole vector belongs"
    for match in re.finditer(r"\^\s*\{\s*(T|\\top)\s*\}|\^\s*(T|\\top)(?![A-Za-z])", body):
        yield edit(match.start(), match.end(), ""), "an extra transpose"
    for match in re.finditer(r"(\[\s*\d+\s*\])\s*(T|\\top)\s*\}", body):
        yield edit(match.start(2), match.end(2), ""), "an extra transpose"
