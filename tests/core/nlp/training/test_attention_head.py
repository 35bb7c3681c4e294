"""The emotion head's network: trained in torch on toy token states, it must read the same with
the run-time numpy code, honour the padding mask and use the layer means."""

from __future__ import annotations

import numpy as np
import pytest

from core.nlp import emotions
from core.nlp.emotions import LABELS, EmotionHead, predict_emotions
from core.nlp.token_states import TokenStates
from core.nlp.training.attention_head import fit_attention_head


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
