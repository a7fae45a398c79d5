"""Convergence curves of Newton's method and gradient descent, |grad f(x_k)| against k (matplotlib,
an optional extra: `pip install "symnn[plot]"`)."""
from __future__ import annotations

import io
from pathlib import Path

from ..errors import SymnnError
from .files import MARKER, write_atomic

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def plot_convergence(runs, path: str | Path, force: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise SymnnError(f"the plot file must end in {', '.join(FORMATS)}; got {path.name!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SymnnError('plotting needs matplotlib, which is not installed: pip install "symnn[plot]"') from None
    kind = FORMATS[path.suffix.lower()]
    with matplotlib.rc_context({"svg.hashsalt": "symnn", "path.simplify": False}):
        figure, axes = plt.subplots(figsize=(6.4, 4.0))
        for run in runs:
            label = run.method + (f" (learning rate {run.learning_rate:g})" if run.learning_rate is not None else "")
            ks = [row.k for row in run.rows]
            norms = [max(row.gradient_norm, 1e-300) for row in run.rows]
            axes.semilogy(ks, norms, marker="o" if len(ks) <= 40 else None, markersize=3, label=f"{label}: {run.status}")
        axes.set_xlabel("iteration k")
        axes.set_ylabel("|grad f(x_k)|" if not runs or "root" not in runs[0].method else "|f(x_k)|")
        axes.set_title("Convergence")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        figure.tight_layout()
        buffer = io.BytesIO()
        # Fixed metadata (no date) so the same runs give the same file; the marker lets symnn overwrite it.
        metadata = {"png": {"Software": MARKER}, "svg": {"Date": None, "Creator": MARKER},
                    "pdf": {"CreationDate": None, "ModDate": None, "Creator": MARKER}}[kind]
        figure.savefig(buffer, format=kind, metadata=metadata)
        plt.close(figure)
    return write_atomic(path, buffer.getvalue(), force=force)
