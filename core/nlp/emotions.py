"""Emotion, polarity and urgency of a visitor's message, from a small network on the token
states of the encoder pass the bot already makes for every message (numpy only: no torch here).

The shipped head `emotion.minilm-attn.v2` attends over the last layer's token vectors (four
learned attention queries) beside the mean of every layer, through one shared hidden layer, into
two softmax outputs: the product labels (happy, frustrated, angry, confused, neutral) that the
app uses, and GoEmotions' Ekman labels (the published benchmark; same trunk, so the benchmark
measures what the app reads). The encoder runs it on the states of the pass that computed the
embedding (`Encoder.encode_read(texts, head)`): no second pass. Polarity and urgency are derived
from the product probabilities, so they can never contradict the label:

- polarity_score = P(happy) - P(frustrated) - P(angry), in [-1, 1]; the polarity is that of
  the label (happy -> positive, frustrated/angry -> negative, confused/neutral -> neutral).
- urgency: angry -> high; frustrated -> high when P(frustrated) + P(angry) >= HIGH_NEGATIVE,
  else normal; happy -> low (the visitor is satisfied); confused/neutral -> normal.

A user with a local Hugging Face text-classification model can use it instead
(`EMOTION_MODEL_PATH`, loaded by `core.nlp.loading.load_text_classifier`); its labels are mapped
onto the five product labels by `map_model_label` and the same derivations apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

from core.nlp.token_states import TokenStates

HEAD_NAME = "emotion.minilm-attn.v2"
MODELS_DIR = Path(__file__).resolve().parents[2] / "data" / "models"
WEIGHTS_FILE = "head.npz"

LABELS = ("happy", "frustrated", "angry", "confused", "neutral")
EKMAN_LABELS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
POLARITIES = ("negative", "neutral", "positive")
URGENCIES = ("low", "normal", "high")
POLARITY_OF = {
    "happy": "positive",
    "frustrated": "negative",
    "angry": "negative",
    "confused": "neutral",
    "neutral": "neutral",
}
# A frustrated message this sure of its negativity is as pressing as an angry one.
HIGH_NEGATIVE = 0.85

# Labels of common text-classification models (GoEmotions 28 and Ekman, emotion and sentiment
# models, star ratings) onto the product labels; a label not listed is ignored.
_MODEL_LABELS = {
    "happy": (
        "happy joy happiness love admiration amusement approval caring excitement gratitude",
        "optimism pride relief positive pos 4_stars 5_stars 4_star 5_star very_positive",
    ),
    "frustrated": (
        "frustrated frustration sad sadness annoyance disappointment disapproval grief remorse",
        "nervousness embarrassment fear worry negative neg 1_star 2_stars 2_star very_negative",
    ),
    "angry": ("angry anger rage disgust hate",),
    "confused": ("confused confusion curiosity",),
    "neutral": ("neutral 3_stars 3_star surprise realization desire other others none",),
}
MODEL_LABEL_MAP = {
    name: label for label, lines in _MODEL_LABELS.items() for line in lines for name in line.split()
}


# The arrays of a head, as `core.nlp.training.attention_head.fit_attention_head` returns them
# (out0: product, out1: Ekman).
WEIGHTS = (
    "pool_w",
    "pool_b",
    "centre",
    "scale",
    "hidden_w",
    "hidden_b",
    "out0_w",
    "out0_b",
    "out1_w",
    "out1_b",
)


@dataclass(frozen=True, eq=False)
class EmotionHead:
    name: str
    encoder: str  # the sentence encoder whose token states the head was trained on
    weights: dict[str, np.ndarray]  # WEIGHTS; Linear layout y = x @ w.T + b

    @property
    def dim(self) -> int:
        return int(self.weights["pool_w"].shape[1])

    def read(self, states: TokenStates) -> list[EmotionResult]:
        """The encoder calls this on the token states of the pass it just made."""
        return predict_emotions(self, states)


@dataclass(frozen=True)
class EmotionResult:
    label: str  # one of LABELS
    scores: dict[str, float]  # probability per label in LABELS, summing to 1
    polarity: str  # one of POLARITIES
    polarity_score: float  # in [-1, 1]; below 0 is negative
    urgency: str  # one of URGENCIES


def head_dir(name: str = HEAD_NAME, models_dir: Path | None = None) -> Path:
    """The folder of a versioned head: weights plus MODEL_CARD.md."""
    if not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.v\d+", name):
        raise ValueError(f"not a versioned head name: {name!r}")
    return (models_dir or MODELS_DIR) / name


@lru_cache(maxsize=4)
def load_head(name: str = HEAD_NAME, models_dir: Path | None = None) -> EmotionHead:
    path = head_dir(name, models_dir) / WEIGHTS_FILE
    if not path.exists():
        raise FileNotFoundError(f"no emotion head {name!r} at {path}")
    with np.load(path, allow_pickle=False) as data:
        if tuple(str(x) for x in data["labels"]) != LABELS or tuple(
            str(x) for x in data["ekman_labels"]
        ) != (EKMAN_LABELS):
            raise ValueError(f"{path}: labels differ from {LABELS} / {EKMAN_LABELS}")
        missing = set(WEIGHTS) - set(data.files)
        if missing:
            raise ValueError(f"{path}: not an attention head (missing {sorted(missing)})")
        weights = {key: data[key].astype(np.float32) for key in WEIGHTS}
        return EmotionHead(name=name, encoder=str(data["encoder"]), weights=weights)


def save_head(head: EmotionHead, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WEIGHTS_FILE
    arrays: dict[str, Any] = {key: head.weights[key].astype(np.float32) for key in WEIGHTS}
    np.savez_compressed(
        path,
        labels=np.array(LABELS),
        ekman_labels=np.array(EKMAN_LABELS),
        encoder=np.array(head.encoder),
        **arrays,
    )
    return path


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def head_logits(head: EmotionHead, states: TokenStates) -> tuple[np.ndarray, np.ndarray]:
    """(product logits (n, 5), Ekman logits (n, 7)): the network of
    `core.nlp.training.attention_head.fit_attention_head` in numpy."""
    w = head.weights
    tokens = np.asarray(states.tokens, dtype=np.float32)
    if tokens.ndim != 3 or tokens.shape[2] != head.dim:
        raise ValueError(f"expected token states of width {head.dim}, got {tokens.shape}")
    n = tokens.shape[0]
    if n == 0:
        return np.zeros((0, w["out0_b"].shape[0]), np.float32), np.zeros(
            (0, w["out1_b"].shape[0]), np.float32
        )
    scores = tokens @ w["pool_w"].T + w["pool_b"]  # (n, T, K)
    scores = np.where(np.asarray(states.mask, dtype=bool)[:, :, None], scores, -1e4)
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    attention = scores / scores.sum(axis=1, keepdims=True)
    pooled = np.matmul(attention.transpose(0, 2, 1), tokens).reshape(n, -1)  # (n, K * H)
    means = (np.asarray(states.layer_means, np.float32).reshape(n, -1) - w["centre"]) / w["scale"]
    z = np.concatenate([pooled, means], axis=1) @ w["hidden_w"].T + w["hidden_b"]
    z = 0.5 * z * (1.0 + erf(z / np.sqrt(2.0)))  # GELU, as torch computes it
    return z @ w["out0_w"].T + w["out0_b"], z @ w["out1_w"].T + w["out1_b"]


def product_probabilities(head: EmotionHead, states: TokenStates) -> np.ndarray:
    """(n, len(LABELS)) probabilities."""
    return _softmax(head_logits(head, states)[0])


def predict_ekman(head: EmotionHead, states: TokenStates) -> list[str]:
    """GoEmotions Ekman label per text (the benchmark output of the same network)."""
    return [EKMAN_LABELS[i] for i in head_logits(head, states)[1].argmax(axis=1)]


def polarity_score(scores: Mapping[str, float]) -> float:
    value = scores.get("happy", 0.0) - scores.get("frustrated", 0.0) - scores.get("angry", 0.0)
    return float(min(1.0, max(-1.0, value)))


def urgency_of(label: str, scores: Mapping[str, float]) -> str:
    """Negative emotions raise urgency: angry -> high; frustrated -> high when the head is sure
    enough that the message is negative, else normal; happy -> low; otherwise normal."""
    if label == "angry":
        return "high"
    if label == "frustrated":
        negative = scores.get("frustrated", 0.0) + scores.get("angry", 0.0)
        return "high" if negative >= HIGH_NEGATIVE else "normal"
    if label == "happy":
        return "low"
    return "normal"


def result_from_scores(scores: Mapping[str, float]) -> EmotionResult:
    """The label, polarity and urgency that follow from probabilities over LABELS."""
    full = {label: float(scores.get(label, 0.0)) for label in LABELS}
    label = max(LABELS, key=lambda name: full[name])
    return EmotionResult(
        label=label,
        scores=full,
        polarity=POLARITY_OF[label],
        polarity_score=polarity_score(full),
        urgency=urgency_of(label, full),
    )


def predict_emotions(head: EmotionHead, states: TokenStates) -> list[EmotionResult]:
    """One result per text of `states` (from `Encoder.token_states` or `encode_read`)."""
    probs = product_probabilities(head, states)
    return [result_from_scores(dict(zip(LABELS, row.tolist(), strict=True))) for row in probs]


def map_model_label(label: str) -> str | None:
    """A model's own label ("joy", "NEGATIVE", "5 stars", "annoyance") as a product label, or
    None when it says nothing the product uses."""
    key = re.sub(r"[\s-]+", "_", label.strip().lower())
    return MODEL_LABEL_MAP.get(key)


def scores_from_model(predictions: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Sum a model's per-label scores into the product labels and renormalise."""
    totals = dict.fromkeys(LABELS, 0.0)
    seen = []
    for item in predictions:
        seen.append(str(item["label"]))
        mapped = map_model_label(str(item["label"]))
        if mapped is not None:
            totals[mapped] += float(item["score"])
    total = sum(totals.values())
    if total <= 0:
        raise ValueError(f"none of the model's labels {seen} maps onto {LABELS}")
    return {label: value / total for label, value in totals.items()}


def predict_emotions_with_model(classifier: Any, texts: Sequence[str]) -> list[EmotionResult]:
    """Results from a transformers text-classification pipeline (see
    `core.nlp.loading.load_text_classifier`) instead of the head; it reads the texts itself."""
    if not texts:
        return []
    outputs = classifier(list(texts), top_k=None, truncation=True)
    return [result_from_scores(scores_from_model(out)) for out in outputs]
