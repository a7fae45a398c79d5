"""One training step (forward, backward, update) of symnn's generated NumPy code, side by side with:

- careful: the best hand-written NumPy I know for the same network (preallocated buffers, in-place
  ufuncs with out=, learning_rate/m folded into dZ[L] once, biases broadcast in place);
- course: the generated module's readable course functions (forward, backward, update), for scale;
- matmul: the matrix products of the step alone, into preallocated buffers (the floor);
- torch: PyTorch eager on the CPU (autograd, a logits-based loss, in-place SGD update);
- jax: jax.jit of value_and_grad plus the update, on the CPU.

    python benchmarks/train_step.py [--quick] [--repeats N] [--only l2]

The two `--l2 0.7` cases time the step with the L2 penalty (a decay of every W, folded in as the
careful version folds it); PyTorch and JAX sit those out.

Prints one table (best time per step over interleaved repeats) with the ratios the issue sets as the
bar: generated/careful <= 1.05 everywhere, generated/matmul <= 1.2 at the largest size. Also prints the
BLAS NumPy uses (threadpoolctl), which decides the large sizes.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symnn.render.codegen import module_source  # noqa: E402
from symnn.spec import parse_spec  # noqa: E402
from symnn.verify_code import load_generated  # noqa: E402

LEARNING_RATE = 0.1
CASES = [  # (sizes, activations, loss, layout, m, --l2 lambda or None)
    ("2-4-1", "tanh,sigmoid", "bce", "column", 400, None),
    ("784-128-10", "relu,softmax", "cce", "row", 256, None),
    ("784-128-10", "relu,softmax", "cce", "row", 4096, None),
    ("1024-1024-1024-10", "relu,softmax", "cce", "column", 1024, None),
    ("2-4-1", "tanh,sigmoid", "bce", "column", 400, 0.7),
    ("784-128-10", "relu,softmax", "cce", "row", 256, 0.7),
]


# --- the careful hand-written NumPy versions -------------------------------------------------------

def careful_tanh_sigmoid(p, m, lambd=None):
    """2-layer tanh/sigmoid, log loss, column layout; with lambd the L2 penalty's gradient lambd/m W as
    a decay W *= 1 - lr lambd/m before W -= dW (dW scaled by lr/m already)."""
    W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
    dt = W1.dtype
    n1, n2 = W1.shape[0], W2.shape[0]
    Z1, Z2, dZ1, dZ2, T = (np.empty((n, m), dt) for n in (n1, n2, n1, n2, n1))
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    db1, db2 = np.empty_like(b1), np.empty_like(b2)
    add, sub, mul, mm, neg, exp, rec, tanh, sq = (np.add, np.subtract, np.multiply, np.matmul, np.negative,
                                                  np.exp, np.reciprocal, np.tanh, np.square)
    reduce = np.add.reduce

    def step(X, Y, lr):
        mm(W1, X, out=Z1)
        add(Z1, b1, out=Z1)
        tanh(Z1, out=Z1)                      # A1 overwrites Z1: not needed again
        mm(W2, Z1, out=Z2)
        add(Z2, b2, out=Z2)
        neg(Z2, out=Z2)                       # A2 = 1 / (1 + exp(-Z2)), in Z2
        exp(Z2, out=Z2)
        add(Z2, 1, out=Z2)
        rec(Z2, out=Z2)
        sub(Z2, Y, out=dZ2)
        mul(dZ2, lr / m, out=dZ2)
        mm(dZ2, Z1.T, out=dW2)
        reduce(dZ2, axis=1, keepdims=True, out=db2)
        mm(W2.T, dZ2, out=T)                  # dA1
        if lambd is not None:
            decay = 1 - lr * lambd / m
            mul(W2, decay, out=W2)
        sub(W2, dW2, out=W2)
        sub(b2, db2, out=b2)
        sq(Z1, out=dZ1)                       # dZ1 = dA1 * (1 - A1^2)
        sub(1, dZ1, out=dZ1)
        mul(dZ1, T, out=dZ1)
        mm(dZ1, X.T, out=dW1)
        reduce(dZ1, axis=1, keepdims=True, out=db1)
        if lambd is not None:
            mul(W1, decay, out=W1)
        sub(W1, dW1, out=W1)
        sub(b1, db1, out=b1)
    return step


def careful_relu_softmax(p, m, layout, lambd=None):
    """relu hidden layers, softmax + cross-entropy output, any depth, either layout (lambd: as above)."""
    depth = len(p) // 2
    Ws = [p[f"W{l}"] for l in range(1, depth + 1)]
    bs = [p[f"b{l}"] for l in range(1, depth + 1)]
    dt = Ws[0].dtype
    column = layout == "column"
    units = [W.shape[0] if column else W.shape[1] for W in Ws]
    shape = (lambda n: (n, m)) if column else (lambda n: (m, n))
    As = [np.empty(shape(n), dt) for n in units]        # Z and A share a buffer per layer
    dZs = [np.empty(shape(n), dt) for n in units]
    dWs = [np.empty_like(W) for W in Ws]
    dbs = [np.empty_like(b) for b in bs]
    reduced = np.empty((1, m) if column else (m, 1), dt)
    units_axis, examples_axis = (0, 1) if column else (1, 0)
    mm, add, sub, mul, exp, maximum, greater = np.matmul, np.add, np.subtract, np.multiply, np.exp, np.maximum, np.greater
    reduce_max, reduce_sum = np.maximum.reduce, np.add.reduce
    masks = [np.empty(shape(n), bool) for n in units[:-1]]

    def step(X, Y, lr):
        previous = X
        for l in range(depth):
            A = As[l]
            if column:
                mm(Ws[l], previous, out=A)
            else:
                mm(previous, Ws[l], out=A)
            add(A, bs[l], out=A)
            if l < depth - 1:
                maximum(A, 0, out=A)
            previous = A
        A = As[-1]                                     # softmax in place, shifted by the max
        reduce_max(A, axis=units_axis, keepdims=True, out=reduced)
        sub(A, reduced, out=A)
        exp(A, out=A)
        reduce_sum(A, axis=units_axis, keepdims=True, out=reduced)
        A /= reduced
        dZ = dZs[-1]
        sub(A, Y, out=dZ)
        mul(dZ, lr / m, out=dZ)
        decay = None if lambd is None else 1 - lr * lambd / m
        for l in range(depth - 1, -1, -1):
            below = X if l == 0 else As[l - 1]
            if column:
                mm(dZ, below.T, out=dWs[l])
            else:
                mm(below.T, dZ, out=dWs[l])
            reduce_sum(dZ, axis=examples_axis, keepdims=True, out=dbs[l])
            if l > 0:
                dA = dZs[l - 1]
                if column:
                    mm(Ws[l].T, dZ, out=dA)
                else:
                    mm(dZ, Ws[l].T, out=dA)
                greater(As[l - 1], 0, out=masks[l - 1])    # relu'(z) from its output: a > 0
                mul(dA, masks[l - 1], out=dA)
            if decay is not None:
                mul(Ws[l], decay, out=Ws[l])
            sub(Ws[l], dWs[l], out=Ws[l])
            sub(bs[l], dbs[l], out=bs[l])
            if l > 0:
                dZ = dZs[l - 1]
    return step


def matrix_products_only(p, m, layout):
    """The step's matrix products alone: L forward, L dW, L - 1 dA, into preallocated buffers."""
    depth = len(p) // 2
    Ws = [p[f"W{l}"] for l in range(1, depth + 1)]
    dt = Ws[0].dtype
    column = layout == "column"
    units = [W.shape[0] if column else W.shape[1] for W in Ws]
    shape = (lambda n: (n, m)) if column else (lambda n: (m, n))
    As = [np.empty(shape(n), dt) for n in units]
    dZs = [np.ones(shape(n), dt) for n in units]
    dWs = [np.empty_like(W) for W in Ws]
    mm = np.matmul

    def step(X, Y, lr):
        previous = X
        for l in range(depth):
            (mm(Ws[l], previous, out=As[l]) if column else mm(previous, Ws[l], out=As[l]))
            previous = As[l]
        for l in range(depth - 1, -1, -1):
            below = X if l == 0 else As[l - 1]
            (mm(dZs[l], below.T, out=dWs[l]) if column else mm(below.T, dZs[l], out=dWs[l]))
            if l > 0:
                (mm(Ws[l].T, dZs[l], out=dZs[l - 1]) if column else mm(dZs[l], Ws[l].T, out=dZs[l - 1]))
    return step


# --- PyTorch and JAX ------------------------------------------------------------------------------

def torch_step(p, m, layout, hidden, output):
    import torch

    column = layout == "column"
    params = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    depth = len(p) // 2
    act = {"tanh": torch.tanh, "relu": torch.relu}[hidden]

    def step(X, Y, lr):
        A = X
        for l in range(1, depth + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            Z = W @ A + b if column else A @ W + b
            A = act(Z) if l < depth else Z
        if output == "sigmoid":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(A, Y)
        else:
            logits = A.T if column else A
            targets = Y.T if column else Y
            loss = torch.nn.functional.cross_entropy(logits, targets)
        loss.backward()
        with torch.no_grad():
            for value in params.values():
                value -= lr * value.grad
                value.grad = None

    def convert(X, Y):
        return torch.from_numpy(X), torch.from_numpy(Y)
    return step, convert


def jax_step(p, m, layout, hidden, output):
    import jax
    import jax.numpy as jnp

    column = layout == "column"
    depth = len(p) // 2
    act = {"tanh": jnp.tanh, "relu": jax.nn.relu}[hidden]

    def cost(params, X, Y):
        A = X
        for l in range(1, depth + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            Z = W @ A + b if column else A @ W + b
            A = act(Z) if l < depth else Z
        if output == "sigmoid":
            return jnp.mean(jnp.logaddexp(0, A) - Y * A)
        axis = 0 if column else 1
        return -jnp.sum(Y * jax.nn.log_softmax(A, axis=axis)) / m

    @jax.jit
    def update(params, X, Y, lr):
        grads = jax.grad(cost)(params, X, Y)
        return {k: params[k] - lr * grads[k] for k in params}

    state = {"params": {k: jnp.asarray(v) for k, v in p.items()}}

    def step(X, Y, lr):
        state["params"] = update(state["params"], X, Y, lr)
        jax.block_until_ready(state["params"])

    def convert(X, Y):
        return jnp.asarray(X), jnp.asarray(Y)
    return step, convert


# --- measuring ------------------------------------------------------------------------------------

def data(spec, m, dtype, rng):
    X = rng.normal(size=(m, spec.n_inputs)).astype(dtype)
    if spec.loss.name == "cce":
        Y = np.eye(spec.n_outputs, dtype=dtype)[rng.integers(0, spec.n_outputs, m)]
    else:
        Y = rng.integers(0, 2, (m, spec.n_outputs)).astype(dtype)
    return (X.T.copy(), Y.T.copy()) if spec.layout == "column" else (X, Y)


def measure(contenders: dict, repeats: int, budget: float) -> dict:
    """Seconds per step: the best of many short interleaved batches (timeit's rule: other load on a
    shared machine only ever adds time). Each round runs every contender once for about 5 ms (one
    call for slow steps), in a shuffled order, so slow phases of the machine hit them alike; rounds
    continue until each contender has had `budget` seconds, and at least `repeats` rounds."""
    calls, once = {}, {}
    for name, (step, args) in contenders.items():
        step(*args)  # warm up (and compile, for jax)
        start = time.perf_counter()
        step(*args)
        once[name] = max(time.perf_counter() - start, 1e-7)
        calls[name] = max(1, int(0.005 / once[name]))
    rounds = max(repeats, int(budget / max(once[n] * calls[n] for n in contenders)))
    best = {name: float("inf") for name in contenders}
    names = list(contenders)
    order = random.Random(0)
    for _ in range(rounds):
        # a fresh order each round: whoever runs right after another NumPy contender finds X and Y
        # warm in the cache, and whoever runs right after JAX or PyTorch may meet their threads
        # still winding down; those effects must not always fall on the same contender
        order.shuffle(names)
        for name in names:
            step, args = contenders[name]
            n = calls[name]
            start = time.perf_counter()
            for _ in range(n):
                step(*args)
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small budget, for a smoke test")
    parser.add_argument("--repeats", type=int, default=9, help="at least this many rounds")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per contender per case")
    parser.add_argument("--only", choices=["l2", "plain"], help="only the --l2 cases, or only the others")
    parser.add_argument("--threads", type=int, help="limit BLAS, PyTorch and JAX to this many threads "
                        "(1 gives steadier numbers on a busy machine)")
    args = parser.parse_args()
    if args.threads:
        os.environ["XLA_FLAGS"] = f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'} " \
                                  f"intra_op_parallelism_threads={args.threads}"
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    if args.quick:
        args.repeats, args.budget = 2, 0.1
    have_torch, have_jax = available("torch"), available("jax")
    if have_jax:
        import jax

        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")

    from threadpoolctl import threadpool_info

    blas = ", ".join(f"{i['internal_api']} {i['version']} ({i['num_threads']} threads, {i.get('architecture', '?')})"
                     for i in threadpool_info() if i["user_api"] == "blas")
    print(f"NumPy {np.__version__}, BLAS: {blas}")
    if have_torch:
        import torch

        if args.threads:
            torch.set_num_threads(args.threads)
        print(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)" + (f", JAX {jax.__version__}" if have_jax else ""))
    header = f"{'network':<20}{'m':>6} {'dtype':<8}" + "".join(f"{c:>11}" for c in
                                                              ("generated", "careful", "course", "matmul", "torch", "jax"))
    header += f"{'gen/careful':>13}{'gen/matmul':>12}"
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    worst_careful, largest_matmul = 0.0, None
    for sizes, acts, loss, layout, m, l2 in CASES:
        if args.only and (args.only == "l2") != (l2 is not None):
            continue
        spec = parse_spec(sizes, act=acts, loss=loss, layout=layout, l2=l2)
        module = load_generated(module_source(spec))
        hidden, output = acts.split(",")
        for dtype in (np.float32, np.float64):
            X, Y = data(spec, m, dtype, rng)
            start = module.initialize_parameters(spec.sizes, "he", seed=1, dtype=dtype)
            fresh = lambda: {k: v.copy() for k, v in start.items()}  # noqa: E731
            careful = (careful_tanh_sigmoid(fresh(), m, l2) if output == "sigmoid"
                       else careful_relu_softmax(fresh(), m, layout, l2))
            course_params = [fresh()]

            def course(X, Y, lr, params=course_params):
                AL, cache = module.forward_propagation(X, params[0])
                if l2 is None:
                    grads = module.backward_propagation(params[0], cache, X, Y)
                else:
                    grads = module.backward_propagation_with_regularization(X, Y, module.course_cache(params[0], cache), l2)
                params[0] = module.update_parameters(params[0], grads, lr)

            contenders = {
                "generated": (module.make_train_step(fresh(), m), (X, Y, LEARNING_RATE)),
                "careful": (careful, (X, Y, LEARNING_RATE)),
                "course": (course, (X, Y, LEARNING_RATE)),
                "matmul": (matrix_products_only(fresh(), m, layout), (X, Y, LEARNING_RATE)),
            }
            if have_torch and l2 is None:
                step, convert = torch_step(fresh(), m, layout, hidden, output)
                contenders["torch"] = (step, (*convert(X, Y), LEARNING_RATE))
            if have_jax and l2 is None:
                step, convert = jax_step(fresh(), m, layout, hidden, output)
                contenders["jax"] = (step, (*convert(X, Y), LEARNING_RATE))
            times = measure(contenders, args.repeats, args.budget)
            ratio_careful = times["generated"] / times["careful"]
            ratio_matmul = times["generated"] / times["matmul"]
            worst_careful = max(worst_careful, ratio_careful)
            if sizes == "1024-1024-1024-10":
                largest_matmul = max(largest_matmul or 0, ratio_matmul)
            cells = "".join(f"{_format(times.get(c)):>11}" for c in ("generated", "careful", "course", "matmul", "torch", "jax"))
            label = sizes + (f" --l2 {l2}" if l2 is not None else "")
            print(f"{label:<20}{m:>6} {np.dtype(dtype).name:<8}{cells}{ratio_careful:>13.2f}{ratio_matmul:>12.2f}", flush=True)
    print(f"\nbar: generated/careful <= 1.05 everywhere (worst {worst_careful:.2f}); "
          + (f"generated/matmul <= 1.2 at 1024-1024-1024-10 (worst {largest_matmul:.2f})" if largest_matmul else ""))
    return 0


def _format(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
