"""The bot's knowledge: FAQ retrieval and the intent head, kept in step with the database."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import business as business_crud
from core.crud import faqs as faq_crud
from core.models import FaqEntry
from core.models._types import utcnow
from core.nlp.analysis import Analysis, Encodes, Heads, analyze
from core.nlp.builtin_intents import HUMAN, HUMAN_EXAMPLES
from core.nlp.emotions import EmotionHead, load_head
from core.nlp.entities import extract_entities
from core.nlp.intents import IntentModel, train_intents
from core.nlp.retrieval import FaqDoc, FaqIndex, build_index
from core.nlp.suggest import SuggestionIndex

log = logging.getLogger(__name__)
ENCODE_CHUNK = 64


def _emotion_head() -> EmotionHead | None:
    try:
        return load_head()
    except FileNotFoundError:
        log.warning("no emotion head shipped: messages are answered without reading emotion")
        return None


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


class Knowledge:
    """The current Snapshot, rebuilt by `refresh` when the FAQs or settings change, and the
    analysis of visitor messages against it (one encoder pass feeds every head). Framework-free:
    the chat server wraps `analyze_batch` in its micro-batcher and calls `refresh` on a timer."""

    def __init__(
        self,
        *,
        encoder: Encodes,
        engine: Engine,
        intent_threshold: float,
        link_blocklist: tuple[str, ...] = (),
    ) -> None:
        self.encoder = encoder
        self.engine = engine
        self.intent_threshold = intent_threshold
        self.link_blocklist = link_blocklist
        # A small head on the same encoder pass's token states: no second pass.
        self.emotions: EmotionHead | None = _emotion_head()
        self.snapshot = Snapshot(
            build_index([], lambda texts: np.zeros((0, 1))),
            Heads(
                emotions=self.emotions, threshold=intent_threshold, link_blocklist=link_blocklist
            ),
            {},
            {},
            np.zeros((0, 1), dtype=np.float32),
            {},
        )
        self.version: object = None
        self.suggestions = SuggestionIndex([])
        self._vectors_by_text: dict[str, np.ndarray] = {}

    @property
    def index(self) -> FaqIndex:
        return self.snapshot.index

    def _encode_missing(self, wanted: set[str]) -> int:
        missing = [t for t in wanted if t not in self._vectors_by_text]
        for start in range(0, len(missing), ENCODE_CHUNK):
            chunk = missing[start : start + ENCODE_CHUNK]
            for text, vector in zip(chunk, self.encoder.encode(chunk), strict=True):
                self._vectors_by_text[text] = vector
        self._vectors_by_text = {t: v for t, v in self._vectors_by_text.items() if t in wanted}
        return len(missing)

    def refresh(self) -> bool:
        """Rebuild the index and retrain the intent head when the FAQs or the business settings
        changed; only new texts are encoded."""
        with Session(self.engine) as session:
            business = business_crud.get_business(session=session)
            version = (
                faq_crud.faq_version(session=session),
                business.timezone,
                tuple(business.products),
                repr(business.quick_actions),
            )
            if version == self.version:
                return False
            entries = faq_crud.list_faqs(session=session, published_only=True)
            groups, sources, docs = faq_groups(entries)
            timezone, products = business.timezone, tuple(business.products)
            quick_actions = dict(business.quick_actions or {})
        self.suggestions = SuggestionIndex(
            [(e.id, e.question, e.phrasings) for e in entries if e.id is not None]
        )
        encoded = self._encode_missing({t for doc in docs for t in doc.texts} | set(HUMAN_EXAMPLES))
        vectors = self._vectors_by_text
        self.snapshot = Snapshot(
            index=build_index(docs, lambda texts: np.stack([vectors[t] for t in texts])),
            heads=Heads(
                intents=train_intent_head(docs, vectors),
                emotions=self.emotions,
                products=products,
                timezone=timezone,
                threshold=self.intent_threshold,
                link_blocklist=self.link_blocklist,
            ),
            groups=groups,
            sources=sources,
            human=np.stack([vectors[t] for t in HUMAN_EXAMPLES]),
            quick_actions=quick_actions,
            asked=entity_types_asked(docs, products=products, timezone=timezone),
        )
        self.version = version
        log.info("knowledge rebuilt: %d FAQs, %d new texts encoded", len(docs), encoded)
        return True

    def analyze_batch(self, texts: Sequence[str]) -> list[Analysis]:
        """One encoder pass for every text in the batch, every head on its embeddings."""
        # EncoderProcess with EMOTION_MODEL_PATH reads emotion with that classifier instead.
        has_classifier = getattr(self.encoder, "has_classifier", False)
        reader = getattr(self.encoder, "classify", None) if has_classifier else None
        return analyze(
            texts, self.encoder, self.snapshot.heads, now=utcnow(), emotion_reader=reader
        )
