"""Evaluation commands; each prints one JSON object as its last line.

python -m core.nlp.training.evaluate pii --data PII.json   # Presidio format, e.g.
    ../shared/datasets/presidio_pii/synth_dataset_v2.json
python -m core.nlp.training.evaluate faq --faqs FAQS.csv --queries QUERIES.csv
python -m core.nlp.training.evaluate intents --train TRAIN.csv --test TEST.csv [--oos OOS.csv]
python -m core.nlp.training.evaluate emotions --test TEST.csv [--polarity]
python -m core.nlp.training.evaluate entities --test FILE.conll [--map src=dst,...]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from core.nlp.training import evaluate_emotions, evaluate_entities, evaluate_intents

PII_KINDS = ("CREDIT_CARD", "US_SSN", "IBAN_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS")


def evaluate_pii(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Span-level precision/recall per kind; a prediction counts when it overlaps a gold span
    of the same kind (each gold span matched once)."""
    from core.nlp.pii import find_pii

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for record in records:
        gold = [
            (s["entity_type"], s["start_position"], s["end_position"])
            for s in record["spans"]
            if s["entity_type"] in PII_KINDS
        ]
        used: set[int] = set()
        for span in find_pii(record["full_text"]):
            hit = next(
                (
                    i
                    for i, (kind, start, end) in enumerate(gold)
                    if i not in used and kind == span.kind and span.start < end and start < span.end
                ),
                None,
            )
            if hit is None:
                fp[span.kind] += 1
            else:
                used.add(hit)
                tp[span.kind] += 1
        for i, (kind, _, _) in enumerate(gold):
            if i not in used:
                fn[kind] += 1
    out = {}
    for kind in PII_KINDS:
        precision = tp[kind] / max(1, tp[kind] + fp[kind])
        recall = tp[kind] / max(1, tp[kind] + fn[kind])
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        out[kind] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": tp[kind] + fn[kind],
        }
    return {"task": "pii", "texts": len(records), "per_type": out}


def evaluate_faq(faqs_csv: Path, queries_csv: Path) -> dict[str, Any]:
    """Top-1 accuracy and mean reciprocal rank of FAQ retrieval (`faq_id,question,answer` and
    `text,faq_id`)."""
    from core.nlp.loading import load_encoder
    from core.nlp.retrieval import FaqDoc, build_index, search
    from core.settings import get_settings

    encoder = load_encoder(get_settings().encoder_path, quantized=get_settings().ENCODER_INT8)
    with open(faqs_csv, newline="", encoding="utf-8") as fh:
        faqs = list(csv.DictReader(fh))
    with open(queries_csv, newline="", encoding="utf-8") as fh:
        queries = list(csv.DictReader(fh))
    ids = {row["faq_id"]: i for i, row in enumerate(faqs)}
    docs = [
        FaqDoc(i, row["question"], row["answer"], (row["question"],)) for i, row in enumerate(faqs)
    ]
    index = build_index(docs, lambda texts: encoder.encode(texts))
    vectors = encoder.encode([q["text"] for q in queries])
    ranked = search(index, vectors, k=len(docs))
    top1, rr = 0, 0.0
    for query, matches in zip(queries, ranked, strict=True):
        want = ids.get(query["faq_id"])
        order = [m.faq_id for m in matches]
        if order and order[0] == want:
            top1 += 1
        if want in order:
            rr += 1 / (order.index(want) + 1)
    n = max(1, len(queries))
    return {
        "task": "faq",
        "queries": len(queries),
        "top1": round(top1 / n, 4),
        "mrr": round(rr / n, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.nlp.training.evaluate")
    sub = parser.add_subparsers(dest="task", required=True)
    pii = sub.add_parser("pii", help="PII detection on a Presidio-format JSON file")
    pii.add_argument("--data", type=Path, required=True)
    faq = sub.add_parser("faq", help="FAQ retrieval: top-1 accuracy and MRR")
    faq.add_argument("--faqs", type=Path, required=True)
    faq.add_argument("--queries", type=Path, required=True)
    evaluate_intents.add_parser(sub)
    evaluate_emotions.add_parser(sub)
    evaluate_entities.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        if args.task == "pii":
            result = evaluate_pii(json.loads(args.data.read_text(encoding="utf-8")))
        elif args.task == "intents":
            result = evaluate_intents.run(args)
        elif args.task == "emotions":
            result = evaluate_emotions.run(args)
        elif args.task == "entities":
            result = evaluate_entities.run(args)
        else:
            result = evaluate_faq(args.faqs, args.queries)
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot evaluate: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
