"""Packages that are also functions: `symnn.check(...)` and `symnn.derive(...)`.

A plain function named like a subpackage hides the package from `import symnn.derive.perweight as
perweight`; a callable module keeps both working.
"""
from __future__ import annotations

import importlib
import sys
import types


class CallableModule(types.ModuleType):
    """A module whose call runs `__call_target__` ("package.module:function"), imported on first call."""

    def __call__(self, *args, **kwargs):
        module, _, name = self.__call_target__.partition(":")
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def make_callable(module_name: str, target: str) -> None:
    module = sys.modules[module_name]
    module.__call_target__ = target
    module.__class__ = CallableModule
