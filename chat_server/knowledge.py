"""The bot's knowledge: an embedding index of the published FAQs, kept in step with the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from chat_server.batcher import MicroBatcher
from core.crud import faqs as faq_crud
from core.nlp.emotions import EmotionHead, load_head, predict_emotions
from core.nlp.encoder_process import EncoderProcess
from core.nlp.retrieval import FaqDoc, FaqIndex, build_index, search
from core.nlp.suggest import SuggestionIndex
from core.replies import Reply, compose_reply, empathize

log = logging.getLogger(__name__)
ENCODE_CHUNK = 64


def _emotion_head() -> EmotionHead | None:
    try:
        return load_head()
    except FileNotFoundError:
        log.warning("no emotion head shipped: messages are answered without reading emotion")
        return None


class KnowledgeBase:
    def __init__(
        self, *, encoder: EncoderProcess, engine: Engine, threshold: float, batch_max_size: int
    ) -> None:
        self.encoder = encoder
        self.engine = engine
        self.threshold = threshold
        self.index: FaqIndex = build_index([], self._vectors)
        self.version: object = None
        self.suggestions = SuggestionIndex([])
        self.batcher: MicroBatcher[str, Reply] = MicroBatcher(self.reply_batch, batch_max_size)
        self._vectors_by_text: dict[str, np.ndarray] = {}
        self.media: dict[int, tuple[dict[str, Any], ...]] = {}  # FAQ id -> its rich blocks
        # A small head on the same embedding: no second encoder pass.
        self.emotions: EmotionHead | None = _emotion_head()

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vectors_by_text[t] for t in texts]) if texts else np.zeros((0, 1))

    def refresh(self) -> bool:
        """Rebuild the index when the FAQs changed; only new texts are encoded."""
        with Session(self.engine) as session:
            version = faq_crud.faq_version(session=session)
            if version == self.version:
                return False
            entries = faq_crud.list_faqs(session=session, published_only=True)
            docs = [
                FaqDoc(e.id, e.question, e.answer, tuple(dict.fromkeys([e.question, *e.phrasings])))
                for e in entries
                if e.id is not None
            ]
        self.media = {e.id: tuple(e.media or ()) for e in entries if e.id is not None and e.media}
        self.suggestions = SuggestionIndex(
            [(e.id, e.question, e.phrasings) for e in entries if e.id is not None]
        )
        wanted = {t for doc in docs for t in doc.texts}
        missing = [t for t in wanted if t not in self._vectors_by_text]
        for start in range(0, len(missing), ENCODE_CHUNK):
            chunk = missing[start : start + ENCODE_CHUNK]
            for text, vector in zip(chunk, self.encoder.encode(chunk), strict=True):
                self._vectors_by_text[text] = vector
        self._vectors_by_text = {t: v for t, v in self._vectors_by_text.items() if t in wanted}
        self.index = build_index(docs, self._vectors)
        self.version = version
        log.info("FAQ index rebuilt: %d entries, %d new texts encoded", len(docs), len(missing))
        return True

    def reply_batch(self, texts: Sequence[str]) -> list[Reply]:
        """One encoder pass for every text in the batch, then one reply each."""
        index = self.index
        vectors = self.encoder.encode(texts)
        replies = [
            self._with_media(compose_reply(m, self.threshold)) for m in search(index, vectors, k=3)
        ]
        if self.emotions is None:
            return replies
        readings = predict_emotions(self.emotions, vectors)
        return [
            empathize(reply, emotion=r.label, polarity=r.polarity, urgency=r.urgency)
            for reply, r in zip(replies, readings, strict=True)
        ]

    def _with_media(self, reply: Reply) -> Reply:
        media = self.media.get(reply.faq_id) if reply.faq_id is not None else None
        return replace(reply, rich=media) if media else reply

    async def reply(self, text: str) -> Reply:
        return await self.batcher.submit(text)

    async def keep_fresh(self, every_seconds: float) -> None:
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:  # a database hiccup must not stop future refreshes
                log.exception("FAQ refresh failed; keeping the previous index")
