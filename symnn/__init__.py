"""symnn: exact backpropagation maths and working NumPy code for small neural networks."""
__version__ = "0.1.0"

from .api import build, codegen, derive_matrix, function, function_module, hessian, network, newton, sheet  # noqa: E402  (the public API)
from .errors import ParseError, SpecError, SymnnError  # noqa: E402
from . import check, derive  # noqa: E402  (callable modules: symnn.check(spec, claims, ...), symnn.derive(spec))
from . import display as _display  # noqa: E402

_display.install()  # every API object's repr and notebook display (symnn/display.py)

__all__ = ["build", "check", "codegen", "derive", "derive_matrix", "function", "function_module", "hessian", "network", "newton", "sheet",
           "ParseError", "SpecError", "SymnnError", "__version__"]
