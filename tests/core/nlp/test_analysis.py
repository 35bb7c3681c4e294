"""One analysis per message: the filter runs first, one encoder pass feeds every head."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pytest

from core.nlp.analysis import Heads, analyze
from core.nlp.emotions import load_head
from core.nlp.intents import train_intents

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 24, 10, 0)  # a Tuesday


def test_every_head_reads_one_encoder_pass_of_the_filtered_text(encoder: object) -> None:
    seen: list[list[str]] = []

    class Counting:
        def encode(self, texts: Sequence[str]) -> np.ndarray:
            seen.append(list(texts))
            return encoder.encode(texts)  # type: ignore[attr-defined, no-any-return]

        def encode_read(self, texts: Sequence[str], reader: Any) -> tuple[np.ndarray, Any]:
            seen.append(list(texts))
            return encoder.encode_read(texts, reader)  # type: ignore[attr-defined, no-any-return]

    examples = ["when do you open", "opening hours", "where is my parcel", "track my order"]
    intents = train_intents(encoder.encode(examples), ["hours", "hours", "order", "order"])  # type: ignore[attr-defined]
    heads = Heads(
        intent_threshold=0.7, intents=intents, emotions=load_head(), products=("Trek Marlin 5",)
    )
    texts = [
        "My card 4111 1111 1111 1111 was charged twice for the Trek Marlin 5, this is a disgrace!",
        "Where is my order #A12345? It should have come on Monday.",
    ]
    first, second = analyze(texts, Counting(), heads, now=NOW)

    assert len(seen) == 1 and len(seen[0]) == 2  # one pass for the batch, every head on it
    assert "4111" not in seen[0][0] and "4111" not in first.text  # masked before encoding
    assert first.sensitive and "pii:CREDIT_CARD" in first.flags
    assert first.emotion is not None and first.polarity == "negative"
    assert ("PRODUCT", "Trek Marlin 5") in {(e.type, e.value) for e in first.entities}

    assert second.language == "en"
    assert second.intent is not None and second.intent.label == "order"
    assert {(e.type, e.value) for e in second.entities} >= {
        ("ORDER_ID", "A12345"),
        ("DATE", "2026-11-30"),
    }
    assert second.embedding.shape == (encoder.dim,)  # type: ignore[attr-defined]


def test_without_heads_the_analysis_still_filters_and_detects_language(encoder: object) -> None:
    (only,) = analyze(
        ["¿Dónde está mi pedido? Llegó roto."], encoder, Heads(intent_threshold=0.7), now=NOW
    )  # type: ignore[arg-type]
    assert only.language == "es" and only.intent is None and only.emotion is None
