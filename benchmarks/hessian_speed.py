"""Per-evaluation time of symnn's generated Hessian against JAX and PyTorch, side by side in one run.

    python benchmarks/hessian_speed.py [--quick]

Functions: the seed's f(x, y) = x^4 + 0.8 y^4 + 4 x^2 + 2 y^2 - x y - 0.2 x^2 y, and Rosenbrock in
n = 2, 10 and 50 dimensions. Per call (one point, float64): symnn's generated `hessian`, a plain
`sympy.lambdify` of the symbolic Hessian, `jax.jit(jax.hessian(f))` and `torch.func.hessian(f)`
(eager). Batched over 100,000 points (10,000 for n = 50, whose Hessians alone take 200 MB):
symnn's `hessian_batch`, on its NumPy path and on its compiled C kernel (`symnn.native`), against
`jax.jit(jax.vmap(jax.hessian(f)))`. Then the iteration counts of
Newton's method and gradient descent on the seed's function from (4, 4).
Each time is the best of many timing loops, the contenders taking turns loop by loop (the machine is
shared); JAX and PyTorch inputs are already on their device, and every result is checked against
symnn's before it is timed.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import timeit
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import symnn.api  # noqa: E402
from symnn import native  # noqa: E402
from symnn.derive.functions import derive_function  # noqa: E402
from symnn.funcspec import parse_function, rosenbrock  # noqa: E402
from symnn.newton import gradient_descent, newton_minimise  # noqa: E402
from symnn.render.function_code import load_function_module  # noqa: E402

SEED_FUNCTION = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"


def loop_size(call, seconds: float) -> int:
    """Calls per timing loop so that one loop takes about `seconds`."""
    call()
    number = 1
    while timeit.timeit(call, number=number) < seconds:
        number *= 2
    return number


def best_times(calls: dict, seconds: float = 0.05, rounds: int = 15) -> dict:
    """Seconds per call for each contender: the best of `rounds` loops, the contenders taking turns
    round by round, so a busy spell on a shared machine hits them all alike."""
    sizes = {name: loop_size(call, seconds) for name, call in calls.items()}
    best = {name: float("inf") for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            best[name] = min(best[name], timeit.timeit(call, number=sizes[name]) / sizes[name])
    return best


def jax_functions():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def seed(v):
        x, y = v[0], v[1]
        return x**4 + 0.8 * y**4 + 4 * x**2 + 2 * y**2 - x * y - 0.2 * x**2 * y

    def rosen(v):
        return jnp.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)

    return jax, jnp, seed, rosen


def torch_functions():
    try:
        import torch
        import torch.func
    except ImportError:
        return None
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    def seed(v):
        x, y = v[0], v[1]
        return x**4 + 0.8 * y**4 + 4 * x**2 + 2 * y**2 - x * y - 0.2 * x**2 * y

    def rosen(v):
        return torch.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)

    return torch, seed, rosen


def blas_note() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    parts = [f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info()
             if i.get("user_api") == "blas"]
    return ", ".join(parts) or "no BLAS found by threadpoolctl"


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e6:10.2f} us" if seconds < 1e-2 else f"{seconds * 1e3:10.2f} ms"


def ratio(theirs, ours) -> str:
    return "-" if theirs is None or ours is None else f"{theirs / ours:6.1f}x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timing loops")
    args = parser.parse_args()
    budget, rounds = (0.02, 7) if args.quick else (0.05, 21)

    jx, th = jax_functions(), torch_functions()
    print(f"python {platform.python_version()}, numpy {np.__version__}, sympy {sp.__version__}, "
          f"jax {jx[0].__version__ if jx else 'not installed'}, torch {th[0].__version__ if th else 'not installed'}")
    print(f"BLAS: {blas_note()}; CPU cores: {os.cpu_count()}")
    cases = [("seed f(x, y)", derive_function(parse_function(SEED_FUNCTION)), "seed")]
    cases += [(f"Rosenbrock n={n}", derive_function(rosenbrock(n)), "rosen") for n in (2, 10, 50)]

    print("\nPer call, one point (float64):")
    header = f"{'function':18} {'symnn':>13} {'lambdify':>13} {'jax.jit':>13} {'torch.func':>13} {'vs jax':>8} {'vs torch':>9}"
    print(header)
    print("-" * len(header))
    batch_rows = []
    rng = np.random.default_rng(0)
    for label, derivation, kind in cases:
        n = derivation.spec.n
        module = load_function_module(derivation)
        point = rng.uniform(-2, 2, size=n)
        expected = module.hessian(point)
        naive = sp.lambdify([list(derivation.variables)], derivation.hessian, "numpy")
        assert np.allclose(naive(point), expected)
        calls = {"symnn": lambda: module.hessian(point), "lambdify": lambda: naive(point)}
        if jx:
            jax, jnp, seed, rosen = jx
            hess = jax.jit(jax.hessian(seed if kind == "seed" else rosen))
            device_point = jnp.asarray(point)
            assert np.allclose(np.asarray(hess(device_point)), expected)
            calls["jax"] = lambda: hess(device_point).block_until_ready()
        if th:
            torch, seed_t, rosen_t = th
            torch_point = torch.tensor(point)
            hess_t = torch.func.hessian(seed_t if kind == "seed" else rosen_t)
            assert np.allclose(hess_t(torch_point).numpy(), expected)
            calls["torch"] = lambda: hess_t(torch_point)
        times = best_times(calls, budget, rounds)
        ours, plain, jax_time, torch_time = (times.get(k) for k in ("symnn", "lambdify", "jax", "torch"))
        print(f"{label:18} {fmt(ours)} {fmt(plain)} {fmt(jax_time)} {fmt(torch_time)} {ratio(jax_time, ours):>8} {ratio(torch_time, ours):>9}")

        count = 10_000 if n > 10 else 100_000
        points = rng.uniform(-2, 2, size=(count, n))
        batch_calls = {"symnn": lambda: module.hessian_batch(points)}
        compiled = load_function_module(derivation)
        try:
            native.accelerate(compiled)
            assert np.allclose(compiled.hessian_batch(points), module.hessian_batch(points), rtol=1e-12, atol=1e-12)
            batch_calls["compiled"] = lambda: compiled.hessian_batch(points)
        except native.NativeUnavailable as exc:
            print(f"  (no compiled kernel: {exc})")
        if jx:
            batched = jax.jit(jax.vmap(jax.hessian(seed if kind == "seed" else rosen)))
            device_points = jnp.asarray(points)
            check = slice(0, 50)
            assert np.allclose(np.asarray(batched(device_points))[check], module.hessian_batch(points)[check])
            batch_calls["jax"] = lambda: batched(device_points).block_until_ready()
        batch_times = best_times(batch_calls, budget, max(5, rounds // 2))
        batch_rows.append((label, count, batch_times["symnn"], batch_times.get("compiled"), batch_times.get("jax")))

    print("\nBatched (float64), the whole batch:")
    header = (f"{'function':18} {'points':>8} {'symnn numpy':>13} {'symnn C':>13} {'jax.jit(vmap)':>14} "
              f"{'numpy vs jax':>13} {'C vs jax':>9}")
    print(header)
    print("-" * len(header))
    for label, count, ours_batch, compiled_batch, jax_batch in batch_rows:
        print(f"{label:18} {count:8d} {fmt(ours_batch)} {fmt(compiled_batch)} {fmt(jax_batch):>14} "
              f"{ratio(jax_batch, ours_batch):>13} {ratio(jax_batch, compiled_batch):>9}")

    print("\nNewton's method against gradient descent on the seed's f from (4, 4), stopping at |grad| <= 1e-8:")
    seed = cases[0][1]
    module = load_function_module(seed)
    newton = newton_minimise(seed, [4.0, 4.0], module=module)
    print(f"  Newton's method:  {newton.iterations:6d} iterations, {newton.status}, x = {newton.x}")
    for rate in (0.001, 0.01, 0.02):
        run = gradient_descent(seed, [4.0, 4.0], rate, module=module)
        print(f"  gradient descent: {run.iterations:6d} iterations, {run.status}, learning rate {rate}")

    print("\nTraining the seeds' 2-2-1 sigmoid network (seeded toy data, m = 200), stopping at |grad J| <= 1e-6:")
    result = symnn.api.network_hessian("2-2-1", train=True)
    for run in result["runs"]:
        rate = f", learning rate {run.learning_rate}" if run.learning_rate is not None else ""
        print(f"  {run.method + rate:34} {run.iterations:6d} iterations, {run.status}, J = {run.rows[-1].value:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
