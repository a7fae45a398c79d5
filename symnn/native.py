"""Compiled batched Hessians: build a generated module's C kernel with the machine's C compiler and
call it through ctypes.

Optional speed for large batches. A generated function module carries its kernel's source as
`C_SOURCE`; `accelerate(module)` compiles it once (cached by the hash of the source, the compiler and
its flags), after which the module's `hessian_batch` sends float64 batches to the kernel. Without a
compiler the module keeps its NumPy path and `accelerate` says why. The source is SymPy's printing of
a parsed expression tree through our template, never text a person typed, and the compiler runs
without a shell.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import numpy as np

from .errors import SymnnError

FLAGS = ("-O3", "-std=c99", "-fPIC", "-shared", "-fno-math-errno")  # no -ffast-math: same values as NumPy
COMPILE_SECONDS = 120
ENTRY_POINT = "symnn_hessian_batch"


class NativeUnavailable(SymnnError):
    """No compiled kernel: no compiler, a failed build, or a module without C source."""


def compiler() -> tuple[str, ...]:
    """The C compiler: $CC if set, else cc, gcc or clang on the PATH."""
    chosen = shlex.split(os.environ.get("CC", ""))
    if not chosen:
        found = next(filter(None, map(shutil.which, ("cc", "gcc", "clang"))), None)
        if found is None:
            raise NativeUnavailable("no C compiler found (set CC, or install gcc)")
        chosen = [found]
    return tuple(chosen)


@functools.lru_cache(maxsize=None)
def _compiler_identity(command: tuple[str, ...]) -> str:
    """The compiler's version banner: part of the cache key, so an upgraded compiler rebuilds."""
    try:
        result = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise NativeUnavailable(f"the C compiler {command[0]} cannot be run: {exc}") from None
    return result.stdout.splitlines()[0] if result.stdout else command[0]


def cache_dir() -> Path:
    """$SYMNN_CACHE_DIR, else $XDG_CACHE_HOME/symnn, else ~/.cache/symnn; the kernels go in kernels/."""
    root = os.environ.get("SYMNN_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "symnn"
    return Path(root) / "kernels"


def build(source: str) -> Path:
    """The shared library for `source`, compiled on first use and reused after that."""
    command = compiler()
    key = hashlib.sha256("\0".join([source, *command, *FLAGS, _compiler_identity(command), sys.platform]).encode())
    suffix = ".dll" if os.name == "nt" else ".so"
    folder = cache_dir()
    library = folder / f"hessian-{key.hexdigest()[:24]}{suffix}"
    if library.exists():
        return library
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as work:
            c_file, built = Path(work) / "kernel.c", Path(work) / f"kernel{suffix}"
            c_file.write_text(source, encoding="utf-8")
            result = subprocess.run([*command, *FLAGS, "-o", str(built), str(c_file), "-lm"],
                                    capture_output=True, text=True, timeout=COMPILE_SECONDS)
            if result.returncode != 0:
                first = (result.stderr or result.stdout).strip().splitlines()
                raise NativeUnavailable(f"the C compiler failed: {first[0] if first else 'exit code ' + str(result.returncode)}")
            os.replace(built, library)  # atomic: a concurrent build or reader never sees half a library
    except subprocess.TimeoutExpired:
        raise NativeUnavailable(f"the C compiler took more than {COMPILE_SECONDS} s") from None
    except OSError as exc:
        raise NativeUnavailable(f"cannot build the kernel in {folder}: {exc.strerror or exc}") from None
    return library


class HessianKernel:
    """A compiled `symnn_hessian_batch`: (N, n) points in, float64 Hessians out as the NumPy module
    lays them out: a (N, n, n) view of an entry-major (n, n, N) buffer."""

    def __init__(self, library: Path, n: int, zeroed: bool):
        try:
            function = getattr(ctypes.CDLL(str(library)), ENTRY_POINT)
        except (OSError, AttributeError) as exc:  # a library from another machine, or not ours
            raise NativeUnavailable(f"cannot load the compiled kernel {library}: {exc}") from None
        function.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ssize_t)
        function.restype = None
        self._function, self.n, self._new = function, n, np.zeros if zeroed else np.empty
        self.library = library

    def __call__(self, points, out=None) -> np.ndarray:
        points = np.ascontiguousarray(points, dtype=np.float64)
        count = points.shape[0] if points.ndim == 2 else -1
        if count < 0 or points.shape[1] != self.n:  # the C loop trusts every shape: check them here
            raise ValueError(f"points must have shape (N, {self.n}), not {points.shape}")
        if out is None:
            out = self._new((self.n, self.n, count))  # np.zeros for sparse Hessians: untouched pages cost nothing
        elif out.shape != (self.n, self.n, count) or out.dtype != np.float64 or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous float64 array of shape ({self.n}, {self.n}, {count})")
        elif self._new is np.zeros:
            out.fill(0.0)
        self._function(points.ctypes.data, out.ctypes.data, count)
        return out.transpose(2, 0, 1)


def hessian_kernel(source: str, n: int, zeroed: bool) -> HessianKernel:
    return HessianKernel(build(source), n, zeroed)


def accelerate(module: types.ModuleType) -> HessianKernel:
    """Compile a generated function module's C kernel and route its float64 `hessian_batch` calls to
    it. Raises NativeUnavailable (the module keeps its NumPy path) when that cannot be done."""
    source = getattr(module, "C_SOURCE", None)
    if not source:
        raise NativeUnavailable("this module has no C kernel (its Hessian uses a function C's math library lacks)")
    n = len(module.VARIABLES)
    kernel = hessian_kernel(source, n, module.NONZERO < n * n)
    module._native_hessian_batch, module.BATCH_BACKEND = kernel, "C"
    return kernel
