"""What one reply reads, built whole from the published FAQs and swapped as a whole: FAQ groups
(a source and its translations), the retrieval index and the intent head's training."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.models import FaqEntry
from core.models._types import utcnow
from core.nlp.analysis import Heads
from core.nlp.builtin_intents import HUMAN, HUMAN_EXAMPLES
from core.nlp.entities import extract_entities
from core.nlp.intents import IntentModel, train_intents
from core.nlp.retrieval import FaqDoc, FaqIndex


@dataclass(frozen=True)
class Version:
    """One language's version of an FAQ: a published entry."""

    faq_id: int
    language: str
    question: str
    answer: str
    category: str | None
    media: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Snapshot:
    """Everything one reply reads, swapped as a whole when the FAQs or settings change.

    An FAQ and its translations form one group: one intent, one retrieval document (the texts of
    every language), keyed by the source FAQ's id; the answer comes from the visitor's language."""

    index: FaqIndex
    heads: Heads
    groups: dict[int, dict[str, Version]]  # group id -> language -> version
    sources: dict[int, Version]  # group id -> the version answered when the language is missing
    human: np.ndarray  # (n, dim) unit vectors of the built-in examples of asking for a person
    quick_actions: dict[str, Any]
    # group id -> entity types its own examples contain ("What time does the shop open on
    # Saturday?" has a DATE): part of the question itself, so not worth acknowledging.
    asked: dict[int, frozenset[str]] = field(default_factory=dict)


def faq_groups(
    entries: Sequence[FaqEntry],
) -> tuple[dict[int, dict[str, Version]], dict[int, Version], list[FaqDoc]]:
    """Group published FAQs with their translations. A translation whose source is unpublished
    or gone stands alone; two versions in one language keep the source's (or the oldest)."""
    published = {e.id: e for e in entries if e.id is not None}
    members: dict[int, list[FaqEntry]] = {}
    for entry in published.values():
        key = entry.translation_of if entry.translation_of in published else entry.id
        assert key is not None
        members.setdefault(key, []).append(entry)
    groups: dict[int, dict[str, Version]] = {}
    sources: dict[int, Version] = {}
    docs = []
    for key, group in members.items():
        group.sort(key=lambda e: (e.id != key, e.id))  # the source first, then oldest
        versions: dict[str, Version] = {}
        for e in group:
            assert e.id is not None
            versions.setdefault(
                e.language,
                Version(e.id, e.language, e.question, e.answer, e.category, tuple(e.media or ())),
            )
        groups[key] = versions
        sources[key] = versions[group[0].language]
        texts = tuple(dict.fromkeys(t for e in group for t in (e.question, *e.phrasings)))
        docs.append(FaqDoc(key, group[0].question, group[0].answer, texts))
    return groups, sources, docs


def entity_types_asked(
    docs: Sequence[FaqDoc], *, products: Sequence[str], timezone: str
) -> dict[int, frozenset[str]]:
    """Per FAQ group, the entity types found in its question and phrasings."""
    texts = [t for doc in docs for t in doc.texts]
    found = iter(extract_entities(texts, now=utcnow(), products=products, tz=timezone))
    return {doc.faq_id: frozenset(e.type for _ in doc.texts for e in next(found)) for doc in docs}


def train_intent_head(docs: Sequence[FaqDoc], vectors: dict[str, np.ndarray]) -> IntentModel | None:
    """One intent per published FAQ (its question and phrasings are the examples) plus the
    built-in request for a person. Seconds for hundreds of examples on one core."""
    texts = [t for doc in docs for t in doc.texts] + list(HUMAN_EXAMPLES)
    labels = [str(doc.faq_id) for doc in docs for _ in doc.texts] + [HUMAN] * len(HUMAN_EXAMPLES)
    if len(docs) < 1:
        return None
    return train_intents(np.stack([vectors[t] for t in texts]), labels)
