"""Network specs: sizes strings, options, TOML files, and a one-line reason for every invalid spec."""
from __future__ import annotations

import pytest

from symnn.errors import SpecError
from symnn.spec import parse_spec


def test_defaults_follow_the_courses():
    spec = parse_spec("2-2-1")
    assert spec.sizes == (2, 2, 1)
    assert [a.name for a in spec.activations] == ["sigmoid", "sigmoid"]
    assert (spec.loss.name, spec.layout, spec.bias, spec.reduction) == ("bce", "column", True, "mean")
    assert spec.parameter_count == 2 * 2 + 2 + 2 * 1 + 1


@pytest.mark.parametrize("act,expected", [
    ("tanh", ["tanh", "tanh", "tanh"]),
    ("tanh,sigmoid", ["tanh", "tanh", "sigmoid"]),
    ("relu,tanh,sigmoid", ["relu", "tanh", "sigmoid"]),
    ("max(0, z),sigmoid", ["Max(0, z)", "Max(0, z)", "sigmoid"]),  # SymPy's printing, not the typed text
])
def test_activation_lists(act, expected):
    spec = parse_spec("2-3-3-1", act=act, loss="bce" if expected[-1] == "sigmoid" else "half_se")
    assert [a.name for a in spec.activations] == expected


def test_loss_picks_a_matching_default_output():
    assert parse_spec("4-3", loss="cce").activations[-1].name == "softmax"
    assert parse_spec("2-1", loss="half_se").activations[-1].name == "linear"


def test_command_line_round_trips():
    for text, options in [("2-3-3-1", {"reduction": "sum"}), ("4-5-3", {"act": "relu,softmax", "layout": "row", "bias": False}),
                          ("2-3-1", {"act": "leaky_relu(0.1),log(1 + exp(z))", "loss": "half_se"})]:
        spec = parse_spec(text, **options)
        import shlex

        words = shlex.split(spec.command_line())
        again = dict(zip(words[1::2], words[2::2]))
        rebuilt = parse_spec(words[0], act=again["--act"], loss=again["--loss"], layout=again["--layout"],
                             reduction=again["--reduction"], bias="--no-bias" not in words)
        assert rebuilt == spec


def test_toml_spec_file(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text('sizes = [2, 3, 3, 1]\nactivations = ["tanh", "sigmoid"]\nloss = "bce"\nreduction = "sum"\nbias = false\n')
    spec = parse_spec(str(path))
    assert spec.sizes == (2, 3, 3, 1)
    assert [a.name for a in spec.activations] == ["tanh", "tanh", "sigmoid"]
    assert (spec.reduction, spec.bias) == ("sum", False)
    assert parse_spec(str(path), layout="row").layout == "row"  # options override the file


INVALID = [
    ("2-0-1", {}, "layer 1 has size 0"),
    ("0-2-1", {}, "the input has size 0"),
    ("2", {}, "not like 2-3-1"),
    ("two-three", {}, "not like 2-3-1"),
    ("2-30000-1", {}, "layer 1 has 30000 units; the limit is 20000"),
    ("2-2-1", {"act": "sigmod"}, "unknown activation 'sigmod'"),
    ("2-2-1", {"act": "x * z,sigmoid"}, "function of z alone"),
    ("2-3-1", {"act": "softmax,sigmoid"}, "only allowed on the output layer"),
    ("2-1", {"act": "softmax", "loss": "cce"}, "softmax needs at least 2 output units"),
    ("2-1", {"loss": "cce", "act": "sigmoid"}, "needs at least 2 output units"),
    ("2-2-1", {"act": "relu", "loss": "bce"}, "needs outputs in \\(0, 1\\)"),
    ("2-2-1", {"loss": "hinge"}, "unknown loss"),
    ("2-2-1", {"layout": "diagonal"}, "layout must be column or row"),
    ("2-2-1", {"reduction": "median"}, "reduction must be mean or sum"),
    ("2-2-2-1", {"act": "a,b,c,d"}, "4 activations given for 3 layers"),
    ("2-2-1", {"act": "tanh,"}, "empty"),
    ("missing.toml", {}, "not found"),
]


@pytest.mark.parametrize("text,options,message", INVALID)
def test_invalid_specs_name_the_problem(text, options, message):
    with pytest.raises(SpecError, match=message) as caught:
        parse_spec(text, **options)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("content,message", [
    ("sizes = [2, 3", "not valid TOML"),
    ('sizes = [2, 1]\ncolour = "red"', "unknown keys: colour"),
    ('loss = "bce"', "has no sizes"),
    ('sizes = [2, 1]\nbias = "yes"', "bias in the spec file must be true or false"),
    ('sizes = ["a", 1]', "whole numbers"),
])
def test_invalid_spec_files(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(SpecError, match=message):
        parse_spec(str(path))
