"""Symbolic results as plain data: no templates, no output formats.

Called, this package is the public `symnn.api.derive`: `symnn.derive("2-2-1")`, while
`import symnn.derive.perweight as perweight` still finds the module (see `symnn.callable_module`).
"""
from ..callable_module import make_callable

make_callable(__name__, "symnn.api:derive")
