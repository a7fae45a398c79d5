"""Every attack of issue 11, as a dishonest student would write it: each must be blocked by the
sandbox or detected by the grader. Most attack files start from the course's correct solution, so a
pass would mean the attack itself went unnoticed."""
import json
import os
import secrets
import site
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

import symnn
from symnn.check import isolation
from symnn.check.code import check_code, draw_trials
from symnn.check.compare import Checker

from sandbox_support import DLS_PLANAR, needs_sandbox, write

pytestmark = needs_sandbox


@pytest.fixture(scope="module")
def checker():
    return Checker(symnn.network("2-4-1", act="tanh,sigmoid", loss="bce"))


def attack(tmp_path, checker, source, seconds=10.0, **replace):
    for key, value in replace.items():
        source = source.replace(key, str(value))
    return check_code(checker, write(tmp_path, source), seconds=seconds)


def shown(report) -> str:
    return json.dumps(report.as_dict())


# --- cheats that used to be graded correct ---
def test_importing_symnn_inside_fails(tmp_path, checker):
    source = """
import os, sys
for root in __PATHS__ + ["/"]:
    for folder, subfolders, files in os.walk(root):
        if "symnn" in subfolders and os.path.isfile(os.path.join(folder, "symnn", "__init__.py")):
            sys.path.insert(0, folder)
        subfolders[:] = [s for s in subfolders if s not in ("proc", "sys", "dev")][:50]
import symnn
def backward_propagation(parameters, cache, X, Y):
    return {}
"""
    report = attack(tmp_path, checker, source, __PATHS__=repr([p for p in sys.path if p]))
    assert report.verdict == "error" and "No module named 'symnn'" in report.message


def test_a_replayed_table_of_answers_fails_on_fresh_inputs(tmp_path, checker):
    old = 12345  # a run the student saw: its answers, in call order
    table = [{n: checker_grad(checker, t, n).tolist() for n in ("dW1", "db1", "dW2", "db2")} for t in draw_trials(checker, old)]
    source = f"""
import numpy as np
TABLE = {table!r}
calls = []
def backward_propagation(parameters, cache, X, Y):
    calls.append(1)
    return {{k: np.array(v) for k, v in TABLE[(len(calls) - 1) % len(TABLE)].items()}}
"""
    path = write(tmp_path, source)
    assert check_code(checker, path, seed=old).verdict == "correct"  # the table is right for its own run
    first, second = check_code(checker, path), check_code(checker, path)
    assert first.verdict == second.verdict == "wrong"
    assert len({old, first.seed, second.seed}) == 3  # every run draws its own inputs


def checker_grad(checker, trial, name):
    return trial.backprop.batch(name[1], int(name[2:]))


NUMERICAL = """
import numpy as np

def forward_cost(parameters, X, Y):
    A = X
    for l in (1, 2):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = np.tanh(Z) if l == 1 else 1 / (1 + np.exp(-Z))
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))

def backward_propagation(parameters, cache, X, Y):
    grads = {}
    for key in ("W1", "b1", "W2", "b2"):
        g = np.zeros_like(parameters[key])
        for index in np.ndindex(g.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[key][index] += __H__
            minus[key][index] -= __H__
            g[index] = (forward_cost(plus, X, Y) - forward_cost(minus, X, Y)) / (2 * __H__)
        grads["d" + key] = g
    return grads
"""


@pytest.mark.parametrize("h", [1e-4, 1e-5, 1e-7])
def test_central_differences_are_reported_as_a_numerical_gradient(tmp_path, checker, h):
    inline = NUMERICAL.replace("def forward_cost", "def f").replace("forward_cost(", "f(")  # no counted name
    report = attack(tmp_path, checker, inline, __H__=h)
    assert report.verdict == "wrong" and report.method == "numerical", report.message
    assert "numerical gradient" in report.message
    assert {g.name: g.verdict for g in report.gradients}["dW1"] == "wrong"


def test_forward_called_2p_times_is_not_backprop(tmp_path, checker):
    complex_step = NUMERICAL.replace("plus[key][index] += __H__", "plus = {k: v.astype(complex) for k, v in plus.items()}; "
                                     "plus[key][index] += 1e-20j").replace(
        "g[index] = (forward_cost(plus, X, Y) - forward_cost(minus, X, Y)) / (2 * __H__)",
        "g[index] = forward_cost(plus, X, Y).imag / 1e-20").replace("minus[key][index] -= __H__", "")
    report = attack(tmp_path, checker, complex_step)
    assert all(g.verdict == "right" for g in report.gradients)  # complex steps are exact to rounding...
    assert report.verdict == "wrong" and report.method == "not backprop"  # ...but cost 2P forward passes
    assert "forward/cost functions 17 times" in report.message


def test_an_inline_complex_step_is_caught_by_its_numpy_calls(tmp_path, checker):
    source = NUMERICAL.replace("forward_cost", "f").replace("plus[key][index] += __H__", "plus = {k: v.astype(complex) for k, v in plus.items()}; "
                               "plus[key][index] += 1e-20j").replace(
        "g[index] = (f(plus, X, Y) - f(minus, X, Y)) / (2 * __H__)", "g[index] = f(plus, X, Y).imag / 1e-20").replace(
        "minus[key][index] -= __H__", "")
    report = attack(tmp_path, checker, source)
    assert report.verdict == "wrong" and report.method == "not backprop" and "exp/log/tanh" in report.message


def test_empty_arrays_on_later_trials_are_caught(tmp_path, checker):
    source = DLS_PLANAR + """
_right = backward_propagation
calls = []
def backward_propagation(parameters, cache, X, Y):
    calls.append(1)
    grads = _right(parameters, cache, X, Y)
    return grads if len(calls) == 1 else {k: np.zeros((0,)) for k in grads}
"""
    report = attack(tmp_path, checker, source)
    assert report.verdict == "wrong"
    assert all(g.verdict == "wrong" and "empty array" in g.diagnosis and "trial 2" in g.diagnosis for g in report.gradients)


def test_a_fake_report_on_the_graders_stdout_then_killing_it_fails(tmp_path):
    fake = json.dumps({"code": {"verdict": "correct"}, "exit_code": 0})
    source = """
import os, signal
for pid in {os.getppid(), 1, __GRADER__}:
    for fd in (1, 2):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as out:
                out.write(__FAKE__)
        except OSError:
            pass
for pid in {os.getppid(), 1, __GRADER__, -1}:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
def backward_propagation(parameters, cache, X, Y):
    return {}
""".replace("__FAKE__", repr(fake))
    path = write(tmp_path, source.replace("__GRADER__", str(os.getpid())))
    run = subprocess.run([sys.executable, "-m", "symnn", "check", "2-4-1", "--act", "tanh,sigmoid", "--loss", "bce",
                          "--code", str(path), "--json"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 1, run.stderr  # the grader lived and found the gradients missing
    report = json.loads(run.stdout)  # its stdout holds its own report, nothing else
    assert report["code"]["verdict"] == "wrong" and fake not in run.stdout


def test_a_pth_file_in_site_packages_cannot_be_planted(tmp_path, checker):
    name = f"symnn_attack_{secrets.token_hex(4)}.pth"
    folders = sorted({*site.getsitepackages(), site.getusersitepackages(), *[p for p in sys.path if "-packages" in p]})
    source = DLS_PLANAR + """
import os, site, sys
for folder in __FOLDERS__ + list(site.getsitepackages()) + [p for p in sys.path if p]:
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "__NAME__"), "w") as out:
            out.write("import os; os.environ['PWNED'] = '1'\\n")
    except OSError:
        pass
"""
    report = attack(tmp_path, checker, source, __FOLDERS__=repr(folders), __NAME__=name)
    assert report.verdict == "correct"  # the attempt changed nothing the grader grades
    assert not [f for f in folders if os.path.exists(os.path.join(f, name))]


# --- escapes and damage ---
def test_files_outside_cannot_be_read_and_sent_back(tmp_path, checker, monkeypatch):
    secret = secrets.token_hex(16)
    (tmp_path / "answers.txt").write_text(secret)
    source = """
import glob, os
found = []
for pattern in ["/etc/passwd", "/etc/shadow", "/root/*", "/home/*/*", "__SECRET__", os.path.expanduser("~/*"),
                "/proc/1/root/etc/passwd", "/proc/1/cwd/*"]:
    for name in glob.glob(pattern):
        try:
            found.append(open(name, errors="replace").read(200))
        except OSError:
            pass
raise RuntimeError("LEAK " + " | ".join(found))
"""
    report = attack(tmp_path, checker, source, __SECRET__=str(tmp_path / "answers.txt"))
    assert report.verdict == "error" and "LEAK" in report.message
    assert secret not in shown(report) and "root:x:0:0" not in shown(report)


def test_nothing_outside_can_be_written(tmp_path, checker):
    token = secrets.token_hex(6)
    targets = [tmp_path / f"outside_{token}", f"/tmp/symnn_attack_{token}", f"/job/written_{token}",
               os.path.join(os.path.dirname(np.__file__), f"x_{token}")]
    source = DLS_PLANAR + """
for name in __TARGETS__:
    try:
        open(name, "w").write("x")
    except OSError:
        pass
"""
    report = attack(tmp_path, checker, source, __TARGETS__=repr([str(t) for t in targets]))
    assert report.verdict == "correct"
    assert not [t for t in targets if os.path.exists(t)]


def test_no_network(tmp_path, checker):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    source = """
import socket
socket.create_connection(("127.0.0.1", __PORT__), timeout=2)
"""
    try:
        report = attack(tmp_path, checker, source, __PORT__=server.getsockname()[1])
        with pytest.raises(socket.timeout):
            server.accept()
    finally:
        server.close()
    assert report.verdict == "error" and ("unreachable" in report.message or "refused" in report.message)


def leftovers(token) -> list:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and token.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
        except OSError:
            pass
    return found


LINGER = """
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)  # __TOKEN__"])
    os._exit(0)
time.sleep(0.3)
"""


def test_no_process_outlives_the_check(tmp_path, checker):
    token = secrets.token_hex(8)
    report = attack(tmp_path, checker, DLS_PLANAR + LINGER, __TOKEN__=token)
    assert report.verdict == "correct"
    time.sleep(0.2)
    assert leftovers(token) == []


def test_a_grandchild_holding_the_pipe_does_not_stretch_the_time_limit(tmp_path, checker):
    token = secrets.token_hex(8)
    started = time.monotonic()
    report = attack(tmp_path, checker, DLS_PLANAR + LINGER, seconds=3, __TOKEN__=token)
    assert time.monotonic() - started < 8 and report.verdict == "correct"
    assert leftovers(token) == []


def test_a_fork_bomb_is_contained(tmp_path, checker):
    token = secrets.token_hex(8)
    source = """
import os, sys
BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n"
while True:
    try:
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", BOMB, "__TOKEN__"])
    except OSError:
        pass
"""
    started = time.monotonic()
    report = attack(tmp_path, checker, source, seconds=3, __TOKEN__=token)
    assert report.verdict == "error" and time.monotonic() - started < 10
    assert leftovers(token) == []


@pytest.mark.parametrize("source", [
    "x = bytearray(4 << 30)\n",
    "import os\nos.fork()\nx = bytearray(2200 << 20)\n",  # 4.4 GB across two processes
    "import numpy as np\nx = np.ones((4 << 30) // 8)\n",
])
def test_memory_is_limited(tmp_path, checker, source):
    report = attack(tmp_path, checker, source)
    assert report.verdict == "error" and "MemoryError" in report.message


def test_the_disk_cannot_be_filled(tmp_path, checker):
    source = """
import os
total = 0
try:
    for i in range(10_000):
        with open(f"/tmp/fill{i}", "wb") as out:
            for _ in range(64):
                out.write(b"x" * (1 << 20))
                total += 1 << 20
except OSError as exc:
    raise OSError(f"{exc.strerror} after {total >> 20} MB")
"""
    report = attack(tmp_path, checker, source)
    assert report.verdict == "error"
    assert "File too large" in report.message or "No space left" in report.message
    assert int(report.message.split(" after ")[1].split()[0]) <= isolation.TMP_BYTES >> 20


def test_sigstop_runs_into_the_time_limit(tmp_path, checker):
    report = attack(tmp_path, checker, "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n", seconds=2)
    assert report.verdict == "error" and "did not finish within 2 s" in report.message


def test_the_grader_cannot_be_killed_or_ptraced(tmp_path, checker):
    source = """
import ctypes, os, signal
out = []
for pid in (__GRADER__, __PARENT__, 1):
    try:
        os.kill(pid, signal.SIGSTOP)
        out.append(f"stopped {pid}")
    except OSError as exc:
        out.append(f"{pid}: {exc.strerror}")
try:
    libc = ctypes.CDLL(None, use_errno=True)
    out.append(f"ptrace {libc.ptrace(16, __GRADER__, 0, 0)} {ctypes.get_errno()}")
except OSError as exc:
    out.append(str(exc))
raise RuntimeError("; ".join(out))
"""
    report = attack(tmp_path, checker, source, __GRADER__=os.getpid(), __PARENT__=os.getppid())
    assert report.verdict == "error" and "stopped" not in report.message.replace("stopped by", "")
    assert f"stopped {os.getpid()}" not in report.message  # and this process is still running this line


def test_the_graders_environment_is_out_of_reach(tmp_path, checker, monkeypatch):
    secret = secrets.token_hex(16)
    monkeypatch.setenv("SYMNN_GRADER_SECRET", secret)
    source = """
import os
seen = [repr(dict(os.environ))]
for pid in ("self", "1", str(os.getppid()), "__GRADER__"):
    try:
        seen.append(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
    except OSError as exc:
        seen.append(exc.strerror)
raise RuntimeError(" ".join(seen))
"""
    report = attack(tmp_path, checker, source, __GRADER__=os.getpid())
    assert report.verdict == "error" and secret not in shown(report)


# --- hostile answers ---
def test_object_arrays_are_not_gradients(tmp_path, checker):
    source = DLS_PLANAR + """
_right = backward_propagation
def backward_propagation(parameters, cache, X, Y):
    grads = _right(parameters, cache, X, Y)
    grads["dW1"] = np.array([object(), {"a": 1}], dtype=object)
    return grads
"""
    report = attack(tmp_path, checker, source)
    result = {g.name: g for g in report.gradients}["dW1"]
    assert report.verdict == "wrong" and result.verdict == "wrong" and "not an array of numbers" in result.diagnosis


HOSTILE_STREAM = """
import io, os, struct, zipfile
import numpy as np
# a 4 MB zip of 4 GB of zeros, as grads.npz, where the old grader looked
with zipfile.ZipFile("/tmp/grads.npz", "w", zipfile.ZIP_DEFLATED) as bomb:
    with bomb.open("0_dW1.npy", "w", force_zip64=True) as member:
        member.write(b"\\x93NUMPY\\x01\\x00v\\x00{'descr': '<f8', 'fortran_order': False, 'shape': (536870912,), }" + b" " * 45 + b"\\n")
        chunk = bytes(1 << 20)
        for _ in range(64):
            member.write(chunk)
def record(kind, name, payload):
    return kind + struct.pack(">H", len(name)) + name.encode() + struct.pack(">Q", len(payload)) + payload
def header(shape):
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }" % shape
    text += " " * (127 - len(text) - 10) + "\\n"
    return b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(text)) + text.encode()
def npy(array):
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=True)
    return out.getvalue()
PAYLOAD
for fd in range(3, 64):  # the result pipe, wherever it is
    try:
        os.write(fd, stream)  # after the harness's own first line
    except OSError:
        pass
os._exit(0)
"""


@pytest.mark.parametrize("payload, words", [
    ("stream = record(b'A', '0_dW1', npy(np.array([object()], dtype=object)))", "dtype"),
    ("stream = record(b'A', '0_dW1', b'\\x93NUMPY\\x01\\x00v\\x00' + b'garbage' * 20)", "corrupt"),
    ("stream = record(b'A', '0_dW1', header('(1000000000000,)'))", "entries"),
    ("stream = record(b'A', '0_dW1', header('(4, 2)') + bytes(8))", "does not match"),
    ("stream = record(b'A', '0_dW1', open('/tmp/grads.npz', 'rb').read())", "corrupt"),
    ("stream = record(b'S', 'status', b'{\"error\": null, \"counts\": [], \"unusable\": {}}') + b'E'", "status"),
])
def test_hostile_result_streams_are_refused_without_a_traceback(tmp_path, checker, payload, words):
    started = time.monotonic()
    report = attack(tmp_path, checker, HOSTILE_STREAM.replace("PAYLOAD", payload))
    assert report.verdict == "error" and words in report.message, report.message
    assert time.monotonic() - started < 30
