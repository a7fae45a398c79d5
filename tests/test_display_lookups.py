"""Looking parameters and equations up by position or by name, and the errors when they do not exist:
each is a SymnnError and also the built-in the lookup raised before (KeyError, IndexError), and says
what exists. Names follow the README's notation table (w1_2_1 is w^{[1]}_{21}; in the row layout the
matrix is transposed, so w1_2_1 is the weight into unit 1 from input 2)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import symnn
from symnn.errors import SymnnError


@pytest.fixture(scope="module")
def d221():
    return symnn.derive("2-2-1")


@pytest.mark.parametrize("name, position", [
    ("w1_1_2", (1, 1, 2)),
    ("w1_2_1", (1, 2, 1)),
    ("b2_1", (2, 1, None)),
    ("w^{[1]}_{12}", (1, 1, 2)),
    ("W^{[1]}_{21}", (1, 2, 1)),
    ("w_{21}^{[1]}", (1, 2, 1)),
    ("w^{[1]}_{2,1}", (1, 2, 1)),
    ("w^[1]_12", (1, 1, 2)),  # as the terminal listing writes it
    (r"b^{[1]}_{2}", (1, 2, None)),
    (r"b^{[2]}", (2, 1, None)),  # a one-unit layer's bias, as the sheets write it
    (" w^{[2]}_{11} ", (2, 1, 1)),
])
def test_a_parameter_is_found_by_any_of_its_names(d221, name, position):
    assert d221.gradient(name) == d221.gradient(*position)


def test_row_layout_names_are_matrix_positions():
    d = symnn.derive("2-3-1", layout="row")
    assert d.gradient("w1_2_1") == d.gradient(1, 1, 2)  # row 2, column 1 of W^{[1]}: from input 2 into unit 1
    assert d.gradient("w1_2_1").parameter.name == "w1_2_1"


def test_wide_indices_need_a_comma():
    d = symnn.derive("12-11-1")
    assert d.gradient("w^{[1]}_{11,12}") == d.gradient(1, 11, 12)
    with pytest.raises(KeyError, match="no parameter named"):
        d.gradient("w^{[1]}_{1112}")


@pytest.mark.parametrize("call, builtin, says", [
    (lambda d: d.gradient(9, 1, 1), KeyError, "has layers 1 to 2"),
    (lambda d: d.gradient(0, 1, 1), KeyError, "has layers 1 to 2"),
    (lambda d: d.gradient(layer=9, j=1, source=1), KeyError, "layer 9 does not exist"),
    (lambda d: d.gradient(1, 3, 1), IndexError, "layer 1, which has units 1 to 2"),
    (lambda d: d.gradient(1, 0, 1), IndexError, "units 1 to 2"),
    (lambda d: d.gradient(1, -1), IndexError, "units 1 to 2"),
    (lambda d: d.gradient(2, 1, 3), IndexError, "layer 1 has units 1 to 2"),
    (lambda d: d.gradient(1, 1, 0), IndexError, "the input has units 1 to 2"),
    (lambda d: d.gradient(1), IndexError, "give the unit j"),
    (lambda d: d.gradient(1.5, 1, 1), KeyError, "whole number"),
    (lambda d: d.gradient("w9_1_1"), KeyError, "weights w1_1_1 to w1_2_2"),
    (lambda d: d.gradient("w1_3_1"), KeyError, "W^{[1]} is 2x2"),
    (lambda d: d.gradient("a1_1"), KeyError, "biases b1_1 to b1_2, b2_1"),
    (lambda d: d.gradient("import os"), KeyError, "no parameter named 'import os'"),
    (lambda d: symnn.derive_matrix("2-2-1").equation("dW9"), KeyError, "Z1, A1, Z2, A2, J, dZ2, dW2, db2, dA1, dZ1, dW1, db1"),
    (lambda d: symnn.derive_matrix("2-2-1").equation(3), KeyError, "such as 'dW1'"),
])
def test_a_lookup_of_nothing_says_what_exists(d221, call, builtin, says):
    with pytest.raises(SymnnError) as caught:
        call(d221)
    assert isinstance(caught.value, builtin)
    message = str(caught.value)
    assert says in message and "\n" not in message
    assert not message.startswith("'")  # not KeyError's quoted repr


def test_a_bias_of_a_network_without_biases_is_refused():
    d = symnn.derive("2-2-1", bias=False)
    with pytest.raises(KeyError, match="no biases"):
        d.gradient(1, 1)
    with pytest.raises(KeyError, match="no parameter named 'b1_1'"):
        d.gradient("b1_1")


def test_the_cli_error_for_a_missing_parameter_is_unchanged(tmp_path):
    """symnn derive --param still names the parameter it cannot find (SpecError, exit 2)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "symnn", "derive", "2-2-1", "--param", "w9_1_1"],
                            capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[1]), "PATH": ""})
    assert result.returncode == 2 and "w9_1_1" in result.stderr and "Traceback" not in result.stderr


@st.composite
def specs(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    return "-".join(map(str, sizes)), draw(st.sampled_from(["column", "row"])), draw(st.booleans())


@settings(max_examples=25, deadline=None)
@given(specs(), st.data())
def test_every_parameter_round_trips_through_its_names_and_nothing_else_exists(spec, data):
    sizes, layout, bias = spec
    d = symnn.derive(sizes, layout=layout, bias=bias)
    n = d.notation
    for layer, j, k in d.parameters():
        gradient = d.gradient(layer, j, k)
        assert d.gradient(gradient.parameter.name) == gradient
        assert d.gradient(n.latex_names[gradient.parameter]) == gradient  # as the sheets write it
    layer = data.draw(st.integers(-2, d.spec.depth + 2))
    j = data.draw(st.integers(-1, 6))
    k = data.draw(st.one_of(st.none(), st.integers(-1, 6)))
    valid = (1 <= layer <= d.spec.depth and 1 <= j <= d.spec.sizes[layer]
             and (k is None and bias or k is not None and 1 <= k <= d.spec.sizes[layer - 1]))
    if valid:
        assert d.gradient(layer, j, k).layer == layer
    else:
        with pytest.raises(SymnnError) as caught:
            d.gradient(layer, j, k)
        assert isinstance(caught.value, (KeyError, IndexError))
