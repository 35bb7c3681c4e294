"""`python -m core.nlp.training.evaluate emotions --test TEST.csv [--polarity]`: accuracy,
macro-F1 and per-class figures of the emotion head on a labelled file.

TEST is a CSV with `text,label` (product labels happy/frustrated/angry/confused/neutral, or the
GoEmotions Ekman labels anger/disgust/fear/joy/neutral/sadness/surprise, which select the Ekman
head); with --polarity the labels are negative/neutral/positive, read from a `polarity` column
when there is one. A GoEmotions TSV (`text<TAB>label ids<TAB>id`, `labels.txt` beside it) is read
directly, keeping the rows with a single label, e.g.
`--test ../shared/datasets/goemotions/ekman/test.tsv`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from core.nlp.emotions import EKMAN_LABELS, HEAD_NAME, LABELS, POLARITIES
from core.nlp.training.emotion_data import read_csv, read_goemotions, single_labelled
from core.nlp.training.scores import scores
from core.nlp.training.token_batches import read_in_batches


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "emotions", help="emotion (or --polarity) classification: accuracy, macro-F1"
    )
    parser.add_argument("--test", type=Path, required=True, help="text,label CSV or GoEmotions TSV")
    parser.add_argument("--polarity", action="store_true", help="labels are polarities")
    parser.add_argument("--head", default=HEAD_NAME, help="versioned head in data/models/")
    parser.add_argument(
        "--model", type=Path, default=None, help="a local HF text-classification model instead"
    )
    return parser


def _label_set(gold: list[str], polarity: bool) -> tuple[str, tuple[str, ...]]:
    found = set(gold)
    if polarity:
        space: tuple[str, tuple[str, ...]] = ("polarity", POLARITIES)
    elif found <= set(LABELS):
        space = ("product", LABELS)
    elif found <= set(EKMAN_LABELS):
        space = ("ekman", EKMAN_LABELS)
    else:
        raise ValueError(f"labels {sorted(found)} are neither {LABELS} nor {EKMAN_LABELS}")
    if not found <= set(space[1]):
        raise ValueError(f"labels {sorted(found - set(space[1]))} are not among {space[1]}")
    return space


def _predict(args: argparse.Namespace, texts: list[str], space: str) -> tuple[list[str], float]:
    """Predicted labels and the seconds spent after the encoder (head or model only)."""
    from core.nlp import emotions

    if args.model is not None:
        if space == "ekman":
            raise ValueError("--model predicts product labels; the Ekman test needs the head")
        from core.nlp.loading import load_text_classifier

        classifier = load_text_classifier(args.model)
        start = time.perf_counter()
        results = emotions.predict_emotions_with_model(classifier, texts)
        seconds = time.perf_counter() - start
    else:
        from core.nlp.loading import load_encoder
        from core.settings import get_settings

        head = emotions.load_head(args.head)
        encoder = load_encoder(get_settings().encoder_path, quantized=get_settings().ENCODER_INT8)
        spent = [0.0]

        def timed(read: Any) -> Any:
            def run(states: Any) -> Any:
                start = time.perf_counter()
                out = read(head, states)
                spent[0] += time.perf_counter() - start
                return out

            return run

        if space == "ekman":
            labels = read_in_batches(encoder, texts, timed(emotions.predict_ekman))
            return labels, spent[0]
        results = read_in_batches(encoder, texts, timed(emotions.predict_emotions))
        seconds = spent[0]
    if space == "polarity":
        return [r.polarity for r in results], seconds
    return [r.label for r in results], seconds


def run(args: argparse.Namespace) -> dict[str, Any]:
    polarity = bool(args.polarity)
    if args.test.suffix == ".tsv":
        rows = single_labelled(read_goemotions(args.test.parent, args.test.stem))
    else:
        rows = read_csv(args.test, polarity=polarity)
    if not rows:
        raise ValueError(f"no labelled texts in {args.test}")
    texts = [text for text, _ in rows]
    gold = [label for _, label in rows]
    space, labels = _label_set(gold, polarity)
    predicted, seconds = _predict(args, texts, space)
    return {
        "task": "emotions",
        "model": str(args.model) if args.model is not None else args.head,
        "labels": space,
        "texts": len(rows),
        **scores(gold, predicted, labels),
        "ms_per_text": round(1000 * seconds / len(rows), 4),
    }
