"""The bot's knowledge: FAQ retrieval and the intent head, kept in step with the database, and
the analysis of each visitor message (one encoder pass feeds every head)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from chat_server.batcher import MicroBatcher
from core.bot_texts import TEXTS, say
from core.content.quick_actions import product_buttons
from core.crud import business as business_crud
from core.crud import faqs as faq_crud
from core.models import FaqEntry
from core.models._types import utcnow
from core.nlp.analysis import Analysis, Heads, analyze
from core.nlp.builtin_intents import HUMAN, HUMAN_EXAMPLES
from core.nlp.emotions import EmotionHead, load_head
from core.nlp.encoder_process import EncoderProcess
from core.nlp.intents import IntentModel, train_intents
from core.nlp.retrieval import FaqDoc, FaqIndex, build_index, search
from core.nlp.suggest import SuggestionIndex
from core.replies import Policy, Reply, acknowledge, compose_reply, empathize

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


def train_intent_head(docs: Sequence[FaqDoc], vectors: dict[str, np.ndarray]) -> IntentModel | None:
    """One intent per published FAQ (its question and phrasings are the examples) plus the
    built-in request for a person. Seconds for hundreds of examples on one core."""
    texts = [t for doc in docs for t in doc.texts] + list(HUMAN_EXAMPLES)
    labels = [str(doc.faq_id) for doc in docs for _ in doc.texts] + [HUMAN] * len(HUMAN_EXAMPLES)
    if len(docs) < 1:
        return None
    return train_intents(np.stack([vectors[t] for t in texts]), labels)


class KnowledgeBase:
    def __init__(
        self,
        *,
        encoder: EncoderProcess,
        engine: Engine,
        threshold: float,
        batch_max_size: int,
        intent_threshold: float = 0.7,
        unknown_threshold: float = 0.4,
        link_blocklist: tuple[str, ...] = (),
    ) -> None:
        self.encoder = encoder
        self.engine = engine
        self.policy = Policy(answer_similarity=threshold, unknown_similarity=unknown_threshold)
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
        self.batcher: MicroBatcher[str, Analysis] = MicroBatcher(self.analyze_batch, batch_max_size)
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
        )
        self.version = version
        log.info("knowledge rebuilt: %d FAQs, %d new texts encoded", len(docs), encoded)
        return True

    def analyze_batch(self, texts: Sequence[str]) -> list[Analysis]:
        """One encoder pass for every text in the batch, every head on its embeddings."""
        reader = self.encoder.classify if getattr(self.encoder, "has_classifier", False) else None
        return analyze(
            texts, self.encoder, self.snapshot.heads, now=utcnow(), emotion_reader=reader
        )

    async def analyze(self, text: str) -> Analysis:
        return await self.batcher.submit(text)

    def compose(
        self,
        analysis: Analysis,
        *,
        previous_kind: str | None = None,
        language: str | None = None,
    ) -> Reply:
        """The bot's reply to an analysed message (cheap: the encoder already ran), in
        `language` (the visitor's, by precedence; None: the language of the message)."""
        snapshot = self.snapshot
        language = language or analysis.language or "en"
        matches = search(snapshot.index, analysis.embedding[None, :], k=3)[0]
        questions = {
            key: (versions.get(language) or snapshot.sources[key]).question
            for key, versions in snapshot.groups.items()
        }
        reply = compose_reply(
            matches,
            analysis.intent,
            policy=self.policy,
            previous_kind=previous_kind,
            questions=questions,
            human_similarity=float((snapshot.human @ analysis.embedding).max(initial=0.0))
            if len(snapshot.human)
            else 0.0,
            language=language,
        )
        reply = replace(reply, language=language if language in TEXTS else "en")
        if reply.faq_id is not None and reply.faq_id in snapshot.groups:
            reply = self._in_language(reply, snapshot, language, analysis)
        reply = acknowledge(reply, analysis.entities, reply.language or language)
        if analysis.emotion is None:
            return reply
        emotion = analysis.emotion
        return empathize(
            reply,
            emotion=emotion.label,
            polarity=emotion.polarity,
            urgency=emotion.urgency,
            language=language,
        )

    @staticmethod
    def _in_language(reply: Reply, snapshot: Snapshot, language: str, analysis: Analysis) -> Reply:
        """The answer from the FAQ's version in `language`, else the source's with a note;
        its media, and the owner's product buttons when it concerns a product."""
        assert reply.faq_id is not None
        found = snapshot.groups[reply.faq_id].get(language)
        version = found or snapshot.sources[reply.faq_id]
        text = version.answer if found else f"{version.answer} {say('untranslated', language)}"
        rich = list(version.media)
        buttons = product_buttons(
            snapshot.quick_actions,
            faq_category=version.category,
            entity_labels=[e.type for e in analysis.entities],
        )
        if buttons and not any(b.get("type") == "buttons" for b in rich):
            rich.append(buttons)
        return replace(
            reply, text=text, faq_id=version.faq_id, rich=tuple(rich), language=version.language
        )

    async def reply(self, text: str, previous_kind: str | None = None) -> Reply:
        return self.compose(await self.analyze(text), previous_kind=previous_kind)

    async def keep_fresh(self, every_seconds: float) -> None:
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:  # a database hiccup must not stop future refreshes
                log.exception("knowledge refresh failed; keeping the previous one")
