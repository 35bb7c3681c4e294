"""Labelled emotion texts on disk: GoEmotions splits (read in place from ../shared/datasets,
never copied into the project) and the project's own `text,label` CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

from core.nlp.emotions import LABELS


def read_goemotions(folder: Path, split: str) -> list[tuple[str, list[str]]]:
    """(text, label names) per comment of `folder/split.tsv`; a comment may carry several
    labels (their ids index `folder/labels.txt`)."""
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    rows = []
    with open(folder / f"{split}.tsv", encoding="utf-8") as fh:
        for line in fh:
            text, ids, _ = line.rstrip("\n").split("\t")
            rows.append((text, [names[int(i)] for i in ids.split(",")]))
    return rows


def single_labelled(rows: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """(text, label) of the comments with exactly one label: a multi-label comment has no
    single right answer to score a classifier against."""
    return [(text, names[0]) for text, names in rows if len(names) == 1]


def read_csv(path: Path, *, polarity: bool) -> list[tuple[str, str]]:
    """(text, label) of a `text,label` CSV; with `polarity`, the `polarity` column when the file
    has one (the support test set carries both)."""
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    column = "polarity" if polarity and records and "polarity" in records[0] else "label"
    return [(r["text"], r[column].strip().lower()) for r in records]


def read_support(path: Path) -> list[tuple[str, str]]:
    """The support-style training lines; a label the head does not have is an error, not a
    silently dropped row."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    unknown = {label for _, label in rows} - set(LABELS)
    if unknown:
        raise ValueError(f"{path}: unknown labels {sorted(unknown)}")
    return rows
