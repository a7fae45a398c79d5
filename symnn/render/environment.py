"""Jinja environments over the top-level templates/, strict about undefined names.

Formulas reach templates as SymPy objects and are printed by the filters below, which call SymPy's
printers; the templates themselves hold layout only.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

from .. import __version__
from .escape import FILTERS as ESCAPES
from .printers import to_latex, to_sympy_string, to_text


def templates_dir() -> Path:
    """templates/ inside an installed wheel (symnn/templates), else the repository's top-level one."""
    installed = Path(str(resources.files("symnn"))) / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates"


def make_environment(names: dict | None = None, autoescape: bool = False, positions: dict | None = None) -> jinja2.Environment:
    """An environment whose `tex`, `text` and `sympy` filters print in the given symbol names;
    `tex_chain` and `text_chain` also order products along the chain rule (see `in_chain_order`)."""
    names = names or {}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=autoescape,
    )
    env.filters.update(FILTERS)
    env.filters.update(ESCAPES)  # one escaping filter per output language: every typed string goes through one
    env.globals["version"] = __version__
    env.filters.update({
        "tex": lambda expression: to_latex(expression, names),
        "text": lambda expression: to_text(expression, names),
        "tex_chain": lambda expression: to_latex(expression, names, positions),
        "text_chain": lambda expression: to_text(expression, names, positions),
    })
    return env


def number(value, digits: int = 10) -> str:
    """A float for tables: %g with `digits` significant digits."""
    return f"{float(value):.{digits}g}"


FILTERS = {
    "sympy": to_sympy_string,
    "num": number,
}


def render(template: str, names: dict | None = None, positions: dict | None = None, **context) -> str:
    return make_environment(names, positions=positions).get_template(template).render(**context)
