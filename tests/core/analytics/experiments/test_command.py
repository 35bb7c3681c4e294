"""python -m core.analytics.experiments: the last printed line is the report; bad input gets one
line on stderr, exit status 2 and nothing on stdout."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.analytics.experiments.__main__ import main

REPO = Path(__file__).resolve().parents[4]
MEAN_ARMS = [
    {"n": 3407, "sum": 1396.87, "sum_squares": 52377.9767},
    {"n": 3461, "sum": 2422.7, "sum_squares": 134698.29},
]


def _write(tmp_path: Path, payload: Any) -> Path:
    path = tmp_path / "experiment.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return path


def run_subprocess(tmp_path: Path, payload: Any) -> subprocess.CompletedProcess[str]:
    path = _write(tmp_path, payload)
    return subprocess.run(
        [sys.executable, "-m", "core.analytics.experiments", "--input", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def run(tmp_path: Path, payload: Any) -> subprocess.CompletedProcess[str]:
    """The command's main() in this process (a subprocess costs ~2 s of scipy imports)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["--input", str(_write(tmp_path, payload))])
    return subprocess.CompletedProcess([], code, stdout.getvalue(), stderr.getvalue())


def report(tmp_path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    done = run(tmp_path, payload)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_frequentist_mean_by_default_as_a_subprocess(tmp_path: Path) -> None:
    # gbstats packages/stats/tests/frequentist/test_tests.py, test_two_sided_ttest
    done = run_subprocess(tmp_path, {"metric": "mean", "arms": MEAN_ARMS, "weights": [0.5, 0.5]})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    [variant] = out["variants"]
    assert round(variant["expected"], 4) == 0.7073
    assert [round(x, 4) for x in variant["ci"]] == [-0.0353, 1.4499]
    assert round(variant["se"], 4) == 0.3788
    assert round(variant["p_value"], 4) == 0.0619
    assert variant["chance_to_win"] is None and variant["risk"] is None
    assert variant["p_value_adjusted"] is None  # one comparison: nothing to correct
    assert 0.5 < out["srm_p_value"] < 0.52 and out["srm_warning"] is False


def test_bayesian_proportion(tmp_path: Path) -> None:
    # gbstats packages/stats/tests/bayesian/test_tests.py, TestBinom.test_bayesian_binomial_ab_test
    arms = [{"n": 100, "successes": 49}, {"n": 100, "successes": 51}]
    out = report(tmp_path, {"metric": "proportion", "arms": arms, "engine": "bayesian"})
    [variant] = out["variants"]
    assert round(variant["chance_to_win"], 4) == 0.6092
    assert [round(x, 4) for x in variant["risk"]] == [0.0814, 0.0406]
    assert variant["p_value"] is None
    assert variant["enough_data"] is False  # 49 + 51 conversions: below 150


def test_sequential_and_absolute_options(tmp_path: Path) -> None:
    out = report(
        tmp_path,
        {"metric": "mean", "arms": MEAN_ARMS, "sequential": True, "n_star": 1000},
    )
    fixed = report(tmp_path, {"metric": "mean", "arms": MEAN_ARMS})
    seq_ci, fixed_ci = out["variants"][0]["ci"], fixed["variants"][0]["ci"]
    assert seq_ci[0] < fixed_ci[0] and seq_ci[1] > fixed_ci[1]
    absolute = report(tmp_path, {"metric": "mean", "arms": MEAN_ARMS, "relative": False})
    assert round(absolute["variants"][0]["expected"], 4) == 0.29


def test_srm_and_not_enough_data(tmp_path: Path) -> None:
    arms = [{"n": 1000, "successes": 70}, {"n": 1200, "successes": 79}]
    out = report(tmp_path, {"metric": "proportion", "arms": arms, "weights": [0.5, 0.5]})
    assert out["srm_warning"] is True and out["srm_p_value"] < 0.001
    assert out["variants"][0]["enough_data"] is False  # 149 conversions
    arms[1]["successes"] = 80
    assert report(tmp_path, {"metric": "proportion", "arms": arms})["variants"][0]["enough_data"]


def test_three_variants_get_holm_or_benjamini_hochberg(tmp_path: Path) -> None:
    arms = [{"n": 2000, "successes": k} for k in (200, 240, 215, 230)]
    holm = report(tmp_path, {"metric": "proportion", "arms": arms})
    assert holm["correction"] == "holm"
    raw = [v["p_value"] for v in holm["variants"]]
    adjusted = [v["p_value_adjusted"] for v in holm["variants"]]
    assert all(a >= r for a, r in zip(adjusted, raw, strict=True))
    assert adjusted[0] == pytest.approx(min(1.0, 3 * min(raw)))
    bh = report(
        tmp_path, {"metric": "proportion", "arms": arms, "correction": "benjamini-hochberg"}
    )
    assert bh["variants"][0]["p_value_adjusted"] == pytest.approx(3 * min(raw))
    assert bh["variants"][1]["p_value_adjusted"] <= holm["variants"][1]["p_value_adjusted"]


def test_undefined_figures_are_null_with_a_reason(tmp_path: Path) -> None:
    arms = [{"n": 500, "successes": 0}, {"n": 500, "successes": 12}]
    done = run(tmp_path, {"metric": "proportion", "arms": arms})
    [variant] = json.loads(done.stdout.splitlines()[-1])["variants"]
    assert variant["expected"] is None and variant["p_value"] is None
    assert "control mean is zero" in variant["error"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"metric": "mean", "arms": MEAN_ARMS, "weights": [0.5, 0.6]}, "sum to 1"),
        ({"metric": "median", "arms": MEAN_ARMS}, "unknown metric"),
        ({"metric": "mean", "arms": MEAN_ARMS, "engine": "magic"}, "unknown engine"),
        ("{not json", "not valid JSON"),
        ('["a list"]', "JSON object"),
        ({"metric": "proportion", "arms": [{"n": -5, "successes": 1}] * 2}, "negative"),
        ({"metric": "proportion", "arms": [{"n": 5, "successes": 6}] * 2}, "exceed"),
        ({"metric": "mean", "arms": MEAN_ARMS[:1]}, "at least two arms"),
        ({"metric": "mean"}, "at least two arms"),
        ({"metric": "mean", "arms": [{"n": 10, "sum": 5}] * 2}, "missing sum_squares"),
        ({"metric": "mean", "arms": MEAN_ARMS, "weights": [1.0]}, "1 entries for 2 arms"),
        ({"metric": "mean", "arms": MEAN_ARMS, "alpha": 2}, "alpha"),
        ({"metric": "mean", "arms": MEAN_ARMS, "sequential": "yes"}, "true or false"),
        ({"metric": "mean", "arms": MEAN_ARMS, "engine": "bayesian", "sequential": True}, "only"),
        ({"metric": "mean", "arms": MEAN_ARMS, "prior": {"mean": 0, "variance": 0.09}}, "only"),
        ({"metric": "mean", "arms": MEAN_ARMS, "weigths": [0.5, 0.5]}, "unknown key"),
    ],
)
def test_bad_input_is_refused_in_one_line(tmp_path: Path, payload: Any, message: str) -> None:
    done = run(tmp_path, payload)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr


def test_malformed_file_as_a_subprocess(tmp_path: Path) -> None:
    done = run_subprocess(tmp_path, '{"metric": "mean", "arms": [')
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "not valid JSON" in done.stderr


def test_missing_file(tmp_path: Path) -> None:
    done = run(tmp_path, "{}")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["--input", str(tmp_path / "absent.json")])
    assert done.returncode == 2 and code == 2 and "cannot read" in stderr.getvalue()
