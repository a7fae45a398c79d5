"""symnn's generated modules (verified against central differences in test_codegen_*) are graded
correct and "backprop" in the sandbox for every activation, loss, layout, bias and reduction: the
ill-scaled trial and the call counts never flag an exact backward pass."""
import pytest

import symnn
from symnn.check.code import check_code
from symnn.check.compare import Checker

from sandbox_support import needs_sandbox, write

CASES = [
    ("2-2-1", dict(act="sigmoid", loss="bce")),
    ("3-4-2", dict(act="leaky_relu(0.01),linear", loss="half_se")),
    ("2-3-2", dict(act="tanh,softmax", loss="cce")),
    ("2-3-1", dict(act="relu,sigmoid", loss="bce", reduction="sum")),
    ("3-2-1", dict(act="linear,linear", loss="half_se", layout="row")),
    ("2-3-1", dict(act="sigmoid", loss="bce", bias=False)),
    pytest.param("784-128-10", dict(act="relu,softmax", loss="cce", layout="row"), marks=pytest.mark.slow),
]


@needs_sandbox
@pytest.mark.parametrize("sizes, options", CASES)
def test_generated_backprop_passes_in_the_sandbox(tmp_path, sizes, options):
    path = write(tmp_path, symnn.codegen(sizes, **options), "module.py")
    report = check_code(Checker(symnn.network(sizes, **options)), path)
    assert report.verdict == "correct" and report.method == "backprop", report.message
    assert all(t["forward"] == 0 for t in report.trials)
