"""Train the shipped emotion head: `python -m core.nlp.training.emotion_head`.

Reads GoEmotions from ../shared/datasets/goemotions (never copied into the project) and the
project's own support-style lines (data/models/emotion.minilm-attn.v2/support_train.csv), runs
the shipped sentence encoder over them once, keeping the token states of each pass, and trains
one small network on those states (`attention_head.fit_attention_head`) with two outputs: the
product labels and GoEmotions' Ekman labels. Writes head.npz and training.json beside the
training file. support_test.csv is only ever measured on.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.nlp.emotions import (
    EKMAN_LABELS,
    HEAD_NAME,
    LABELS,
    POLARITIES,
    EmotionHead,
    head_dir,
    head_logits,
    predict_ekman,
    predict_emotions,
    save_head,
)
from core.nlp.training.emotion_data import read_csv, read_goemotions, read_support, single_labelled
from core.nlp.training.scores import scores
from core.nlp.training.token_batches import collect_states, read_in_batches
from core.settings import ROOT

GOEMOTIONS_DIR = ROOT.parent / "shared" / "datasets" / "goemotions"
SEED = 0
# Training texts are cut at this many tokens (GoEmotions comments are short; 0.1% are longer).
TRAIN_TOKENS = 64
# Fixed before training, from a dev-split sweep (queries 4, hidden 256, dropout 0.2): Ekman dev
# macro-F1 flattens after 3-4 epochs.
EPOCHS = 4
# Support lines drawn into every step, as a loss of their own beside the batch's 128 comments.
# 5-fold cross-validation on support_train.csv (product / polarity accuracy): 32 -> 0.847 / 0.879,
# 64 -> 0.841 / 0.882, 128 -> 0.829 / 0.882.
SUPPORT_PER_BATCH = 32
# Ekman logits get -ALPHA * log(prior) (rare classes such as disgust and fear are otherwise
# almost never predicted); ALPHA is chosen on the dev split from these.
ALPHAS = (0.0, 0.25, 0.5, 0.75)

# GoEmotions' 28 labels onto the product labels; None: says nothing the product needs.
_GOEMOTIONS = {
    "happy": "admiration amusement approval caring excitement gratitude joy love optimism pride "
    "relief",
    "frustrated": "annoyance disappointment disapproval sadness grief remorse nervousness "
    "embarrassment fear",
    "angry": "anger disgust",
    "confused": "confusion",
    "neutral": "neutral",
    None: "curiosity desire realization surprise",
}
GOEMOTIONS_TO_PRODUCT = {
    name: label for label, names in _GOEMOTIONS.items() for name in names.split()
}


def product_label(names: list[str]) -> str | None:
    """One product label for a GoEmotions comment, or None when its labels disagree."""
    found = {GOEMOTIONS_TO_PRODUCT[name] for name in names} - {None}
    if len(found) > 1:
        found.discard("neutral")
    return found.pop() if len(found) == 1 else None


def training_labels(
    original: list[tuple[str, list[str]]],
    ekman: list[tuple[str, list[str]]],
    support: list[tuple[str, str]],
) -> np.ndarray:
    """(rows, 2): the product label id and the Ekman label id of every training text
    (GoEmotions comments, then support lines), -1 where the text says nothing for that output.
    Ekman: only comments with a single label (91%; on the dev split this measured better than
    counting a multi-label comment once per label). The support lines have no Ekman label."""
    labels = np.full((len(original) + len(support), 2), -1, dtype=np.int64)
    for i, ((_, names), (_, groups)) in enumerate(zip(original, ekman, strict=True)):
        product = product_label(names)
        if product is not None:
            labels[i, 0] = LABELS.index(product)
        if len(groups) == 1:
            labels[i, 1] = EKMAN_LABELS.index(groups[0])
    for j, (_, label) in enumerate(support):
        labels[len(original) + j, 0] = LABELS.index(label)
    return labels


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, average="macro"))


def choose_alpha(logits: np.ndarray, gold: np.ndarray, prior: np.ndarray) -> float:
    """The ALPHAS value whose prior correction gives the best dev macro-F1."""
    return max(ALPHAS, key=lambda a: macro_f1(gold, (logits - a * np.log(prior)).argmax(1)))


def train(
    goemotions: Path, support_csv: Path, encoder: Any, *, with_support: bool = True
) -> dict[str, Any]:
    """Train the network on GoEmotions (and the support lines unless `with_support` is off:
    the card's comparison) and tune the Ekman prior correction on the dev split."""
    from core.nlp.training.attention_head import fit_attention_head

    original = read_goemotions(goemotions / "original", "train")
    ekman = read_goemotions(goemotions / "ekman", "train")
    dev = [(t, g) for t, g in read_goemotions(goemotions / "ekman", "dev") if len(g) == 1]
    if [t for t, _ in original] != [t for t, _ in ekman]:
        raise ValueError("GoEmotions train: original/ and ekman/ rows differ")
    support = read_support(support_csv) if with_support else []
    texts = [t for t, _ in original] + [t for t, _ in support]
    started = time.perf_counter()
    states = collect_states(encoder, texts, TRAIN_TOKENS)
    dev_texts, dev_gold = [t for t, _ in dev], np.array([EKMAN_LABELS.index(g[0]) for _, g in dev])
    dev_states = collect_states(encoder, dev_texts, TRAIN_TOKENS)
    encode_seconds = time.perf_counter() - started

    labels = training_labels(original, ekman, support)
    boosted = np.zeros(len(texts), dtype=bool)
    boosted[len(original) :] = True
    progress: list[float] = []

    def after_epoch(epoch: int, weights: dict[str, np.ndarray]) -> None:
        head = EmotionHead(HEAD_NAME, encoder.name, weights)
        progress.append(round(macro_f1(dev_gold, head_logits(head, dev_states)[1].argmax(1)), 4))

    started = time.perf_counter()
    weights = fit_attention_head(
        states,
        labels,
        outputs=(len(LABELS), len(EKMAN_LABELS)),
        boosted=boosted,
        boost_per_batch=SUPPORT_PER_BATCH if support else 0,
        epochs=EPOCHS,
        seed=SEED,
        after_epoch=after_epoch,
    )
    fit_seconds = time.perf_counter() - started
    ekman_ids = labels[:, 1][labels[:, 1] >= 0]
    prior = np.bincount(ekman_ids, minlength=len(EKMAN_LABELS)) / len(ekman_ids)
    raw = head_logits(EmotionHead(HEAD_NAME, encoder.name, weights), dev_states)[1]
    alpha = choose_alpha(raw, dev_gold, prior)
    weights["out1_b"] = (weights["out1_b"] - alpha * np.log(prior)).astype(np.float32)
    return {
        "head": EmotionHead(HEAD_NAME, encoder.name, weights),
        "counts": {
            "goemotions_train": len(original),
            "ekman_rows": int((labels[:, 1] >= 0).sum()),
            "product_rows_goemotions": int((labels[: len(original), 0] >= 0).sum()),
            "support_rows": len(support),
        },
        "dev_ekman_macro_f1_by_epoch": progress,
        "ekman_prior_alpha": alpha,
        "dev_ekman_macro_f1": round(macro_f1(dev_gold, (raw - alpha * np.log(prior)).argmax(1)), 4),
        "encode_seconds": round(encode_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
    }


def measure(head: EmotionHead, encoder: Any, goemotions: Path, test_csv: Path) -> dict[str, Any]:
    """The card's figures: Ekman test (single-label rows) and the held-out support set."""
    single = single_labelled(read_goemotions(goemotions / "ekman", "test"))
    predicted = read_in_batches(
        encoder, [t for t, _ in single], lambda states: predict_ekman(head, states)
    )
    out: dict[str, Any] = {"ekman_test": scores([g for _, g in single], predicted, EKMAN_LABELS)}
    rows = read_csv(test_csv, polarity=False)
    polar = read_csv(test_csv, polarity=True)
    results = read_in_batches(
        encoder, [t for t, _ in rows], lambda states: predict_emotions(head, states)
    )
    out["support_test"] = scores([g for _, g in rows], [r.label for r in results], LABELS)
    out["support_test_polarity"] = scores(
        [g for _, g in polar], [r.polarity for r in results], POLARITIES
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.nlp.training.emotion_head")
    parser.add_argument("--goemotions", type=Path, default=GOEMOTIONS_DIR)
    parser.add_argument("--out", type=Path, default=head_dir(HEAD_NAME))
    parser.add_argument(
        "--compare", action="store_true", help="also train without the support lines (card)"
    )
    args = parser.parse_args(argv)

    from core.nlp.loading import load_encoder
    from core.settings import get_settings

    encoder = load_encoder(get_settings().encoder_path)
    support_csv, test_csv = args.out / "support_train.csv", args.out / "support_test.csv"
    trained = train(args.goemotions, support_csv, encoder)
    save_head(trained["head"], args.out)
    keys = (
        "counts",
        "dev_ekman_macro_f1_by_epoch",
        "ekman_prior_alpha",
        "dev_ekman_macro_f1",
        "encode_seconds",
        "fit_seconds",
    )
    summary = {
        "head": HEAD_NAME,
        "date": datetime.date.today().isoformat(),
        "encoder": encoder.name,
        **{k: trained[k] for k in keys},
        "shipped": measure(trained["head"], encoder, args.goemotions, test_csv),
    }
    if args.compare:
        alone = train(args.goemotions, support_csv, encoder, with_support=False)
        summary["goemotions_only"] = measure(alone["head"], encoder, args.goemotions, test_csv)
    (args.out / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
