"""Where a person's code runs: a bubblewrap sandbox with its own namespaces, uid and limits.

The sandbox sees, read-only, only what Python and NumPy need: /usr (the shared libraries), the
interpreter's own prefix with every site-packages folder hidden behind an empty read-only tmpfs,
NumPy (bound back, alone, at its own path) and the job folder (/job: the harness, the person's file and the
inputs). It writes only into a private, size-limited /tmp. It has no network (its own network
namespace, loopback down), its own PID namespace (every process in it dies with it; nothing outside
it can be seen, signalled or ptraced), no capabilities, no new privileges, and an empty environment.
Run as root (CI, a container), bwrap mounts everything and setpriv then drops to a fresh
unprivileged uid per sandbox, so the code owns no file outside and shares no process limit with
anyone; run as an ordinary user, an unprivileged user namespace maps the caller's own uid inside.
symnn itself is never bound, so it cannot be imported there.

`mechanism()` probes once per process which of these works here (bwrap can fail inside a container
that forbids namespaces); None means no isolation is available and --code refuses untrusted code.
"""
from __future__ import annotations

import os
import secrets
import shutil
import site
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

INSTALL_HINT = ("no sandbox is available to run untrusted code: install bubblewrap (apt-get install bubblewrap; "
                "dnf install bubblewrap) and allow user namespaces, or pass --trust-code to run it unsandboxed")
JOB_INSIDE = "/job"
TMP_BYTES = 64 << 20
UID_RANGE = (200_000, 1_000_000)  # outside every distribution's range of real accounts


@dataclass(frozen=True)
class Mechanism:
    name: str  # "bwrap" or "none"
    mode: str  # "root+setpriv" (own uid per sandbox), "userns" (caller's uid, mapped), "trusted" (no sandbox)
    version: str = ""

    def describe(self) -> str:
        if self.name == "none":
            return "none (--trust-code: the code ran unsandboxed, with only time and memory limits)"
        who = "a fresh unprivileged uid" if self.mode == "root+setpriv" else "the caller's uid in a user namespace"
        return (f"{self.version or 'bubblewrap'}: own mount, PID, network, IPC and UTS namespaces, no network, "
                f"read-only system view, private /tmp, {who}, no capabilities")


TRUSTED = Mechanism("none", "trusted")


def numpy_folder() -> Path:
    import numpy

    return Path(numpy.__file__).resolve().parent


def _python() -> Path:
    return Path(os.path.realpath(sys.executable))


def _site_folders() -> set[Path]:
    """Every folder an interpreter could import third-party code (symnn among it) from."""
    found = set()
    candidates = list(getattr(site, "getsitepackages", lambda: [])()) + [site.getusersitepackages()]
    candidates += [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    candidates += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    for prefix in {"/usr", "/usr/local", sys.base_prefix, sys.prefix}:
        for lib in ("lib", "lib64"):
            base = Path(prefix) / lib
            if base.is_dir():
                candidates += [str(p) for p in base.glob("python3*/*-packages")] + [str(p) for p in base.glob("python3/*-packages")]
    try:
        import symnn  # where this copy of symnn lives (a checkout, an editable install)

        candidates.append(str(Path(symnn.__file__).resolve().parent))
    except ImportError:  # pragma: no cover
        pass
    for candidate in candidates:
        path = Path(os.path.realpath(candidate))
        if path.is_dir():
            found.add(path)
    return found


def _within(path: Path, roots) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _dirs(path: Path, made: set) -> list[str]:
    """bwrap arguments that create path's missing parents world-traversable (bwrap's own are 0700)."""
    args = []
    for parent in reversed(path.parents):
        if str(parent) != "/" and parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(mode: str, job: Path, command: list[str], uid: int | None = None, info_fd: int | None = None) -> list[str]:
    """The bwrap command line running `command` (paths as seen inside) over the job folder; bwrap
    writes the sandbox's init pid to info_fd (closed before the code runs)."""
    bwrap = shutil.which("bwrap")
    roots, made = [Path("/usr")], set()
    args = [bwrap] + (["--info-fd", str(info_fd)] if info_fd is not None else []) + ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv",
            "--ro-bind", "/usr", "/usr"]
    made.add(Path("/usr"))
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
            roots.append(path)
    for name in ("/etc/ld.so.cache", "/etc/alternatives"):  # the loader's cache; Debian's BLAS choice
        if os.path.exists(name):
            args += _dirs(Path(name), made) + ["--ro-bind", name, name]
    python = _python()
    prefix = Path(os.path.realpath(sys.base_prefix))
    for path in (prefix, python):
        if not _within(path, roots):
            args += _dirs(path, made) + ["--ro-bind", str(path), str(path)]
            roots.append(path)
    hidden = sorted(h for h in _site_folders() if _within(h, roots))
    for folder in hidden:
        args += ["--perms", "0755", "--tmpfs", str(folder)]
    # NumPy alone comes back at its own path (inside its hidden site-packages, or with its parents
    # made), so the relative RPATHs of its libraries keep working: the wheels' numpy.libs, conda's lib/
    numpy_dir = numpy_folder()
    if numpy_dir.parent not in hidden and not _within(numpy_dir.parent, roots):
        args += _dirs(numpy_dir, made)
    for path in (numpy_dir, numpy_dir.with_name("numpy.libs")):
        if path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for folder in hidden:  # after NumPy is bound into it: the rest of the tmpfs is empty and read-only
        args += ["--remount-ro", str(folder)]
    args += ["--ro-bind", str(job), JOB_INSIDE, "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp"]
    for key, value in sandbox_environment().items():
        args += ["--setenv", key, value]
    if mode == "root+setpriv":
        setpriv = shutil.which("setpriv")
        uid = uid if uid is not None else fresh_uid()
        return args + ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", setpriv, f"--reuid={uid}",
                       f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"] + command
    return args + ["--unshare-user", "--disable-userns", "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL", "--"] + command


def sandbox_environment() -> dict:
    return {"PATH": "/usr/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def fresh_uid() -> int:
    return UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])


def python_inside() -> str:
    return str(_python())


def prepare_job_folder(job: Path, mechanism: Mechanism, uid: int | None) -> None:
    """Make the job folder readable by the sandbox's uid and nobody else (it holds the inputs)."""
    if mechanism.mode == "root+setpriv" and uid is not None:
        for path in [job, *job.iterdir()]:
            os.chown(path, uid, uid)
            os.chmod(path, 0o500 if path.is_dir() else 0o400)


@lru_cache(maxsize=1)
def mechanism() -> Mechanism | None:
    """The isolation that works here, probed once (a real sandbox start that imports NumPy)."""
    if sys.platform != "linux" or shutil.which("bwrap") is None or os.environ.get("SYMNN_NO_SANDBOX"):
        return None
    version = _version()
    modes = (["root+setpriv"] if os.geteuid() == 0 and shutil.which("setpriv") else []) + ["userns"]
    for mode in modes:
        if _probe(mode):
            return Mechanism("bwrap", mode, version)
    return None


def _version() -> str:
    try:
        out = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "bubblewrap"


def _probe(mode: str) -> bool:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="symnn-probe-") as folder:
        job = Path(folder)
        (job / "probe.py").write_text(f"import sys\nsys.path.insert(0, {str(numpy_folder().parent)!r})\nimport numpy\n"
                                      "print('ok', numpy.__version__)\n", encoding="utf-8")
        uid = fresh_uid() if mode == "root+setpriv" else None
        prepare_job_folder(job, Mechanism("bwrap", mode), uid)
        command = bwrap_command(mode, job, [python_inside(), "-I", "-S", "-B", f"{JOB_INSIDE}/probe.py"], uid)
        try:
            out = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
        return out.returncode == 0 and out.stdout.startswith(b"ok ")
