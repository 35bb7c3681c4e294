"""`python -m core.nlp.training.evaluate entities --test FILE.conll [--map src=dst,...]`:
entity-level precision, recall and F1 per type of `core.nlp.entities` on an IOB2 CoNLL file
(token<TAB>tag, a blank line between sentences), counting exact spans only (seqeval, strict
IOB2).

Each sentence is detokenised into text, entities are extracted from it, and every token a
predicted entity touches gets that entity's tag. `--map` renames types on both sides (gold
`person=PERSON`, predicted `DATE=DATE_TIME`); with a map, only the types it names are scored,
so a data set's types the extractor does not know (WNUT's group) and the extractor's types a
data set does not annotate (MONEY on WNUT) count neither way.

WNUT-17: --test ../shared/datasets/wnut17/emerging.test.annotated
  --map person=PERSON,location=LOCATION,corporation=ORG,product=PRODUCT
Presidio is JSON; write a CoNLL file first, then score it:
  python -c "from core.nlp.training.evaluate_entities import presidio_to_conll as c;
  c('../shared/datasets/presidio_pii/synth_dataset_v2.json', '/tmp/presidio.conll')"
  --test /tmp/presidio.conll --map PERSON=PERSON,DATE=DATE_TIME,TIME=DATE_TIME,GPE=LOCATION,
  ORGANIZATION=ORG
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

Sentence = list[tuple[str, str]]  # (token, IOB2 tag)

# Evaluation text has no message time; a fixed one keeps the figures reproducible.
EVAL_NOW = datetime(2026, 11, 24, 10, 0)
BATCH = 32
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,!?;:%)\]}]|'s|'re|'ll|'ve|'d|'m|n't)$", re.IGNORECASE)
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#", "€", "£"}
_TOKEN = re.compile(r"\w+(?:[-:/.@'’]\w+)*|[^\w\s]")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "entities", help="named entities: exact-span precision/recall/F1 per type (IOB2 CoNLL)"
    )
    parser.add_argument("--test", type=Path, required=True, help="token<TAB>tag CoNLL file")
    parser.add_argument("--map", default="", help="rename types: src=dst,... (scores only those)")
    return parser


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of (token, tag); a blank line (or one holding only a tab) ends a sentence."""
    sentences: list[Sentence] = []
    current: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                if current:
                    sentences.append(current)
                current = []
                continue
            token, tag = line.rstrip("\n").rsplit("\t", 1)
            current.append((token.strip(), tag.strip()))
    if current:
        sentences.append(current)
    return sentences


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text of the tokens and each token's (start, end) in it."""
    parts: list[str] = []
    offsets = []
    length = 0
    for i, token in enumerate(tokens):
        if i and not _NO_SPACE_BEFORE.match(token) and tokens[i - 1] not in _NO_SPACE_AFTER:
            parts.append(" ")
            length += 1
        offsets.append((length, length + len(token)))
        parts.append(token)
        length += len(token)
    return "".join(parts), offsets


def spans_to_tags(spans: list[tuple[str, int, int]], offsets: list[tuple[int, int]]) -> list[str]:
    """IOB2 tags of the tokens: each (type, start, end) span tags the tokens it touches, the
    first B- and the rest I-; a token already tagged keeps its tag."""
    tags = ["O"] * len(offsets)
    for kind, start, end in spans:
        touched = [i for i, (s, e) in enumerate(offsets) if s < end and start < e]
        free = [i for i in touched if tags[i] == "O"]
        for n, i in enumerate(free):
            tags[i] = ("B-" if n == 0 else "I-") + kind
    return tags


def parse_map(text: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"--map takes src=dst pairs separated by commas, not {text!r}")
    return {src.strip(): dst.strip() for src, dst in pairs}


def _retag(tag: str, mapping: dict[str, str], scored: set[str] | None) -> str:
    if tag == "O":
        return tag
    prefix, _, kind = tag.partition("-")
    kind = mapping.get(kind, kind)
    return f"{prefix}-{kind}" if scored is None or kind in scored else "O"


def score(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Exact-span precision, recall, F1 and support per type, and their micro average."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    report = classification_report(
        gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
    )
    out = {
        name: {
            "precision": round(float(row["precision"]), 4),
            "recall": round(float(row["recall"]), 4),
            "f1": round(float(row["f1-score"]), 4),
            "support": int(row["support"]),
        }
        for name, row in report.items()
    }
    micro = out.pop("micro avg", {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0})
    for name in ("macro avg", "weighted avg"):
        out.pop(name, None)
    return {"per_type": dict(sorted(out.items())), "micro": micro}


def evaluate(sentences: list[Sentence], mapping: dict[str, str]) -> dict[str, Any]:
    from core.nlp.entities import extract_entities, warm_up

    warm_up()

    scored = set(mapping) | set(mapping.values()) if mapping else None
    gold = [[_retag(tag, mapping, scored) for _, tag in sentence] for sentence in sentences]
    predicted = []
    seconds = 0.0
    for first in range(0, len(sentences), BATCH):
        batch = [detokenise([token for token, _ in s]) for s in sentences[first : first + BATCH]]
        start = time.perf_counter()
        found = extract_entities([text for text, _ in batch], now=EVAL_NOW)
        seconds += time.perf_counter() - start
        for (_, offsets), entities in zip(batch, found, strict=True):
            spans = [(e.type, e.start, e.end) for e in entities]
            tags = spans_to_tags(spans, offsets)
            predicted.append([_retag(tag, mapping, scored) for tag in tags])
    return {
        "task": "entities",
        "sentences": len(sentences),
        **score(gold, predicted),
        "ms_per_sentence": round(1000 * seconds / max(1, len(sentences)), 4),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    sentences = read_conll(args.test)
    if not sentences:
        raise ValueError(f"no sentences in {args.test}")
    return {"test": args.test.name, **evaluate(sentences, parse_map(args.map))}


def presidio_to_conll(source: str | Path, target: str | Path) -> int:
    """Write a Presidio-format JSON file (`full_text`, `spans`) as IOB2 CoNLL; returns the
    number of sentences. Tokens are words (with inner - : / . @ ') and single punctuation."""
    lines = []
    for record in json.loads(Path(source).read_text(encoding="utf-8")):
        text = record["full_text"]
        tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        spans = [
            (s["entity_type"], s["start_position"], s["end_position"]) for s in record["spans"]
        ]
        spans.sort(key=lambda span: (span[1], -span[2]))
        tags = spans_to_tags(spans, [(start, end) for _, start, end in tokens])
        lines += [f"{token}\t{tag}" for (token, _, _), tag in zip(tokens, tags, strict=True)]
        lines.append("")
    Path(target).write_text("\n".join(lines), encoding="utf-8")
    return sum(1 for line in lines if not line)
