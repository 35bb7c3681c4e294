"""The `intents` evaluation: train the intent head on one CSV, measure it on others.

python -m core.nlp.training.evaluate intents --train TRAIN.csv --test TEST.csv [--oos OOS.csv]
python -m core.nlp.training.evaluate_intents make-split --out /tmp/b77 --hold-out 10 --seed 0

CSVs have the columns `text,label` (Banking77's own `text,category` is read as well). Texts in
--oos belong to intents the training data does not have; they should come out out of scope.

accuracy and macro_f1 score the first intent of every test text; in_scope_accuracy counts a test
text right only when that intent is right and its confidence reaches the threshold (a text sent
to the clarifying question counts as wrong, as in CLINC150); oos_recall is the share of --oos
texts below the threshold; ece is the top-label expected calibration error (15 bins) on --test.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import ROOT

BATCH = 64
CURVE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TIMED_MESSAGES = 200


def add_parser(subparsers: Any) -> None:
    from core.nlp.intents import MARGIN
    from core.settings import Settings

    parser = subparsers.add_parser(
        "intents", help="intent head: accuracy, macro-F1, out-of-scope recall, calibration"
    )
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--oos", type=Path, help="texts of intents missing from --train")
    threshold = Settings.model_fields["INTENT_THRESHOLD"].default  # the product's default
    parser.add_argument("--threshold", type=float, default=threshold)
    parser.add_argument("--margin", type=float, default=MARGIN)
    parser.add_argument("--save", type=Path, help="also write the trained head here (.npz)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    from sklearn.metrics import f1_score

    from core.nlp.intents import (
        intent_probabilities,
        predict_intents,
        save_intents,
        train_intents,
    )
    from core.nlp.loading import load_encoder
    from core.settings import get_settings

    train_texts, train_labels = read_labelled(args.train)
    test_texts, test_labels = read_labelled(args.test)
    oos_texts = read_labelled(args.oos)[0] if args.oos else []
    if not test_texts:
        raise ValueError(f"{args.test} has no rows")
    encoder = load_encoder(get_settings().encoder_path, quantized=get_settings().ENCODER_INT8)

    def encode(texts: list[str]) -> np.ndarray:
        parts = [encoder.encode(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, encoder.dim), np.float32)

    started = time.perf_counter()
    train_x = encode(train_texts)
    test_x = encode(test_texts)
    oos_x = encode(oos_texts)
    encode_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = train_intents(train_x, train_labels)
    train_seconds = time.perf_counter() - started
    if args.save:
        save_intents(model, args.save)

    started = time.perf_counter()
    timed = test_x[:TIMED_MESSAGES]
    for i in range(len(timed)):
        predict_intents(model, timed[i : i + 1], threshold=args.threshold)
    head_ms = 1000 * (time.perf_counter() - started) / max(1, len(timed))

    results = predict_intents(model, test_x, threshold=args.threshold, margin=args.margin)
    predicted = [r.label for r in results]
    correct = np.asarray([p == g for p, g in zip(predicted, test_labels, strict=True)])
    confidence = np.asarray([r.confidence for r in results])
    raw = intent_probabilities(model, test_x, calibrated=False).max(axis=1)
    answered = ~np.asarray([r.out_of_scope for r in results], dtype=bool)
    out: dict[str, Any] = {
        "task": "intents",
        "train": len(train_texts),
        "intents": len(model.labels),
        "test": len(test_texts),
        "unseen_test_labels": len(set(test_labels) - set(model.labels)),
        "accuracy": _r(correct.mean()),
        "macro_f1": _r(f1_score(test_labels, predicted, average="macro", zero_division=0)),
        "threshold": args.threshold,
        "margin": args.margin,
        "answered": _r(answered.mean()),
        "in_scope_accuracy": _r((correct & answered).mean()),
        "ambiguous": _r(np.mean([r.ambiguous for r in results])),
        "ece": _r(expected_calibration_error(confidence, correct)),
        "ece_uncalibrated": _r(expected_calibration_error(raw, correct)),
        "temperature": _r(model.temperature),
        "train_seconds": round(train_seconds, 2),
        "encode_ms_per_text": round(
            1000 * encode_seconds / max(1, len(train_texts) + len(test_texts) + len(oos_texts)), 2
        ),
        "head_ms_per_message": round(head_ms, 3),
    }
    if oos_texts:
        out |= _out_of_scope(model, oos_x, args, correct=correct, confidence=confidence)
    return out


def _out_of_scope(
    model: Any, oos_x: np.ndarray, args: argparse.Namespace, *, correct: Any, confidence: Any
) -> dict[str, Any]:
    """How many out-of-scope queries are flagged, and the trade-off at every threshold."""
    from core.nlp.intents import predict_intents

    oos = predict_intents(model, oos_x, threshold=args.threshold, margin=args.margin)
    oos_conf = np.asarray([r.confidence for r in oos])
    return {
        "oos": len(oos),
        "oos_recall": _r(np.mean([r.out_of_scope for r in oos])),
        "oos_recall_with_ambiguous": _r(np.mean([r.out_of_scope or r.ambiguous for r in oos])),
        # Reported for every threshold, chosen for none: the test split never tunes anything.
        "curve": [
            {
                "threshold": t,
                "oos_recall": _r((oos_conf < t).mean()),
                "in_scope_accuracy": _r((correct & (confidence >= t)).mean()),
            }
            for t in CURVE
        ],
    }


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 15
) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width
    confidence bins weighted by how many predictions fall in each."""
    if len(confidence) == 0:
        return 0.0
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in np.unique(which):
        members = which == b
        total += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return float(total)


def read_labelled(path: Path) -> tuple[list[str], list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if rows and "label" not in rows[0] and "category" not in rows[0]:
        raise ValueError(f"{path}: needs the columns text,label")
    texts = [row["text"] for row in rows]
    labels = [row.get("label") or row.get("category") or "" for row in rows]
    return texts, labels


def make_split(data: Path, out: Path, hold_out: int, seed: int) -> dict[str, Any]:
    """Write train.csv, test.csv (known intents) and oos.csv (the test queries of `hold_out`
    intents removed from both) from a Banking77-style folder, outside the project."""
    out = out.resolve()
    if out == ROOT or ROOT in out.parents:
        raise ValueError(f"{out} is inside the project; datasets are never copied into it")
    train = list(zip(*read_labelled(data / "train.csv"), strict=True))
    test = list(zip(*read_labelled(data / "test.csv"), strict=True))
    intents = sorted({label for _, label in train})
    if not 0 <= hold_out < len(intents) - 1:
        raise ValueError(f"cannot hold out {hold_out} of {len(intents)} intents")
    held = sorted(random.Random(seed).sample(intents, hold_out))
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "train.csv": [row for row in train if row[1] not in held],
        "test.csv": [row for row in test if row[1] not in held],
        "oos.csv": [row for row in test if row[1] in held],
    }
    for name, rows in files.items():
        with open(out / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text", "label"])
            writer.writerows(rows)
    return {
        "task": "make-split",
        "out": str(out),
        "seed": seed,
        "held_out": held,
        **{name.removesuffix(".csv"): len(rows) for name, rows in files.items()},
    }


def _r(value: float | np.floating[Any]) -> float:
    return round(float(value), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.nlp.training.evaluate_intents")
    sub = parser.add_subparsers(dest="task", required=True)
    add_parser(sub)
    split = sub.add_parser("make-split", help="Banking77 CSVs with some intents held out")
    split.add_argument("--data", type=Path, default=ROOT.parent / "shared/datasets/banking77")
    split.add_argument("--out", type=Path, required=True)
    split.add_argument("--hold-out", type=int, default=10)
    split.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if args.task == "make-split":
            result = make_split(args.data, args.out, args.hold_out, args.seed)
        else:
            result = run(args)
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot evaluate: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
