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
from core.crud import business as business_crud
from core.crud import faqs as faq_crud
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
class Snapshot:
    """Everything one reply reads, swapped as a whole when the FAQs or settings change."""

    index: FaqIndex
    heads: Heads
    questions: dict[int, str]
    media: dict[int, tuple[dict[str, Any], ...]]  # FAQ id -> its rich blocks
    human: np.ndarray  # (n, dim) unit vectors of the built-in examples of asking for a person


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
        # A small head on the same embedding: no second encoder pass.
        self.emotions: EmotionHead | None = _emotion_head()
        self.snapshot = Snapshot(
            build_index([], lambda texts: np.zeros((0, 1))),
            Heads(
                emotions=self.emotions, threshold=intent_threshold, link_blocklist=link_blocklist
            ),
            {},
            {},
            np.zeros((0, 1), dtype=np.float32),
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
            )
            if version == self.version:
                return False
            entries = faq_crud.list_faqs(session=session, published_only=True)
            docs = [
                FaqDoc(e.id, e.question, e.answer, tuple(dict.fromkeys([e.question, *e.phrasings])))
                for e in entries
                if e.id is not None
            ]
            timezone, products = business.timezone, tuple(business.products)
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
            questions={doc.faq_id: doc.question for doc in docs},
            media={e.id: tuple(e.media) for e in entries if e.id is not None and e.media},
            human=np.stack([vectors[t] for t in HUMAN_EXAMPLES]),
        )
        self.version = version
        log.info("knowledge rebuilt: %d FAQs, %d new texts encoded", len(docs), encoded)
        return True

    def analyze_batch(self, texts: Sequence[str]) -> list[Analysis]:
        """One encoder pass for every text in the batch, every head on its embeddings."""
        return analyze(texts, self.encoder.encode, self.snapshot.heads, now=utcnow())

    async def analyze(self, text: str) -> Analysis:
        return await self.batcher.submit(text)

    def compose(self, analysis: Analysis, *, previous_kind: str | None = None) -> Reply:
        """The bot's reply to an analysed message (cheap: the encoder already ran)."""
        snapshot = self.snapshot
        matches = search(snapshot.index, analysis.embedding[None, :], k=3)[0]
        reply = compose_reply(
            matches,
            analysis.intent,
            policy=self.policy,
            previous_kind=previous_kind,
            questions=snapshot.questions,
            human_similarity=float((snapshot.human @ analysis.embedding).max(initial=0.0))
            if len(snapshot.human)
            else 0.0,
        )
        media = snapshot.media.get(reply.faq_id) if reply.faq_id is not None else None
        if media:
            reply = replace(reply, rich=media)
        reply = acknowledge(reply, analysis.entities)
        if analysis.emotion is None:
            return reply
        emotion = analysis.emotion
        return empathize(
            reply, emotion=emotion.label, polarity=emotion.polarity, urgency=emotion.urgency
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
