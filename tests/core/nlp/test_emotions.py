"""Emotion, polarity and urgency: the derivations on their own, and the shipped head on real
customer-service messages with the real encoder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.nlp import emotions
from core.nlp.emotions import (
    LABELS,
    load_head,
    map_model_label,
    predict_emotions_with_model,
    result_from_scores,
    urgency_of,
)


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
