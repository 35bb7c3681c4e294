"""One analysis per visitor message: every head reads the one encoder pass of the message.

`analyze(texts, encoder, heads)` filters each text (secrets masked, profanity censored: nothing
unfiltered reaches the encoder or storage), detects its language, encodes the batch once, and
reads intent (from the embedding), emotion (from the same pass's token states) and entities.
The bot's knowledge (core/bot/knowledge.py) calls it, and the chat server on micro-batches of
concurrent messages; benchmarks/nlp_throughput.py measures it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from core.nlp.emotions import EmotionHead, EmotionResult
from core.nlp.entities import Entity, extract_entities
from core.nlp.filters import Filtered, filter_text
from core.nlp.intents import (
    IntentModel,
    IntentResult,
    predict_intents,
)
from core.nlp.language import detect_languages
from core.nlp.token_states import StateReader


class Encodes(Protocol):
    """core.nlp.loading.Encoder, or core.nlp.encoder_process.EncoderProcess."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_read(self, texts: Sequence[str], reader: StateReader) -> tuple[np.ndarray, Any]: ...


@dataclass(frozen=True, eq=False)
class Analysis:
    text: str  # after the content filter: what is stored and what the encoder read
    flags: tuple[str, ...]  # what the filter did ("pii:CREDIT_CARD", "profanity")
    sensitive: bool  # secrets were masked: the visitor is warned
    language: str | None  # ISO 639-1; None when the text is too short to tell
    embedding: np.ndarray  # unit vector
    intent: IntentResult | None  # None until the business has two intents to tell apart
    emotion: EmotionResult | None  # None when no emotion head is installed
    entities: tuple[Entity, ...] = field(default_factory=tuple)

    @property
    def polarity(self) -> str | None:
        return None if self.emotion is None else self.emotion.polarity

    @property
    def urgency(self) -> str | None:
        return None if self.emotion is None else self.emotion.urgency


@dataclass(frozen=True)
class Heads:
    """What reads the encoder pass; replaced as a whole when the FAQs change (no torn reads)."""

    intent_threshold: float  # INTENT_THRESHOLD: the intent head's confidence needed to answer
    intents: IntentModel | None = None
    emotions: EmotionHead | None = None
    products: tuple[str, ...] = ()
    timezone: str = "UTC"
    link_blocklist: tuple[str, ...] = ()  # hosts flagged besides the shipped list


def analyze(
    texts: Sequence[str],
    encoder: Encodes,
    heads: Heads,
    *,
    now: datetime,
    emotion_reader: Callable[[Sequence[str]], list[EmotionResult]] | None = None,
) -> list[Analysis]:
    """Analyses in the order of `texts`. `emotion_reader` replaces the emotion head (a local
    Hugging Face classifier, EMOTION_MODEL_PATH); it reads the filtered texts."""
    filtered: list[Filtered] = [filter_text(t, heads.link_blocklist) for t in texts]
    clean = [f.text for f in filtered]
    emotions: Sequence[EmotionResult | None]
    if emotion_reader is None and heads.emotions is not None:
        vectors, emotions = encoder.encode_read(clean, heads.emotions)
    else:
        vectors = encoder.encode(clean)
        emotions = emotion_reader(clean) if emotion_reader is not None else [None] * len(clean)
    languages = detect_languages(clean)
    intents: Sequence[IntentResult | None] = (
        predict_intents(heads.intents, vectors, threshold=heads.intent_threshold)
        if heads.intents is not None and len(clean)
        else [None] * len(clean)
    )
    entities = extract_entities(clean, now=now, products=heads.products, tz=heads.timezone)
    return [
        Analysis(
            text=f.text,
            flags=tuple(f.flags),
            sensitive=f.had_sensitive_data,
            language=language,
            embedding=vector,
            intent=intent,
            emotion=emotion,
            entities=tuple(found),
        )
        for f, language, vector, intent, emotion, found in zip(
            filtered, languages, vectors, intents, emotions, entities, strict=True
        )
    ]
