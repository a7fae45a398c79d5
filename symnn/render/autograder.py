"""A check report in the autograders' formats: Gradescope's results.json, PrairieLearn's, JUnit XML.

One test per claim and one per gradient of a --code check (score 1 when right). Every text that came
from the input or from the person's code (a claim, an exception message) goes into XML only through
`xml_text`, into JSON only through the JSON encoder.
"""
from __future__ import annotations

import json

from .escape import xml_text


def tests(report) -> list[dict]:
    """name, passed, output (one paragraph) for each claim and each gradient."""
    found = []
    for number, v in enumerate(report.verdicts, start=1):
        lines = [f"{v.verdict}: {v.message}"] + ([f"mistake: {v.diagnosis}"] if v.diagnosis else [])
        if v.correct_formula:
            lines.append(f"correct: {v.correct_formula['text']}")
        found.append({"name": f"claim {number}: {_short(v.claim)}", "passed": v.verdict == "correct", "output": "\n".join(lines)})
    code = report.code
    if code is not None:
        from ..check.code import gradient_names

        results = {g.name: g for g in code.gradients}
        for name in gradient_names(report.spec):
            g = results.get(name)
            if code.verdict == "error" or g is None:
                found.append({"name": name, "passed": False, "output": f"the code did not run: {code.message}"})
                continue
            lines = [g.verdict + (f" (relative error {g.relative_error:.1e})" if g.relative_error is not None else "")]
            if g.first_wrong:
                w = g.first_wrong
                lines.append(f"first wrong entry {tuple(w['index'])} on input {w['trial']}: got {w['got']:.6g}, "
                             f"expected {w['expected']:.6g}")
            if g.diagnosis:
                lines.append(f"mistake: {g.diagnosis}")
            passed = g.verdict == "right" and code.method == "backprop"
            if g.verdict == "right" and not passed:
                lines.append(code.message)
            found.append({"name": name, "passed": passed, "output": "\n".join(lines)})
    return found


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def summary(report) -> str:
    lines = [f"symnn check {report.spec.command_line()}"]
    code = report.code
    if code is not None:
        lines.append(f"code: {code.verdict}: {code.message}")
        lines.append(f"inputs drawn from seed {code.seed} (rerun: symnn check ... --code FILE --seed {code.seed})")
        lines.append(f"sandbox: {code.isolation}")
    return "\n".join(lines)


def gradescope(report) -> str:
    """Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""
    entries = tests(report)
    data = {
        "score": float(sum(t["passed"] for t in entries)),
        "output": summary(report),
        "stdout_visibility": "hidden",
        "tests": [{"name": t["name"], "number": str(i), "score": float(t["passed"]), "max_score": 1.0,
                   "status": "passed" if t["passed"] else "failed", "output": t["output"]}
                  for i, t in enumerate(entries, start=1)],
    }
    if report.code is not None:
        data["execution_time"] = report.code.seconds
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def junit(report) -> str:
    """JUnit XML (the schema Jenkins, GitLab and GitHub's test reporters read)."""
    entries = tests(report)
    errored = report.code is not None and report.code.verdict == "error"
    failures = sum(not t["passed"] for t in entries)
    suite = xml_text(f"symnn check {report.spec.command_line()}")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites tests="{len(entries)}" failures="{0 if errored else failures}" errors="{failures if errored else 0}">',
             f'  <testsuite name="{suite}" tests="{len(entries)}" failures="{0 if errored else failures}" '
             f'errors="{failures if errored else 0}">']
    if report.code is not None:
        lines.append("    <properties>")
        for key in ("seed", "isolation", "method"):
            lines.append(f'      <property name="{key}" value="{xml_text(getattr(report.code, key))}"/>')
        lines.append("    </properties>")
    for t in entries:
        classname = "symnn.code" if not t["name"].startswith("claim ") else "symnn.claims"
        head = f'    <testcase classname="{classname}" name="{xml_text(t["name"])}"'
        if t["passed"]:
            lines.append(head + "/>")
            continue
        tag = "error" if errored else "failure"
        first = t["output"].splitlines()[0] if t["output"] else ""
        lines += [head + ">", f'      <{tag} message="{xml_text(first)}">{xml_text(t["output"])}</{tag}>', "    </testcase>"]
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"


def prairielearn(report) -> str:
    """PrairieLearn's external-grader results (https://prairielearn.readthedocs.io/en/latest/externalGrading/)."""
    entries = tests(report)
    passed = sum(t["passed"] for t in entries)
    data = {
        "gradable": True,
        "score": passed / len(entries) if entries else 0.0,
        "message": summary(report),
        "tests": [{"name": t["name"], "points": int(t["passed"]), "max_points": 1, "output": t["output"]} for t in entries],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
