"""The bot's knowledge kept in step with the database: the current Snapshot, rebuilt when the
FAQs or the business settings change (only new texts are encoded), and the analysis of visitor
messages against it."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.bot.snapshot import Snapshot, entity_types_asked, faq_groups, train_intent_head
from core.crud import business as business_crud
from core.crud import faqs as faq_crud
from core.models._types import utcnow
from core.nlp.analysis import Analysis, Encodes, Heads, analyze
from core.nlp.builtin_intents import HUMAN_EXAMPLES
from core.nlp.emotions import EmotionHead, load_head
from core.nlp.retrieval import FaqIndex, build_index
from core.nlp.suggest import SuggestionIndex

log = logging.getLogger(__name__)
ENCODE_CHUNK = 64


def _emotion_head() -> EmotionHead | None:
    try:
        return load_head()
    except FileNotFoundError:
        log.warning("no emotion head shipped: messages are answered without reading emotion")
        return None


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
                intent_threshold=intent_threshold,
                emotions=self.emotions,
                link_blocklist=link_blocklist,
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
                intent_threshold=self.intent_threshold,
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
