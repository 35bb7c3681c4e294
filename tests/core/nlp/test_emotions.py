"""Emotion, polarity and urgency: the derivations on their own, and the shipped head on real
customer-service messages with the real encoder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.nlp import emotions
from core.nlp.emotions import (
    LABELS,
    EmotionHead,
    load_head,
    map_model_label,
    predict_emotions,
    predict_emotions_with_model,
    result_from_scores,
    urgency_of,
)
from core.nlp.token_states import TokenStates


def scores(**given: float) -> dict[str, float]:
    return {label: given.get(label, 0.0) for label in LABELS}


def test_angry_is_urgent_and_negative() -> None:
    result = result_from_scores(scores(angry=0.6, frustrated=0.3, neutral=0.1))
    assert (result.label, result.polarity, result.urgency) == ("angry", "negative", "high")
    assert result.polarity_score == pytest.approx(-0.9)


def test_frustration_raises_urgency_only_when_the_head_is_sure() -> None:
    assert urgency_of("frustrated", scores(frustrated=0.7, angry=0.2, neutral=0.1)) == "high"
    assert urgency_of("frustrated", scores(frustrated=0.5, neutral=0.3, happy=0.2)) == "normal"


def test_thanks_is_positive_and_low_urgency() -> None:
    result = result_from_scores(scores(happy=0.8, neutral=0.2))
    assert (result.label, result.polarity, result.urgency) == ("happy", "positive", "low")
    assert result.polarity_score == pytest.approx(0.8)


def test_questions_are_neutral_polarity_and_normal_urgency() -> None:
    for label in ("confused", "neutral"):
        result = result_from_scores(scores(**{label: 0.7, "happy": 0.3}))
        assert (result.polarity, result.urgency) == ("neutral", "normal")
        assert -1.0 <= result.polarity_score <= 1.0


def _toy_states(rows: int, seed: int) -> tuple[TokenStates, np.ndarray]:
    """Texts of 3-7 random "words": one holding the happy word is happy, one holding the angry
    word angry; confused is marked only in the first layer's mean (the tokens cannot tell);
    the rest neutral. The padding past each text's end holds the angry word, so a reader that
    ignored the mask would call every short text angry."""
    rng = np.random.default_rng(seed)
    dim, width = 8, 7
    happy_word, angry_word = np.eye(dim)[0] * 8, np.eye(dim)[1] * 8
    tokens = np.tile(angry_word.astype(np.float32), (rows, width, 1))
    mask = np.zeros((rows, width), dtype=bool)
    means = np.zeros((rows, 2, dim), dtype=np.float32)
    labels = np.full((rows, 2), -1)
    for i in range(rows):
        length = int(rng.integers(3, width))
        tokens[i, :length] = rng.normal(0, 1, (length, dim))
        mask[i, :length] = True
        kind = ("neutral", "happy", "angry", "confused")[i % 4]
        if kind in ("happy", "angry"):
            word = happy_word if kind == "happy" else angry_word
            tokens[i, int(rng.integers(0, length))] += word
        means[i, 0] = rng.normal(0, 1, dim) + (np.eye(dim)[2] * 4 if kind == "confused" else 0)
        means[i, 1] = tokens[i, :length].mean(0)
        labels[i, 0] = LABELS.index(kind)
    return TokenStates(tokens, mask, means), labels


@pytest.mark.slow
def test_a_trained_head_reads_the_same_in_numpy_as_it_learned_in_torch() -> None:
    from core.nlp.loading import fit_attention_head

    states, labels = _toy_states(800, seed=1)
    weights = fit_attention_head(
        states,
        labels,
        outputs=(len(LABELS), len(emotions.EKMAN_LABELS)),
        boosted=np.zeros(800, dtype=bool),
        boost_per_batch=0,
        epochs=10,
        seed=0,
        hidden=16,
        dropout=0.0,
        batch_size=64,
        learning_rate=1e-2,
    )
    head = EmotionHead("toy.head.v1", "none", weights)
    test, gold = _toy_states(200, seed=2)
    results = predict_emotions(head, test)
    right = np.mean([r.label == LABELS[g] for r, g in zip(results, gold[:, 0], strict=True)])
    assert right >= 0.95
    assert all(sum(r.scores.values()) == pytest.approx(1.0) for r in results)
    assert (
        predict_emotions(head, TokenStates(test.tokens[:0], test.mask[:0], test.layer_means[:0]))
        == []
    )
    with pytest.raises(ValueError, match="width 8"):
        predict_emotions(
            head, TokenStates(np.zeros((1, 2, 3)), np.ones((1, 2), bool), test.layer_means[:1])
        )


def test_model_labels_map_onto_product_labels() -> None:
    assert map_model_label("joy") == "happy"
    assert map_model_label("NEGATIVE") == "frustrated"
    assert map_model_label("5 stars") == "happy"
    assert map_model_label("annoyance") == "frustrated"
    assert map_model_label("anger") == "angry"
    assert map_model_label("LABEL_3") is None


def test_pipeline_backend_sums_scores_into_product_labels() -> None:
    def classifier(texts: list[str], **_: Any) -> list[list[dict[str, Any]]]:
        return [
            [
                {"label": "anger", "score": 0.3},
                {"label": "disgust", "score": 0.3},
                {"label": "joy", "score": 0.4},
            ]
            for _ in texts
        ]

    (result,) = predict_emotions_with_model(classifier, ["you people are useless"])
    assert (result.label, result.urgency) == ("angry", "high")
    assert result.scores["angry"] == pytest.approx(0.6)


def test_pipeline_labels_it_cannot_read_are_an_error() -> None:
    def classifier(texts: list[str], **_: Any) -> list[list[dict[str, Any]]]:
        return [[{"label": "LABEL_0", "score": 1.0}] for _ in texts]

    with pytest.raises(ValueError, match="LABEL_0"):
        predict_emotions_with_model(classifier, ["hi"])


def test_missing_head_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="emotion.minilm-attn.v9"):
        load_head("emotion.minilm-attn.v9", tmp_path)


def test_shipped_head_has_a_model_card() -> None:
    folder = emotions.head_dir()
    card = (folder / "MODEL_CARD.md").read_text()
    for needle in ("GoEmotions", "support_train.csv", "macro-F1", "frustrated"):
        assert needle in card
    head = load_head()
    assert head.dim == 384
    assert head.weights["out0_w"].shape[0] == len(LABELS)
    assert head.weights["out1_w"].shape[0] == len(emotions.EKMAN_LABELS)


def _product(text: str, encoder: Any) -> emotions.EmotionResult:
    _, (result,) = encoder.encode_read([text], load_head())
    return result


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "My parcel was supposed to arrive a week ago and it still isn't here",
        "I was charged twice for one order",
        "The table arrived with one leg snapped off",
        "I sent the dress back a month ago and the refund hasn't come through",
    ],
)
def test_factual_complaints_are_negative(text: str, encoder: Any) -> None:
    result = _product(text, encoder)
    assert result.polarity == "negative", result
    assert result.polarity_score < 0


@pytest.mark.slow
def test_thanks_is_happy(encoder: Any) -> None:
    result = _product("thank you so much, that fixed it", encoder)
    assert (result.label, result.polarity) == ("happy", "positive")


@pytest.mark.slow
def test_how_to_question_is_not_negative(encoder: Any) -> None:
    result = _product("how do I change my delivery address?", encoder)
    assert result.label in {"neutral", "confused"}
    assert result.polarity == "neutral"


@pytest.mark.slow
def test_angry_message_is_urgent(encoder: Any) -> None:
    result = _product(
        "This is a disgrace, I want my money back NOW or I'm calling my bank", encoder
    )
    assert result.urgency == "high"


@pytest.mark.slow
def test_local_text_classification_model_through_the_pipeline(
    tmp_path: Path, settings: Any
) -> None:
    """A user's own model (here the shipped encoder with a fresh three-label head) loads through
    loading.load_text_classifier and its labels land on the product labels."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from core.nlp.loading import load_text_classifier

    names = {0: "joy", 1: "anger", 2: "neutral"}
    model = AutoModelForSequenceClassification.from_pretrained(
        str(settings.encoder_path),
        num_labels=3,
        id2label=names,
        label2id={v: k for k, v in names.items()},
        local_files_only=True,
    )
    model.save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(str(settings.encoder_path)).save_pretrained(tmp_path)
    results = predict_emotions_with_model(
        load_text_classifier(tmp_path), ["where is my parcel", "thanks!"]
    )
    assert len(results) == 2
    for result in results:
        assert result.scores["frustrated"] == result.scores["confused"] == 0.0
        assert sum(result.scores.values()) == pytest.approx(1.0)
        assert result.label in {"happy", "angry", "neutral"}
