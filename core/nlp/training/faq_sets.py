"""The FAQs fine-tuning learns from, as plain data: read from CSV files or grouped from the
stored entries the caller read, each FAQ's phrasings split into a training and a held-out share,
and the (anchor, positive) pairs the contrastive loss trains on."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ANSWER_CHARS = 400  # answers are cut here: the question's topic is in their opening


class FaqRecord(Protocol):
    """What grouping reads of a stored FAQ entry (`core.models.FaqEntry` has it)."""

    @property
    def id(self) -> int | None: ...
    @property
    def translation_of(self) -> int | None: ...
    @property
    def question(self) -> str: ...
    @property
    def answer(self) -> str: ...
    @property
    def phrasings(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Faq:
    faq_id: str
    question: str
    answer: str
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    faqs: tuple[Faq, ...]  # phrasings: the training share only
    held_out: tuple[tuple[str, str], ...]  # (text, faq_id)


def split_phrasings(faqs: Sequence[Faq], holdout: float, seed: int) -> Split:
    """Per FAQ with at least two phrasings, hold out `holdout` of them (at least one)."""
    rng = random.Random(seed)
    kept, held = [], []
    for faq in faqs:
        phrasings = list(dict.fromkeys(p for p in faq.phrasings if p != faq.question))
        rng.shuffle(phrasings)
        n = max(1, round(len(phrasings) * holdout)) if len(phrasings) >= 2 else 0
        held += [(p, faq.faq_id) for p in phrasings[:n]]
        kept.append(Faq(faq.faq_id, faq.question, faq.answer, tuple(phrasings[n:])))
    return Split(tuple(kept), tuple(held))


def training_pairs(faqs: Sequence[Faq]) -> list[tuple[str, str, str]]:
    """(anchor, positive, faq_id) triples."""
    pairs = []
    for faq in faqs:
        answer = faq.answer[:ANSWER_CHARS]
        pairs.append((faq.question, answer, faq.faq_id))
        for phrasing in faq.phrasings:
            pairs.append((phrasing, faq.question, faq.faq_id))
            pairs.append((phrasing, answer, faq.faq_id))
    return pairs


def faqs_from_csv(faqs_csv: Path, queries_csv: Path) -> list[Faq]:
    with open(faqs_csv, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(queries_csv, newline="", encoding="utf-8") as fh:
        queries = list(csv.DictReader(fh))
    missing = {"faq_id", "question", "answer"} - set(rows[0] if rows else {})
    if missing or not queries or {"text", "faq_id"} - set(queries[0]):
        raise ValueError("need faq_id,question,answer and text,faq_id columns")
    phrasings: dict[str, list[str]] = {}
    for query in queries:
        phrasings.setdefault(query["faq_id"], []).append(query["text"])
    return [
        Faq(r["faq_id"], r["question"], r["answer"], tuple(phrasings.get(r["faq_id"], ())))
        for r in rows
    ]


def faqs_from_entries(entries: Iterable[FaqRecord]) -> list[Faq]:
    """One Faq per published source entry, its translations' questions and phrasings among its
    phrasings. A translation and its source are one FAQ (as the chat server groups them): the
    loss must never push them apart, and finding the translation is finding the FAQ."""
    entries = list(entries)
    published = {e.id for e in entries}
    groups: dict[int, list[FaqRecord]] = {}
    for e in entries:
        key = e.translation_of if e.translation_of in published else e.id
        if key is not None:
            groups.setdefault(key, []).append(e)
    faqs = []
    for key, group in groups.items():
        group.sort(key=lambda e: (e.id != key, e.id or 0))
        source = group[0]
        texts = [t for e in group for t in (e.question, *e.phrasings) if t != source.question]
        faqs.append(Faq(str(key), source.question, source.answer, tuple(dict.fromkeys(texts))))
    return faqs
