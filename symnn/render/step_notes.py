"""What each worked derivative step says on a sheet: the rule's name in the sheet's language, what
u, v, c or the inner function are, and the outer function's own rule (d/du sin u = cos u).

The words come from the [rules] table of symnn/i18n/<lang>.toml; the maths is printed by the sheet's
printer, so it is the same in every language. Shared by the network and the function sheets.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from ..derive.step_rules import Application
from ..derive.steps import Step, WorkedDerivative

MAX_SHOWN_STEPS = 14  # a function sheet's partial derivative in more steps than this shows its result only
MAX_NOTE_RULES = 4  # distinct rules named in one step's note; the rest are summed up as "and others"


def step_note(step: Step, words: dict, tex: Callable[[sp.Basic], str]) -> str:
    """One sentence for one step: its rules, each with its parts, joined by the language's separator."""
    if not step.applications:
        return words[step.rule]
    notes: list[str] = []
    for application in step.applications:
        note = application_note(application, words, tex)
        if note not in notes:
            notes.append(note)
    if len(notes) > MAX_NOTE_RULES:
        notes = notes[:MAX_NOTE_RULES] + [words["others"]]
    return words["separator"].join(notes)


def application_note(application: Application, words: dict, tex: Callable[[sp.Basic], str]) -> str:
    parts = {name: tex(value) for name, value in application.parts}
    rule = application.rule
    if rule == "product" and "u" not in parts:
        note = words["product_many"] % {"n": len(application.parts)}
    elif rule == "max_min":
        note = words["max_min"]
    else:
        note = words[rule] % parts if "%(" in words[rule] else words[rule]
    if application.formula is not None:
        note = words["with_formula"] % {"rule": note, "formula": tex(application.formula)}
    if application.chain:
        note = words["chain"] % {"inner": parts["inner"], "rule": note}
    return note


def worked_steps(worked: WorkedDerivative, words: dict, tex: Callable, lines: Callable, skip=("definition",)) -> list[dict]:
    """The steps as the templates lay them out: the right-hand side in lines (`lines(expression,
    number)` leaves room for the step's number beside it), and the note."""
    shown = [s for s in worked.steps if s.rule not in skip]
    return [{"rule": s.rule, "rhs": tuple(lines(s.expression, f"({number})")), "note": step_note(s, words, tex)}
            for number, s in enumerate(shown, start=1)]


class Partial(sp.Expr):
    """A pending partial derivative printed as an operator, d/dx (...) with a partial sign, whatever
    its body holds (SymPy writes d/dx for a body in x alone and a partial for the rest)."""

    def _latex(self, printer):
        body, variable = self.args
        return rf"\frac{{\partial}}{{\partial {printer._print(variable)}}} {printer.parenthesize(body, PRECEDENCE['Mul'], strict=True)}"


def as_partials(expression: sp.Expr) -> sp.Expr:
    return expression.replace(lambda e: isinstance(e, sp.Derivative), lambda e: Partial(e.expr, e.variables[0]))


def partial_derivative_steps(derivation, lang: str) -> list[dict]:
    """Per variable of a function sheet: d f / d v in steps (the other variables held constant), or no
    steps and `omitted` where the work by hand would run past MAX_SHOWN_STEPS."""
    from ..derive.steps import derivative_steps
    from .printers import CourseLatexPrinter
    from .sheetmath import fitted_lines, sheet_latex
    from .sheets import prose

    words = prose(lang)["rules"]
    tex = lambda e: sheet_latex(e, {})  # noqa: E731: the notes' rules, d/du sin(u) = cos(u)
    out = []
    for variable, derivative in zip(derivation.variables, derivation.gradient):
        worked = derivative_steps(derivation.expression, variable, derivative)
        omitted = worked.too_long or len(worked.steps) > MAX_SHOWN_STEPS
        lhs = rf"\frac{{\partial f}}{{\partial {tex(variable)}}}"
        lines = lambda e, note: fitted_lines(as_partials(e), lhs=lhs, note=note, printer=CourseLatexPrinter)  # noqa: E731
        out.append({
            "variable": variable,
            "lhs": lhs,
            "steps": [] if omitted else worked_steps(worked, words, tex, lines),
            "omitted": omitted,
        })
    return out
