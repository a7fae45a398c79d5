"""How fast symnn derives every per-parameter gradient, against the naive way, side by side.

symnn: chain-rule factors and closed forms built from SymPy-simplified factors and deltas derived
once per unit. Naive: SymPy `diff` of the fully expanded loss for every parameter (no
simplification at all, which would take minutes per gradient).

    python benchmarks/derive_speed.py [--naive-up-to 121]
"""
from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NETWORKS = ["2-2-1", "4-8-8-1", "6-12-12-1", "8-16-16-1", "4-8-8-8-1", "10-20-20-1", "12-24-24-1", "16-24-24-1"]

SYMNN = """
import time, sys
import sympy
from symnn.spec import parse_spec
from symnn.derive.perweight import derive_network
t0 = time.perf_counter()
spec = parse_spec(sys.argv[1])
derivation = derive_network(spec)
gradients = derivation.gradients()
assert len(gradients) == spec.parameter_count
print(time.perf_counter() - t0, len(gradients))
"""

NAIVE = """
import time, sys
import sympy as sp
from symnn.spec import parse_spec
from symnn.derive.perweight import derive_network
spec = parse_spec(sys.argv[1])
d = derive_network(spec)
# the fully expanded loss: every z and a substituted by its expression in x and the parameters
values = {}
for layer in range(1, spec.depth + 1):
    for j in d.units(layer):
        values[d.notation.z(layer, j)] = d.preactivation(layer, j).xreplace(values)
    for j in d.units(layer):
        values[d.notation.a(layer, j)] = d.output_of(layer, j).xreplace(values)
loss = d.loss.xreplace(values)
parameters = [g for g in d.parameters()]
t0 = time.perf_counter()
n = d.notation
for layer, j, k in parameters:
    sp.diff(loss, n.b(layer, j) if k is None else n.w(layer, j, k))
print(time.perf_counter() - t0, len(parameters))
"""


def timed(script: str, network: str) -> tuple[float, int]:
    """Run in a fresh interpreter, so every cache starts cold."""
    out = subprocess.run([sys.executable, "-c", script, network], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-up-to", type=int, default=121, help="run the naive way up to this many parameters")
    args = parser.parse_args()
    import sympy

    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; Python {platform.python_version()}; SymPy {sympy.__version__}")
    print("symnn time is cold (fresh process; includes SymPy finding sigmoid' = a(1 - a)), imports excluded\n")
    print(f"{'network':<12} {'params':>7} {'symnn s':>9} {'us/param':>9} {'naive diff s':>13} {'speed-up':>9}")
    for network in NETWORKS:
        ours, count = timed(SYMNN, network)
        naive = timed(NAIVE, network)[0] if count <= args.naive_up_to else None
        naive_text = f"{naive:13.2f}" if naive is not None else f"{'-':>13}"
        ratio = f"{naive / ours:8.1f}x" if naive is not None else f"{'-':>9}"
        print(f"{network:<12} {count:>7} {ours:9.3f} {1e6 * ours / count:9.0f} {naive_text} {ratio}")


if __name__ == "__main__":
    main()
