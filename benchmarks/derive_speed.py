"""How fast symnn derives every per-parameter gradient, against the naive way, side by side.

symnn: chain-rule factors and closed forms built from SymPy-simplified factors and deltas derived
once per unit. Naive: SymPy `diff` of the fully expanded loss for every parameter (no
simplification at all, which would take minutes per gradient).

Second table, the listing (`symnn derive SPEC --all --json` and the text): symnn streams it, printing
each shared, per-unit and per-source piece once; the naive way prints every formula of every parameter
with SymPy's printers (what symnn did before: 9.4 ms a parameter). The naive way runs on a sample of
parameters and is extrapolated linearly (marked ~); symnn's time and peak memory are of the real
command, output to a file.

    python benchmarks/derive_speed.py [--naive-up-to 121] [--listing-only] [--sample 300]
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


LISTINGS = [
    "2-2-1",
    "20-20-10 --act relu,softmax --loss cce",
    "100-64-10 --act relu,softmax --loss cce",
    "2" + "-2" * 18,
    "784-128-10 --act relu,softmax --loss cce",
]

NAIVE_LISTING = """
import sys, time, random
from symnn.cli import make_parser
from symnn.commands.common import spec_options
from symnn.api import derive
from symnn.render.printers import to_latex, to_sympy_string
args = make_parser().parse_args(["derive", *sys.argv[1].split()])
d = derive(args.spec, **spec_options(args))
names, chain = d.notation.latex_names, d.notation.chain_positions
positions = list(d.parameters())
sample = random.Random(0).sample(positions, min(int(sys.argv[2]), len(positions)))
t0 = time.perf_counter()
for position in sample:  # every formula of every parameter printed by SymPy, as before
    g = d.gradient(*position)
    for value in [f.value for f in g.factors] + [g.delta_form, g.closed_form]:
        to_latex(value, names, chain), to_sympy_string(value)
print((time.perf_counter() - t0) / len(sample) * len(positions), len(positions), len(sample) < len(positions))
"""

STREAMED = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[2], "w") as out:
    subprocess.run([sys.executable, "-m", "symnn", "derive", *sys.argv[1].split(), "--all", *sys.argv[3:]],
                   stdout=out, check=True)
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def listing_table(sample: int) -> None:
    import tempfile

    print(f"\n{'listing (--all)':<42} {'params':>7} {'json s':>8} {'text s':>8} {'peak MB':>8} {'MB out':>7} "
          f"{'naive s':>9} {'speed-up':>9}")
    for network in LISTINGS:
        with tempfile.TemporaryDirectory() as folder:
            target = str(Path(folder) / "out")
            json_s, json_mb = (float(v) for v in _run(STREAMED, network, target, "--json"))
            size = Path(target).stat().st_size / 1e6
            text_s, text_mb = (float(v) for v in _run(STREAMED, network, target))
        naive, count, sampled = _run(NAIVE_LISTING, network, str(sample))
        naive = float(naive)
        mark = "~" if sampled == "True" else " "
        print(f"{network:<42} {int(count):>7} {json_s:8.1f} {text_s:8.1f} {max(json_mb, text_mb):8.0f} {size:7.0f} "
              f"{mark}{naive:8.1f} {naive / json_s:8.1f}x")


def _run(script: str, *arguments: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1]).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-up-to", type=int, default=121, help="run the naive way up to this many parameters")
    parser.add_argument("--listing-only", action="store_true", help="only the second table (the listing)")
    parser.add_argument("--sample", type=int, default=300, help="parameters the naive listing prints before extrapolating")
    args = parser.parse_args()
    import sympy

    if args.listing_only:
        listing_table(args.sample)
        return

    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; Python {platform.python_version()}; SymPy {sympy.__version__}")
    print("symnn time is cold (fresh process; includes SymPy finding sigmoid' = a(1 - a)), imports excluded\n")
    print(f"{'network':<12} {'params':>7} {'symnn s':>9} {'us/param':>9} {'naive diff s':>13} {'speed-up':>9}")
    for network in NETWORKS:
        ours, count = timed(SYMNN, network)
        naive = timed(NAIVE, network)[0] if count <= args.naive_up_to else None
        naive_text = f"{naive:13.2f}" if naive is not None else f"{'-':>13}"
        ratio = f"{naive / ours:8.1f}x" if naive is not None else f"{'-':>9}"
        print(f"{network:<12} {count:>7} {ours:9.3f} {1e6 * ours / count:9.0f} {naive_text} {ratio}")
    listing_table(args.sample)


if __name__ == "__main__":
    main()
