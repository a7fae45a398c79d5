"""Runs a person's backward_propagation on prepared inputs. Executed as a script in a separate,
isolated Python process (see code.py): it imports nothing from symnn, only NumPy, so the person's code
sees a plain interpreter. This is the one place symnn runs someone else's code.

usage: python -I runner.py STUDENT.py INPUTS.npz OUTPUT.npz
"""
import importlib.util
import sys
import traceback

import numpy as np


def main(student_path, inputs_path, output_path):
    data = np.load(inputs_path)
    trials, depth = int(data["trials"]), int(data["depth"])
    spec = importlib.util.spec_from_file_location("student", student_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function = getattr(module, "backward_propagation", None)
    if function is None:
        print("symnn-runner: the file defines no backward_propagation(parameters, cache, X, Y)", file=sys.stderr)
        return 3
    results = {}
    for t in range(trials):
        parameters = {f"{k}{l}": data[f"{t}_{k}{l}"].copy() for l in range(1, depth + 1) for k in ("W", "b")}
        cache = {f"{k}{l}": data[f"{t}_{k}{l}"].copy() for l in range(1, depth + 1) for k in ("Z", "A")}
        X, Y = data[f"{t}_X"].copy(), data[f"{t}_Y"].copy()
        grads = function(parameters, cache, X, Y)
        if not isinstance(grads, dict):
            print(f"symnn-runner: backward_propagation returned {type(grads).__name__}, not a dict of gradients", file=sys.stderr)
            return 3
        for name, value in grads.items():
            if isinstance(name, str) and name.isidentifier() and len(name) < 20:
                try:
                    results[f"{t}_{name}"] = np.asarray(value, dtype=float)
                except (TypeError, ValueError):
                    results[f"{t}_{name}"] = np.array(np.nan)
    np.savez(output_path, **results)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(*sys.argv[1:4]))
    except SystemExit:
        raise
    except BaseException as exc:  # the person's code failed: report its last line, not ours
        last = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"symnn-runner: {type(exc).__name__}: {exc} (line {last.lineno} of {last.filename.rsplit('/', 1)[-1]})", file=sys.stderr)
        sys.exit(4)
