"""The encoder's faster int8 pass (ENCODER_INT8): embeddings stay close to the float encoder's
and the demo business's held-out rewordings find the same FAQ, without any warning from torch."""

from __future__ import annotations

import csv
import json
import warnings

import numpy as np
import pytest

from core.nlp.loading import load_encoder
from core.settings import ROOT, Settings

pytestmark = pytest.mark.slow

DEMO = ROOT / "data" / "demo"


def test_the_int8_encoder_finds_the_same_faqs_as_the_float_one(settings: Settings) -> None:
    faqs = json.loads((DEMO / "faqs.json").read_text(encoding="utf-8"))
    questions = [faq["question"] for faq in faqs]
    with open(DEMO / "eval_queries.csv", newline="", encoding="utf-8") as fh:
        queries = [row["text"] for row in csv.DictReader(fh)]
    float_encoder = load_encoder(settings.encoder_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch's deprecation notices stay silenced
        int8_encoder = load_encoder(settings.encoder_path, quantized=True)
        assert int8_encoder.quantized and int8_encoder is not float_encoder
        fast_q, fast_f = int8_encoder.encode(queries), int8_encoder.encode(questions)
    slow_q, slow_f = float_encoder.encode(queries), float_encoder.encode(questions)
    closeness = np.sum(fast_q * slow_q, axis=1)
    assert closeness.min() > 0.9 and np.median(closeness) > 0.96, closeness
    same = np.argmax(fast_q @ fast_f.T, axis=1) == np.argmax(slow_q @ slow_f.T, axis=1)
    assert same.mean() >= 0.95, f"{same.sum()} of {len(same)} rewordings find the same FAQ"
