"""The checker against a corpus of hand-derived claims from the seeds, Ng's courses, CS229, Nielsen,
Goodfellow and CS231n (tests/corpus/), whose verdicts come from the corpus's own NumPy reference
(central differences of the loss, tests/corpus/numeric.py), never from the checker.

Bars (issue 13): no false accept; at least 98% graded right; at least 95% of the wrong ones with
the right mistake named; under 1% unreadable.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
import pytest

from corpus.function_claims import FUNCTION_CLAIMS, truth_of_function_claim
from corpus.network_claims import CLAIMS
from corpus.numeric import activate, context, jacobian, verdict_of

import symnn
from symnn.check.compare import Checker
from symnn.check.function_claims import FunctionChecker

# what the diagnosis must say for each mistake
NAMED = {
    "sign": ["sign flip"],
    "1/m": ["1/m"],
    "layer": ["wrong layer"],
    "unit": ["wrong unit", "one unit"],
    "transpose": ["transpose"],
    "no_derivative": ["missing activation derivative", "missing factor"],
    "value": ["instead of its derivative"],
    "twice": ["applied twice", "extra factor"],
    "wrong_activation": ["wrong activation"],
    "keepdims": ["keepdims"],
    "constant": ["constant factor"],
    "extra_factor": ["extra factor", "applied twice"],
    "missing_factor": ["missing factor", "missing activation derivative"],
    "variable": ["wrong variable"],
    "order": ["differentiation too"],
    "term": ["term"],
}


def truth(entry) -> str:
    """The claim's verdict by the numbers: its intended formula against central differences."""
    net, kind, target = entry["net"], entry["kind"], entry["target"]
    if kind == "identity":  # the activation's derivative by central differences, at z away from ReLU's kink
        z = np.concatenate([np.linspace(-3.9, 3.7, 20), [0.5, -0.5, 1.3]])
        right = (activate(target, z + 1e-6) - activate(target, z - 1e-6)) / 2e-6
        return verdict_of(entry["formula"](z), right)
    if kind == "jac":
        value = np.asarray(entry["formula"](context(net, 1)), float)
        return verdict_of(value, jacobian(net, *target), either_layout=True)
    c = context(net, 1 if kind in ("ex", "entry") else 4)
    value = entry["formula"](c)
    if kind == "fwd":
        reference = getattr(c, target[0])[target[1]]
    else:
        reference = getattr(c, target[0])[target[1]]
        if len(target) == 3:
            reference = reference[target[2][0] - 1, target[2][1] - 1]
    return verdict_of(value, reference)


@lru_cache(maxsize=None)
def checker(net):
    return Checker(symnn.api.network(net.spec, **net.options))


@lru_cache(maxsize=None)
def function_checker(function):
    return FunctionChecker(symnn.api.function(function))


@pytest.fixture(scope="module")
def graded():
    rows = []
    for entry in CLAIMS:
        verdict = checker(entry["net"]).grade(entry["text"])
        rows.append((entry, truth(entry), verdict))
    for entry in FUNCTION_CLAIMS:
        verdict = function_checker(entry["function"]).grade(entry["text"])
        rows.append((entry, truth_of_function_claim(entry), verdict))
    return rows


def test_the_corpus_is_large_and_cites_its_sources():
    entries = CLAIMS + FUNCTION_CLAIMS
    assert len(entries) >= 400
    assert all(entry["source"] for entry in entries)
    assert len({entry["text"] + str(entry.get("net", entry.get("function"))) for entry in entries}) == len(entries)


def test_each_verdict_is_established_by_the_numeric_reference(graded):
    """The corpus says which claims are wrong (and how); the numbers must agree, claim by claim."""
    disagree = [(e["text"], t) for e, t, _ in graded if t != ("wrong" if e["mistake"] else "correct")]
    assert not disagree, disagree[:10]


def test_no_false_accepts(graded):
    accepted = [(e["text"], v.message) for e, t, v in graded if t == "wrong" and v.verdict == "correct"]
    assert not accepted


def test_bars(graded):
    total = len(graded)
    right = sum((t == "correct") == (v.verdict == "correct") and v.verdict in ("correct", "wrong") for _, t, v in graded)
    unreadable = [(e["text"], v.message) for e, _, v in graded if v.verdict == "unusable"]
    wrong = [(e, v) for e, t, v in graded if t == "wrong"]
    named = [(e, v) for e, v in wrong if v.verdict == "wrong" and v.diagnosis
             and any(words in v.diagnosis.lower() for words in NAMED[e["mistake"]])]
    misgraded = [(e["text"], t, v.verdict, v.message) for e, t, v in graded
                 if not ((t == "correct") == (v.verdict == "correct") and v.verdict in ("correct", "wrong"))]
    unnamed = [(e["text"], e["mistake"], v.diagnosis) for e, v in wrong if (e, v) not in named]
    assert len(unreadable) < 0.01 * total, unreadable
    assert right >= 0.98 * total, misgraded
    assert len(named) >= 0.95 * len(wrong), unnamed


def corpus_table(graded) -> dict:
    """The table the README reports, by source."""
    table = Counter()
    for entry, truth_verdict, verdict in graded:
        source = entry["source"].split(",")[0].split(" (")[0]
        table[(source, "claims")] += 1
        table[(source, truth_verdict)] += 1
        table[(source, "graded right")] += (truth_verdict == "correct") == (verdict.verdict == "correct") \
            and verdict.verdict in ("correct", "wrong")
        table[(source, "unreadable")] += verdict.verdict == "unusable"
        if truth_verdict == "wrong":
            table[(source, "named")] += bool(verdict.diagnosis and any(
                words in verdict.diagnosis.lower() for words in NAMED[entry["mistake"]]))
    return table
