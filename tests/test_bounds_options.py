"""Issue 10: options that set how much work a command does are finite and bounded.

`--time-limit nan` switched every limit off (NaN compares false, so `seconds > 0` was false), `inf` and
`1e300` crashed the timer (OverflowError in a worker), 0 and negative values also meant "no limit",
and `--workers` had no upper bound. Each is now one line and exit code 2, from the CLI and the API."""
import math
import signal
import time

import pytest

import symnn
from symnn.cli import main
from symnn.errors import LimitExceeded, OptionError
from symnn.limits import MAX_SECONDS, MAX_WORKERS, checked_count, checked_seconds, time_limit

BAD_SECONDS = ["nan", "inf", "-inf", "1e300", "0", "-1", str(MAX_SECONDS + 1)]


def one_line_error(capsys, argv):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("symnn: error: ") and "Traceback" not in err
    return err


@pytest.mark.parametrize("value", BAD_SECONDS)
@pytest.mark.parametrize("command", [
    ["check", "2-2-1", "dW1 = dZ1 @ X.T", "--time-limit"],
    ["check", "--function", "x^2", "df/dx = 2*x", "--time-limit"],
    ["hessian", "x^2 + y^2", "--solve-seconds"],
    ["newton", "x^2", "--x0", "1", "--solve-seconds"],
])
def test_a_time_limit_must_be_finite_positive_and_bounded(capsys, command, value):
    err = one_line_error(capsys, command[:-1] + [f"{command[-1]}={value}"])  # = so that -1 is not read as an option
    assert "at most 600" in err


@pytest.mark.parametrize("value", ["0", "-1", str(MAX_WORKERS + 1), "100000"])
def test_workers_are_bounded(capsys, value):
    err = one_line_error(capsys, ["check", "2-2-1", "dW1 = dZ1 @ X.T", f"--workers={value}"])
    assert f"between 1 and {MAX_WORKERS}" in err


@pytest.mark.parametrize("argv", [
    ["newton", "x^2", "--x0", "1", "--tol", "nan"],
    ["newton", "x^2", "--x0", "1", "--tol", "inf"],
    ["newton", "x^2", "--x0", "1", "--max-iter", "100000000"],
    ["newton", "x^2", "--x0", "1", "--compare-gd", "--gd-max-iter", "1000000000"],
    ["hessian", "2-1", "--network", "--train", "--lr", "nan"],
])
def test_newton_options_are_bounded(capsys, argv):
    one_line_error(capsys, argv)


@pytest.mark.parametrize("options", [{"time_limit": math.nan}, {"time_limit": math.inf}, {"time_limit": "5"},
                                     {"workers": 0}, {"workers": 2.5}, {"workers": True}])
def test_the_api_refuses_the_same(options):
    with pytest.raises(OptionError):
        symnn.check("2-2-1", ["dW1 = dZ1 @ X.T"], **options)


def test_the_edges_of_the_ranges_are_accepted():
    assert checked_seconds(MAX_SECONDS) == MAX_SECONDS and checked_seconds(1e-6) == 1e-6
    assert checked_count(MAX_WORKERS, "workers", MAX_WORKERS) == MAX_WORKERS
    report = symnn.check("2-2-1", ["dW1 = 1/m * dZ1 @ X.T"], time_limit=MAX_SECONDS, workers=1)
    assert report.verdicts[0].verdict == "correct"


@pytest.mark.parametrize("seconds", [math.nan, math.inf, 0, -1])
def test_time_limit_never_silently_switches_off(seconds):
    with pytest.raises(ValueError):
        with time_limit(seconds):
            pass


def test_an_inner_limit_does_not_extend_an_enclosing_one():
    """A longer inner limit (the checker's 20 s for matrix formulas inside a 5 s claim) used to replace the
    claim's timer and then re-arm it in full, so the claim's own limit did not cover that work."""
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="outer"):
        with time_limit(0.3, "outer"):
            try:
                with time_limit(20, "inner"):
                    while True:
                        pass
            except LimitExceeded as exc:
                assert "enclosing" in str(exc)
            while True:
                pass
    assert time.monotonic() - started < 5  # the outer 0.3 s, not the inner 20 s
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_a_spec_file_is_read_only_up_to_its_limit(tmp_path, capsys):
    path = tmp_path / "net.toml"
    path.write_text("sizes = [2, 1]\n" + "# padding\n" * 100_000)  # 1 MB: read whole, it used to be parsed whole too
    err = one_line_error(capsys, ["derive", str(path)])
    assert "larger than 64 KB" in err
    path.write_text("sizes = [2, 1]\nloss = \"half_se\"\nactivations = \"linear\"\n")
    assert main(["derive", str(path)]) == 0
