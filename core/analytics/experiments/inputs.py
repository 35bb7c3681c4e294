"""The command's input file, checked: every mistake is one clear sentence (InputError)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.analytics.experiments.bayesian import Prior
from core.analytics.experiments.corrections import CORRECTIONS, HOLM
from core.analytics.experiments.sequential import DEFAULT_N_STAR

METRICS = ("mean", "proportion")
ENGINES = ("frequentist", "bayesian")
WEIGHT_TOLERANCE = 1e-6
_ARM_KEYS = {"mean": ("n", "sum", "sum_squares"), "proportion": ("n", "successes")}
_KEYS = {
    "metric",
    "arms",
    "weights",
    "engine",
    "sequential",
    "n_star",
    "relative",
    "alpha",
    "prior",
    "correction",
}


class InputError(ValueError):
    """The input cannot be analysed; the message says why in one line."""


@dataclass(frozen=True)
class Arm:
    n: int
    total: float  # successes for a proportion, the sum of values for a mean
    sum_squares: float | None  # None for a proportion


@dataclass(frozen=True)
class Experiment:
    metric: str
    arms: tuple[Arm, ...]  # the first is control
    weights: tuple[float, ...]
    engine: str = "frequentist"
    sequential: bool = False
    n_star: float = DEFAULT_N_STAR
    relative: bool = True
    alpha: float = 0.05
    prior: Prior | None = None
    correction: str = HOLM


def load(path: Path) -> Experiment:
    """Read and check an input file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    return parse(data)


def parse(data: Any) -> Experiment:
    """Check a decoded input object and build the Experiment it describes."""
    if not isinstance(data, dict):
        raise InputError("the input must be a JSON object")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r}; expected some of {sorted(_KEYS)}")
    metric = _choice(data, "metric", METRICS, None)
    engine = _choice(data, "engine", ENGINES, "frequentist")
    correction = _choice(data, "correction", CORRECTIONS, HOLM)
    sequential = _flag(data, "sequential", False)
    relative = _flag(data, "relative", True)
    if sequential and engine != "frequentist":
        raise InputError("sequential testing applies to the frequentist engine only")
    alpha = _number(data, "alpha", 0.05)
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be between 0 and 1, got {alpha}")
    n_star = _number(data, "n_star", DEFAULT_N_STAR)
    if n_star <= 0:
        raise InputError(f"n_star must be positive, got {n_star}")
    if data.get("prior") is not None and engine != "bayesian":
        raise InputError("a prior applies to the bayesian engine only")
    arms = _arms(data.get("arms"), metric)
    weights = _weights(data.get("weights"), len(arms))
    return Experiment(
        metric=metric,
        arms=arms,
        weights=weights,
        engine=engine,
        sequential=sequential,
        n_star=n_star,
        relative=relative,
        alpha=alpha,
        prior=_prior(data.get("prior")),
        correction=correction,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = data.get(key, default)
    if value is None:
        raise InputError(f"{key!r} is required, one of {', '.join(allowed)}")
    if value not in allowed:
        raise InputError(f"unknown {key} {value!r}; expected one of {', '.join(allowed)}")
    return str(value)


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"{key!r} must be true or false, got {value!r}")
    return value


def _number(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if not _is_number(value):
        raise InputError(f"{key!r} must be a number, got {value!r}")
    return float(value)


def _arms(raw: Any, metric: str) -> tuple[Arm, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise InputError("'arms' must list at least two arms, control first")
    keys = _ARM_KEYS[metric]
    arms = []
    for index, arm in enumerate(raw):
        where = f"arm {index}"
        if not isinstance(arm, dict):
            raise InputError(f"{where} must be an object with keys {', '.join(keys)}")
        extra = sorted(set(arm) - set(keys))
        missing = [key for key in keys if key not in arm]
        if missing or extra:
            raise InputError(
                f"{where} of a {metric} metric needs exactly {', '.join(keys)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(extra)}" if extra else "")
            )
        for key in keys:
            if not _is_number(arm[key]):
                raise InputError(f"{where}: {key} must be a number, got {arm[key]!r}")
            if arm[key] < 0 and key != "sum":
                raise InputError(f"{where}: {key} must not be negative, got {arm[key]}")
        n = arm["n"]
        if n != int(n):
            raise InputError(f"{where}: n must be a whole number of units, got {n}")
        if metric == "proportion":
            if arm["successes"] > n:
                raise InputError(f"{where}: successes ({arm['successes']}) exceed n ({n})")
            arms.append(Arm(n=int(n), total=float(arm["successes"]), sum_squares=None))
        else:
            total, squares = float(arm["sum"]), float(arm["sum_squares"])
            # Cauchy-Schwarz: sum^2 <= n x sum_squares for any real values.
            if total * total > n * squares * (1 + 1e-9) + 1e-9:
                raise InputError(f"{where}: sum_squares is too small for that sum and n")
            arms.append(Arm(n=int(n), total=total, sum_squares=squares))
    return tuple(arms)


def _weights(raw: Any, count: int) -> tuple[float, ...]:
    if raw is None:
        return tuple([1.0 / count] * count)
    if not isinstance(raw, list) or not all(_is_number(w) for w in raw):
        raise InputError("'weights' must be a list of numbers, one per arm")
    if len(raw) != count:
        raise InputError(f"'weights' has {len(raw)} entries for {count} arms")
    if any(w <= 0 for w in raw):
        raise InputError("every weight must be positive")
    if abs(sum(raw) - 1) > WEIGHT_TOLERANCE:
        raise InputError(f"weights must sum to 1, they sum to {sum(raw):g}")
    return tuple(float(w) for w in raw)


def _prior(raw: Any) -> Prior | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"mean", "variance"}:
        raise InputError("'prior' must be null or an object with keys mean and variance")
    if not (_is_number(raw["mean"]) and _is_number(raw["variance"])) or raw["variance"] <= 0:
        raise InputError("the prior needs a numeric mean and a positive variance")
    return Prior(mean=float(raw["mean"]), variance=float(raw["variance"]))
