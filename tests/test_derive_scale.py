"""Issue 10 / 14: a derivation's work is bounded before it starts, closed forms stay bounded in depth
(written through deltas where the full form would repeat every path), and the listing is the same
document however it is produced."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp

from reference_network import ReferenceNetwork, central_difference, evaluate
from symnn import derive
from symnn.derive.perweight import MAX_CLOSED_FORM_SIZE
from symnn.render.listing import Listing, _indented, json_chunks


def run_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("spec, fragment", [
    ("2-20000-20000-1", "400,060,000 weights"),  # issue 10: ran for minutes
    ("2-20001-1", "20001 units; the limit is 20000"),
    ("2" + "-2" * 101, "101 layers"),
    ("2-400-400-1", "160,400 delta terms"),
])
def test_networks_past_the_work_limits_are_refused_in_one_line_before_any_work(spec, fragment):
    result = run_cli("derive", spec, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("symnn: error:") and result.stderr.count("\n") == 1
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_a_listing_of_more_parameters_than_the_limit_is_refused_with_what_to_do():
    result = run_cli("derive", "1024-1024-10", "--act", "relu,softmax", "--all", timeout=60)
    assert result.returncode == 2 and "--param" in result.stderr and result.stderr.count("\n") == 1


def test_closed_forms_stay_bounded_however_deep_the_network():
    """2-2-...-2 with 30 layers: written out, layer 1's closed form would have ~2^30 terms (issue 10)."""
    derivation = derive("2" + "-2" * 30)
    sizes = [d.size for row in derivation.deltas.values() for d in row]
    assert max(sizes) <= MAX_CLOSED_FORM_SIZE
    assert not derivation.deltas[1][0].expanded and derivation.deltas[30][0].expanded
    # written through the next layer's deltas: only delta symbols of later layers appear
    later = {s.name for s in derivation.deltas[1][0].closed_form.free_symbols if s.name.startswith("delta")}
    assert later and all(int(name[5:].split("_")[0]) > 1 for name in later)


def test_the_listing_grows_linearly_with_depth():
    lengths = {depth: len(run_cli("derive", "2" + "-2" * depth, "--all").stdout) for depth in (8, 16)}
    # twice the layers: twice the parameters, each with a chain about twice as long: at most ~4x, not 2^8
    assert 2 < lengths[16] / lengths[8] < 6


@pytest.mark.slow
def test_gradients_written_through_deltas_match_central_differences_of_the_reference_loss():
    sizes = (2, 2, 2, 2, 2, 2, 2, 1)
    reference = ReferenceNetwork(sizes, ["tanh"] * 6 + ["sigmoid"], "bce")
    derivation = derive("-".join(map(str, sizes)), act="tanh,sigmoid")
    assert not derivation.deltas[1][0].expanded  # the case under test
    loss = reference.loss_expression()
    point = reference.random_point(3)
    values = derivation.delta_values(reference.unit_values(point))
    for layer, j, k in [(1, 1, 1), (1, 2, None), (2, 1, 2), (5, 2, 1), (7, 1, None)]:
        gradient = derivation.gradient(layer, j, k)
        numeric = central_difference(loss, gradient.parameter, point)
        assert float(evaluate(gradient.closed_form, values)) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("spec, options", [
    ("2-3-2", dict(act="relu,sigmoid", loss="bce")),
    ("3-4-3", dict(act="tanh,softmax", loss="cce", layout="row", bias=False)),
    ("2-3-3-1", {}),
])
def test_the_streamed_json_is_what_json_dumps_writes_and_reads_back_to_the_gradients(spec, options):
    derivation = derive(spec, **options)
    positions = list(derivation.parameters())
    text = "".join(json_chunks(derivation, positions))
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    names = {str(s): s for s in derivation.notation.latex_names}
    for entry, position in zip(data["parameters"], positions):
        gradient = derivation.gradient(*position)
        closed = sp.sympify(entry["closed_form"]["sympy"], locals=names)  # our own output, not typed text
        assert sp.expand(closed - gradient.closed_form) == 0, entry["name"]
        delta_form = sp.sympify(entry["delta_form"]["sympy"], locals=names)
        assert sp.expand(delta_form - gradient.delta_form) == 0
        for factor, ours in zip(entry["factors"], gradient.factors):
            value = data["shared_factors"][factor["shared"]] if "shared" in factor else factor
            assert sp.sympify(value["sympy"], locals={**names, "diag": sp.diag}) == sp.Matrix(ours.value) \
                if factor["shape"] != [1, 1] else sp.sympify(value["sympy"], locals=names) == ours.value


def test_every_parameter_is_one_record_and_per_unit_pieces_are_printed_once():
    derivation = derive("20-8-3", act="relu,softmax", loss="cce")
    listing = Listing(derivation, list(derivation.parameters()))
    for position in derivation.parameters():
        listing.record_json(*position)
    # formulas printed: the shared and per-unit ones, the inputs, and the deltas' closed forms, not one per parameter
    assert len(listing.printed._cache) < 4 * (20 + 8 + 3 + 8 + 3) + 20


def test_the_text_listing_has_the_index_form():
    out = run_cli("derive", "2-2-1").stdout
    assert "Index form" in out and "dL/dw^[l]_jk = delta^[l]_j*a^[l-1]_k" in out
