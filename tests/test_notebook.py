"""The example notebook, executed as a student would run it (nbclient, an ipykernel kernel on this
interpreter) and rendered to HTML (nbconvert): no errors, and each cell shows the maths a notebook
user should see. Expected values come from SymPy and the lecture notes (seed 000: e^x - ln x has its
minimum at the omega constant W(1) = 0.567143...; equation (10): dW^{[2]} = 1/m (A^{[2]} - Y) A^{[1]T}),
and the gradient a cell shows is graded correct by the checker."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
import sympy as sp

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")
pytest.importorskip("ipykernel")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "examples" / "symnn_tour.ipynb"
KERNEL = "symnn-tour-python"  # a kernelspec written for this interpreter, so the kernel runs what the tests run


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    from ipykernel.kernelspec import write_kernel_spec

    home = tmp_path_factory.mktemp("jupyter")
    work = tmp_path_factory.mktemp("tour")
    write_kernel_spec(str(home / "kernels" / KERNEL))  # argv: sys.executable -m ipykernel_launcher
    assert json.loads((home / "kernels" / KERNEL / "kernel.json").read_text())["argv"][0] == sys.executable
    patch = pytest.MonkeyPatch()
    patch.setenv("JUPYTER_PATH", str(home))
    patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))  # this checkout's symnn
    try:
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        client = nbclient.NotebookClient(notebook, kernel_name=KERNEL, timeout=120, resources={"metadata": {"path": str(work)}})
        client.execute()
    finally:
        patch.undo()
    return notebook, work


def outputs(notebook, tag: str) -> list:
    cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, tag
    return cells[0].outputs


def rich(notebook, tag: str, mimetype: str) -> str:
    found = [o["data"][mimetype] for o in outputs(notebook, tag) if mimetype in o.get("data", {})]
    assert found, f"cell {tag!r} shows no {mimetype}"
    return found[0]


def stdout(notebook, tag: str) -> str:
    return "".join(o.get("text", "") for o in outputs(notebook, tag) if o.output_type == "stream" and o.name == "stdout")


def test_the_notebook_is_committed_without_outputs_and_runs_on_python3():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"  # what ipykernel installs, in Jupyter and Colab
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in notebook["cells"] if c["cell_type"] == "code")


def test_every_cell_runs_without_an_error(executed):
    notebook, _ = executed
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, [f"{o.ename}: {o.evalue}" for o in errors]


def test_the_derivation_shows_its_sheet_and_gradients(executed):
    notebook, _ = executed
    markdown = rich(notebook, "derivation", "text/markdown")
    assert "Backpropagation" in markdown or "backpropagation" in markdown
    latex = rich(notebook, "derivation", "text/latex")
    assert latex.count(r"\frac{\partial L}") == 9  # 2-2-1: 4 + 2 weights and 2 + 1 biases


def test_the_gradient_cell_shows_a_formula_the_checker_grades_correct(executed):
    import symnn

    notebook, _ = executed
    latex = rich(notebook, "gradient", "text/latex")
    assert r"\frac{\partial L}{\partial w^{[1]}_{11}}" in latex
    closed = latex.split(r"\\")[-1].replace(r"\end{aligned}", "").replace("$$", "").replace("&=", "").strip()
    report = symnn.check("2-2-1", [r"\frac{\partial L}{\partial w^{[1]}_{11}} = " + closed])
    assert report.verdicts[0].verdict == "correct", report.verdicts[0].message
    # by its sheet name: dL/dw^{[2]}_{11} = (a^{[2]} - y) a^{[1]}_1 (sigmoid + log loss: SymPy's a - y times the input)
    second = rich(notebook, "gradient-sheet-name", "text/latex")
    a2, y, a11 = sp.symbols("a^{[2]} y a^{[1]}_{1}")
    assert sp.latex(a2 - y) in second and r"a^{[1]}_{1}" in second.split(r"\\")[-1]


def test_a_bad_lookup_prints_what_exists(executed):
    notebook, _ = executed
    text = stdout(notebook, "bad-lookup")
    assert "layer 9 does not exist: this 2-2-1 network has layers 1 to 2" in text
    assert "W^{[1]} is 2x2" in text


def test_the_vectorised_equations_are_the_notes(executed):
    notebook, _ = executed
    m, n1, nx = sp.symbols("m n^{[1]} n_x")
    dZ, X = sp.MatrixSymbol("dZ^{[1]}", n1, m), sp.MatrixSymbol("X", nx, m)
    assert sp.latex(dZ * X.T / m) in rich(notebook, "equation", "text/latex")
    markdown = rich(notebook, "matrix", "text/markdown")
    assert "Proved" in markdown and "Backward pass" in markdown
    assert "db^[1] = 1/m dZ^[1] 𝟏" in stdout(notebook, "equation-text")


def test_the_hessian_cell_shows_sympys_derivatives_and_the_classification(executed):
    notebook, _ = executed
    x, y = sp.symbols("x y", real=True)
    f = x**4 + sp.Rational(4, 5) * y**4 - x * y
    latex = rich(notebook, "hessian", "text/latex")
    markdown = rich(notebook, "hessian", "text/markdown")
    for text in (latex, markdown):
        assert sp.latex(sp.diff(f, x)) in text and sp.latex(sp.diff(f, y)) in text
    assert sp.latex(sp.hessian(f, (x, y))) in latex
    assert latex.count(r"\text{minimum}") == 2 and latex.count(r"\text{saddle}") == 1
    gradient = rich(notebook, "function-gradient", "text/latex")
    assert rf"\frac{{\partial f}}{{\partial x}} &= {sp.latex(sp.diff(f, x))}" in gradient


def test_newtons_method_finds_the_notes_minimum(executed):
    notebook, _ = executed
    omega = f"{float(sp.LambertW(1)):.6g}"  # e^x = 1/x at the minimum of e^x - ln x
    markdown = rich(notebook, "newton-1d", "text/markdown")
    assert omega == "0.567143" and omega in markdown and "converged" in markdown
    both = rich(notebook, "newton", "text/markdown")
    assert "Newton" in both and "gradient descent" in both


def test_the_checker_cell_says_right_and_wrong(executed):
    notebook, _ = executed
    markdown = rich(notebook, "check", "text/markdown")
    assert "✅ correct" in markdown and "❌ wrong" in markdown and "missing 1/m" in markdown


def test_the_generated_module_trains(executed):
    notebook, work = executed
    text = stdout(notebook, "module")
    before, after = (float(v) for v in re.findall(r"cost [^:]*: ([0-9.]+)", text))
    assert after < before
    assert (work / "tour_2_2_1.py").read_text(encoding="utf-8").count("def backward_propagation") == 1


def test_the_notebook_maths_renders_in_katex(executed):
    from sheets_support import display_maths, katex_errors, katex_module

    module = katex_module()
    if module is None:
        pytest.skip("node and the katex npm package are needed (.ci/run installs them into .ci/katex)")
    notebook, _ = executed
    items = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            items += [(m, True) for m in display_maths(data.get("text/latex", "") + data.get("text/markdown", ""))]
    assert len(items) > 20
    assert [e for e in katex_errors(items, module) if e] == []


def test_the_html_export_shows_the_maths(executed, monkeypatch):
    from nbconvert import HTMLExporter

    import nbconvert

    notebook, _ = executed
    # nbconvert's templates live in share/jupyter under the prefix it was installed into; a virtual
    # environment that sees the system's packages (--system-site-packages) does not search there
    installed_data = Path(nbconvert.__file__).resolve().parents[4] / "share" / "jupyter"
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [os.environ.get("JUPYTER_PATH"), str(installed_data)])))
    html, _ = HTMLExporter().from_notebook_node(notebook)
    x, y = sp.symbols("x y", real=True)
    expected = [r"\frac{\partial L}{\partial w^{[1]}_{11}}", "missing 1/m", "0.567143",
                sp.latex(sp.diff(x**4 + sp.Rational(4, 5) * y**4 - x * y, x)), r"dW^{[1]}"]
    for fragment in expected:
        assert fragment in html, fragment
    assert 'data-mime-type="text/latex"' in html and 'data-mime-type="text/markdown"' in html
    assert "Traceback" not in html and "jp-OutputArea-error" not in html
