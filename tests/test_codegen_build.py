"""symnn build writes the generated module and reports its numeric gradient check."""
from __future__ import annotations

import numpy as np

import symnn
from symnn.render.codegen import module_source
from symnn.spec import parse_spec
from symnn.verify_code import check_module_gradients, load_generated


def test_build_writes_the_module_and_reports_its_gradient_check(tmp_path):
    result = symnn.build("2-4-1", out=tmp_path, act="tanh,sigmoid")
    module_file = tmp_path / "2-4-1_tanh-sigmoid_bce.py"
    assert module_file in result["files"] and module_file.is_file()
    assert result["passed"] and result["code_check"].passed and result["proof"].proved
    report = (tmp_path / "2-4-1_tanh-sigmoid_bce.report.txt").read_text()
    assert "Generated NumPy module 2-4-1_tanh-sigmoid_bce.py" in report
    assert "13 of 17 parameter entries" not in report and "17 of 17 parameter entries" in report
    module = load_generated(module_file.read_text())
    assert module.LAYER_DIMS == (2, 4, 1)


def test_the_module_check_fails_for_a_wrong_backward_pass():
    spec = parse_spec("3-4-2", act="relu,softmax", loss="cce", layout="row")
    module = load_generated(module_source(spec))
    assert check_module_gradients(module, spec).passed
    correct = module.backward_propagation

    def off_by_one_percent(parameters, cache, X, Y):
        grads = correct(parameters, cache, X, Y)
        return {k: v * (1.01 if k == "dW1" else 1.0) for k, v in grads.items()}

    module.backward_propagation = off_by_one_percent
    check = check_module_gradients(module, spec)
    assert not check.passed and check.relative_error > 1e-4


def test_large_networks_are_checked_on_a_sample_of_entries():
    spec = parse_spec("60-40-10", act="tanh,softmax", loss="cce")
    check = check_module_gradients(load_generated(module_source(spec)), spec, max_entries=50)
    assert check.entries_checked == 50 and check.entries_total == 60 * 40 + 40 + 40 * 10 + 10
    assert check.passed
    assert np.isfinite(check.relative_error)
