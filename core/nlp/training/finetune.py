"""Fine-tune the sentence encoder on the business's own questions, phrasings and answers.

    python -m core.nlp.training.finetune       # the business's published FAQs
    python -m core.nlp.training.finetune --faqs FAQS.csv --queries QUERIES.csv
                    # `faq_id,question,answer` and `text,faq_id` (e.g. StackFAQ)

Each FAQ's phrasings are split: a held-out share (--holdout, 0.3) is only ever used to evaluate;
the rest trains. Training is contrastive (the multiple-negatives ranking loss of
sentence-transformers, written out in a few lines of torch in `contrastive.py`): each anchor
must pick its own positive out of the batch; pairs are phrasing -> question, phrasing -> answer
and question -> answer; another text of the same FAQ in the batch is never counted as a
negative. One epoch of about 1,000 pairs takes a few minutes on one CPU core.

Before and after, retrieval is measured the way the chat server answers: every FAQ indexed by
its question and its training phrasings, each held-out phrasing a query (top-1 accuracy, MRR).
The new model is saved as the next version beside the old ones (DATA_DIR/models/encoder.vN,
with finetune.json and a model card); it is adopted (DATA_DIR/models/ADOPTED names it and the
chat server loads it at its next start) only if its top-1 is higher, or equal with a higher MRR,
and the shipped emotion head, which reads the same encoder's token states, keeps its polarity
accuracy on the support-style test set within two points.
Every run is appended to DATA_DIR/models/finetune-history.jsonl. Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.nlp.loading import Encoder, load_encoder
from core.nlp.retrieval import FaqDoc, build_index, search
from core.nlp.training.contrastive import save_encoder, train_contrastive
from core.nlp.training.faq_sets import (
    Faq,
    Split,
    faqs_from_csv,
    faqs_from_entries,
    split_phrasings,
    training_pairs,
)
from core.nlp.training.token_batches import read_in_batches

ADOPTED = "ADOPTED"
HISTORY = "finetune-history.jsonl"


def retrieval_scores(
    encoder: Encoder, split: Split, *, questions_only: bool = False
) -> dict[str, Any]:
    """Top-1 and MRR of the held-out phrasings against question + training phrasings (as the
    chat server indexes FAQs), or against the questions alone (the published StackFAQ setup)."""
    ids = {faq.faq_id: i for i, faq in enumerate(split.faqs)}
    docs = [
        FaqDoc(
            i,
            f.question,
            f.answer,
            (f.question,) if questions_only else tuple(dict.fromkeys([f.question, *f.phrasings])),
        )
        for i, f in enumerate(split.faqs)
    ]
    index = build_index(docs, lambda texts: _encode(encoder, texts))
    queries = [text for text, _ in split.held_out]
    ranked = search(index, _encode(encoder, queries), k=len(docs))
    top1, rr = 0, 0.0
    for (_, faq_id), matches in zip(split.held_out, ranked, strict=True):
        order = [m.faq_id for m in matches]
        want = ids[faq_id]
        top1 += order[0] == want
        rr += 1 / (order.index(want) + 1)
    n = max(1, len(queries))
    return {"top1": round(top1 / n, 4), "mrr": round(rr / n, 4), "queries": len(queries)}


def _encode(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    return np.concatenate([encoder.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)])


def train(
    encoder: Encoder,
    pairs: Sequence[tuple[str, str, str]],
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    scale: float,
    seed: int,
) -> dict[str, Any]:
    """Contrastive fine-tuning of the encoder in place (the torch part is in contrastive.py)."""
    rng = random.Random(seed)
    batches = []
    for _ in range(epochs):
        order = list(pairs)
        rng.shuffle(order)
        batches += [
            order[i : i + batch_size] for i in range(0, len(order) - batch_size + 1, batch_size)
        ]
    started = time.perf_counter()
    losses = train_contrastive(
        encoder, batches, learning_rate=learning_rate, scale=scale, seed=seed
    )
    return {
        "steps": len(losses),
        "first_loss": round(float(np.mean(losses[:5])), 4) if losses else None,
        "last_loss": round(float(np.mean(losses[-5:])), 4) if losses else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


EMOTION_TOLERANCE = 0.02  # polarity accuracy the emotion head may lose on a new encoder


def better(after: dict[str, Any], before: dict[str, Any]) -> bool:
    if (after["top1"], after["mrr"]) <= (before["top1"], before["mrr"]):
        return False
    emotion_before, emotion_after = before.get("emotion_polarity"), after.get("emotion_polarity")
    if emotion_before is None or emotion_after is None:
        return True
    return bool(emotion_after >= emotion_before - EMOTION_TOLERANCE)


def next_version(models_dir: Path) -> Path:
    taken = [int(p.name.rsplit(".v", 1)[1]) for p in models_dir.glob("encoder.v*") if p.is_dir()]
    return models_dir / f"encoder.v{max(taken, default=1) + 1}"


def emotion_polarity_accuracy(encoder: Encoder) -> float | None:
    """The shipped emotion head reads this encoder's token states: its polarity accuracy on the
    held-out support-style set, so a fine-tune that shifts the embedding space too far for it
    is not adopted."""
    from core.nlp.emotions import head_dir, load_head, predict_emotions

    try:
        head = load_head()
    except FileNotFoundError:
        return None
    with open(head_dir() / "support_test.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    readings = read_in_batches(
        encoder, [r["text"] for r in rows], lambda states: predict_emotions(head, states)
    )
    right = sum(r.polarity == row["polarity"] for r, row in zip(readings, rows, strict=True))
    return round(right / max(1, len(rows)), 4)


def faqs_from_database() -> list[Faq]:
    """The business's published FAQs, read through `core.crud` (imported here so that a run on
    CSV files never opens the database)."""
    from core.crud import faqs as faq_crud
    from core.db import session_scope

    with session_scope() as session:
        return faqs_from_entries(faq_crud.list_faqs(session=session, published_only=True))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core.nlp.training.finetune", description=__doc__
    )
    parser.add_argument("--faqs", type=Path)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--holdout", type=float, default=0.3)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models-dir", type=Path, help="default: DATA_DIR/models")
    parser.add_argument(
        "--index",
        choices=("all", "questions"),
        default="all",
        help="evaluate against question + training phrasings (as the chat server) or questions only",
    )
    parser.add_argument("--no-adopt", action="store_true", help="measure and save, never adopt")
    return parser


def _keep(models_dir: Path, out: Path, record: dict[str, Any]) -> None:
    """The run's record and model card beside the weights, a line in the history, and the
    ADOPTED pointer when it was adopted."""
    before, after = record["before"], record["after"]
    (out / "finetune.json").write_text(json.dumps(record, indent=2) + "\n")
    (out / "MODEL_CARD.md").write_text(
        f"# {out.name}\n\nall-MiniLM-L6-v2 ({record['base']}) fine-tuned contrastively on "
        f"{record['pairs']} pairs from {record['faqs']} FAQs by "
        "`python -m core.nlp.training.finetune`.\n\n"
        f"Held-out phrasings ({record['held_out_queries']}): top-1 {before['top1']} -> "
        f"{after['top1']}, MRR {before['mrr']} -> {after['mrr']}. "
        f"Adopted: {'yes' if record['adopted'] else 'no'}.\n"
    )
    with open(models_dir / HISTORY, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    if record["adopted"]:
        (models_dir / ADOPTED).write_text(out.name + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from core.settings import get_settings

    settings = get_settings()
    if (args.faqs is None) != (args.queries is None):
        parser.error("--faqs and --queries go together")
    faqs = faqs_from_csv(args.faqs, args.queries) if args.faqs else faqs_from_database()
    split = split_phrasings(faqs, args.holdout, args.seed)
    if len(split.faqs) < 2 or not split.held_out:
        print("need at least two FAQs with two or more phrasings each", file=sys.stderr)
        return 2
    base = settings.encoder_path
    questions_only = args.index == "questions"
    before: dict[str, Any] = retrieval_scores(
        load_encoder(base), split, questions_only=questions_only
    )
    before["emotion_polarity"] = emotion_polarity_accuracy(load_encoder(base))
    encoder = Encoder(base)  # a fresh copy: the cached one keeps serving "before"
    encoder.use_threads(settings.ENCODER_THREADS)
    pairs = training_pairs(split.faqs)
    run = train(
        encoder,
        pairs,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        scale=args.scale,
        seed=args.seed,
    )
    after: dict[str, Any] = retrieval_scores(encoder, split, questions_only=questions_only)
    after["emotion_polarity"] = emotion_polarity_accuracy(encoder)
    models_dir = args.models_dir or settings.DATA_DIR / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    out = next_version(models_dir)
    save_encoder(encoder, out)
    record = {
        "task": "finetune",
        "model": out.name,
        "base": str(base),
        "faqs": len(split.faqs),
        "pairs": len(pairs),
        "held_out_queries": len(split.held_out),
        "index": args.index,
        "before": before,
        "after": after,
        "training": run,
        "adopted": better(after, before) and not args.no_adopt,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _keep(models_dir, out, record)
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
